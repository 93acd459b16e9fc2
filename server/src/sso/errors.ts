/**
 * Every refusal of a sign-in is an `SsoError` with a stable `code`, so the HTTP layer maps it to a page and a
 * provisioning-log line without parsing messages. `message` is for operators (the log) and never contains
 * tokens or secrets; `publicMessage` is the only text shown to the person signing in.
 */
export type SsoErrorCode =
  // Configuration (raised at start-up or when an admin saves a connection).
  | 'SSO_CONFIG_INVALID'
  | 'SSO_CONNECTION_UNKNOWN'
  | 'SSO_CONNECTION_DISABLED'
  | 'SSO_CONNECTION_READ_ONLY'
  | 'SSO_PROTOCOL_MISMATCH'
  | 'SSO_METADATA_UNAVAILABLE'
  | 'SSO_SECRET_UNREADABLE'
  // Starting a sign-in.
  | 'SSO_RETURN_TO_INVALID'
  | 'SSO_DISCOVERY_FAILED'
  // The callback: binding the response to the request that started it.
  | 'SSO_IDP_ERROR'
  | 'SSO_STATE_MISSING'
  | 'SSO_STATE_UNKNOWN'
  | 'SSO_STATE_EXPIRED'
  | 'SSO_STATE_WRONG_BROWSER'
  | 'SSO_STATE_WRONG_CONNECTION'
  // SAML: the posted response was refused (the SamlError code is kept as `reason`).
  | 'SSO_SAML_REJECTED'
  | 'SSO_BODY_TOO_LARGE'
  // The tokens.
  | 'SSO_TOKEN_REJECTED'
  | 'SSO_TENANT_MISSING'
  | 'SSO_TENANT_NOT_ALLOWED'
  | 'SSO_CLAIMS_MISSING'
  // Who the person is in Strapi.
  | 'SSO_EMAIL_IN_USE'
  | 'SSO_EMAIL_MISSING'
  | 'SSO_NOT_PROVISIONED'
  | 'SSO_USER_INACTIVE'
  | 'SSO_RULES_DENY'
  | 'SSO_SESSION_FAILED';

export class SsoError extends Error {
  constructor(
    readonly code: SsoErrorCode,
    /** Operator-facing detail for the log (no tokens, no secrets). */
    message: string,
    /** What the person signing in reads; defaults to a generic sentence per code. */
    readonly publicMessage: string = PUBLIC_MESSAGES[code],
    /** HTTP status of the error page. */
    readonly status: number = STATUS[code] ?? 400,
    /** A finer, stable reason (the SamlError code of a refused SAML response), shown and logged instead of `code`. */
    readonly reason?: string
  ) {
    super(message);
    this.name = 'SsoError';
  }
}

export const isSsoError = (error: unknown): error is SsoError => error instanceof SsoError;

const PUBLIC_MESSAGES: Record<SsoErrorCode, string> = {
  SSO_CONFIG_INVALID: 'This sign-in method is not configured correctly. Please contact your Strapi administrator.',
  SSO_CONNECTION_UNKNOWN: 'This sign-in method does not exist.',
  SSO_CONNECTION_DISABLED: 'This sign-in method is currently disabled.',
  SSO_CONNECTION_READ_ONLY: 'This connection is declared in the plugin configuration and cannot be changed here.',
  SSO_PROTOCOL_MISMATCH: 'This address does not belong to this sign-in method.',
  SSO_METADATA_UNAVAILABLE: 'The identity provider’s settings could not be loaded. Please try again later.',
  SSO_SAML_REJECTED: 'The identity provider’s answer could not be verified, so you were not signed in.',
  SSO_BODY_TOO_LARGE: 'The identity provider’s answer was too large, so you were not signed in.',
  SSO_SECRET_UNREADABLE: 'This sign-in method is not configured correctly. Please contact your Strapi administrator.',
  SSO_RETURN_TO_INVALID: 'The address to return to after sign-in is not a page of this Strapi admin panel.',
  SSO_DISCOVERY_FAILED: 'The identity provider could not be reached. Please try again later.',
  SSO_IDP_ERROR: 'The identity provider did not sign you in.',
  SSO_STATE_MISSING: 'This sign-in response cannot be matched to a sign-in started here. Please start again.',
  SSO_STATE_UNKNOWN: 'This sign-in response was already used or cannot be matched to a sign-in started here. Please start again.',
  SSO_STATE_EXPIRED: 'This sign-in took too long. Please start again.',
  SSO_STATE_WRONG_BROWSER: 'This sign-in was started in another browser. Please start again.',
  SSO_STATE_WRONG_CONNECTION: 'This sign-in response belongs to another sign-in method. Please start again.',
  SSO_TOKEN_REJECTED: 'The identity provider’s answer could not be verified, so you were not signed in.',
  SSO_TENANT_MISSING: 'Your organisation could not be determined from the identity provider’s answer.',
  SSO_TENANT_NOT_ALLOWED: 'Accounts of your organisation are not allowed to sign in here.',
  SSO_CLAIMS_MISSING: 'The identity provider did not send the information needed to identify you.',
  SSO_EMAIL_IN_USE:
    'A Strapi admin account with your email address already exists, and it is not linked to this sign-in method. ' +
    'Ask your Strapi administrator to link it.',
  SSO_EMAIL_MISSING: 'The identity provider did not send an email address, which Strapi needs for admin accounts.',
  SSO_NOT_PROVISIONED: 'You do not have a Strapi admin account yet. Ask your Strapi administrator for access.',
  SSO_USER_INACTIVE: 'Your Strapi admin account is deactivated.',
  SSO_RULES_DENY: 'Your organisation’s access rules do not give you access to this Strapi admin panel.',
  SSO_SESSION_FAILED: 'Your session could not be created. Please try again.',
};

const STATUS: Partial<Record<SsoErrorCode, number>> = {
  SSO_CONFIG_INVALID: 500,
  SSO_SECRET_UNREADABLE: 500,
  SSO_CONNECTION_UNKNOWN: 404,
  SSO_CONNECTION_DISABLED: 404,
  SSO_CONNECTION_READ_ONLY: 409,
  SSO_PROTOCOL_MISMATCH: 404,
  SSO_METADATA_UNAVAILABLE: 502,
  SSO_BODY_TOO_LARGE: 413,
  SSO_DISCOVERY_FAILED: 502,
  SSO_EMAIL_IN_USE: 403,
  SSO_NOT_PROVISIONED: 403,
  SSO_USER_INACTIVE: 403,
  SSO_RULES_DENY: 403,
  SSO_TENANT_NOT_ALLOWED: 403,
  SSO_SESSION_FAILED: 500,
};
