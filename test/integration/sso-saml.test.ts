/**
 * Single sign-on into the Strapi admin over SAML 2.0, end to end: a real signing IdP (samlify) served on
 * 127.0.0.1, Entra-shaped and Okta-shaped, a headless browser with a cookie jar, the real playground Strapi.
 * Sign-in URL → IdP → ACS → `/admin/users/me`; JIT, roles re-synced, refusals; IdP-initiated; then the attacks,
 * each asserting a refusal (the SamlError code on the page) AND that no Strapi session cookie was set.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request } from './helpers/http';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';
import { TestBrowser } from './helpers/oidc-browser';
import { EDITORS_GROUP, expectNoSession, ssoFixtures, TENANT } from './helpers/sso-fixtures';
import { createSsoStore } from '../../server/src/sso/store';
import { inflateRawSync } from 'node:zlib';
import { SamlIdpServer, newObjectId, readAutoPostForm, type AutoPostForm, type SamlAccount } from './helpers/saml-idp-server';
import type { SentLogoutMessage } from '../unit/sso/saml/helpers/saml-idp';

const SP = (id: string) => `https://cms.example.test/sso/${id}`;

let app: TestApp;
let entra: SamlIdpServer;
let okta: SamlIdpServer;
let ownerToken: string;

const { adminApi, roleCodes, isAdminLanding, expectLanded, me } = ssoFixtures(() => ({ app, ownerToken }));

const account = (login: string, extra: Partial<SamlAccount> = {}): SamlAccount => ({
  login,
  objectId: newObjectId(),
  email: `${login}@contoso.example`,
  givenName: login[0]!.toUpperCase() + login.slice(1),
  surname: 'Contoso',
  ...extra,
});

const samlConnection = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'saml',
  name: `Contoso SAML (${id})`,
  idpMetadataXml: entra.metadataXml(),
  spEntityId: SP(id),
  jit: true,
  allowIdpInitiated: false,
  ...extra,
});

const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

interface Outcome {
  browser: TestBrowser;
  status: number;
  url: string;
  text: string;
  hops: { setCookies: string[] }[];
  landed: boolean;
}

/** POSTs an auto-POST form like a browser (cookies included), without following the answer's redirect. */
async function submit(browser: TestBrowser, form: AutoPostForm, hops: { setCookies: string[] }[] = []): Promise<Outcome> {
  const { response, setCookies } = await browser.fetch(form.action, {
    method: 'POST',
    body: formBody(form.fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const location = response.headers.get('location');
  const url = location ? new URL(location, form.action).href : form.action;
  const all = [...hops, { setCookies }];
  const landed = response.status === 302 && isAdminLanding(new URL(url));
  return { browser, status: response.status, url, text: await response.text(), hops: all, landed };
}

/** Sign-in URL → IdP (which answers its auto-POST form); stops before the form is posted to the ACS. */
async function startSaml(connectionId: string, login: string, options: { returnTo?: string; browser?: TestBrowser; idp?: SamlIdpServer } = {}) {
  const browser = options.browser ?? new TestBrowser();
  (options.idp ?? entra).next.login = login;
  const query = options.returnTo ? `?${new URLSearchParams({ returnTo: options.returnTo })}` : '';
  const result = await browser.navigate(`${app.origin}/api/sso/${connectionId}/login${query}`);
  if (result.status !== 200) throw new Error(`the sign-in did not reach the IdP form: ${result.status} ${result.text.slice(0, 300)}`);
  return { browser, form: readAutoPostForm(result.text), hops: result.hops };
}

async function samlSignIn(connectionId: string, login: string, options: { returnTo?: string; browser?: TestBrowser; idp?: SamlIdpServer } = {}): Promise<Outcome & { form: AutoPostForm }> {
  const started = await startSaml(connectionId, login, options);
  return { ...(await submit(started.browser, started.form, started.hops)), form: started.form };
}

/** An unsolicited response from the IdP (its "My Apps" tile), as the auto-POST form it renders. */
async function idpInitiatedForm(spEntityId: string, login: string, relayState?: string, idp: SamlIdpServer = entra): Promise<AutoPostForm> {
  const reply = await fetch(`${idp.origin}/idp-initiated?${new URLSearchParams({ sp: spEntityId, login, ...(relayState ? { RelayState: relayState } : {}) })}`);
  return readAutoPostForm(await reply.text());
}

async function expectRefused(result: Outcome, code: string | RegExp, status?: number) {
  expect(result.landed).toBe(false);
  expect(result.status).toBeGreaterThanOrEqual(400);
  expect(result.status).toBeLessThan(500);
  if (status) expect(result.status).toBe(status);
  const shown = /Error code: ([A-Z0-9_]+)/.exec(result.text)?.[1];
  if (typeof code === 'string') expect(shown).toBe(code);
  else expect(shown).toMatch(code);
  expect(result.text).not.toMatch(/at .*\.js:\d+/);
  expectNoSession(result.browser, result.hops);
}

/** A new browser holding only the SAML browser-binding cookie of `browser` (not its Strapi session). */
function withBindingOf(browser: TestBrowser): TestBrowser {
  const copy = new TestBrowser();
  for (const [key, cookie] of browser.cookies) if (cookie.name === 'ib_sso_saml_browser') copy.cookies.set(key, cookie);
  expect(copy.cookie('ib_sso_saml_browser')).toBeDefined();
  return copy;
}

beforeAll(async () => {
  entra = await SamlIdpServer.start({
    flavor: 'entra',
    tenantId: TENANT,
    accounts: [
      account('alice', { groups: [EDITORS_GROUP], roles: ['Author'] }),
      account('bob', { groups: [EDITORS_GROUP] }),
      account('dave', { overage: true, roles: ['Author'] }),
      account('erin', { groups: [EDITORS_GROUP] }),
      account('frank', { groups: [EDITORS_GROUP] }),
      account('mallory', { groups: [EDITORS_GROUP] }),
    ],
  });
  okta = await SamlIdpServer.start({ flavor: 'okta', accounts: [account('olga', { groups: ['Strapi Editors'] })] });
  app = await bootApp({
    pluginConfig: {
      connections: [{ ...samlConnection('saml-declared'), name: 'Declared SAML' }],
      mapping: {
        attributes: [],
        policy: {
          roleRules: [
            { id: 'editors', when: [{ source: { type: 'group', by: 'externalId' }, op: 'equals', value: EDITORS_GROUP }], roles: ['strapi-editor'] },
            { id: 'okta-editors', when: [{ source: { type: 'group', by: 'displayName' }, op: 'equals', value: 'Strapi Editors' }], roles: ['strapi-editor'] },
            { id: 'app-role-authors', when: [{ source: { type: 'role' }, op: 'equals', value: 'Author' }], roles: ['strapi-author'] },
          ],
          unmatched: { action: 'deactivate' },
          allowSuperAdmin: false,
        },
      },
    },
  });
  ownerToken = await createSuperAdmin(app);
  for (const body of [
    // By URL: fetched at save and cached on the row.
    samlConnection('saml', { idpMetadataXml: undefined, idpMetadataUrl: `${entra.origin}/metadata`, directory: 'Default' }),
    samlConnection('saml-idp', { allowIdpInitiated: true }),
    samlConnection('saml-nojit', { jit: false }),
    samlConnection('saml-other', { allowIdpInitiated: true }),
    samlConnection('saml-small', { maxResponseBytes: 4096, allowIdpInitiated: true }),
    samlConnection('okta', { idpMetadataXml: okta.metadataXml() }),
  ]) {
    const reply = await adminApi('POST', '/sso/connections', body);
    if (reply.status !== 201) throw new Error(`creating connection ${body.id}: ${reply.status} ${reply.text}`);
  }
  for (const id of ['saml', 'saml-idp', 'saml-nojit', 'saml-other', 'saml-small', 'saml-declared']) {
    entra.registerSp((await request('GET', `${app.origin}/api/sso/${id}/metadata`)).text);
  }
  okta.registerSp((await request('GET', `${app.origin}/api/sso/okta/metadata`)).text);
});

afterAll(async () => {
  await app?.close();
  await entra?.close();
  await okta?.close();
});

describe('connections', () => {
  test('SP metadata is served with our entity ID and ACS URL, asking for signed assertions', async () => {
    const reply = await request('GET', `${app.origin}/api/sso/saml/metadata`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/application\/samlmetadata\+xml/);
    expect(reply.text).toContain(`entityID="${SP('saml')}"`);
    expect(reply.text).toContain(`Location="${app.origin}/api/sso/saml/acs"`);
    expect(reply.text).toContain('WantAssertionsSigned="true"');
    expect((await request('GET', `${app.origin}/api/sso/nope/metadata`)).status).toBe(404);
  });

  test('the admin API lists and shows SAML connections; metadata fetched by URL is cached on the row', async () => {
    const list = await adminApi('GET', '/sso/connections');
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.data.map((view: { id: string }) => [view.id, view]));
    expect(byId.saml).toMatchObject({ type: 'saml', spEntityId: SP('saml'), idpMetadataUrl: `${entra.origin}/metadata`, spPrivateKeySet: false, readOnly: false });
    expect(byId['saml-declared']).toMatchObject({ type: 'saml', readOnly: true, source: 'config' });
    const one = await adminApi('GET', '/sso/connections/okta');
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ id: 'okta', type: 'saml' });
    expect((await adminApi('GET', '/sso/connections/none')).status).toBe(404);
    const row = await app.strapi.db.query('plugin::identity-bridge.sso-connection').findOne({ where: { connectionId: 'saml' } });
    expect(row.settings._idpMetadata).toMatchObject({ url: `${entra.origin}/metadata`, metadata: { entityId: entra.entityId, ssoUrl: `${entra.origin}/sso` } });
  });

  test('bad SAML connections are refused naming the key', async () => {
    const broken = await adminApi('POST', '/sso/connections', samlConnection('broken', { idpMetadataXml: '<nope/>' }));
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/idpMetadataXml/);
    const both = await adminApi('POST', '/sso/connections', samlConnection('both', { idpMetadataUrl: 'https://idp.example.com/metadata' }));
    expect(both.status).toBe(400);
    const plain = await adminApi('POST', '/sso/connections', samlConnection('plain', { idpMetadataXml: undefined, idpMetadataUrl: 'http://idp.example.com/metadata' }));
    expect(plain.status).toBe(400);
    expect(plain.body.error.message).toMatch(/idpMetadataUrl/);
    const unreachable = await adminApi('POST', '/sso/connections', samlConnection('gone', { idpMetadataXml: undefined, idpMetadataUrl: `${entra.origin}/missing` }));
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.message).toMatch(/idpMetadataUrl: .*404/);
    expect((await adminApi('PUT', '/sso/connections/saml-declared', samlConnection('x'))).status).toBe(409);
  });
});

