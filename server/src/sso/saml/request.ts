/**
 * SP-initiated AuthnRequest, built by node-saml. We choose the request ID ourselves (so the caller can store
 * it before the browser leaves) and keep node-saml's own InResponseTo cache switched off: the SSO core's
 * database-backed `SamlRequestStore` replaces it.
 */
import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo, type CacheProvider, type SamlConfig } from '@node-saml/node-saml';
import type { SsoBinding } from './metadata';

export interface AuthnRequestSettings {
  spEntityId: string;
  acsUrl: string;
  idpSsoUrl: string;
  idpSsoBinding: SsoBinding;
  idpCertificates: string[];
  /** NameIDPolicy Format to request; omitted by default so the IdP uses the format its app is set up with. */
  nameIdFormat?: string;
  forceAuthn: boolean;
  /** Sign AuthnRequests (RSA-SHA256). Neither Entra nor Okta requires it. */
  signing?: { privateKey: string; certificate: string };
}

export type BuiltAuthnRequest =
  | { requestId: string; binding: 'HTTP-Redirect'; redirectUrl: string }
  | { requestId: string; binding: 'HTTP-POST'; postUrl: string; postFields: Record<string, string> };

/** 160 random bits; the leading underscore keeps it an xs:ID (an NCName cannot start with a digit). */
export function newRequestId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

export async function buildAuthnRequest(
  settings: AuthnRequestSettings,
  params: { requestId: string; relayState?: string },
): Promise<BuiltAuthnRequest> {
  const saml = new SAML({
    ...nodeSamlBaseConfig(settings),
    entryPoint: settings.idpSsoUrl,
    authnRequestBinding: settings.idpSsoBinding,
    generateUniqueId: () => params.requestId,
    forceAuthn: settings.forceAuthn,
    identifierFormat: settings.nameIdFormat ?? null,
    // The HTTP-POST binding carries the request base64 but NOT deflated (SAML bindings §3.5.4); node-saml
    // deflates by default whatever the binding.
    skipRequestCompression: settings.idpSsoBinding === 'HTTP-POST',
    ...(settings.signing ? { privateKey: settings.signing.privateKey, publicCert: settings.signing.certificate, signatureAlgorithm: 'sha256' as const, digestAlgorithm: 'sha256' } : {}),
  });
  const relayState = params.relayState ?? '';
  if (settings.idpSsoBinding === 'HTTP-POST') {
    // Fields, not node-saml's ready-made page: that page relies on an inline script and onload handler, which
    // the SSO core's Content-Security-Policy should decide about (nonce), not this module.
    const message = await saml.getAuthorizeMessageAsync(relayState);
    const postFields: Record<string, string> = {};
    for (const [name, value] of Object.entries(message)) if (typeof value === 'string' && value !== '') postFields[name] = value;
    return { requestId: params.requestId, binding: 'HTTP-POST', postUrl: settings.idpSsoUrl, postFields };
  }
  return { requestId: params.requestId, binding: 'HTTP-Redirect', redirectUrl: await saml.getAuthorizeUrlAsync(relayState, undefined, {}) };
}

/** A cache provider that must never be reached: InResponseTo is our job, atomically, in the injected store. */
export const unusedNodeSamlCache: CacheProvider = {
  saveAsync: async () => {
    throw new Error('node-saml InResponseTo cache is disabled; the SAML module uses SamlRequestStore');
  },
  getAsync: async () => null,
  removeAsync: async () => null,
};

/** The node-saml settings shared by request building and response validation. */
export function nodeSamlBaseConfig(settings: Pick<AuthnRequestSettings, 'spEntityId' | 'acsUrl' | 'idpCertificates'>): SamlConfig {
  return {
    issuer: settings.spEntityId,
    callbackUrl: settings.acsUrl,
    // An array pins every listed certificate: current and next during a rollover.
    idpCert: settings.idpCertificates,
    audience: settings.spEntityId,
    wantAssertionsSigned: true,
    validateInResponseTo: ValidateInResponseTo.never,
    cacheProvider: unusedNodeSamlCache,
    // Entra answers AADSTS75011 when the requested AuthnContext (node-saml asks for PasswordProtectedTransport)
    // differs from how the user actually signed in (MFA, passwordless, federated); ask for none.
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
  };
}
