/**
 * SAML 2.0 against a second, independent, real identity provider: Debian's simplesamlphp 1.19, served by
 * `php -S` on 127.0.0.1 (helpers/simplesamlphp.ts). The plugin's framework-free SAML core is driven
 * directly: IdP metadata → service provider → AuthnRequest → simplesamlphp's login form (cookie-jar browser)
 * → the auto-POST form with SAMLResponse → `validateResponse`, asserting the claims, replay refusal and the
 * IdP-side refusals (no Strapi boot); then end to end through the real playground Strapi: a SAML connection
 * created through the admin API with simplesamlphp's metadata, sign-in URL → simplesamlphp login form → ACS →
 * `/admin/users/me`.
 *
 * Skipped with a reason when php (with dom) or simplesamlphp is not installed; under CI=true a missing
 * install fails instead, so CI cannot go green without running these.
 */
import {
  createSamlServiceProvider,
  InMemoryDevReplayStore,
  InMemoryDevRequestStore,
  isSamlError,
  NAMEID_FORMAT,
  parseIdpMetadata,
  ENTRA_CLAIM,
  type SamlServiceProviderOptions,
  type SamlLoginRequest,
} from '../../server/src/sso/saml';
import { generateTestKeyPair } from '../unit/sso/saml/helpers/certificates';
import { bootApp, type TestApp } from './helpers/app';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';
import { request } from './helpers/http';
import { TestBrowser } from './helpers/oidc-browser';
import {
  readHtmlForm,
  signInAtSimpleSamlPhp,
  simpleSamlPhpMissing,
  startSimpleSamlPhp,
  type SimpleSamlPhpIdp,
  type SimpleSamlPhpUser,
} from './helpers/simplesamlphp';

const missing = simpleSamlPhpMissing();
const describeIfSimpleSamlPhp = missing ? describe.skip : describe;
if (missing) {
  if (process.env.CI === 'true') {
    test('simplesamlphp is installed (CI must run the simplesamlphp SAML tests)', () => {
      throw new Error(`simplesamlphp tests cannot run: ${missing}`);
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`Skipping the simplesamlphp SAML tests: ${missing}`);
  }
}

const SP_ENTITY_ID = 'https://cms.example.test/sso/simplesamlphp';
const ACS_URL = 'http://127.0.0.1:1337/api/sso/simplesamlphp/acs';
const OTHER_SP_ENTITY_ID = 'https://other-app.example.test/saml';
const OTHER_ACS_URL = 'http://127.0.0.1:1338/saml/acs';

const alice: SimpleSamlPhpUser = {
  username: 'alice',
  password: 'alice-Pa55word!',
  attributes: {
    uid: 'b4f1c2d0-7a11-4e39-9a51-0a11ce000001',
    mail: 'alice@university.example',
    givenName: 'Alice',
    sn: 'Liddell',
    displayName: 'Alice Liddell',
    groups: ['editors', 'staff'],
    eduPersonAffiliation: ['member', 'staff'],
  },
};

// The same IdP sending Entra's claim-type URIs as attribute names (what a SAML proxy in front of Entra does).
const bob: SimpleSamlPhpUser = {
  username: 'bob',
  password: 'bob-Pa55word!',
  attributes: {
    uid: 'b4f1c2d0-7a11-4e39-9a51-0b0b00000002',
    [ENTRA_CLAIM.email]: 'bob@contoso.example',
    [ENTRA_CLAIM.givenName]: 'Bob',
    [ENTRA_CLAIM.surname]: 'Builder',
    [ENTRA_CLAIM.groups]: ['5b9a1c2d-0000-4000-8000-00000000ed17'],
    [ENTRA_CLAIM.role]: ['Strapi.Editor'],
  },
};

let idp: SimpleSamlPhpIdp;

const spOptions = (extra: Partial<SamlServiceProviderOptions> = {}): SamlServiceProviderOptions => {
  const metadata = parseIdpMetadata(idp.metadataXml(), { allowLoopbackHttp: true });
  return {
    connectionId: 'simplesamlphp',
    spEntityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    idp: { entityId: metadata.entityId, ssoUrl: metadata.ssoUrl, ssoBinding: metadata.ssoBinding, certificates: metadata.certificates },
    allowLoopbackHttp: true,
    ...extra,
  };
};

const newSp = (extra: Partial<SamlServiceProviderOptions> = {}) => {
  const stores = { requests: new InMemoryDevRequestStore(), replays: new InMemoryDevReplayStore() };
  return { sp: createSamlServiceProvider(spOptions(extra), stores), stores };
};

const redirectUrlOf = (request: SamlLoginRequest): string => {
  if (request.binding !== 'HTTP-Redirect') throw new Error(`expected HTTP-Redirect, got ${request.binding}`);
  return request.redirectUrl;
};

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSamlError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a SamlError, but the response was accepted');
}