describe('signing in', () => {
  test('sign-in URL → IdP → ACS → /admin/users/me is the person, with the mapped roles', async () => {
    const result = await samlSignIn('saml', 'alice', { returnTo: '/admin/content-manager' });
    // The RelayState is an opaque reference, never the return address.
    expect(result.form.fields.RelayState).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expectLanded(result);
    expect(new URL(result.url).pathname).toBe('/admin/content-manager');
    const reply = await me(result.browser);
    expect(reply.status).toBe(200);
    expect(reply.body.data.email).toBe('alice@contoso.example');
    expect(reply.body.data.firstname).toBe('Alice');
    expect(reply.body.data.roles.map((role: { code: string }) => role.code).sort()).toEqual(['strapi-author', 'strapi-editor']);
    const rotated = await result.browser.fetch(`${app.origin}/admin/access-token`, { method: 'POST' });
    expect(rotated.response.status).toBe(200);
  });

  test('Entra identities are bound by tenant + object id (as OIDC binds them); roles re-synced at the next sign-in', async () => {
    const before = await adminUserByEmail(app, 'alice@contoso.example');
    const alice = entra.accounts.get('alice')!;
    entra.setAccount({ ...alice, groups: [], roles: ['Author'] });
    const result = await samlSignIn('saml', 'alice');
    await expectLanded(result);
    expect(new URL(result.url).pathname).toBe('/admin');
    const after = await adminUserByEmail(app, 'alice@contoso.example');
    expect(after.id).toBe(before.id);
    expect(await roleCodes('alice@contoso.example')).toEqual(['strapi-author']);
    const binding = await app.strapi.db.query('plugin::identity-bridge.sso-identity').findOne({ where: { adminUserId: before.id } });
    expect(binding.subject).toBe(`${TENANT}:${alice.objectId}`);
    expect(binding.issuer).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    entra.setAccount(alice);
  });

  test('Okta-shaped IdP: persistent NameID, group names', async () => {
    const result = await samlSignIn('okta', 'olga', { idp: okta });
    await expectLanded(result);
    expect((await me(result.browser)).body.data.email).toBe('olga@contoso.example');
    expect(await roleCodes('olga@contoso.example')).toEqual(['strapi-editor']);
    const user = await adminUserByEmail(app, 'olga@contoso.example');
    const binding = await app.strapi.db.query('plugin::identity-bridge.sso-identity').findOne({ where: { adminUserId: user.id } });
    expect(binding.issuer).toBe(okta.entityId);
    expect(binding.subject).toMatch(/^00u/);
  });

  test('a declared SAML connection signs in too', async () => {
    await expectLanded(await samlSignIn('saml-declared', 'frank'));
  });

  test('JIT off: a person without an admin user is refused with a page and not created', async () => {
    const result = await samlSignIn('saml-nojit', 'bob');
    await expectRefused(result, 'SSO_NOT_PROVISIONED', 403);
    expect(await adminUserByEmail(app, 'bob@contoso.example')).toBeNull();
  });

  test('an inactive admin user is refused with a page and gets no session', async () => {
    const user = await adminUserByEmail(app, 'alice@contoso.example');
    await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { isActive: false } });
    try {
      await expectRefused(await samlSignIn('saml', 'alice'), 'SSO_USER_INACTIVE', 403);
    } finally {
      await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { isActive: true } });
    }
  });

  test('Entra groups overage (groups.link) does not fail the sign-in; it is logged', async () => {
    const result = await samlSignIn('saml', 'dave');
    await expectLanded(result);
    expect(await roleCodes('dave@contoso.example')).toEqual(['strapi-author']);
    const events = await adminApi('GET', '/events?operation=sso-login&outcome=success&pageSize=50');
    expect(events.body.results.some((event: { detail: string }) => /groups overage/.test(event.detail))).toBe(true);
  });

  test('IdP-initiated: refused unless the connection allows it; then lands on the admin home (RelayState ignored)', async () => {
    const refused = new TestBrowser();
    await expectRefused(await submit(refused, await idpInitiatedForm(SP('saml'), 'alice')), 'SAML_IDP_INITIATED_NOT_ALLOWED', 403);
    const allowed = new TestBrowser();
    const result = await submit(allowed, await idpInitiatedForm(SP('saml-idp'), 'erin', 'https://evil.example/phish'));
    await expectLanded(result);
    expect(result.url).toBe(`${app.origin}/admin`);
    expect((await me(allowed)).body.data.email).toBe('erin@contoso.example');
  });

  test('an IdP with only the HTTP-POST binding gets an auto-submitting form under a nonce CSP', async () => {
    const postOnly = entra.metadataXml().replace(/<(md:)?SingleSignOnService[^>]*HTTP-Redirect[^>]*?(\/>|>\s*<\/(md:)?SingleSignOnService>)/g, '');
    expect(postOnly).not.toMatch(/SingleSignOnService[^>]*HTTP-Redirect/);
    expect((await adminApi('POST', '/sso/connections', samlConnection('saml-post', { idpMetadataXml: postOnly }))).status).toBe(201);
    const browser = new TestBrowser();
    const { response, setCookies } = await browser.fetch(`${app.origin}/api/sso/saml-post/login?returnTo=${encodeURIComponent('/admin/settings')}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`form-action ${entra.origin}`);
    expect(csp).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('<noscript><button type="submit">');
    const form = readAutoPostForm(html);
    expect(form.action).toBe(`${entra.origin}/sso`);
    expect(Object.keys(form.fields).sort()).toEqual(['RelayState', 'SAMLRequest']);
    expect(form.fields.RelayState).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const request = Buffer.from(form.fields.SAMLRequest!, 'base64').toString('utf8');
    expect(request).toContain(`AssertionConsumerServiceURL="${app.origin}/api/sso/saml-post/acs"`);
    expect(request).toContain(SP('saml-post'));
    expect(setCookies.some((header) => header.startsWith('ib_sso_saml_browser='))).toBe(true);
  });

});

describe('single logout', () => {
  const inflated = (location: string, field: 'SAMLRequest' | 'SAMLResponse') =>
    inflateRawSync(Buffer.from(new URL(location).searchParams.get(field)!, 'base64')).toString('utf8');
  /** POST /admin/access-token with the browser's refresh cookie: 200 while the session lives, 401 once revoked. */
  const rotate = async (browser: TestBrowser) => (await browser.fetch(`${app.origin}/admin/access-token`, { method: 'POST' })).response.status;
  const sloUrl = (id: string) => `${app.origin}/api/sso/${id}/slo`;
  /** Delivers an IdP-initiated LogoutRequest through a browser (front channel), without following the answer. */
  async function deliver(message: SentLogoutMessage, browser = new TestBrowser()) {
    const { response } = message.binding === 'redirect'
      ? await browser.fetch(message.url)
      : await browser.fetch(sloUrl('saml'), { method: 'POST', body: formBody(message.fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }
  const shownCode = (text: string) => /Error code: ([A-Z0-9_]+)/.exec(text)?.[1];

  test('SP metadata advertises the SLO endpoint (Redirect and POST)', async () => {
    const metadata = (await request('GET', `${app.origin}/api/sso/saml/metadata`)).text;
    expect(metadata).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sloUrl('saml')}"/>`);
    expect(metadata).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sloUrl('saml')}"/>`);
  });

  test('SP-initiated: logout → the IdP gets a LogoutRequest for the NameID and SessionIndex → its LogoutResponse lands on the login page; the refresh token is dead', async () => {
    entra.next.fields = { sessionIndex: '_alice-session-slo-1' };
    const result = await samlSignIn('saml', 'alice');
    await expectLanded(result);
    const refresh = result.browser.cookie('strapi_admin_refresh')!.value;
    expect(result.browser.cookie('ib_sso_saml_subject')).toBeDefined();

    const logout = await result.browser.fetch(`${app.origin}/api/sso/saml/logout`);
    expect(logout.response.status).toBe(302);
    const toIdp = logout.response.headers.get('location')!;
    expect(toIdp.startsWith(`${entra.origin}/sso/logout?SAMLRequest=`)).toBe(true);
    expect(logout.setCookies.some((header) => /^ib_sso_saml_subject=;/.test(header))).toBe(true);
    const reuse = await request('POST', `${app.origin}/admin/access-token`, undefined, { headers: { cookie: `strapi_admin_refresh=${refresh}` } });
    expect(reuse.status).toBe(401);

    const atIdp = await result.browser.fetch(toIdp);
    expect(atIdp.response.status).toBe(302);
    expect(entra.logoutRequests.at(-1)).toMatchObject({ nameId: 'alice@contoso.example', sessionIndex: '_alice-session-slo-1', issuer: SP('saml') });
    const back = atIdp.response.headers.get('location')!;
    expect(back.startsWith(`${sloUrl('saml')}?SAMLResponse=`)).toBe(true);
    const landed = await result.browser.fetch(back);
    expect(landed.response.status).toBe(302);
    expect(landed.response.headers.get('location')).toBe(`${app.origin}/admin/auth/login`);

    // The LogoutResponse answered its request once: a second delivery is refused.
    const again = await new TestBrowser().fetch(back);
    expect(again.response.status).toBe(400);
    expect(shownCode(await again.response.text())).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
    const events = await adminApi('GET', '/events?operation=sso-logout&pageSize=20');
    expect(events.body.results.some((event: { detail: string }) => /confirmed single logout/.test(event.detail))).toBe(true);
    expect(events.body.results.some((event: { detail: string }) => /handed over to the IdP/.test(event.detail))).toBe(true);
  });

  test('SP-initiated: an IdP LogoutResponse with a failure status is refused with a page (the Strapi session is gone anyway)', async () => {
    const result = await samlSignIn('saml', 'alice');
    await expectLanded(result);
    const logout = await result.browser.fetch(`${app.origin}/api/sso/saml/logout`);
    entra.nextLogoutStatus = 'urn:oasis:names:tc:SAML:2.0:status:Responder';
    const atIdp = await result.browser.fetch(logout.response.headers.get('location')!);
    const back = await result.browser.fetch(atIdp.response.headers.get('location')!);
    expect(back.response.status).toBe(400);
    const text = await back.response.text();
    expect(shownCode(text)).toBe('SAML_STATUS_NOT_SUCCESS');
    expect(text).toContain('Single sign-out did not complete');
    expect(text).not.toMatch(/at .*\.js:\d+/);
    expect(await rotate(result.browser)).toBe(401);
  });

  test.each(['redirect', 'post'] as const)('IdP-initiated (%s): a signed LogoutRequest revokes every session of the person and is answered Success', async (binding) => {
    const first = await samlSignIn('saml', 'erin');
    await expectLanded(first);
    const second = await samlSignIn('saml', 'erin');
    await expectLanded(second);
    const bystander = await samlSignIn('saml', 'alice');
    await expectLanded(bystander);
    expect(await rotate(first.browser)).toBe(200);

    const logoutRequest = entra.logoutRequest(SP('saml'), 'erin', { binding, relayState: 'idp-relay' });
    const answer = await deliver(logoutRequest);
    expect(answer.status).toBe(302);
    expect(answer.location!.startsWith(`${entra.origin}/sso/logout?SAMLResponse=`)).toBe(true);
    expect(new URL(answer.location!).searchParams.get('RelayState')).toBe('idp-relay');
    const xml = inflated(answer.location!, 'SAMLResponse');
    expect(xml).toContain(`InResponseTo="${logoutRequest.id}"`);
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');

    expect(await rotate(first.browser)).toBe(401);
    expect(await rotate(second.browser)).toBe(401);
    expect(await rotate(bystander.browser)).toBe(200);
    const erin = await adminUserByEmail(app, 'erin@contoso.example');
    const events = await adminApi('GET', '/events?operation=sso-logout&outcome=success&pageSize=20');
    expect(events.body.results.some((event: { detail: string }) => event.detail.includes(`every session of admin user #${erin.id} revoked`))).toBe(true);

    // Replayed: refused, and the person's new session survives it.
    const again = await samlSignIn('saml', 'erin');
    await expectLanded(again);
    const replay = await deliver(logoutRequest);
    expect(replay.status).toBe(400);
    expect(shownCode(replay.text)).toBe('SAML_LOGOUT_REQUEST_REPLAYED');
    expect(await rotate(again.browser)).toBe(200);
  });

  test('IdP-initiated: unsigned, wrong-issuer, foreign-key and expired LogoutRequests are refused and revoke nothing', async () => {
    const victim = await samlSignIn('saml', 'alice');
    await expectLanded(victim);
    const mallory = await SamlIdpServer.start({ flavor: 'entra', tenantId: TENANT, accounts: [entra.accounts.get('alice')!] });
    try {
      mallory.registerSp((await request('GET', `${app.origin}/api/sso/saml/metadata`)).text);
      const attempts: [SentLogoutMessage, string][] = [
        [entra.logoutRequest(SP('saml'), 'alice', { sign: false }), 'SAML_LOGOUT_REQUEST_NOT_SIGNED'],
        [entra.logoutRequest(SP('saml'), 'alice', { binding: 'post', sign: false }), 'SAML_LOGOUT_REQUEST_NOT_SIGNED'],
        [entra.logoutRequest(SP('saml'), 'alice', { fields: { issuer: 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/' } }), 'SAML_ISSUER_MISMATCH'],
        [entra.logoutRequest(SP('saml'), 'alice', { fields: { destination: sloUrl('saml-other') } }), 'SAML_DESTINATION_MISMATCH'],
        [entra.logoutRequest(SP('saml'), 'alice', { fields: { notOnOrAfter: new Date(Date.now() - 10 * 60_000) } }), 'SAML_LOGOUT_REQUEST_EXPIRED'],
        [mallory.logoutRequest(SP('saml'), 'alice'), 'SAML_SIGNATURE_INVALID'],
        [mallory.logoutRequest(SP('saml'), 'alice', { binding: 'post' }), 'SAML_SIGNATURE_INVALID'],
      ];
      for (const [message, code] of attempts) {
        const answer = await deliver(message);
        expect({ code, status: answer.status, shown: shownCode(answer.text) }).toEqual({ code, status: 400, shown: code });
        expect(answer.text).not.toMatch(/at .*\.js:\d+/);
      }
    } finally {
      await mallory.close();
    }
    expect(await rotate(victim.browser)).toBe(200);
    const events = await adminApi('GET', '/events?operation=sso-logout&outcome=failure&pageSize=50');
    const codes = new Set(events.body.results.map((event: { scimType: string }) => event.scimType));
    for (const code of ['SAML_LOGOUT_REQUEST_NOT_SIGNED', 'SAML_ISSUER_MISMATCH', 'SAML_SIGNATURE_INVALID', 'SAML_LOGOUT_REQUEST_REPLAYED']) expect(codes).toContain(code);
  });

  test('IdP-initiated for a person nobody is signed in as here: answered UnknownPrincipal', async () => {
    const answer = await deliver(entra.logoutRequest(SP('saml'), 'mallory'));
    expect(answer.status).toBe(302);
    const xml = inflated(answer.location!, 'SAMLResponse');
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal');
  });

  test('an oversized POST to the SLO endpoint is refused unread', async () => {
    const { response } = await new TestBrowser().fetch(sloUrl('saml'), { method: 'POST', body: formBody({ SAMLRequest: 'A'.repeat(400_000) }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(413);
    expect(shownCode(await response.text())).toBe('SSO_BODY_TOO_LARGE');
  });

  test('an IdP without an SLO endpoint: logout ends the Strapi session locally and lands on the login page', async () => {
    const noSlo = entra.metadataXml().replace(/<(md:)?SingleLogoutService[^>]*?(\/>|>\s*<\/(md:)?SingleLogoutService>)/g, '');
    expect(noSlo).not.toContain('SingleLogoutService');
    expect((await adminApi('POST', '/sso/connections', samlConnection('saml-noslo', { idpMetadataXml: noSlo }))).status).toBe(201);
    entra.registerSp((await request('GET', `${app.origin}/api/sso/saml-noslo/metadata`)).text);
    const result = await samlSignIn('saml-noslo', 'alice');
    await expectLanded(result);
    const refresh = result.browser.cookie('strapi_admin_refresh')!.value;
    const before = entra.logoutRequests.length;
    const { response } = await result.browser.fetch(`${app.origin}/api/sso/saml-noslo/logout`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${app.origin}/admin/auth/login`);
    expect(entra.logoutRequests.length).toBe(before);
    const reuse = await request('POST', `${app.origin}/admin/access-token`, undefined, { headers: { cookie: `strapi_admin_refresh=${refresh}` } });
    expect(reuse.status).toBe(401);
  });
});

describe('attacks: each refused, with no session', () => {
  test('replay of the same SAMLResponse (sequential), SP- and IdP-initiated', async () => {
    const first = await samlSignIn('saml', 'alice');
    await expectLanded(first);
    await expectRefused(await submit(new TestBrowser(), first.form), 'SAML_ASSERTION_REPLAYED');
    // The same browser (binding cookie present) cannot replay either.
    const again = new TestBrowser();
    const started = await startSaml('saml', 'alice', { browser: again });
    await expectLanded(await submit(again, started.form));
    await expectRefused(await submit(withBindingOf(again), started.form), 'SAML_ASSERTION_REPLAYED');
    const unsolicited = await idpInitiatedForm(SP('saml-idp'), 'erin');
    await expectLanded(await submit(new TestBrowser(), unsolicited));
    await expectRefused(await submit(new TestBrowser(), unsolicited), 'SAML_ASSERTION_REPLAYED');
  });

  test('two concurrent POSTs of one SAMLResponse: exactly one session', async () => {
    const { browser, form } = await startSaml('saml', 'alice');
    const results = await Promise.all([1, 2].map(() => submit(browser, form)));
    expect(results.filter((result) => result.landed)).toHaveLength(1);
    const sessions = results.flatMap((result) => result.hops.flatMap((hop) => hop.setCookies)).filter((header) => /^strapi_admin_refresh=[^;]+/.test(header));
    expect(sessions).toHaveLength(1);
    const loser = results.find((result) => !result.landed)!;
    expect(loser.status).toBeGreaterThanOrEqual(400);
    expect(loser.text).toMatch(/SAML_ASSERTION_REPLAYED|SSO_STATE_UNKNOWN/);
  });

  test('concurrent POSTs of one IdP-initiated response: exactly one session', async () => {
    const form = await idpInitiatedForm(SP('saml-idp'), 'erin');
    const results = await Promise.all([1, 2, 3].map(() => submit(new TestBrowser(), form)));
    expect(results.filter((result) => result.landed)).toHaveLength(1);
    for (const loser of results.filter((result) => !result.landed)) await expectRefused(loser, 'SAML_ASSERTION_REPLAYED');
  });

  test('unknown InResponseTo, and an InResponseTo already answered', async () => {
    entra.next.fields = {};
    const unknown = await entra.respond(SP('saml'), 'alice', '_00112233445566778899aabbccddeeff00112233');
    await expectRefused(await submit(new TestBrowser(), { action: `${app.origin}/api/sso/saml/acs`, fields: { SAMLResponse: unknown } }), 'SAML_IN_RESPONSE_TO_UNKNOWN');
    const first = await samlSignIn('saml', 'alice');
    await expectLanded(first);
    const reused = await entra.respond(SP('saml'), 'alice', entra.lastRequestId);
    // Posted with the same browser binding (but not its new session, so "no session" is about this answer).
    const sameBinding = withBindingOf(first.browser);
    await expectRefused(await submit(sameBinding, { action: `${app.origin}/api/sso/saml/acs`, fields: { SAMLResponse: reused, RelayState: first.form.fields.RelayState! } }), 'SAML_IN_RESPONSE_TO_UNKNOWN');
  });

  test('a response made for another SP (its Destination, Recipient and Audience)', async () => {
    const forOther = await idpInitiatedForm(SP('saml-other'), 'alice');
    await expectRefused(await submit(new TestBrowser(), { ...forOther, action: `${app.origin}/api/sso/saml-idp/acs` }), 'SAML_DESTINATION_MISMATCH');
  });

  test('wrong audience', async () => {
    entra.next.fields = { audience: SP('saml-other') };
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_AUDIENCE_MISMATCH');
  });

  test('wrong recipient', async () => {
    entra.next.fields = { recipient: `${app.origin}/api/sso/saml-other/acs` };
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_RECIPIENT_MISMATCH');
  });

  test('wrong issuer', async () => {
    entra.next.fields = { responseIssuer: 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/', assertionIssuer: 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/' };
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_ISSUER_MISMATCH');
  });

  test('an expired assertion', async () => {
    const past = new Date(Date.now() - 60 * 60_000);
    entra.next.fields = { notBefore: new Date(Date.now() - 2 * 60 * 60_000), notOnOrAfter: past, subjectNotOnOrAfter: past };
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_ASSERTION_EXPIRED');
  });

  test('unsigned', async () => {
    entra.next.unsigned = true;
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_ASSERTION_NOT_SIGNED');
  });

  test('a signature by another key (a forged assertion granting more groups)', async () => {
    const mallory = await SamlIdpServer.start({ flavor: 'entra', tenantId: TENANT, accounts: [account('alice', { groups: [EDITORS_GROUP], roles: ['Author'] })] });
    try {
      mallory.registerSp((await request('GET', `${app.origin}/api/sso/saml-idp/metadata`)).text);
      await expectRefused(await submit(new TestBrowser(), await idpInitiatedForm(SP('saml-idp'), 'alice', undefined, mallory)), 'SAML_SIGNATURE_INVALID');
    } finally {
      await mallory.close();
    }
  });

  test('SHA-1', async () => {
    entra.next.sha1 = true;
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_SIGNATURE_ALGORITHM_WEAK');
  });

  test('a DTD (entity declaration) is refused before parsing', async () => {
    entra.next.doctype = true;
    await expectRefused(await samlSignIn('saml', 'alice'), 'SAML_DTD_FORBIDDEN');
  });

  test('an oversized body is refused before parsing: unread (413), and the SAMLResponse cap', async () => {
    const huge = await submit(new TestBrowser(), { action: `${app.origin}/api/sso/saml/acs`, fields: { SAMLResponse: 'A'.repeat(1_200_000) } });
    await expectRefused(huge, 'SSO_BODY_TOO_LARGE', 413);
    // saml-small caps SAMLResponse at 4096 characters (raw body cap 3 × 4096 + 8 KiB).
    const rawCap = await submit(new TestBrowser(), { action: `${app.origin}/api/sso/saml-small/acs`, fields: { SAMLResponse: 'A'.repeat(30_000) } });
    await expectRefused(rawCap, 'SSO_BODY_TOO_LARGE', 413);
    const coreCap = await submit(new TestBrowser(), { action: `${app.origin}/api/sso/saml-small/acs`, fields: { SAMLResponse: 'A'.repeat(8_000) } });
    await expectRefused(coreCap, 'SAML_RESPONSE_TOO_LARGE', 413);
    // A genuine response still fits under the default cap.
    await expectLanded(await samlSignIn('saml', 'alice'));
  });

  test('a response delivered in another browser (login CSRF) is refused', async () => {
    const { form } = await startSaml('saml', 'alice');
    await expectRefused(await submit(new TestBrowser(), form), 'SSO_STATE_WRONG_BROWSER');
  });

  test('a tampered RelayState is refused', async () => {
    const { browser, form } = await startSaml('saml', 'alice');
    await expectRefused(await submit(browser, { ...form, fields: { ...form.fields, RelayState: `${form.fields.RelayState}x` } }), 'SSO_STATE_UNKNOWN');
  });

  test('not a form post, or no SAMLResponse', async () => {
    const browser = new TestBrowser();
    const { response, setCookies } = await browser.fetch(`${app.origin}/api/sso/saml/acs`, { method: 'POST', body: '{"SAMLResponse":"x"}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(415);
    expect(await response.text()).toContain('SAML_RESPONSE_MISSING');
    expect(setCookies.filter((header) => /^(strapi_admin_refresh|jwtToken)=[^;]+/.test(header))).toEqual([]);
    await expectRefused(await submit(new TestBrowser(), { action: `${app.origin}/api/sso/saml/acs`, fields: { RelayState: 'x' } }), 'SAML_RESPONSE_MISSING');
  });

  test('every refusal is in the provisioning log with its SAML code, without assertion content', async () => {
    const events = await adminApi('GET', '/events?operation=sso-login&outcome=failure&pageSize=100');
    const codes = new Set(events.body.results.map((event: { scimType: string }) => event.scimType));
    for (const code of [
      'SAML_ASSERTION_REPLAYED', 'SAML_IN_RESPONSE_TO_UNKNOWN', 'SAML_DESTINATION_MISMATCH', 'SAML_AUDIENCE_MISMATCH', 'SAML_ASSERTION_NOT_SIGNED',
      'SAML_SIGNATURE_ALGORITHM_WEAK', 'SAML_DTD_FORBIDDEN', 'SSO_BODY_TOO_LARGE', 'SAML_IDP_INITIATED_NOT_ALLOWED', 'SSO_USER_INACTIVE', 'SSO_NOT_PROVISIONED',
    ]) {
      expect(codes).toContain(code);
    }
    expect(events.text).not.toMatch(/PHNhbWxw|<saml|SAMLResponse=|https:\/\/cms\.example\.test\/sso\/saml-other"/);
    if (process.env.SSO_TEST_PRINT_EVENTS) console.log(events.body.results.map((event: { scimType: string; detail: string }) => `${event.scimType}: ${event.detail}`).join('\n'));
  });

  test('expired request and assertion ids, and signed-in NameIDs, are pruned by the state sweep', async () => {
    const requests = app.strapi.db.query('plugin::identity-bridge.sso-saml-request');
    const assertions = app.strapi.db.query('plugin::identity-bridge.sso-saml-assertion');
    const subjects = app.strapi.db.query('plugin::identity-bridge.sso-saml-subject');
    await startSaml('saml', 'alice');
    expect(await assertions.count()).toBeGreaterThan(0);
    expect(await subjects.count()).toBeGreaterThan(0);
    const past = new Date(Date.now() - 1000);
    await requests.updateMany({ where: {}, data: { expiresAt: past } });
    await assertions.updateMany({ where: {}, data: { expiresAt: past } });
    await subjects.updateMany({ where: {}, data: { expiresAt: past } });
    expect(await createSsoStore(app.strapi).loginStates.prune()).toBeGreaterThan(0);
    expect(await requests.count()).toBe(0);
    expect(await assertions.count()).toBe(0);
    expect(await subjects.count()).toBe(0);
  });
});
