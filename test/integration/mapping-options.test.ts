/**
 * The Attribute mapping page's own admin API: the pick lists (roles, content types with their comparable fields,
 * Media Library folders by name path) and "explain" for a person named by userName or email.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient } from './helpers/http';
import { createSuperAdmin, login } from './helpers/admin';

let app: TestApp;
let ownerToken: string;

const adminApi = (method: string, path: string, body?: unknown, token = ownerToken) =>
  request(method, `${app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${token}` }, contentType: 'application/json' });

beforeAll(async () => {
  app = await bootApp();
  ownerToken = await createSuperAdmin(app);
  await app.strapi.service('admin::role').create({ name: 'Site admin', code: 'site-admin', description: 'test' });
  const folders = app.strapi.plugin('upload').service('folder');
  const marketing = await folders.create({ name: 'Marketing', parent: null });
  await folders.create({ name: 'Campaigns', parent: marketing.id });
  await folders.create({ name: 'Press', parent: null });
  const scim = scimClient(app.scimUrl, app.scimToken);
  const created = await scim.post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'Ada.Lovelace@example.com',
    userType: 'Premium',
    emails: [{ value: 'ada@mail.example.com', primary: true, type: 'work' }],
    active: true,
  });
  expect(created.status).toBe(201);
});
afterAll(async () => app?.close());

test('GET /mapping/options lists roles by code and name, content types with their text fields, and folder paths', async () => {
  const reply = await adminApi('GET', '/mapping/options');
  expect(reply.status).toBe(200);
  const { roles, contentTypes, folders, foldersTruncated } = reply.body.data;
  expect(roles).toEqual(
    expect.arrayContaining([
      { code: 'strapi-editor', name: 'Editor' },
      { code: 'site-admin', name: 'Site admin' },
    ])
  );
  const article = contentTypes.find((type: { uid: string }) => type.uid === 'api::article.article');
  expect(article).toEqual({ uid: 'api::article.article', displayName: 'Article', fields: ['body', 'folder', 'team', 'title'] });
  expect(contentTypes.every((type: { uid: string }) => type.uid.startsWith('api::'))).toBe(true);
  expect(folders).toEqual(['Marketing', 'Marketing/Campaigns', 'Press']);
  expect(foldersTruncated).toBe(false);
});

test('GET /mapping/explain finds a person by userName (any case) or by email', async () => {
  const byName = await adminApi('GET', `/mapping/explain?user=${encodeURIComponent('ada.lovelace@EXAMPLE.com')}`);
  expect(byName.status).toBe(200);
  expect(byName.body.data).toMatchObject({ userName: 'Ada.Lovelace@example.com', source: 'default' });
  // No rules saved yet: everyone gets scim.defaultRole (Author).
  expect(byName.body.data.result.roles).toEqual(['strapi-author']);
  const byEmail = await adminApi('GET', `/mapping/explain?user=${encodeURIComponent('ADA@mail.example.com')}`);
  expect(byEmail.status).toBe(200);
  expect(byEmail.body.data.identityId).toBe(byName.body.data.identityId);
});

test('GET /mapping/explain says what is wrong: nobody by that name (404), no name given (400)', async () => {
  const missing = await adminApi('GET', '/mapping/explain?user=nobody@example.com');
  expect(missing.status).toBe(404);
  expect(missing.body.error.message).toContain('nobody@example.com');
  const empty = await adminApi('GET', '/mapping/explain?user=%20');
  expect(empty.status).toBe(400);
  expect(empty.body.error.message).toMatch(/^user: give a userName or an email/);
});

test('both need the read permission: an Editor is refused', async () => {
  const editorRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
  await app.strapi.service('admin::user').create({
    email: 'editor@example.com', password: 'Editor-Passw0rd!', firstname: 'E', lastname: 'E', isActive: true, registrationToken: null, roles: [editorRole.id],
  });
  const editorToken = await login(app, 'editor@example.com', 'Editor-Passw0rd!');
  expect((await adminApi('GET', '/mapping/options', undefined, editorToken)).status).toBe(403);
  expect((await adminApi('GET', '/mapping/explain?user=ada@mail.example.com', undefined, editorToken)).status).toBe(403);
});
