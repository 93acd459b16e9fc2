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

describe('rules declared in the configuration', () => {
  let declared: TestApp;
  beforeAll(async () => {
    declared = await bootApp({
      pluginConfig: {
        mapping: {
          attributes: [{ key: 'userType', scimPath: 'userType', multiValued: false }],
          policy: {
            roleRules: [{ id: 'premium', when: [{ source: { type: 'userType' }, op: 'equals', value: 'Premium' }], roles: ['strapi-editor'] }],
            unmatched: { action: 'defaultRole', role: 'strapi-author' },
            allowSuperAdmin: false,
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
});
