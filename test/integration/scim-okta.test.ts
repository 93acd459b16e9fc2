/**
 * Okta's SCIM 2.0 provisioning, replayed from Okta's "SCIM 2.0 protocol reference" and the checks of its
 * SCIM validator (Runscope SPEC tests): paging with integers, random-id 404s, `Authorization: non-token`,
 * JSON bodies with a password, PUT profile updates echoing id/meta/groups, path-less deactivation, and
 * group push.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail } from './helpers/admin';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const JSON_TYPE = { contentType: 'application/json' };

let app: TestApp;
let scim: ScimClient;

beforeAll(async () => {
  app = await bootApp();
  scim = scimClient(app.scimUrl, app.scimToken);
});
afterAll(async () => app?.close());

const oktaUser = (login: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: login,
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: login, type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
  ...extra,
});

describe('Okta provisioning', () => {
  let userId: string;
  const pagedIds: string[] = [];

  test('validator: GET /Users?count=1&startIndex=1 answers integers', async () => {
    const reply = await scim.get('/Users?count=1&startIndex=1');
    expect(reply.status).toBe(200);
    expect(typeof reply.body.totalResults).toBe('number');
    expect(typeof reply.body.startIndex).toBe('number');
    expect(typeof reply.body.itemsPerPage).toBe('number');
  });

  test('validator: Authorization "non-token" gets 401 with a SCIM error body', async () => {
    const reply = await request('GET', `${app.scimUrl}/Users`, undefined, { headers: { authorization: 'non-token' } });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: '401' });
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('Create User with application/json and a password: 201, password never returned', async () => {
    const reply = await scim.post('/Users', oktaUser('test.user@okta.local'), JSON_TYPE);
    expect(reply.status).toBe(201);
    userId = reply.body.id;
    expect(reply.body.password).toBeUndefined();
    expect(reply.text).not.toContain('1mz050nq');
    const stored = await app.strapi.db.query('plugin::identity-bridge.identity').findOne({ where: { scimId: userId } });
    expect(JSON.stringify(stored)).not.toContain('1mz050nq');
    const admin = await adminUserByEmail(app, 'test.user@okta.local');
    expect(admin).toMatchObject({ firstname: 'Test', lastname: 'User', isActive: true });
    expect(admin.password ?? null).toBeNull();
  });

  test('validator: filter on userName with startIndex and count', async () => {
    const found = await scim.get('/Users?filter=' + encodeURIComponent('userName eq "test.user@okta.local"') + '&startIndex=1&count=100');
    expect(found.body.totalResults).toBe(1);
    const missing = await scim.get('/Users?filter=' + encodeURIComponent('userName eq "nobody@okta.local"') + '&startIndex=1&count=100');
    expect(missing.status).toBe(200);
    expect(missing.body.totalResults).toBe(0);
  });

  test('validator: a random id is 404 with the SCIM error schema', async () => {
    const reply = await scim.get('/Users/010101001010101');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
  });

  test('a duplicate userName is 409 uniqueness', async () => {
    const reply = await scim.post('/Users', oktaUser('TEST.USER@okta.local'), JSON_TYPE);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: '409', scimType: 'uniqueness' });
  });

  test('PUT updates the profile; the body echoes id, meta and groups', async () => {
    const current = await scim.get(`/Users/${userId}`);
    const body = { ...current.body, name: { givenName: 'Changed', familyName: 'Name' }, password: 'ignored-secret' };
    const reply = await scim.put(`/Users/${userId}`, body, JSON_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.body.name).toEqual({ givenName: 'Changed', familyName: 'Name' });
    expect((await adminUserByEmail(app, 'test.user@okta.local')).firstname).toBe('Changed');
  });

  test('path-less PATCH deactivation; the user stays readable and filterable', async () => {
    const reply = await scim.patch(`/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }, JSON_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.body.active).toBe(false);
    expect((await adminUserByEmail(app, 'test.user@okta.local')).isActive).toBe(false);
    const found = await scim.get('/Users?filter=' + encodeURIComponent('userName eq "test.user@okta.local"'));
    expect(found.body.Resources[0].active).toBe(false);
    const reactivated = await scim.patch(`/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] }, JSON_TYPE);
    expect(reactivated.body.active).toBe(true);
    expect((await adminUserByEmail(app, 'test.user@okta.local')).isActive).toBe(true);
  });

  test('paging with count=1 visits every user exactly once', async () => {
    for (let index = 0; index < 6; index += 1) {
      const reply = await scim.post('/Users', oktaUser(`pager${index}@okta.local`, { externalId: `p${index}` }), JSON_TYPE);
      expect(reply.status).toBe(201);
    }
    const total = (await scim.get('/Users?count=0')).body.totalResults;
    expect(total).toBe(7);
    for (let startIndex = 1; startIndex <= total; startIndex += 1) {
      const page = await scim.get(`/Users?startIndex=${startIndex}&count=1`);
      expect(page.body.itemsPerPage).toBe(1);
      expect(page.body.startIndex).toBe(startIndex);
      pagedIds.push(page.body.Resources[0].id);
    }
    expect(new Set(pagedIds).size).toBe(7);
    const beyond = await scim.get(`/Users?startIndex=${total + 1}&count=1`);
    expect(beyond.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
  });

  test('group push: create with members, rename echoing its own id, add/remove, replace all, PUT, delete', async () => {
    const [a, b, c] = pagedIds.filter((id) => id !== userId);
    const created = await scim.post(
      '/Groups',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Test SCIMv2', members: [{ value: a, display: 'pager' }] },
      JSON_TYPE
    );
    expect(created.status).toBe(201);
    const groupId = created.body.id;
    const members = async () =>
      ((await scim.get(`/Groups/${groupId}`)).body.members ?? []).map((member: { value: string }) => member.value).sort();
    expect(await members()).toEqual([a]);

    const renamed = await scim.patch(
      `/Groups/${groupId}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2 renamed' } }] },
      JSON_TYPE
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('Test SCIMv2 renamed');

    await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: b }, { value: c }] }] }, JSON_TYPE);
    expect(await members()).toEqual([a, b, c].sort());
    await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${b}"]` }] }, JSON_TYPE);
    expect(await members()).toEqual([a, c].sort());
    await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'members', value: [{ value: b }] }] }, JSON_TYPE);
    expect(await members()).toEqual([b]);

    const put = await scim.put(
      `/Groups/${groupId}`,
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: groupId, displayName: 'Test SCIMv2 put', members: [{ value: a }, { value: c }] },
      JSON_TYPE
    );
    expect(put.status).toBe(200);
    expect(await members()).toEqual([a, c].sort());

    const unknownMember = await scim.patch(
      `/Groups/${groupId}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }] },
      JSON_TYPE
    );
    expect(unknownMember.status).toBe(400);
    expect(unknownMember.body.scimType).toBe('invalidValue');

    expect((await scim.delete(`/Groups/${groupId}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${groupId}`)).status).toBe(404);
  });
});
