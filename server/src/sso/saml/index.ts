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
