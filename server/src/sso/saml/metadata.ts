/**
 * IdP metadata import and SP metadata export.
 *
 * Import takes the XML as text: the SSO core fetches `idpMetadataUrl` itself (with its own timeout and size
 * limit) and hands the body here, so this module never does I/O. Metadata signatures are not verified: the
 * document comes from an administrator (pasted, uploaded or fetched over HTTPS from a URL they entered), and
 * what we pin afterwards is the certificates it lists.
 */
import { X509Certificate } from 'node:crypto';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { SamlError } from './errors';
import { NS, attribute, childElements, descendantElements, fullText, isElement, parseXml } from './xml';

export const SAML_BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export type SsoBinding = 'HTTP-Redirect' | 'HTTP-POST';

export interface IdpMetadata {
  entityId: string;
  /** Where AuthnRequests go. HTTP-Redirect is preferred (Entra and Okta both offer it); POST otherwise. */
  ssoUrl: string;
  ssoBinding: SsoBinding;
  /** Single logout endpoint, HTTP-Redirect preferred, when the IdP offers one. */
  sloUrl?: string;
  /** The binding of `sloUrl`. The SP sends LogoutRequests over HTTP-Redirect only. */
  sloBinding?: SsoBinding;
  /** The SingleLogoutService's ResponseLocation, when the IdP takes LogoutResponses at another URL. */
  sloResponseUrl?: string;
  /** PEM certificates the IdP signs with (current and, during a rollover, next). Deduplicated, in document order. */
  certificates: string[];
  /** NameID formats the IdP declares, informational. */
  nameIdFormats: string[];
  /** `validUntil` of the document, when it has one. */
  validUntil?: Date;
}

export interface ParseIdpMetadataOptions {
  /** Pick this entity from an `EntitiesDescriptor` (federation aggregate). Required when it holds several IdPs. */
  entityId?: string;
  /** Refuse documents larger than this many characters. Default 1 MiB (one Entra app's metadata is ~5 KB). */
  maxLength?: number;
  /** Only for tests and local demos: accept `http://` endpoints on loopback hosts. */
  allowLoopbackHttp?: boolean;
  /** Clock for `validUntil`, default `Date.now`. */
  now?: () => number;
}

const DEFAULT_MAX_METADATA_LENGTH = 1024 * 1024;

