/**
 * Content permissions from identity attributes: an editor sees and edits in the Content Manager only the
 * entries whose bound field matches their Metadata value sent by SCIM — and the view follows the IdP when the
 * value changes. Uses Strapi's real RBAC (a role permission carrying the plugin's condition) and the real
 * Content Manager admin API with the editor's own login.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin, login } from './helpers/admin';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ARTICLE = 'api::article.article';
const CONDITION = 'plugin::identity-bridge.matches-my-attributes';

let app: TestApp;
let scim: ScimClient;
let ownerToken: string;

const adminApi = (method: string, path: string, body?: unknown, token = ownerToken) =>
  request(method, `${app.origin}${path}`, body, { headers: { authorization: `Bearer ${token}` }, contentType: 'application/json' });

const mapping = {
  attributes: [{ key: 'team', scimPath: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team', multiValued: false }],
  policy: { roleRules: [{ id: 'team-editors', when: [{ source: { type: 'attribute', key: 'team' }, op: 'present' }], roles: ['team-editor'] }], unmatched: { action: 'deactivate' }, allowSuperAdmin: false },
  content: [{ uid: ARTICLE, field: 'team', attribute: 'team' }],
};

beforeAll(async () => {
  app = await bootApp();
  scim = scimClient(app.scimUrl, app.scimToken);
  ownerToken = await createSuperAdmin(app);
  const role = await app.strapi.service('admin::role').create({ name: 'Team editor', code: 'team-editor', description: 'Sees its team\'s articles' });
  const fields = ['title', 'body', 'team', 'folder'];
  await app.strapi.service('admin::role').assignPermissions(
    role.id,
    ['read', 'create', 'update', 'delete'].map((action) => ({
      action: `plugin::content-manager.explorer.${action}`,
      subject: ARTICLE,
      properties: action === 'delete' ? {} : { fields },
      conditions: [CONDITION],
    }))
  );
  for (const [title, team] of [['Blue one', 'Blue'], ['Blue two', 'Blue'], ['Red one', 'Red'], ['Untagged', null]] as const) {
    await app.strapi.documents(ARTICLE).create({ data: { title, team } });
  }
});
afterAll(async () => app?.close());

const titlesSeenBy = async (token: string) => {
  const reply = await adminApi('GET', `/content-manager/collection-types/${ARTICLE}?page=1&pageSize=50`, undefined, token);
  expect(reply.status).toBe(200);
  return reply.body.results.map((entry: { title: string }) => entry.title).sort();
};

describe('the "matches my identity attributes" condition', () => {
  let editorToken: string;
  let userId: string;

  test('is registered with Strapi and offered to roles', async () => {
    const reply = await adminApi('GET', '/admin/permissions');
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body.data.conditions)).toContain(CONDITION);
  });

  test('content bindings are validated against real content types', async () => {
    const wrong = await adminApi('PUT', '/identity-bridge/mapping', { ...mapping, content: [{ uid: ARTICLE, field: 'nope', attribute: 'team' }], expectedVersion: 0 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/has no field "nope"/);
    const saved = await adminApi('PUT', '/identity-bridge/mapping', { ...mapping, expectedVersion: 0 });
    expect(saved.status).toBe(200);
  });

  test('an editor provisioned with team Blue sees and edits only Blue entries', async () => {
    const created = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'blue.editor@example.com',
      emails: [{ value: 'blue.editor@example.com', primary: true }],
      name: { givenName: 'Blue', familyName: 'Editor' },
      active: true,
      'urn:ietf:params:scim:schemas:extension:2.0:Metadata': { team: 'Blue' },
    });
    expect(created.status).toBe(201);
    userId = created.body.id;
    const admin = await adminUserByEmail(app, 'blue.editor@example.com');
    expect(admin.roles.map((role: { code: string }) => role.code)).toEqual(['team-editor']);
    await app.strapi.service('admin::user').updateById(admin.id, { password: 'Blue-Passw0rd!' });
    editorToken = await login(app, 'blue.editor@example.com', 'Blue-Passw0rd!');

    expect(await titlesSeenBy(editorToken)).toEqual(['Blue one', 'Blue two']);

    const red = await app.strapi.documents(ARTICLE).findFirst({ filters: { title: 'Red one' } });
    const readRed = await adminApi('GET', `/content-manager/collection-types/${ARTICLE}/${red.documentId}`, undefined, editorToken);
    expect([403, 404]).toContain(readRed.status);
    const editRed = await adminApi('PUT', `/content-manager/collection-types/${ARTICLE}/${red.documentId}`, { title: 'Hijacked' }, editorToken);
    expect([403, 404]).toContain(editRed.status);
    expect((await app.strapi.documents(ARTICLE).findOne({ documentId: red.documentId })).title).toBe('Red one');

    const blue = await app.strapi.documents(ARTICLE).findFirst({ filters: { title: 'Blue one' } });
    const editBlue = await adminApi('PUT', `/content-manager/collection-types/${ARTICLE}/${blue.documentId}`, { title: 'Blue one, edited' }, editorToken);
    expect(editBlue.status).toBe(200);
  });

  test('when the IdP moves the editor to team Red, the view follows', async () => {
    const patched = await scim.patch(`/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team', value: 'Red' }],
    });
    expect(patched.status).toBe(200);
    expect(await titlesSeenBy(editorToken)).toEqual(['Red one']);
  });

  test('deactivation through SCIM ends the editor access at once', async () => {
    await scim.patch(`/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    const reply = await adminApi('GET', `/content-manager/collection-types/${ARTICLE}`, undefined, editorToken);
    expect(reply.status).toBe(401);
  });
});