describeIfSimpleSamlPhp('SAML core against simplesamlphp 1.19 (php -S on 127.0.0.1)', () => {
  beforeAll(async () => {
    idp = await startSimpleSamlPhp({
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      users: [alice, bob],
      moreServiceProviders: [{ entityId: OTHER_SP_ENTITY_ID, acsUrl: OTHER_ACS_URL }],
    });
  });

  afterAll(async () => {
    await idp?.close();
  });

  test('the IdP serves its metadata and the SAML core parses it', async () => {
    const served = await fetch(idp.metadataUrl);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain(`entityID="${idp.entityId}"`);

    const metadata = parseIdpMetadata(idp.metadataXml(), { allowLoopbackHttp: true });
    expect(metadata.entityId).toBe(idp.entityId);
    expect(metadata.ssoUrl).toBe(idp.ssoUrl);
    expect(metadata.ssoBinding).toBe('HTTP-Redirect');
    expect(metadata.certificates).toEqual([idp.certificatePem]);
    expect(metadata.nameIdFormats).toEqual([NAMEID_FORMAT.persistent]);
    expect(metadata.sloUrl).toBe(`${idp.origin}/saml2/idp/SingleLogoutService.php`);
  });

  test('SP-initiated login: AuthnRequest → login form → signed assertion → claims', async () => {
    const { sp, stores } = newSp();
    const request = await sp.createLoginRequest({ relayState: '/admin/content-manager' });
    expect(stores.requests.size).toBe(1);

    const browser = new TestBrowser();
    const signIn = await signInAtSimpleSamlPhp(browser, redirectUrlOf(request), alice, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'response') throw new Error(`no SAMLResponse (${signIn.outcome}):\n${idp.log().slice(-3000)}`);
    expect(signIn.acsUrl).toBe(ACS_URL);
    expect(signIn.RelayState).toBe('/admin/content-manager');
    // RSA-SHA256 and an assertion signed on its own (the Response itself is not, by default).
    expect(signIn.responseXml).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(signIn.responseXml).toMatch(/<saml:Assertion\b[\s\S]*<ds:Signature\b[\s\S]*<\/saml:Assertion>/);

    const result = await sp.validateResponse({ SAMLResponse: signIn.SAMLResponse, RelayState: signIn.RelayState });
    expect(result.idpInitiated).toBe(false);
    expect(result.requestId).toBe(request.requestId);
    expect(result.relayState).toBe('/admin/content-manager');
    expect(stores.requests.size).toBe(0);
    expect(result.claims).toMatchObject({
      issuer: idp.entityId,
      nameId: alice.attributes.uid,
      nameIdFormat: NAMEID_FORMAT.persistent,
      email: 'alice@university.example',
      firstName: 'Alice',
      lastName: 'Liddell',
      displayName: 'Alice Liddell',
      groups: ['editors', 'staff'],
      groupsOverage: false,
    });
    expect(result.claims.sessionIndex).toEqual(expect.any(String));
    expect(result.claims.attributes.eduPersonAffiliation).toEqual(['member', 'staff']);
  });

  test('the same SAMLResponse posted twice: the second is refused as a replay', async () => {
    const { sp } = newSp();
    const request = await sp.createLoginRequest();
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(request), alice, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'response') throw new Error(`no SAMLResponse (${signIn.outcome})`);

    const first = await sp.validateResponse({ SAMLResponse: signIn.SAMLResponse });
    expect(first.claims.nameId).toBe(alice.attributes.uid);
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: signIn.SAMLResponse }))).toBe('SAML_ASSERTION_REPLAYED');
  });

  test('a second sign-in in the same browser reuses the IdP session (no form) and yields a fresh assertion', async () => {
    const { sp } = newSp();
    const browser = new TestBrowser();
    const firstSignIn = await signInAtSimpleSamlPhp(browser, redirectUrlOf(await sp.createLoginRequest()), alice, { idpOrigin: idp.origin });
    if (firstSignIn.outcome !== 'response') throw new Error('no SAMLResponse');
    const first = await sp.validateResponse({ SAMLResponse: firstSignIn.SAMLResponse });

    // Single sign-on: the IdP session cookie answers the next AuthnRequest straight away, without a form.
    const page = await browser.navigate(redirectUrlOf(await sp.createLoginRequest()));
    expect(page.text).not.toContain('name="password"');
    const form = readHtmlForm(page.text, page.url);
    expect(form?.action).toBe(ACS_URL);
    const second = await sp.validateResponse({ SAMLResponse: form?.fields.SAMLResponse });
    expect(second.claims.nameId).toBe(first.claims.nameId);
    expect(second.assertionId).not.toBe(first.assertionId);
  });

  test('Entra claim-type URIs as attribute names map to the same claims', async () => {
    const { sp } = newSp();
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(await sp.createLoginRequest()), bob, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'response') throw new Error('no SAMLResponse');
    const { claims } = await sp.validateResponse({ SAMLResponse: signIn.SAMLResponse });
    expect(claims).toMatchObject({
      issuer: idp.entityId,
      nameId: bob.attributes.uid,
      email: 'bob@contoso.example',
      firstName: 'Bob',
      lastName: 'Builder',
      groups: ['5b9a1c2d-0000-4000-8000-00000000ed17'],
      roles: ['Strapi.Editor'],
    });
  });

  test('a wrong password never yields a SAMLResponse', async () => {
    const { sp, stores } = newSp();
    const request = await sp.createLoginRequest();
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(request), { username: 'alice', password: 'wrong' }, { idpOrigin: idp.origin });
    expect(signIn.outcome).toBe('login-refused');
    if (signIn.outcome !== 'login-refused') throw new Error(signIn.outcome);
    expect(signIn.html).toContain('Incorrect username or password');
    expect(signIn.html).not.toContain('SAMLResponse');
    expect(stores.requests.size).toBe(1); // the request stays pending; nothing was consumed
  });

  test('an unknown user is refused by the IdP like a wrong password', async () => {
    const { sp } = newSp();
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(await sp.createLoginRequest()), { username: 'mallory', password: alice.password }, { idpOrigin: idp.origin });
    expect(signIn.outcome).toBe('login-refused');
  });

  test('an AuthnRequest from an SP the IdP does not know gets no assertion', async () => {
    const { sp } = newSp({ spEntityId: 'https://unregistered.example.test/sp' });
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(await sp.createLoginRequest()), alice, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'error') throw new Error(signIn.outcome);
    expect(signIn.html).toContain('Metadata not found');
    expect(signIn.html).not.toContain('SAMLResponse');
  });

  test("an assertion the IdP issued to another SP is refused by ours (Destination/Audience)", async () => {
    const other = newSp({ connectionId: 'other-app', spEntityId: OTHER_SP_ENTITY_ID, acsUrl: OTHER_ACS_URL });
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(await other.sp.createLoginRequest()), alice, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'response') throw new Error('no SAMLResponse');
    expect(signIn.acsUrl).toBe(OTHER_ACS_URL);

    const { sp: ours } = newSp();
    expect(await refusalCode(ours.validateResponse({ SAMLResponse: signIn.SAMLResponse }))).toBe('SAML_DESTINATION_MISMATCH');
    // With our ACS URL as the other SP's, the signed Audience still names the other SP.
    const { sp: sameAcs } = newSp({ acsUrl: OTHER_ACS_URL });
    expect(await refusalCode(sameAcs.validateResponse({ SAMLResponse: signIn.SAMLResponse }))).toBe('SAML_AUDIENCE_MISMATCH');
    // Its rightful SP accepts it.
    expect((await other.sp.validateResponse({ SAMLResponse: signIn.SAMLResponse })).claims.nameId).toBe(alice.attributes.uid);
  });

  test('a response answering a request of another SP instance (unknown InResponseTo) is refused', async () => {
    const issuing = newSp();
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(await issuing.sp.createLoginRequest()), alice, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'response') throw new Error('no SAMLResponse');
    const { sp: elsewhere } = newSp(); // its own, empty request store
    expect(await refusalCode(elsewhere.validateResponse({ SAMLResponse: signIn.SAMLResponse }))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
  });

  test('a certificate other than the IdP’s is pinned: the genuine response is refused', async () => {
    const stranger = generateTestKeyPair('not the IdP');
    const { sp } = newSp({ idp: { ...spOptions().idp, certificates: [stranger.certificatePem] } });
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(await sp.createLoginRequest()), alice, { idpOrigin: idp.origin });
    if (signIn.outcome !== 'response') throw new Error('no SAMLResponse');
    expect(await refusalCode(sp.validateResponse({ SAMLResponse: signIn.SAMLResponse }))).toBe('SAML_SIGNATURE_INVALID');
  });
});