/** Parses IdP metadata XML into the pieces a SAML connection needs. Throws `SamlError` on anything unexpected. */
export function parseIdpMetadata(xml: string, options: ParseIdpMetadataOptions = {}): IdpMetadata {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new SamlError('SAML_METADATA_INVALID', 'IdP metadata is empty');
  }
  if (xml.length > (options.maxLength ?? DEFAULT_MAX_METADATA_LENGTH)) {
    throw new SamlError('SAML_METADATA_INVALID', 'IdP metadata is larger than the configured limit');
  }
  // A DTD is refused inside parseXml (SAML_DTD_FORBIDDEN), the same as for responses.
  const root = parseXml(xml.trim(), 'IdP metadata').documentElement;
  const now = (options.now ?? Date.now)();

  let entity: Element;
  if (isElement(root, NS.metadata, 'EntityDescriptor')) {
    entity = root;
  } else if (isElement(root, NS.metadata, 'EntitiesDescriptor')) {
    assertNotExpired(root, now);
    const idpEntities = descendantElements(root, NS.metadata, 'EntityDescriptor').filter(
      (candidate) => childElements(candidate, NS.metadata, 'IDPSSODescriptor').length > 0,
    );
    const chosen = options.entityId
      ? idpEntities.filter((candidate) => candidate.getAttribute('entityID') === options.entityId)
      : idpEntities;
    if (chosen.length === 0) {
      throw new SamlError('SAML_METADATA_NOT_IDP', 'The metadata aggregate holds no matching identity provider');
    }
    if (chosen.length > 1) {
      throw new SamlError('SAML_METADATA_INVALID', 'The metadata aggregate holds several identity providers; name one by entity ID');
    }
    entity = chosen[0]!;
  } else {
    throw new SamlError(
      'SAML_METADATA_INVALID',
      `Not SAML 2.0 metadata (root element is {${(root as Element).namespaceURI ?? ''}}${(root as Element).localName})`,
    );
  }

  const entityId = attribute(entity, 'entityID');
  if (!entityId) throw new SamlError('SAML_METADATA_INVALID', 'EntityDescriptor has no entityID');
  if (options.entityId && options.entityId !== entityId) {
    throw new SamlError('SAML_METADATA_INVALID', `Metadata describes ${entityId}, not ${options.entityId}`);
  }
  assertNotExpired(entity, now);

  // Entra's federation metadata also carries WS-Federation RoleDescriptors; only the SAML 2.0 IdP role counts.
  const idpDescriptor = childElements(entity, NS.metadata, 'IDPSSODescriptor').find((descriptor) =>
    (descriptor.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.protocol),
  );
  if (!idpDescriptor) {
    throw new SamlError('SAML_METADATA_NOT_IDP', 'The metadata has no SAML 2.0 IDPSSODescriptor (is this SP metadata?)');
  }
  assertNotExpired(idpDescriptor, now);

  const endpoint = (localName: string, binding: string): string | undefined => {
    const found = childElements(idpDescriptor, NS.metadata, localName).find((el) => el.getAttribute('Binding') === binding);
    const location = attribute(found, 'Location');
    return location === undefined ? undefined : checkEndpointUrl(location, localName, options.allowLoopbackHttp === true);
  };
  const redirectSso = endpoint('SingleSignOnService', SAML_BINDING.redirect);
  const postSso = endpoint('SingleSignOnService', SAML_BINDING.post);
  const ssoUrl = redirectSso ?? postSso;
  if (!ssoUrl) {
    throw new SamlError('SAML_METADATA_INVALID', 'The IdP offers no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding');
  }
  const redirectSlo = endpoint('SingleLogoutService', SAML_BINDING.redirect);
  const sloUrl = redirectSlo ?? endpoint('SingleLogoutService', SAML_BINDING.post);
  const sloBinding: SsoBinding = redirectSlo !== undefined ? 'HTTP-Redirect' : 'HTTP-POST';
  const sloElement = childElements(idpDescriptor, NS.metadata, 'SingleLogoutService').find(
    (el) => el.getAttribute('Binding') === (sloBinding === 'HTTP-Redirect' ? SAML_BINDING.redirect : SAML_BINDING.post),
  );
  const responseLocation = attribute(sloElement, 'ResponseLocation');
  const sloResponseUrl = responseLocation === undefined ? undefined : checkEndpointUrl(responseLocation, 'SingleLogoutService ResponseLocation', options.allowLoopbackHttp === true);

  const certificates: string[] = [];
  for (const keyDescriptor of childElements(idpDescriptor, NS.metadata, 'KeyDescriptor')) {
    const use = keyDescriptor.getAttribute('use');
    if (use && use !== 'signing') continue; // encryption-only keys never sign assertions
    for (const certElement of descendantElements(keyDescriptor, NS.dsig, 'X509Certificate')) {
      const pem = certificateToPem(fullText(certElement) ?? '');
      if (!certificates.includes(pem)) certificates.push(pem);
    }
  }
  if (certificates.length === 0) {
    throw new SamlError('SAML_METADATA_CERTIFICATE_INVALID', 'The IdP metadata lists no signing certificate');
  }

  const nameIdFormats = childElements(idpDescriptor, NS.metadata, 'NameIDFormat')
    .map((el) => fullText(el))
    .filter((value): value is string => value !== undefined);
  const validUntil = earliestValidUntil([root, entity, idpDescriptor]);

  return {
    entityId,
    ssoUrl,
    ssoBinding: ssoUrl === redirectSso ? 'HTTP-Redirect' : 'HTTP-POST',
    ...(sloUrl ? { sloUrl, sloBinding, ...(sloResponseUrl ? { sloResponseUrl } : {}) } : {}),
    certificates,
    nameIdFormats,
    ...(validUntil ? { validUntil } : {}),
  };
}

