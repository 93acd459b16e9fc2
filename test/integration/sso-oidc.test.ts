/**
 * Single sign-on into the Strapi admin over OIDC, end to end: a real OpenID provider on 127.0.0.1 issuing
 * Entra-shaped tokens, a headless browser, the real playground Strapi. Sign-in URL → IdP → callback →
 * `/admin/users/me`; JIT, mapping on every sign-in, refusals; the login method policy and break-glass; logout.
 * Then the attacks, each asserting a refusal AND that no session cookie was set — forged tokens come from an
 * "evil" provider whose token endpoint returns crafted ID tokens.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';
import { TestBrowser } from './helpers/oidc-browser';
import { EDITORS_GROUP, expectNoSession, ssoFixtures, TENANT } from './helpers/sso-fixtures';
import { DEPARTMENT_CLAIM, startOidcProvider, type TestAccount, type TestOidcProvider } from './helpers/oidc-provider';
import { base64url, genuineClaims, signGenuine, startEvilProvider, type EvilProvider } from './helpers/oidc-evil-provider';

const FOREIGN_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT_SECRET = 'test-client-secret-with-enough-entropy';
const DEPARTMENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department';

let app: TestApp;
let idp: TestOidcProvider;
let evil: EvilProvider;
let ownerToken: string;

const { adminApi, roleCodes, isAdminLanding, expectLanded, me } = ssoFixtures(() => ({ app, ownerToken }));

const account = (login: string, extra: Partial<TestAccount> = {}): TestAccount => ({
  login,
  oid: `00000000-0000-4000-8000-${login.padEnd(12, '0').slice(0, 12).replace(/[^0-9a-f]/g, 'a')}`,
  email: `${login}@contoso.example`,
  givenName: login[0]!.toUpperCase() + login.slice(1),
  familyName: 'Contoso',
  ...extra,
});

const connection = (id: string, issuer: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'oidc',
  name: `Contoso (${id})`,
  provider: 'entra',
  issuer,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  scopes: ['openid', 'profile', 'email'],
  jit: true,
  clockToleranceSeconds: 30,
  ...extra,
});

/** Runs a sign-in in a (new) browser, stopping at the redirect into the admin panel. */
async function signIn(connectionId: string, login: string, options: { returnTo?: string; browser?: TestBrowser } = {}) {
  const browser = options.browser ?? new TestBrowser();
  const query = new URLSearchParams({ login_hint: login, ...(options.returnTo ? { returnTo: options.returnTo } : {}) });
  const result = await browser.navigate(`${app.origin}/api/sso/${connectionId}/login?${query}`, { stopAt: isAdminLanding });
  return { browser, ...result, landed: result.status === 302 && isAdminLanding(new URL(result.url)) };
}

beforeAll(async () => {
  app = await bootApp({
    pluginConfig: {
      // A declared connection: read-only through the admin API. Never used for a sign-in here.
      connections: [
        connection('declared-entra', `https://login.microsoftonline.com/${TENANT}/v2.0`, { name: 'Declared Entra' }),
      ],
      mapping: {
        attributes: [{ key: 'department', scimPath: DEPARTMENT, claim: DEPARTMENT_CLAIM, multiValued: false }],
        policy: {
          roleRules: [
            { id: 'editors', when: [{ source: { type: 'group', by: 'externalId' }, op: 'equals', value: EDITORS_GROUP }], roles: ['strapi-editor'] },
            { id: 'app-role-authors', when: [{ source: { type: 'role' }, op: 'equals', value: 'Author' }], roles: ['strapi-author'] },
            { id: 'marketing', when: [{ source: { type: 'attribute', key: 'department' }, op: 'equals', value: 'Marketing' }], roles: ['strapi-author'] },
          ],
          unmatched: { action: 'deactivate' },
          allowSuperAdmin: false,
        },
      },
    },
  });
  ownerToken = await createSuperAdmin(app);
  const callbacks = ['entra', 'entra-nojit', 'entra-trusted'].map((id) => `${app.origin}/api/sso/${id}/callback`);
  idp = await startOidcProvider({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: callbacks,
    postLogoutRedirectUris: [`${app.origin}/admin/auth/login`],
    accounts: [
      account('alice', { groups: [EDITORS_GROUP], department: 'Marketing' }),
      account('bob', { groups: [EDITORS_GROUP] }),
      account('nobody', { groups: [], department: 'Finance' }),
      account('carol', { groups: [EDITORS_GROUP] }),
      account('dave', { overage: true, department: 'Marketing' }),
      account('erin', { groups: [EDITORS_GROUP], department: 'Sales' }),
    ],
  });
  evil = await startEvilProvider({ tenantId: TENANT, clientId: CLIENT_ID });
  for (const body of [
    // SCIM (the test token's directory, "Default") provisions the same people: first sign-ins may link to them.
    connection('entra', idp.issuer, { directory: 'Default' }),
    connection('entra-nojit', idp.issuer, { jit: false }),
    connection('entra-trusted', idp.issuer, { trustEmail: true }),
    connection('evil', evil.issuer),
  ]) {
    const reply = await adminApi('POST', '/sso/connections', body);
    if (reply.status !== 201) throw new Error(`creating connection ${body.id}: ${reply.status} ${reply.text}`);
  }
});