describeIfSimpleSamlPhp('simplesamlphp with an emailAddress NameID and a signed Response', () => {
  let signedIdp: SimpleSamlPhpIdp;

  beforeAll(async () => {
    signedIdp = await startSimpleSamlPhp({
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      users: [{ ...alice, attributes: { ...alice.attributes } }],
      nameIdFormat: 'emailAddress',
      signResponse: true,
    });
  });

  afterAll(async () => {
    await signedIdp?.close();
  });

  test('requireSignedResponse accepts a Response and Assertion both signed; NameID is the email', async () => {
    const metadata = parseIdpMetadata(signedIdp.metadataXml(), { allowLoopbackHttp: true });
    expect(metadata.nameIdFormats).toEqual([NAMEID_FORMAT.emailAddress]);
    const sp = createSamlServiceProvider(
      {
        connectionId: 'simplesamlphp-signed',
        spEntityId: SP_ENTITY_ID,
        acsUrl: ACS_URL,
        idp: { entityId: metadata.entityId, ssoUrl: metadata.ssoUrl, certificates: metadata.certificates },
        requireSignedResponse: true,
        allowLoopbackHttp: true,
      },
      { requests: new InMemoryDevRequestStore(), replays: new InMemoryDevReplayStore() },
    );
    const request = await sp.createLoginRequest();
    const signIn = await signInAtSimpleSamlPhp(new TestBrowser(), redirectUrlOf(request), alice, { idpOrigin: signedIdp.origin });
    if (signIn.outcome !== 'response') throw new Error(`no SAMLResponse (${signIn.outcome}):\n${signedIdp.log().slice(-3000)}`);
    expect(signIn.responseXml).toMatch(/^(<\?xml[^>]*>\s*)?<samlp:Response\b[^>]*>\s*<saml:Issuer>[^<]*<\/saml:Issuer>\s*<ds:Signature\b/);

    const { claims } = await sp.validateResponse({ SAMLResponse: signIn.SAMLResponse });
    expect(claims).toMatchObject({
      issuer: signedIdp.entityId,
      nameId: 'alice@university.example',
      nameIdFormat: NAMEID_FORMAT.emailAddress,
      email: 'alice@university.example',
    });
  });
});

