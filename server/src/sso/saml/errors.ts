/**
 * Every refusal of the SAML module is a `SamlError` with a stable `code`, so the SSO core can map it to a page
 * and a log line without parsing messages. Messages are for operators (logs), never shown verbatim to the
 * end user: some of them quote values taken from an unauthenticated response.
 */
export type SamlErrorCode =
  // Configuration and metadata (raised at set-up or import time, never during a login).
  | 'SAML_CONFIG_INVALID'
  | 'SAML_METADATA_INVALID'
  | 'SAML_METADATA_NOT_IDP'
  | 'SAML_METADATA_EXPIRED'
  | 'SAML_METADATA_CERTIFICATE_INVALID'
  // Transport and XML hygiene (before any XML library sees the document).
  | 'SAML_RESPONSE_MISSING'
  | 'SAML_RESPONSE_TOO_LARGE'
  | 'SAML_RESPONSE_MALFORMED'
  | 'SAML_DTD_FORBIDDEN'
  | 'SAML_XML_COMMENT_FORBIDDEN'
  | 'SAML_XML_MALFORMED'
  // Structure (before signature validation; only ever refuses).
  | 'SAML_NOT_A_RESPONSE'
  | 'SAML_STATUS_NOT_SUCCESS'
  | 'SAML_ENCRYPTED_ASSERTION_UNSUPPORTED'
  | 'SAML_ASSERTION_COUNT'
  | 'SAML_ASSERTION_NOT_SIGNED'
  | 'SAML_RESPONSE_NOT_SIGNED'
  | 'SAML_SIGNATURE_ALGORITHM_WEAK'
  | 'SAML_SIGNATURE_ALGORITHM_UNSUPPORTED'
  | 'SAML_SIGNATURE_INVALID'
  // Assertion semantics (checked on the signature-verified bytes).
  | 'SAML_DESTINATION_MISMATCH'
  | 'SAML_RECIPIENT_MISMATCH'
  | 'SAML_ISSUER_MISMATCH'
  | 'SAML_AUDIENCE_MISMATCH'
  | 'SAML_SUBJECT_CONFIRMATION_INVALID'
  | 'SAML_ASSERTION_EXPIRED'
  | 'SAML_ASSERTION_NOT_YET_VALID'
  | 'SAML_NAMEID_MISSING'
  | 'SAML_NAMEID_MISMATCH'
  // Session binding and replay (store-backed).
  | 'SAML_IN_RESPONSE_TO_MISMATCH'
  | 'SAML_IN_RESPONSE_TO_UNKNOWN'
  | 'SAML_IDP_INITIATED_NOT_ALLOWED'
  | 'SAML_ASSERTION_REPLAYED'
  // Single logout (LogoutRequest / LogoutResponse at the SP's SLO endpoint).
  | 'SAML_NOT_A_LOGOUT_MESSAGE'
  | 'SAML_LOGOUT_REQUEST_NOT_SIGNED'
  | 'SAML_LOGOUT_REQUEST_EXPIRED'
  | 'SAML_LOGOUT_REQUEST_REPLAYED'
  | 'SAML_SLO_UNAVAILABLE'
  // node-saml refused for a reason none of our own guards recognised first.
  | 'SAML_VALIDATION_FAILED';

export class SamlError extends Error {
  override readonly name = 'SamlError';

  constructor(
    readonly code: SamlErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSamlError(error: unknown, code?: SamlErrorCode): error is SamlError {
  return error instanceof SamlError && (code === undefined || error.code === code);
}