afterAll(async () => {
  await app?.close();
  await idp?.close();
  await evil?.close();
});

describe('connections', () => {
  test('the admin API lists connections without secrets; declared ones are read-only', async () => {
    const reply = await adminApi('GET', '/sso/connections');
    expect(reply.status).toBe(200);
    expect(reply.text).not.toContain(CLIENT_SECRET);
    const byId = Object.fromEntries(reply.body.data.map((view: { id: string }) => [view.id, view]));
    expect(byId.entra).toMatchObject({ type: 'oidc', clientSecretSet: true, readOnly: false, source: 'database' });
    expect(byId['declared-entra']).toMatchObject({ readOnly: true, source: 'config' });
    expect((await adminApi('PUT', '/sso/connections/declared-entra', { ...connection('x', idp.issuer), id: undefined })).status).toBe(409);
    expect((await adminApi('DELETE', '/sso/connections/declared-entra')).status).toBe(409);
    expect((await adminApi('POST', '/sso/connections/declared-entra/disable')).status).toBe(409);
  });

  test('client secrets are stored encrypted', async () => {
    const row = await app.strapi.db.query('plugin::identity-bridge.sso-connection').findOne({ where: { connectionId: 'entra' } });
    expect(row.secret).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
  });

  test('an Entra /common authority without allowedTenants is refused', async () => {
    const reply = await adminApi('POST', '/sso/connections', connection('multi', 'https://login.microsoftonline.com/common/v2.0'));
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/any tenant/);
  });

  test('the public list shows enabled connections only, and a disabled one cannot start a sign-in', async () => {
    expect((await adminApi('POST', '/sso/connections/entra-trusted/disable')).status).toBe(200);
    const list = await request('GET', `${app.origin}/api/sso/connections`);
    const ids = list.body.data.map((entry: { id: string }) => entry.id);
    expect(ids).toEqual(expect.arrayContaining(['entra', 'evil', 'declared-entra']));
    expect(ids).not.toContain('entra-trusted');
    expect(list.body.data[0]).toEqual({ id: expect.any(String), name: expect.any(String), type: 'oidc', loginUrl: expect.stringMatching(/^\/api\/sso\/.+\/login$/) });
    const refused = await request('GET', `${app.origin}/api/sso/entra-trusted/login`);
    expect(refused.status).toBe(404);
    expect((await adminApi('POST', '/sso/connections/entra-trusted/enable')).status).toBe(200);
  });
});

