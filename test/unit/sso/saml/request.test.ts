/** SP-initiated AuthnRequests and connection configuration. */
import { createPublicKey, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import {
  InMemoryDevReplayStore,
  InMemoryDevRequestStore,
  createSamlServiceProvider,
  isSamlError,
  type SamlRequestStore,
  type SamlServiceProviderOptions,
} from '../../../../server/src/sso/saml';
import { generateTestKeyPair } from './helpers/certificates';
import { ACS_URL, SP_ENTITY_ID, connect, defaultIdp } from './helpers/fixture';

const authnRequestXml = (redirectUrl: string): string =>
  inflateRawSync(Buffer.from(new URL(redirectUrl).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');

describe('createLoginRequest (HTTP-Redirect)', () => {
  test('builds an AuthnRequest to the IdP, records its id with an expiry, and a real IdP reads the same id', async () => {
    const c = connect();
    const before = Date.now();
    const request = await c.sp.createLoginRequest({ relayState: '/admin/plugins/upload' });
    if (request.binding !== 'HTTP-Redirect') throw new Error('expected redirect');

    const url = new URL(request.redirectUrl);
    expect(`${url.origin}${url.pathname}`).toBe(c.idp.ssoUrl);
    expect(url.searchParams.get('RelayState')).toBe('/admin/plugins/upload');
    const xml = authnRequestXml(request.redirectUrl);
    expect(xml).toContain(`ID="${request.requestId}"`);
    expect(xml).toContain(`AssertionConsumerServiceURL="${ACS_URL}"`);
    expect(xml).toContain(`Destination="${c.idp.ssoUrl}"`);
    expect(xml).toContain(`>${SP_ENTITY_ID}</saml:Issuer>`);
    // Entra: a RequestedAuthnContext that does not match the actual sign-in method fails with AADSTS75011.
    expect(xml).not.toContain('RequestedAuthnContext');
    expect(xml).not.toMatch(/NameIDPolicy[^>]*Format=/);

    expect(request.requestId).toMatch(/^_[0-9a-f]{40}$/);
    expect(request.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(request.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
    expect(c.requests.size).toBe(1);
    await expect(c.idp.readAuthnRequest(c.spMetadataXml, request.redirectUrl)).resolves.toMatchObject({
      id: request.requestId,
      acsUrl: ACS_URL,
      issuer: SP_ENTITY_ID,
    });
  });

  test('every request gets a fresh id', async () => {
    const c = connect();
    const ids = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await c.sp.createLoginRequest()).requestId)));
    expect(ids.size).toBe(20);
    expect(c.requests.size).toBe(20);
  });

  test('nameIdFormat and forceAuthn are passed on', async () => {
    const c = connect({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', forceAuthn: true });
    const request = await c.sp.createLoginRequest();
    if (request.binding !== 'HTTP-Redirect') throw new Error('expected redirect');
    const xml = authnRequestXml(request.redirectUrl);
    expect(xml).toMatch(/NameIDPolicy[^>]*Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"/);
    expect(xml).toContain('ForceAuthn="true"');
  });

  test('signed requests carry an RSA-SHA256 redirect signature that verifies with the SP certificate', async () => {
    const spKey = generateTestKeyPair('SP signing');
    const c = connect({ signing: { privateKey: spKey.privateKeyPem, certificate: spKey.certificatePem } });
    const request = await c.sp.createLoginRequest({ relayState: 'r' });
    if (request.binding !== 'HTTP-Redirect') throw new Error('expected redirect');
    const query = new URL(request.redirectUrl).search.slice(1);
    const signed = query.split('&').filter((pair) => !pair.startsWith('Signature=')).join('&');
    const signature = Buffer.from(new URL(request.redirectUrl).searchParams.get('Signature')!, 'base64');
    expect(new URL(request.redirectUrl).searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(verify('sha256', Buffer.from(signed), createPublicKey(spKey.certificatePem), signature)).toBe(true);
    expect(c.spMetadataXml).toContain('AuthnRequestsSigned="true"');
  });

  test('the request id is stored before the URL is handed out: a failing store means no URL', async () => {
    const failing: SamlRequestStore = {
      save: async () => {
        throw new Error('database down');
      },
      take: async () => false,
    };
    const idp = defaultIdp();
    const sp = createSamlServiceProvider(
      { connectionId: 'x', spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.keyPair.certificatePem] } },
      { requests: failing, replays: new InMemoryDevReplayStore() },
    );
    await expect(sp.createLoginRequest()).rejects.toThrow('database down');
  });
});

describe('createLoginRequest (HTTP-POST, for IdPs without the redirect binding)', () => {
  test('returns the IdP URL and form fields carrying the (not deflated) AuthnRequest', async () => {
    const idp = defaultIdp();
    const c = connect({ idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, ssoBinding: 'HTTP-POST', certificates: [idp.keyPair.certificatePem] } });
    const request = await c.sp.createLoginRequest({ relayState: '/admin' });
    if (request.binding !== 'HTTP-POST') throw new Error('expected POST');
    expect(request.postUrl).toBe(idp.ssoUrl);
    expect(request.postFields.RelayState).toBe('/admin');
    expect(Buffer.from(request.postFields.SAMLRequest!, 'base64').toString()).toContain(`ID="${request.requestId}"`);
    expect(c.requests.size).toBe(1);
  });
});

describe('connection configuration', () => {
  const idp = defaultIdp();
  const base: SamlServiceProviderOptions = {
    connectionId: 'entra',
    spEntityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.keyPair.certificatePem] },
  };
  const stores = { requests: new InMemoryDevRequestStore(), replays: new InMemoryDevReplayStore() };
  const codeFor = (options: SamlServiceProviderOptions): string => {
    try {
      createSamlServiceProvider(options, stores);
      return 'accepted';
    } catch (error) {
      return isSamlError(error) ? error.code : 'foreign error';
    }
  };
  const third = generateTestKeyPair('third').certificatePem;
  const second = generateTestKeyPair('second').certificatePem;

  test.each<[string, Partial<SamlServiceProviderOptions>]>([
    ['an empty spEntityId', { spEntityId: '' }],
    ['an http ACS URL', { acsUrl: 'http://cms.example.test/api/sso/entra/acs' }],
    ['a relative ACS URL', { acsUrl: '/api/sso/entra/acs' }],
    ['no certificate', { idp: { ...base.idp, certificates: [] } }],
    ['three certificates', { idp: { ...base.idp, certificates: [idp.keyPair.certificatePem, second, third] } }],
    ['a garbage certificate', { idp: { ...base.idp, certificates: ['not a certificate'] } }],
    ['a 1-hour clock skew', { clockSkewMs: 60 * 60_000 }],
    ['a tiny response cap', { maxResponseLength: 10 }],
  ])('refuses %s', (_label, override) => {
    expect(codeFor({ ...base, ...override })).toBe('SAML_CONFIG_INVALID');
  });

  test('accepts two certificates (rollover) and a loopback http ACS only when allowed', () => {
    expect(codeFor({ ...base, idp: { ...base.idp, certificates: [idp.keyPair.certificatePem, second] } })).toBe('accepted');
    expect(codeFor({ ...base, acsUrl: 'http://127.0.0.1:1337/api/sso/entra/acs' })).toBe('SAML_CONFIG_INVALID');
    expect(codeFor({ ...base, acsUrl: 'http://127.0.0.1:1337/api/sso/entra/acs', allowLoopbackHttp: true })).toBe('accepted');
  });
});