describeIfSimpleSamlPhp('Strapi admin sign-in through simplesamlphp, end to end', () => {
  const CONNECTION = 'simplesamlphp';
  const SP_ID = 'https://cms.example.test/sso/simplesamlphp-e2e';
  let app: TestApp;
  let e2eIdp: SimpleSamlPhpIdp;
  let ownerToken: string;

  const carol: SimpleSamlPhpUser = {
    username: 'carol',
    password: 'carol-Pa55word!',
    attributes: { uid: 'b4f1c2d0-7a11-4e39-9a51-0ca201000003', mail: 'carol@university.example', givenName: 'Carol', sn: 'Danvers', groups: ['editors'] },
  };
  const dan: SimpleSamlPhpUser = {
    username: 'dan',
    password: 'dan-Pa55word!',
    attributes: { uid: 'b4f1c2d0-7a11-4e39-9a51-0da400000004', mail: 'dan@university.example', givenName: 'Dan', sn: 'Brown', groups: ['editors'] },
  };

  const adminApi = (method: string, path: string, body?: unknown) =>
    request(method, `${app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${ownerToken}` }, contentType: 'application/json' });
  const me = (browser: TestBrowser) =>
    request('GET', `${app.origin}/admin/users/me`, undefined, { headers: { authorization: `Bearer ${browser.cookie('jwtToken')?.value ?? ''}` } });
  const signInUrl = (returnTo?: string) => `${app.origin}/api/sso/${CONNECTION}/login${returnTo ? `?${new URLSearchParams({ returnTo })}` : ''}`;

  /** Posts the IdP's auto-POST form to the ACS like a browser (cookies included), without following the answer. */
  async function postToAcs(browser: TestBrowser, form: { acsUrl: string; SAMLResponse: string; RelayState?: string }) {
    const fields: Record<string, string> = { SAMLResponse: form.SAMLResponse, ...(form.RelayState !== undefined ? { RelayState: form.RelayState } : {}) };
    const { response, setCookies } = await browser.fetch(form.acsUrl, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location, form.acsUrl) : null, text: await response.text(), setCookies };
  }

  const expectNoSession = (browser: TestBrowser) => {
    expect(browser.cookie('jwtToken')).toBeUndefined();
    expect(browser.cookie('strapi_admin_refresh')).toBeUndefined();
  };

  beforeAll(async () => {
    app = await bootApp({
      pluginConfig: {
        mapping: {
          attributes: [],
          policy: {
            roleRules: [{ id: 'editors', when: [{ source: { type: 'group', by: 'displayName' }, op: 'equals', value: 'editors' }], roles: ['strapi-editor'] }],
            unmatched: { action: 'deactivate' },
            allowSuperAdmin: false,
          },
        },
      },
    });
    ownerToken = await createSuperAdmin(app);
    e2eIdp = await startSimpleSamlPhp({ spEntityId: SP_ID, acsUrl: `${app.origin}/api/sso/${CONNECTION}/acs`, users: [carol, dan] });
    const created = await adminApi('POST', '/sso/connections', {
      id: CONNECTION,
      type: 'saml',
      name: 'University (simplesamlphp)',
      idpMetadataXml: e2eIdp.metadataXml(),
      spEntityId: SP_ID,
      jit: true,
    });
    if (created.status !== 201) throw new Error(`creating the SAML connection: ${created.status} ${created.text}`);
  });

  afterAll(async () => {
    await app?.close();
    await e2eIdp?.close();
  });

  test('our SP metadata names the ACS URL simplesamlphp was given', async () => {
    const reply = await request('GET', `${app.origin}/api/sso/${CONNECTION}/metadata`);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(`entityID="${SP_ID}"`);
    expect(reply.text).toContain(`Location="${app.origin}/api/sso/${CONNECTION}/acs"`);
  });

  test('sign-in URL → simplesamlphp login form → ACS → /admin/users/me is the right person', async () => {
    const browser = new TestBrowser();
    const signIn = await signInAtSimpleSamlPhp(browser, signInUrl('/admin/content-manager'), carol, { idpOrigin: e2eIdp.origin });
    if (signIn.outcome !== 'response') throw new Error(`no SAMLResponse (${signIn.outcome}):\n${e2eIdp.log().slice(-3000)}`);
    expect(signIn.acsUrl).toBe(`${app.origin}/api/sso/${CONNECTION}/acs`);

    const landed = await postToAcs(browser, signIn);
    if (landed.status !== 302) throw new Error(`the ACS did not sign in: ${landed.status} ${/Error code: ([A-Z0-9_]+)/.exec(landed.text)?.[1] ?? landed.text.slice(0, 300)}`);
    expect(landed.location?.origin).toBe(app.origin);
    expect(landed.location?.pathname).toBe('/admin/content-manager');

    const reply = await me(browser);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ email: 'carol@university.example', firstname: 'Carol', lastname: 'Danvers', isActive: true });
    expect(reply.body.data.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);

    // Bound on the IdP entity ID + persistent NameID, not on the email.
    const user = await adminUserByEmail(app, 'carol@university.example');
    const binding = await app.strapi.db.query('plugin::identity-bridge.sso-identity').findOne({ where: { adminUserId: user.id } });
    expect(binding).toMatchObject({ issuer: e2eIdp.entityId, subject: carol.attributes.uid });

    // The same SAMLResponse posted again (another browser holding only the sign-in binding) is refused.
    const replayer = new TestBrowser();
    for (const [key, cookie] of browser.cookies) if (cookie.name === 'ib_sso_saml_browser') replayer.cookies.set(key, cookie);
    const replay = await postToAcs(replayer, signIn);
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    expect(/Error code: ([A-Z0-9_]+)/.exec(replay.text)?.[1]).toBe('SAML_ASSERTION_REPLAYED');
    expectNoSession(replayer);
  });

  test('signing in again (new browser, new IdP session) lands on the same admin user', async () => {
    const before = await adminUserByEmail(app, 'carol@university.example');
    const browser = new TestBrowser();
    const signIn = await signInAtSimpleSamlPhp(browser, signInUrl(), carol, { idpOrigin: e2eIdp.origin });
    if (signIn.outcome !== 'response') throw new Error(`no SAMLResponse (${signIn.outcome})`);
    const landed = await postToAcs(browser, signIn);
    expect(landed.status).toBe(302);
    expect(landed.location?.pathname).toBe('/admin');
    const reply = await me(browser);
    expect(reply.status).toBe(200);
    expect(reply.body.data.id).toBe(before.id);
  });

  test('a wrong password never yields a session (nor a user)', async () => {
    const browser = new TestBrowser();
    const signIn = await signInAtSimpleSamlPhp(browser, signInUrl(), { username: dan.username, password: 'not-his-password' }, { idpOrigin: e2eIdp.origin });
    expect(signIn.outcome).toBe('login-refused');
    if (signIn.outcome === 'login-refused') expect(signIn.html).toContain('Incorrect username or password');
    expectNoSession(browser);
    expect((await me(browser)).status).toBe(401);
    expect(await adminUserByEmail(app, 'dan@university.example')).toBeNull();

    // The right password in the same browser then signs dan in (the refused attempt left nothing behind).
    const retry = await signInAtSimpleSamlPhp(browser, signInUrl(), dan, { idpOrigin: e2eIdp.origin });
    if (retry.outcome !== 'response') throw new Error(`no SAMLResponse (${retry.outcome})`);
    expect((await postToAcs(browser, retry)).status).toBe(302);
    expect((await me(browser)).body.data.email).toBe('dan@university.example');
  });
});
