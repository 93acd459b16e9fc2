/**
 * Behaviour chosen through configuration: DELETE in `delete` mode, declared directories and tokens,
 * the demo bootstrap (first Super Admin, IDENTITY_BRIDGE_SCIM_TOKEN, the two printed lines), and the
 * provisioning-log retention.
 */
import { bootApp, type TestApp } from './helpers/app';
import { scimClient } from './helpers/http';
import { adminUserByEmail } from './helpers/admin';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, type: 'work', primary: true }],
  name: { givenName: 'Del', familyName: 'Ete' },
  active: true,
});

describe('scim.deleteMode = "delete", declared directories and tokens', () => {
  let app: TestApp;
  const oktaSecret = 'okta-declared-secret-0123456789abcdef';

  beforeAll(async () => {
    app = await bootApp({
      pluginConfig: {
        scim: { deleteMode: 'delete', defaultRole: 'strapi-editor' },
        directories: [{ name: 'Okta', description: 'declared in config' }],
        tokens: [
          { name: 'Test token', secret: 'test-token-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
          { name: 'Okta provisioning', secret: oktaSecret, directory: 'Okta' },
        ],
      },
    });
  });
  afterAll(async () => app?.close());

  test('DELETE removes the admin user too; the configured default role was applied', async () => {
    const scim = scimClient(app.scimUrl, app.scimToken);
    const created = await scim.post('/Users', user('gone@example.com'));
    expect(created.status).toBe(201);
    const admin = await adminUserByEmail(app, 'gone@example.com');
    expect(admin.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);
    expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
    expect(await adminUserByEmail(app, 'gone@example.com')).toBeNull();
  });

  test('a declared token belongs to its declared directory and is stored only as a digest', async () => {
    const okta = scimClient(app.scimUrl, oktaSecret);
    const created = await okta.post('/Users', user('okta-person@example.com'));
    expect(created.status).toBe(201);
    const identity = await app.strapi.db.query('plugin::identity-bridge.identity').findOne({ where: { scimId: created.body.id } });
    const directory = await app.strapi.db.query('plugin::identity-bridge.directory').findOne({ where: { id: identity.directoryId } });
    expect(directory.name).toBe('Okta');
    expect((await scimClient(app.scimUrl, app.scimToken).get(`/Users/${created.body.id}`)).status).toBe(404);
    const tokens = await app.strapi.db.query('plugin::identity-bridge.token').findMany({});
    expect(JSON.stringify(tokens)).not.toContain(oktaSecret);
    const used = tokens.find((token: { name: string }) => token.name === 'Okta provisioning');
    expect(used.lastUsedAt).not.toBeNull();
  });

  test('groups: displayName is unique case-insensitively (409 uniqueness)', async () => {
    const scim = scimClient(app.scimUrl, app.scimToken);
    expect((await scim.post('/Groups', { displayName: 'Sales and Marketing' })).status).toBe(201);
    const duplicate = await scim.post('/Groups', { displayName: 'SALES AND MARKETING' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe('uniqueness');
  });

  test('Entra Add on a filtered path that matches nothing creates the value', async () => {
    const scim = scimClient(app.scimUrl, app.scimToken);
    const created = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'noemail@example.com', active: true });
    expect(created.status).toBe(201);
    const patched = await scim.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'work.address@example.com' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.emails).toEqual([{ type: 'work', value: 'work.address@example.com' }]);
    // The admin user follows the new work email.
    expect(await adminUserByEmail(app, 'work.address@example.com')).not.toBeNull();
  });

  test('provisioning-log retention removes old entries and keeps recent ones', async () => {
    const events = app.strapi.db.query('plugin::identity-bridge.event');
    const old = await events.create({ data: { method: 'POST', operation: 'createUser', outcome: 'success', status: 201 } });
    await events.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 90 * 24 * 3600 * 1000) } });
    const before = await events.count({});
    const removed = await app.strapi.plugin('identity-bridge').service('admin').pruneProvisioningLog();
    expect(removed).toBe(1);
    expect(await events.count({})).toBe(before - 1);
    expect(await events.findOne({ where: { id: old.id } })).toBeNull();
  });
});

describe('the demo bootstrap', () => {
  let app: TestApp;
  let printed = '';
  const fixedToken = 'iac-declared-token-0123456789abcdefgh';

  beforeAll(async () => {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed += String(chunk);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      app = await bootApp({
        env: { IDENTITY_BRIDGE_DEMO: '1', IDENTITY_BRIDGE_SCIM_TOKEN: fixedToken },
        pluginConfig: {
          connections: [
            {
              id: 'contoso',
              type: 'oidc',
              name: 'Contoso',
              issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
              clientId: 'client-id',
              clientSecret: 'client-secret',
              jit: true,
            },
          ],
        },
      });
    } finally {
      process.stdout.write = write;
    }
  });
  afterAll(async () => app?.close());

  test('prints the SCIM base URL, the token and each SSO connection\'s URLs, creates the first Super Admin, and the token works', async () => {
    expect(printed).toContain(`SCIM base URL: ${app.scimUrl}\n`);
    expect(printed).toContain(`SCIM token: ${fixedToken}\n`);
    // Each SSO connection's URLs, for the IdP's app registration.
    expect(printed).toContain(`SSO contoso (oidc): sign-in ${app.origin}/api/sso/contoso/login  redirect URI ${app.origin}/api/sso/contoso/callback\n`);
    const admin = await adminUserByEmail(app, 'admin@example.com');
    expect(admin.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-super-admin']);
    const reply = await scimClient(app.scimUrl, fixedToken).get('/Users');
    expect(reply.status).toBe(200);
  });
});
