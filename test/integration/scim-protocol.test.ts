/**
 * RFC 7644 behaviour that both IdPs rely on, and the safety rules of the plugin: errors always in the
 * SCIM error schema, media types, body limits, ETags, concurrency, atomic PATCH, directory isolation,
 * Super Admin protection, and the provisioning log.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin, login } from './helpers/admin';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let app: TestApp;
let scim: ScimClient;
let ownerToken: string;

const adminApi = (method: string, path: string, body?: unknown, token = ownerToken) =>
  request(method, `${app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${token}` }, contentType: 'application/json' });

const newUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

beforeAll(async () => {
  app = await bootApp({ pluginConfig: { scim: { maxBodyBytes: 4096 } } });
  scim = scimClient(app.scimUrl, app.scimToken);
  ownerToken = await createSuperAdmin(app);
});
afterAll(async () => app?.close());

describe('discovery', () => {
  test('ServiceProviderConfig tells the truth: patch, filter, etag; no bulk, sort or password change', async () => {
    const reply = await scim.get('/ServiceProviderConfig');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
    });
    expect(reply.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
  });

  test('Schemas and ResourceTypes list and fetch by id; unknown ids are 404', async () => {
    const schemas = await scim.get('/Schemas');
    const ids = schemas.body.Resources.map((schema: { id: string }) => schema.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ])
    );
    const user = await scim.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(user.body.attributes.find((attribute: { name: string }) => attribute.name === 'userName')).toMatchObject({ uniqueness: 'server', required: true });
    const types = await scim.get('/ResourceTypes');
    expect(types.body.Resources.map((type: { name: string }) => type.name).sort()).toEqual(['Group', 'User']);
    expect((await scim.get('/ResourceTypes/User')).body.endpoint).toBe('/Users');
    expect((await scim.get('/Schemas/urn:nope')).status).toBe(404);
    expect((await scim.get('/ResourceTypes/Nope')).status).toBe(404);
  });
});

describe('errors and media types', () => {
  test('no token, wrong token: 401 SCIM errors; never reaches Strapi\'s own error format', async () => {
    for (const token of [null, 'wrong-token-value']) {
      const reply = await scimClient(app.scimUrl, token).get('/Users');
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ schemas: [SCIM_ERROR], status: '401', detail: expect.any(String) });
    }
  });

  test('malformed JSON is 400 invalidSyntax; an oversized body is 413; a foreign media type is 415', async () => {
    const malformed = await scim.post('/Users', undefined, { rawBody: '{"userName": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ schemas: [SCIM_ERROR], status: '400', scimType: 'invalidSyntax' });
    const large = await scim.post('/Users', newUser('large@example.com', { displayName: 'x'.repeat(8000) }));
    expect(large.status).toBe(413);
    expect(large.body.schemas).toEqual([SCIM_ERROR]);
    const xml = await scim.post('/Users', undefined, { rawBody: '<user/>', contentType: 'application/xml' });
    expect(xml.status).toBe(415);
  });

  test('an unparseable or unknown filter is 400 invalidFilter', async () => {
    for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'nonsense eq "a"']) {
      const reply = await scim.get('/Users?filter=' + encodeURIComponent(filter));
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], scimType: 'invalidFilter' });
    }
  });

  test('unknown paths are 404 and unsupported methods 405, both as SCIM errors', async () => {
    expect((await scim.get('/Nope')).body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    const wrongMethod = await scim.delete('/Users');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.schemas).toEqual([SCIM_ERROR]);
  });

  test('a user without any email is refused with a message naming the cause, and nothing is written', async () => {
    const reply = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'no-email-login' });
    expect(reply.status).toBe(400);
    expect(reply.body.scimType).toBe('invalidValue');
    expect(reply.body.detail).toMatch(/email/);
    expect((await scim.get('/Users?filter=' + encodeURIComponent('userName eq "no-email-login"'))).body.totalResults).toBe(0);
  });
});

describe('writes', () => {
  test('two simultaneous creates of one userName: exactly one 201 and one 409, one admin user', async () => {
    const replies = await Promise.all([scim.post('/Users', newUser('race@example.com')), scim.post('/Users', newUser('race@example.com'))]);
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
    expect(await app.strapi.db.query('admin::user').count({ where: { email: 'race@example.com' } })).toBe(1);
    expect(await app.strapi.db.query('plugin::identity-bridge.identity').count({ where: { userNameLower: 'race@example.com' } })).toBe(1);
  });

  test('a provisioned admin user is what Strapi\'s own user service would create, and Strapi keeps role order', async () => {
    const announced: { user: Record<string, unknown> }[] = [];
    const listener = (payload: { user: Record<string, unknown> }) => announced.push(payload);
    app.strapi.eventHub.on('user.create', listener);
    try {
      expect((await scim.post('/Users', newUser('shape@example.com'))).status).toBe(201);
    } finally {
      app.strapi.eventHub.off('user.create', listener);
    }
    const user = await app.strapi.db.query('admin::user').findOne({ where: { email: 'shape@example.com' }, populate: ['roles'] });
    expect(user).toMatchObject({ firstname: 'Given', lastname: 'Family', isActive: true, username: null, blocked: false });
    expect(user.registrationToken).toMatch(/^[0-9a-f]{40}$/); // the invitation link needs it, as for Strapi's invites
    expect(user.documentId).toEqual(expect.any(String));
    expect(user.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-author']); // the default role
    // The same `user.create` event Strapi emits, without secrets.
    expect(announced).toHaveLength(1);
    expect(announced[0]!.user).toMatchObject({ id: user.id, email: 'shape@example.com', roles: [expect.objectContaining({ code: 'strapi-author' })] });
    expect(JSON.stringify(announced)).not.toContain(user.registrationToken);
    // A user Strapi itself creates afterwards still sorts after ours in the role (the role link's order).
    const later = await app.strapi.service('admin::user').create({ email: 'later@example.com', firstname: 'L', roles: [user.roles[0].id] });
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-author' }, populate: ['users'] });
    const emails = role.users.map((member: { email: string }) => member.email);
    expect(emails.indexOf('shape@example.com')).toBeGreaterThanOrEqual(0);
    expect(emails.indexOf('later@example.com')).toBeGreaterThan(emails.indexOf('shape@example.com'));
    expect(emails[emails.length - 1]).toBe(later.email);
  });

  test('a write and its provisioning-log entry commit together: a rolled-back write leaves only a failure entry', async () => {
    const before = await app.strapi.db.query('plugin::identity-bridge.event').count({ where: { resourceName: 'rollback@example.com' } });
    expect(before).toBe(0);
    // The second email is the first one's: the admin user's unique email refuses it inside the transaction.
    const taken = await scim.post('/Users', newUser('taken@example.com'));
    expect(taken.status).toBe(201);
    const clash = await scim.post('/Users', newUser('rollback@example.com', { emails: [{ value: 'taken@example.com', primary: true }] }));
    expect(clash.status).toBe(409);
    expect(await app.strapi.db.query('plugin::identity-bridge.identity').count({ where: { userNameLower: 'rollback@example.com' } })).toBe(0);
    const entries = await app.strapi.db.query('plugin::identity-bridge.event').findMany({ where: { operation: 'createUser', status: 409 } });
    expect(entries.some((entry: { outcome: string; detail: string }) => entry.outcome === 'failure' && /taken@example.com/.test(entry.detail))).toBe(true);
    expect(await app.strapi.db.query('plugin::identity-bridge.event').count({ where: { resourceName: 'rollback@example.com', outcome: 'success' } })).toBe(0);
  });

  test('PATCH is atomic: a failing operation leaves the user untouched', async () => {
    const created = await scim.post('/Users', newUser('atomic@example.com', { title: 'Before' }));
    const reply = await scim.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'title', value: 'After' },
        { op: 'remove', path: 'emails[type eq "home"]' },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.body.scimType).toBe('noTarget');
    const current = await scim.get(`/Users/${created.body.id}`);
    expect(current.body.title).toBe('Before');
    expect(current.body.meta.version).toBe('W/"1"');
  });

  test('readOnly attributes are 400 mutability; an empty Operations list changes nothing', async () => {
    const created = await scim.post('/Users', newUser('readonly@example.com'));
    const reply = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'id', value: 'other' }] });
    expect(reply.status).toBe(400);
    expect(reply.body.scimType).toBe('mutability');
    const noop = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [] });
    expect(noop.status).toBe(200);
    expect(noop.body.meta.version).toBe('W/"1"');
  });

  test('ETags: If-Match with a stale version is 412; the current one succeeds', async () => {
    const created = await scim.post('/Users', newUser('etag@example.com'));
    const etag = created.headers.get('etag')!;
    const first = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'One' }] }, { headers: { 'if-match': etag } });
    expect(first.status).toBe(200);
    const stale = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Two' }] }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.schemas).toEqual([SCIM_ERROR]);
    expect((await scim.get(`/Users/${created.body.id}`)).body.title).toBe('One');
  });

  test('custom extension attributes round-trip as Entra sends them (folders as strings or {value})', async () => {
    const body = newUser('ext@example.com', {
      userType: 'Premium',
      'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName': { folders: [{ value: 'Marketing' }, { value: 'Marketing/Campaigns' }] },
      'urn:ietf:params:scim:schemas:extension:2.0:Metadata': { team: 'Blue', region: 'EMEA' },
    });
    const created = await scim.post('/Users', body);
    expect(created.status).toBe(201);
    const fetched = await scim.get(`/Users/${created.body.id}`);
    expect(fetched.body.userType).toBe('Premium');
    expect(fetched.body['urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName']).toEqual({
      folders: [{ value: 'Marketing' }, { value: 'Marketing/Campaigns' }],
    });
    expect(fetched.body['urn:ietf:params:scim:schemas:extension:2.0:Metadata']).toEqual({ team: 'Blue', region: 'EMEA' });
    const patched = await scim.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team', value: 'Red' }],
    });
    expect(patched.body['urn:ietf:params:scim:schemas:extension:2.0:Metadata']).toEqual({ team: 'Red', region: 'EMEA' });
    const projected = await scim.get(`/Users/${created.body.id}?attributes=userName,urn:ietf:params:scim:schemas:extension:2.0:Metadata:team`);
    expect(projected.body).toEqual({
      schemas: expect.any(Array),
      id: created.body.id,
      userName: 'ext@example.com',
      'urn:ietf:params:scim:schemas:extension:2.0:Metadata': { team: 'Red' },
    });
  });
});

describe('Super Admins and directories', () => {
  test('a SCIM user with a Super Admin\'s email links to it, and SCIM cannot deactivate or delete it', async () => {
    const created = await scim.post('/Users', newUser('owner@example.com'));
    expect(created.status).toBe(201);
    const deactivate = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(deactivate.status).toBe(400);
    expect(deactivate.body.detail).toMatch(/Super Admin/);
    const owner = await adminUserByEmail(app, 'owner@example.com');
    expect(owner.isActive).toBe(true);
    expect(owner.roles.map((role: { code: string }) => role.code)).toContain('strapi-super-admin');
    expect(await app.strapi.db.query('admin::user').count({ where: { email: 'owner@example.com' } })).toBe(1);
  });

  test('a second directory\'s token sees none of the first directory\'s people, and cannot take their email', async () => {
    const directory = await adminApi('POST', '/directories', { name: 'Okta', description: 'second IdP' });
    expect(directory.status).toBe(201);
    const token = await adminApi('POST', '/tokens', { name: 'Okta token', directoryId: directory.body.data.id });
    expect(token.status).toBe(201);
    const secret = token.body.data.secret as string;
    const okta = scimClient(app.scimUrl, secret);

    expect((await okta.get('/Users')).body.totalResults).toBe(0);
    const entraUser = (await scim.get('/Users?filter=' + encodeURIComponent('userName eq "etag@example.com"'))).body.Resources[0];
    expect((await okta.get(`/Users/${entraUser.id}`)).status).toBe(404);
    expect((await okta.delete(`/Users/${entraUser.id}`)).status).toBe(404);

    const clash = await okta.post('/Users', newUser('etag@example.com'));
    expect(clash.status).toBe(409);
    expect(clash.body.scimType).toBe('uniqueness');
    expect(clash.body.detail).toMatch(/already provisioned by directory "Default"/);

    const list = await adminApi('GET', '/tokens');
    expect(list.body.data.some((row: { name: string }) => row.name === 'Okta token')).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const revoked = await adminApi('POST', `/tokens/${token.body.data.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect((await okta.get('/Users')).status).toBe(401);
  });

  test('deactivation revokes the admin user\'s sessions (refresh token no longer works)', async () => {
    const created = await scim.post('/Users', newUser('session@example.com'));
    const admin = await adminUserByEmail(app, 'session@example.com');
    await app.strapi.service('admin::user').updateById(admin.id, { password: 'Session-Passw0rd!' });
    const loginReply = await request('POST', `${app.origin}/admin/login`, { email: 'session@example.com', password: 'Session-Passw0rd!' }, { contentType: 'application/json' });
    expect(loginReply.status).toBe(200);
    const cookie = loginReply.headers.get('set-cookie')!.split(';')[0]!;
    const accessToken = loginReply.body.data.token;
    expect((await request('GET', `${app.origin}/admin/users/me`, undefined, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);

    await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });

    expect((await request('GET', `${app.origin}/admin/users/me`, undefined, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(401);
    const refresh = await request('POST', `${app.origin}/admin/access-token`, {}, { headers: { cookie }, contentType: 'application/json' });
    expect(refresh.status).toBe(401);
  });
});

describe('admin API and provisioning log', () => {
  test('writes and failures are logged with token name and changed attribute names, never secrets', async () => {
    await scim.post('/Users', newUser('logged@example.com', { password: 'Very-Secret-Password-1' }));
    const events = await adminApi('GET', '/events?pageSize=200');
    expect(events.status).toBe(200);
    const created = events.body.data ?? events.body.results;
    const entry = created.find((event: { resourceName: string; operation: string }) => event.resourceName === 'logged@example.com');
    expect(entry).toMatchObject({ tokenName: 'Test token', method: 'POST', operation: 'createUser', outcome: 'success', status: 201 });
    expect(entry.changed).toEqual(expect.arrayContaining(['userName', 'emails']));
    expect(JSON.stringify(events.body)).not.toContain('Very-Secret-Password-1');
    expect(created.some((event: { outcome: string; status: number }) => event.outcome === 'failure' && event.status === 409)).toBe(true);
    const failures = await adminApi('GET', '/events?outcome=failure&pageSize=5');
    expect(failures.body.pagination.pageSize).toBe(5);
    expect(failures.body.results.every((event: { outcome: string }) => event.outcome === 'failure')).toBe(true);
  });

  test('the admin API needs the plugin permissions: an Editor is refused', async () => {
    const editorRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
    await app.strapi.service('admin::user').create({
      email: 'editor@example.com', password: 'Editor-Passw0rd!', firstname: 'Ed', lastname: 'Itor', isActive: true, registrationToken: null, roles: [editorRole.id],
    });
    const editorToken = await login(app, 'editor@example.com', 'Editor-Passw0rd!');
    expect((await adminApi('GET', '/tokens', undefined, editorToken)).status).toBe(403);
    expect((await adminApi('POST', '/tokens', { name: 'x', directoryId: 1 }, editorToken)).status).toBe(403);
    expect((await request('GET', `${app.origin}/identity-bridge/tokens`)).status).toBe(401);

    // The actions are registered with Strapi: granting `read` to the Editor role opens reads, not writes.
    await app.strapi.service('admin::role').addPermissions(editorRole.id, [{ action: 'plugin::identity-bridge.read', subject: null }]);
    expect((await adminApi('GET', '/tokens', undefined, editorToken)).status).toBe(200);
    expect((await adminApi('POST', '/tokens', { name: 'x', directoryId: 1 }, editorToken)).status).toBe(403);
  });

  test('admin API input is validated with messages that say what to fix', async () => {
    const reply = await adminApi('POST', '/tokens', { name: '', directoryId: 'x' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/name/);
    expect(reply.body.error.message).toMatch(/directoryId/);
  });
});
