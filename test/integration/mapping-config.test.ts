/**
 * Mapping rules declared in the plugin configuration (or the demo's IDENTITY_BRIDGE_CONFIG file): applied to
 * provisioning, read-only through the admin API, and checked at start-up so a broken rule stops Strapi.
 * (Its own file: one Strapi instance per Jest module registry.)
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient } from './helpers/http';
import { createSuperAdmin } from './helpers/admin';

const entraUser = (login: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: login,
  active: true,
  emails: [{ primary: true, type: 'work', value: login }],
  ...extra,
});

const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';
const folderNamePaths = async (app: TestApp): Promise<string[]> => {
  const folders = await app.strapi.db.query('plugin::upload.folder').findMany({ select: ['name', 'pathId', 'path'] });
  const names = new Map(folders.map((folder: { pathId: number; name: string }) => [String(folder.pathId), folder.name]));
  return folders.map((folder: { path: string }) => folder.path.split('/').filter(Boolean).map((id) => names.get(id)).join('/')).sort();
};

describe('rules declared in the configuration', () => {
  let declared: TestApp;
  beforeAll(async () => {
    declared = await bootApp({
      pluginConfig: {
        mapping: {
          attributes: [
            { key: 'userType', scimPath: 'userType', multiValued: false },
            { key: 'folders', scimPath: FOLDERS, multiValued: true },
          ],
          policy: {
            roleRules: [{ id: 'premium', when: [{ source: { type: 'userType' }, op: 'equals', value: 'Premium' }], roles: ['strapi-editor'] }],
            unmatched: { action: 'defaultRole', role: 'strapi-author' },
            allowSuperAdmin: false,
            foldersAttribute: 'folders',
            createMissingFolders: true,
          },
        },
      },
    });
  });
  afterAll(async () => declared?.close());

  test('apply to provisioning and are read-only through the admin API', async () => {
    const client = scimClient(declared.scimUrl, declared.scimToken);
    expect((await client.post('/Users', entraUser('declared@example.com', { userType: 'Premium' }))).status).toBe(201);
    const admin = await declared.strapi.db.query('admin::user').findOne({ where: { email: 'declared@example.com' }, populate: ['roles'] });
    expect(admin.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);
    const token = await createSuperAdmin(declared);
    const api = (method: string, path: string, body?: unknown) =>
      request(method, `${declared.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${token}` }, contentType: 'application/json' });
    expect((await api('GET', '/mapping')).body.data).toMatchObject({ source: 'config', readOnly: true });
    const put = await api('PUT', '/mapping', { attributes: [], policy: { roleRules: [], unmatched: { action: 'deactivate' }, allowSuperAdmin: false }, expectedVersion: 0 });
    expect(put.status).toBe(409);
  });

  test('createMissingFolders: the folders a person names are created (with parents) once, matching names ignoring case; a refused write creates none', async () => {
    const client = scimClient(declared.scimUrl, declared.scimToken);
    await declared.strapi.plugin('upload').service('folder').create({ name: 'Press', parent: null });
    const first = await client.post('/Users', entraUser('folders@example.com', { [FOLDERS]: ['Press/2026', 'Events'] }));
    expect(first.status).toBe(201);
    expect(await folderNamePaths(declared)).toEqual(['Events', 'Press', 'Press/2026']);
    // Strapi computed the new folders' paths as for folders made in the Media Library.
    const press2026 = await declared.strapi.db.query('plugin::upload.folder').findOne({ where: { name: '2026' }, populate: ['parent'] });
    expect(press2026.parent.name).toBe('Press');
    expect(press2026.path).toBe(`${press2026.parent.path}/${press2026.pathId}`);
    const second = await client.post('/Users', entraUser('folders2@example.com', { [FOLDERS]: ['press/2026'] }));
    expect(second.status).toBe(201);
    expect(await folderNamePaths(declared)).toEqual(['Events', 'Press', 'Press/2026']);
    // Refused (its email belongs to someone else): nothing of it is written, folders included.
    const clash = await client.post('/Users', entraUser('clash@example.com', { emails: [{ value: 'folders@example.com', primary: true }], [FOLDERS]: ['Ghost'] }));
    expect(clash.status).toBe(409);
    expect(await folderNamePaths(declared)).not.toContain('Ghost');
  });
});