/**
 * Normalises a certificate given as PEM or bare base64 (as in metadata or Entra's "Certificate (Base64)"
 * download) to PEM, and proves it parses. Throws `SAML_METADATA_CERTIFICATE_INVALID`.
 */
export function certificateToPem(certificate: string): string {
  const base64 = certificate
    .replace(/-----BEGIN CERTIFICATE-----/g, '')
    .replace(/-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new SamlError('SAML_METADATA_CERTIFICATE_INVALID', 'Certificate is not base64');
  }
  try {
    const parsed = new X509Certificate(Buffer.from(base64, 'base64'));
    return parsed.toString().trim();
  } catch (cause) {
    throw new SamlError('SAML_METADATA_CERTIFICATE_INVALID', 'Certificate does not parse as X.509', { cause });
  }
}

export interface SpMetadataOptions {
  spEntityId: string;
  acsUrl: string;
  /** NameIDFormat to advertise; default unspecified (the IdP decides; Entra and Okta both honour their app setting). */
  nameIdFormat?: string;
  /** Single logout endpoint, when the SSO core serves one. */
  sloUrl?: string;
  /** The SP signing key pair (PEM), when AuthnRequests are signed: the certificate is published. */
  signing?: { privateKey: string; certificate: string };
}

export const NAMEID_FORMAT = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
} as const;

/**
 * SP metadata for the IdP administrator (Entra "Upload metadata file", Okta "SP metadata"). It always says
 * WantAssertionsSigned="true": we refuse unsigned assertions, and some IdPs (samlify among them) only sign
 * the assertion when the SP asks for it here.
 */
export function buildSpMetadata(options: SpMetadataOptions): string {
  const xml = generateServiceProviderMetadata({
    issuer: options.spEntityId,
    callbackUrl: options.acsUrl,
    identifierFormat: options.nameIdFormat ?? NAMEID_FORMAT.unspecified,
    wantAssertionsSigned: true,
    ...(options.sloUrl ? { logoutCallbackUrl: options.sloUrl } : {}),
    // node-saml publishes the certificate (and AuthnRequestsSigned="true") only when it also has the key.
    ...(options.signing ? { privateKey: options.signing.privateKey, publicCerts: certificateToPem(options.signing.certificate) } : {}),
  });
  if (!options.sloUrl) return xml;
  // node-saml advertises the SLO endpoint with the HTTP-POST binding only; ours takes HTTP-Redirect too (Entra and
  // Okta send LogoutRequests and LogoutResponses by redirect), so say so, Redirect first.
  const postSlo = /<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-POST" Location="([^"]*)"\/>/;
  return xml.replace(postSlo, (element, location: string) => `<SingleLogoutService Binding="${SAML_BINDING.redirect}" Location="${location}"/>${element}`);
}

function checkEndpointUrl(location: string, what: string, allowLoopbackHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new SamlError('SAML_METADATA_INVALID', `${what} Location is not an absolute URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && loopback && url.protocol === 'http:')) {
    throw new SamlError('SAML_METADATA_INVALID', `${what} Location must use https`);
  }
  return location;
}

function assertNotExpired(element: Element, now: number): void {
  const validUntil = parseValidUntil(element);
  if (validUntil && validUntil.getTime() <= now) {
    throw new SamlError('SAML_METADATA_EXPIRED', `IdP metadata expired at ${validUntil.toISOString()}`);
  }
}

function parseValidUntil(element: Element): Date | undefined {
  const raw = attribute(element, 'validUntil');
  if (raw === undefined) return undefined;
  const parsed = Date.parse(raw);
  if (Number.isNaN(parsed)) throw new SamlError('SAML_METADATA_INVALID', 'validUntil is not a date');
  return new Date(parsed);
}

function earliestValidUntil(elements: Element[]): Date | undefined {
  const dates = elements.map(parseValidUntil).filter((value): value is Date => value !== undefined);
  if (dates.length === 0) return undefined;
  return new Date(Math.min(...dates.map((date) => date.getTime())));
}