describe('signing in', () => {
  test('sign-in URL → IdP → callback → /admin/users/me is the person, with the mapped roles', async () => {
    const result = await signIn('entra', 'alice', { returnTo: '/admin/content-manager' });
    await expectLanded(result);
    const { browser, url, hops } = result;
    expect(new URL(url).pathname).toBe('/admin/content-manager');
    const refresh = hops.flatMap((hop) => hop.setCookies).find((header) => header.startsWith('strapi_admin_refresh='));
    expect(refresh).toMatch(/httponly/i);
    expect(refresh).toMatch(/path=\/admin/i);
    expect(browser.cookie('jwtToken')?.httpOnly).toBe(false);
    const reply = await me(browser);
    expect(reply.status).toBe(200);
    expect(reply.body.data.email).toBe('alice@contoso.example');
    expect(reply.body.data.roles.map((role: { code: string }) => role.code).sort()).toEqual(['strapi-author', 'strapi-editor']);
    // Strapi's refresh endpoint accepts the session (rotation works like a password login's).
    const rotated = await browser.fetch(`${app.origin}/admin/access-token`, { method: 'POST' });
    expect(rotated.response.status).toBe(200);
  });

  test('the identity is bound by tenant + object id, and roles are re-synced at the next sign-in', async () => {
    const before = await adminUserByEmail(app, 'alice@contoso.example');
    idp.setAccount(account('alice', { groups: [], roles: ['Author'], department: 'Finance' }));
    await expectLanded(await signIn('entra', 'alice'));
    const after = await adminUserByEmail(app, 'alice@contoso.example');
    expect(after.id).toBe(before.id);
    expect(await roleCodes('alice@contoso.example')).toEqual(['strapi-author']);
    const binding = await app.strapi.db.query('plugin::identity-bridge.sso-identity').findOne({ where: { adminUserId: before.id } });
    expect(binding.subject).toBe(`${TENANT}:${account('alice').oid}`);
    expect(binding.issuer).toBe(idp.issuer);
  });

  test('the default return address is the admin dashboard', async () => {
    const result = await signIn('entra', 'alice');
    await expectLanded(result);
    const { url } = result;
    expect(new URL(url).pathname).toBe('/admin');
  });

  test('JIT off: a person without an admin user is refused with a page', async () => {
    const { browser, status, text, hops } = await signIn('entra-nojit', 'bob');
    expect(status).toBe(403);
    expect(text).toContain('SSO_NOT_PROVISIONED');
    expect(text).not.toMatch(/at .*\.js:\d+/);
    expectNoSession(browser, hops);
    expect(await adminUserByEmail(app, 'bob@contoso.example')).toBeNull();
  });

  test('a person the rules do not let in is refused and not created', async () => {
    const { browser, status, text, hops } = await signIn('entra', 'nobody');
    expect(status).toBe(403);
    expect(text).toContain('SSO_RULES_DENY');
    expectNoSession(browser, hops);
    expect(await adminUserByEmail(app, 'nobody@contoso.example')).toBeNull();
  });

  test('an inactive admin user is refused with a page and gets no session', async () => {
    const user = await adminUserByEmail(app, 'alice@contoso.example');
    await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { isActive: false } });
    try {
      const { browser, status, text, hops } = await signIn('entra', 'alice');
      expect(status).toBe(403);
      expect(text).toContain('SSO_USER_INACTIVE');
      expectNoSession(browser, hops);
    } finally {
      await app.strapi.db.query('admin::user').update({ where: { id: user.id }, data: { isActive: true } });
    }
  });

  test('an existing local admin user with the same email is not taken over', async () => {
    const editor = await app.strapi.service('admin::role').getSuperAdmin();
    void editor;
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
    await app.strapi.service('admin::user').create({
      email: 'carol@contoso.example', password: 'Carol-Passw0rd!', firstname: 'Carol', lastname: 'Local', isActive: true, registrationToken: null, roles: [role.id],
    });
    const { browser, status, text, hops } = await signIn('entra', 'carol');
    expect(status).toBe(403);
    expect(text).toContain('SSO_EMAIL_IN_USE');
    expectNoSession(browser, hops);
    // A connection trusted for email links the account (the owner's explicit choice).
    const trusted = await signIn('entra-trusted', 'carol');
    await expectLanded(trusted);
    expect((await me(trusted.browser)).body.data.email).toBe('carol@contoso.example');
  });

  test('Entra groups overage does not fail the sign-in; it is logged', async () => {
    const result = await signIn('entra', 'dave');
    await expectLanded(result);
    const { browser } = result;
    expect((await me(browser)).body.data.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-author']);
    const events = await adminApi('GET', '/events?operation=sso-login&outcome=success&pageSize=50');
    expect(events.body.results.some((event: { detail: string }) => /groups overage/.test(event.detail))).toBe(true);
  });

  test('a SCIM-provisioned person links by email (connection names the directory); SCIM wins for facts it carries, claims fill the rest', async () => {
    const scim = scimClient(app.scimUrl, app.scimToken);
    const created = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      userName: 'erin@contoso.example',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'erin@contoso.example' }],
      name: { givenName: 'Erin', familyName: 'Scim' },
      [DEPARTMENT.slice(0, DEPARTMENT.lastIndexOf(':'))]: { department: 'Marketing' },
    });
    expect(created.status).toBe(201);
    expect(await roleCodes('erin@contoso.example')).toEqual(['strapi-author']);
    // A connection that does not name the SCIM directory cannot link to the provisioned user by email.
    const unrelated = await signIn('entra-nojit', 'erin');
    expect(unrelated.status).toBe(403);
    expect(unrelated.text).toContain('SSO_EMAIL_IN_USE');
    expectNoSession(unrelated.browser, unrelated.hops);
    // The token says department Sales and carries the editors group; SCIM says Marketing and has no groups.
    const result = await signIn('entra', 'erin');
    await expectLanded(result);
    const { browser } = result;
    expect((await me(browser)).body.data.lastname).toBe('Scim');
    expect(await roleCodes('erin@contoso.example')).toEqual(['strapi-author', 'strapi-editor']);
  });
});

