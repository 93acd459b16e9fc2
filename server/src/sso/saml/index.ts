/** SAML 2.0 service provider, framework-free. The SSO core wires it to HTTP, the database and sessions. */
export { SamlError, isSamlError, type SamlErrorCode } from './errors';
export {
  parseIdpMetadata,
  buildSpMetadata,
  certificateToPem,
  NAMEID_FORMAT,
  type IdpMetadata,
  type ParseIdpMetadataOptions,
  type SpMetadataOptions,
  type SsoBinding,
} from './metadata';
export { ENTRA_CLAIM, type SamlClaims } from './claims';
export { InMemoryDevReplayStore, InMemoryDevRequestStore, type SamlReplayStore, type SamlRequestStore } from './stores';
export {
  createSamlServiceProvider,
  SAML_DEFAULTS,
  type SamlLoginRequest,
  type SamlLoginResult,
  type SamlServiceProvider,
  type SamlServiceProviderOptions,
  type SamlStores,
} from './service-provider';
export {
  createSamlLogout,
  LOGOUT_REQUEST_MAX_AGE_MS,
  type SamlLogout,
  type SamlLogoutOptions,
  type SamlLogoutSubject,
  type SloMessage,
} from './logout';
export type { ReceivedLogoutRequest, ReceivedLogoutResponse } from './logout-messages';