describe('login method policy', () => {
  test('a policy that would lock every Super Admin out of password sign-in is refused', async () => {
    const reply = await adminApi('PUT', '/sso/login-policy', { ssoOnlyRoles: ['strapi-super-admin'] });
    expect(reply.status).toBe(409);
    expect(reply.body.error.message).toMatch(/break-glass/);
  });

  test('an SSO-only user cannot sign in or reset a password locally; the break-glass Super Admin still can', async () => {
    expect((await adminApi('PUT', '/sso/login-policy', { ssoOnlyUsers: ['carol@contoso.example'], ssoOnlyRoles: ['strapi-author'] })).status).toBe(200);
    const login = await request('POST', `${app.origin}/admin/login`, { email: 'carol@contoso.example', password: 'Carol-Passw0rd!' }, { contentType: 'application/json' });
    expect(login.status).toBe(403);
    expect(login.body.error.details.code).toBe('SSO_ONLY');
    expect(login.headers.getSetCookie().some((header) => header.startsWith('strapi_admin_refresh=') && !/=;/.test(header))).toBe(false);
    const forgot = await request('POST', `${app.origin}/admin/forgot-password`, { email: 'carol@contoso.example' }, { contentType: 'application/json' });
    expect(forgot.status).toBe(204);
    const carol = await adminUserByEmail(app, 'carol@contoso.example');
    const stored = await app.strapi.db.query('admin::user').findOne({ where: { id: carol.id }, select: ['resetPasswordToken'] });
    expect(stored.resetPasswordToken ?? null).toBeNull();
    // The owner (Super Admin with a password) is the break-glass account.
    const owner = await request('POST', `${app.origin}/admin/login`, { email: 'owner@example.com', password: 'Owner-Passw0rd!' }, { contentType: 'application/json' });
    expect(owner.status).toBe(200);
    // SSO still works for the SSO-only user.
    await expectLanded(await signIn('entra-trusted', 'carol'));
    expect((await adminApi('PUT', '/sso/login-policy', { ssoOnlyUsers: [], ssoOnlyRoles: [] })).status).toBe(200);
  });
});

describe('logout', () => {
  test('logout revokes the Strapi session and hands over to the IdP end_session', async () => {
    const result = await signIn('entra', 'alice');
    await expectLanded(result);
    const { browser } = result;
    const refresh = browser.cookie('strapi_admin_refresh')!.value;
    const { response } = await browser.fetch(`${app.origin}/api/sso/entra/logout`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.href.startsWith(idp.issuer)).toBe(true);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${app.origin}/admin/auth/login`);
    expect(location.searchParams.get('id_token_hint')).toBeTruthy();
    expect(browser.cookie('strapi_admin_refresh')).toBeUndefined();
    const reuse = await request('POST', `${app.origin}/admin/access-token`, undefined, { headers: { cookie: `strapi_admin_refresh=${refresh}` } });
    expect(reuse.status).toBe(401);
  });
});

describe('attacks: each refused, with no session', () => {
  /** Refused with `code` (and, when given, for `reason` — the library's own words in the provisioning log). */
  async function expectRefused(result: { browser: TestBrowser; status: number; text: string; hops: { setCookies: string[] }[] }, code: string, reason?: RegExp) {
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.text).toContain(code);
    expectNoSession(result.browser, result.hops);
    if (reason) {
      const latest = await adminApi('GET', '/events?operation=sso-login&outcome=failure&pageSize=1');
      expect(latest.body.results[0].detail).toMatch(reason);
    }
  }

  /** Runs a sign-in at the evil provider with `craft` building the ID token. */
  async function evilSignIn(craft: EvilProvider['craft']) {
    evil.craft = craft;
    return signIn('evil', 'mallory');
  }

  test('control: a genuine token of the evil provider is accepted (so the refusals below are about the tampering)', async () => {
    const result = await evilSignIn((context) => signGenuine(context, { groups: [EDITORS_GROUP] }));
    await expectLanded(result);
  });

  test('wrong issuer', async () => {
    await expectRefused(await evilSignIn((context) => signGenuine(context, { groups: [EDITORS_GROUP], iss: 'https://login.microsoftonline.com/evil/v2.0' })), 'SSO_TOKEN_REJECTED', /"iss"/);
  });

  test('wrong audience', async () => {
    await expectRefused(await evilSignIn((context) => signGenuine(context, { groups: [EDITORS_GROUP], aud: 'another-app' })), 'SSO_TOKEN_REJECTED', /"aud"/);
  });

  test('expired ID token (beyond the clock tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      await evilSignIn((context) => signGenuine(context, { groups: [EDITORS_GROUP], iat: now - 7200, nbf: now - 7200, exp: now - 3600 })),
      'SSO_TOKEN_REJECTED',
      /"exp"/
    );
  });

  test('alg: none', async () => {
    await expectRefused(
      await evilSignIn(async (context) => `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(genuineClaims(context, { groups: [EDITORS_GROUP] })))}.`),
      'SSO_TOKEN_REJECTED',
      /"alg"/
    );
  });

  test('HS256 signed with the public key', async () => {
    await expectRefused(
      await evilSignIn((context) => {
        const pem = context.publicKey.export({ type: 'spki', format: 'pem' }) as string;
        return new SignJWT(genuineClaims(context, { groups: [EDITORS_GROUP] })).setProtectedHeader({ alg: 'HS256', kid: 'evil-key' }).sign(new TextEncoder().encode(pem));
      }),
      'SSO_TOKEN_REJECTED',
      /"alg"/
    );
  });

  test('a forged signature (a key not in the JWKS, same kid)', async () => {
    const { privateKey: forger } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(
      await evilSignIn((context) => new SignJWT(genuineClaims(context, { groups: [EDITORS_GROUP], roles: ['Admin'] })).setProtectedHeader({ alg: 'RS256', kid: 'evil-key' }).sign(forger)),
      'SSO_TOKEN_REJECTED',
      /signature verification failed/
    );
  });

  test('nonce mismatch', async () => {
    await expectRefused(await evilSignIn((context) => signGenuine(context, { groups: [EDITORS_GROUP], nonce: 'another-nonce' })), 'SSO_TOKEN_REJECTED', /"nonce"/);
  });

  test('a foreign tenant', async () => {
    await expectRefused(await evilSignIn((context) => signGenuine(context, { groups: [EDITORS_GROUP], tid: FOREIGN_TENANT })), 'SSO_TENANT_NOT_ALLOWED', /not the connection's tenant/);
  });

  /** Starts a sign-in at the real IdP and stops at the callback (not yet delivered). */
  async function callbackUrlFor(login: string, browser = new TestBrowser()) {
    const result = await browser.navigate(`${app.origin}/api/sso/entra/login?login_hint=${login}`, {
      stopAt: (location) => location.origin === app.origin && location.pathname === '/api/sso/entra/callback',
    });
    return { browser, callback: new URL(result.url) };
  }

  test('state mismatch: a tampered state, and a callback delivered to another browser', async () => {
    const { browser, callback } = await callbackUrlFor('bob');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    await expectRefused({ browser, ...(await browser.navigate(tampered.href)) }, 'SSO_STATE_UNKNOWN');
    // Login CSRF: the attacker's callback URL opened in the victim's browser.
    const victim = new TestBrowser();
    await expectRefused({ browser: victim, ...(await victim.navigate(callback.href)) }, 'SSO_STATE_WRONG_BROWSER');
  });

  test('an expired sign-in (state past its expiry) is refused', async () => {
    const { browser, callback } = await callbackUrlFor('bob');
    await app.strapi.db.query('plugin::identity-bridge.sso-login-state').updateMany({ where: {}, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectRefused({ browser, ...(await browser.navigate(callback.href)) }, 'SSO_STATE_EXPIRED');
  });

  test('concurrent replays of one callback: exactly one sign-in', async () => {
    const { browser, callback } = await callbackUrlFor('bob');
    const results = await Promise.all([1, 2, 3].map(() => browser.navigate(callback.href, { stopAt: isAdminLanding })));
    expect(results.filter((result) => result.status === 302 && isAdminLanding(new URL(result.url)))).toHaveLength(1);
    expect(results.filter((result) => result.text.includes('SSO_STATE_UNKNOWN'))).toHaveLength(2);
  });

  test('code reuse: the same callback twice, and the used code with a fresh state', async () => {
    const { browser, callback } = await callbackUrlFor('bob');
    const first = await browser.navigate(callback.href, { stopAt: isAdminLanding });
    expect(first.status).toBe(302);
    const fresh = new TestBrowser();
    const replay = await fresh.navigate(callback.href);
    await expectRefused({ browser: fresh, ...replay }, 'SSO_STATE_UNKNOWN');
    const second = await fresh.navigate(`${app.origin}/api/sso/entra/login?login_hint=bob`, { stopAt: (location) => location.origin === idp.origin });
    const state = new URL(second.url).searchParams.get('state')!;
    const reused = new URL(callback);
    reused.searchParams.set('state', state);
    await expectRefused({ browser: fresh, ...(await fresh.navigate(reused.href)) }, 'SSO_TOKEN_REJECTED', /invalid_grant/);
  });

  test('returnTo to another origin (or out of the admin panel) is refused before the IdP', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/admin', '/\\evil.example', '/admin/../api/users', '/admin%0d%0aSet-Cookie:x=y', 'javascript:alert(1)']) {
      const browser = new TestBrowser();
      const result = await browser.navigate(`${app.origin}/api/sso/entra/login?returnTo=${encodeURIComponent(returnTo)}`);
      expect(result.hops).toHaveLength(1);
      await expectRefused({ browser, ...result }, 'SSO_RETURN_TO_INVALID');
    }
  });

  test('every refusal is in the provisioning log, without tokens', async () => {
    const events = await adminApi('GET', '/events?operation=sso-login&outcome=failure&pageSize=100');
    const codes = new Set(events.body.results.map((event: { scimType: string }) => event.scimType));
    for (const code of ['SSO_TOKEN_REJECTED', 'SSO_TENANT_NOT_ALLOWED', 'SSO_STATE_UNKNOWN', 'SSO_STATE_WRONG_BROWSER', 'SSO_EMAIL_IN_USE', 'SSO_USER_INACTIVE']) {
      expect(codes).toContain(code);
    }
    expect(events.text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    if (process.env.SSO_TEST_PRINT_EVENTS) console.log(events.body.results.map((event: { scimType: string; detail: string }) => `${event.scimType}: ${event.detail}`).join('\n'));
  });
});
