/**
 * The mapping engine end to end: rules saved through the admin API decide each provisioned person's Strapi
 * roles and activation, from userType, Entra app roles and group membership sent over SCIM the way Entra
 * sends them — continuously, with allowed values, preview, explain and background re-mapping.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';
const TEAM = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team';

let app: TestApp;
let scim: ScimClient;
let ownerToken: string;

const adminApi = (method: string, path: string, body?: unknown) =>
  request(method, `${app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${ownerToken}` }, contentType: 'application/json' });

const roleCodes = async (email: string) => ((await adminUserByEmail(app, email))?.roles ?? []).map((role: { code: string }) => role.code).sort();
const isActive = async (email: string) => (await adminUserByEmail(app, email))?.isActive;

/** An Entra-shaped create: custom extension attributes nested under the URN before their last colon. */
const entraUser = (login: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  userName: login,
  active: true,
  emails: [{ primary: true, type: 'work', value: login }],
  name: { givenName: 'Given', familyName: 'Family' },
  ...extra,
});

const attributes = [
  { key: 'folders', scimPath: FOLDERS, multiValued: true },
  { key: 'team', scimPath: TEAM, multiValued: false },
  { key: 'userType', scimPath: 'userType', multiValued: false, allowedValues: ['Premium', 'Standard'] },
];

let siteAdminCode: string;
const policy = () => ({
  roleRules: [
    { id: 'premium-editors', when: [{ source: { type: 'userType' }, op: 'equals', value: 'Premium' }], roles: ['strapi-editor'] },
    { id: 'sales-authors', when: [{ source: { type: 'group' }, op: 'equals', value: 'Sales and Marketing' }], roles: ['strapi-author'] },
    { id: 'app-admins', when: [{ source: { type: 'role' }, op: 'equals', value: 'Admin' }], roles: [siteAdminCode] },
  ],
  unmatched: { action: 'deactivate' },
  allowSuperAdmin: false,
  foldersAttribute: 'folders',
});

async function waitForRemap() {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const state = await adminApi('GET', '/mapping');
    if (state.body.data.progress.pending === 0 && !state.body.data.progress.running) return state.body.data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('re-mapping did not finish');
}

beforeAll(async () => {
  app = await bootApp();
  scim = scimClient(app.scimUrl, app.scimToken);
  ownerToken = await createSuperAdmin(app);
  const role = await app.strapi.service('admin::role').create({ name: 'Site admin', code: 'site-admin', description: 'Granted by the Admin app role' });
  siteAdminCode = role.code;
});
afterAll(async () => app?.close());

describe('rules through the admin API', () => {
  test('without saved rules the default applies and roles are not managed', async () => {
    const reply = await adminApi('GET', '/mapping');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ source: 'default', managesRoles: false, version: 0, readOnly: false });
  });

  test('invalid rules are refused with every problem named', async () => {
    const reply = await adminApi('PUT', '/mapping', {
      attributes,
      policy: {
        ...policy(),
        roleRules: [
          { id: 'typo', when: [{ source: { type: 'attribute', key: 'department' }, op: 'equals', value: 'x' }], roles: ['strapi-editorr'] },
          { id: 'boss', when: [], roles: ['strapi-super-admin'] },
        ],
      },
      expectedVersion: 0,
    });
    expect(reply.status).toBe(400);
    const errors = reply.body.error.details.errors.join('\n');
    expect(errors).toMatch(/typo.*department/);
    expect(errors).toMatch(/strapi-editorr/);
    expect(errors).toMatch(/boss.*super/i);
    expect((await adminApi('GET', '/mapping')).body.data.version).toBe(0);
  });

  test('valid rules are saved with a version; a stale version is refused', async () => {
    const saved = await adminApi('PUT', '/mapping', { attributes, policy: policy(), expectedVersion: 0 });
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({ source: 'database', version: 1, managesRoles: true });
    const stale = await adminApi('PUT', '/mapping', { attributes, policy: policy(), expectedVersion: 0 });
    expect(stale.status).toBe(409);
  });
});

describe('provisioning under the rules', () => {
  let standardId: string;
  let groupId: string;

  test('userType Premium → Editor; app role Admin → Site admin; folders and metadata recorded', async () => {
    const premium = await scim.post('/Users', entraUser('premium@example.com', {
      userType: 'Premium',
      'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName': { folders: [{ value: 'Marketing' }, { value: 'Marketing/Campaigns' }] },
      'urn:ietf:params:scim:schemas:extension:2.0:Metadata': { team: 'Blue' },
    }));
    expect(premium.status).toBe(201);
    expect(await roleCodes('premium@example.com')).toEqual(['strapi-editor']);
    expect(await isActive('premium@example.com')).toBe(true);
    const identity = await app.strapi.db.query('plugin::identity-bridge.identity').findOne({ where: { scimId: premium.body.id } });
    expect(identity.mapping).toMatchObject({ roles: ['strapi-editor'], folders: ['Marketing', 'Marketing/Campaigns'], metadata: { team: ['Blue'] }, active: true, rulesVersion: 1 });

    const admin = await scim.post('/Users', entraUser('appadmin@example.com', { userType: 'Standard', roles: [{ value: 'Admin', primary: true }] }));
    expect(admin.status).toBe(201);
    expect(await roleCodes('appadmin@example.com')).toEqual([siteAdminCode]);
  });

  test('allowed values: userType outside the set is 400 invalidValue naming the values, and nothing is written', async () => {
    const reply = await scim.post('/Users', entraUser('gold@example.com', { userType: 'Gold' }));
    expect(reply.status).toBe(400);
    expect(reply.body.scimType).toBe('invalidValue');
    expect(reply.body.detail).toMatch(/userType must be one of: Premium, Standard/);
    expect(await adminUserByEmail(app, 'gold@example.com')).toBeNull();
    expect(await app.strapi.db.query('plugin::identity-bridge.identity').count({ where: { userNameLower: 'gold@example.com' } })).toBe(0);
  });

  test('no rule matches → deactivated (unmatched: deactivate)', async () => {
    const standard = await scim.post('/Users', entraUser('standard@example.com', { userType: 'Standard' }));
    expect(standard.status).toBe(201);
    standardId = standard.body.id;
    expect(await isActive('standard@example.com')).toBe(false);
  });

  test('joining a group re-maps at once: Sales and Marketing → Author, reactivated; leaving undoes it', async () => {
    const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales and Marketing', members: [] });
    groupId = group.body.id;
    const added = await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: standardId }] }] });
    expect(added.status).toBe(200);
    expect(await roleCodes('standard@example.com')).toEqual(['strapi-author']);
    expect(await isActive('standard@example.com')).toBe(true);

    const removed = await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: standardId }] }] });
    expect(removed.status).toBe(200);
    expect(await isActive('standard@example.com')).toBe(false);
  });

  test('a changed attribute re-maps continuously: Standard → Premium gives Editor and reactivates', async () => {
    const reply = await scim.patch(`/Users/${standardId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userType', value: 'Premium' }] });
    expect(reply.status).toBe(200);
    expect(await roleCodes('standard@example.com')).toEqual(['strapi-editor']);
    expect(await isActive('standard@example.com')).toBe(true);
  });

  test("a role change writes only that person's role links (Strapi's relation update renumbers every user of the role)", async () => {
    const links = app.strapi.db.metadata.get('admin::user').attributes.roles.joinTable;
    const linksOf = async (email: string) => {
      const user = await adminUserByEmail(app, email);
      return app.strapi.db.connection(links.name).select(links.inverseJoinColumn.name, links.inverseOrderColumnName).where(links.joinColumn.name, user.id).orderBy(links.inverseJoinColumn.name);
    };
    // appadmin@ holds the Site admin role (created with the order value Strapi's create would give: its id).
    const siteAdminBefore = await linksOf('appadmin@example.com');
    expect(siteAdminBefore).toHaveLength(1);
    const siteAdminRoleId = siteAdminBefore[0][links.inverseJoinColumn.name];
    const reply = await scim.patch(`/Users/${standardId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'roles', value: [{ value: 'Admin', primary: true }] }] });
    expect(reply.status).toBe(200);
    expect(await roleCodes('standard@example.com')).toEqual([siteAdminCode, 'strapi-editor'].sort());
    const standardUser = await adminUserByEmail(app, 'standard@example.com');
    const added = (await linksOf('standard@example.com')).find((row: Record<string, number>) => row[links.inverseJoinColumn.name] === siteAdminRoleId);
    // The new link sorts last among the role's users: its order value is the user's id, as for a create.
    expect(added[links.inverseOrderColumnName]).toBe(standardUser.id);

    // Losing the role again: Strapi's relation update would now renumber the role's remaining users (1, 2, …).
    const back = await scim.patch(`/Users/${standardId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'roles' }] });
    expect(back.status).toBe(200);
    expect(await roleCodes('standard@example.com')).toEqual(['strapi-editor']);
    // The role's other user keeps its link as it was, order value included (its id, not a renumbered 1).
    expect(siteAdminBefore[0][links.inverseOrderColumnName]).toBe((await adminUserByEmail(app, 'appadmin@example.com')).id);
    expect(await linksOf('appadmin@example.com')).toEqual(siteAdminBefore);
  });

  test('explain says which rule gave which role', async () => {
    const identity = await app.strapi.db.query('plugin::identity-bridge.identity').findOne({ where: { scimId: standardId } });
    const reply = await adminApi('GET', `/identities/${identity.id}/explain`);
    expect(reply.status).toBe(200);
    const traces = reply.body.data.result.rules;
    expect(traces.find((rule: { ruleId: string }) => rule.ruleId === 'premium-editors')).toMatchObject({ matched: true, granted: ['strapi-editor'] });
    expect(traces.find((rule: { ruleId: string }) => rule.ruleId === 'sales-authors')).toMatchObject({ matched: false, granted: [] });
    expect((await adminApi('GET', '/identities/999999/explain')).status).toBe(404);
  });

  test('preview shows who would change, without changing anyone', async () => {
    const goldStandard = await scim.post('/Users', entraUser('plain@example.com', { userType: 'Standard' }));
    expect(goldStandard.status).toBe(201);
    const proposal = { attributes, policy: { ...policy(), unmatched: { action: 'defaultRole', role: 'strapi-author' } } };
    const reply = await adminApi('POST', '/mapping/preview', proposal);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ total: 4, changed: 1, reactivated: 1, rolesAdded: { 'strapi-author': 1 } });
    expect(reply.body.data.changes[0]).toMatchObject({ userName: 'plain@example.com', change: { activation: 'reactivated', rolesAdded: ['strapi-author'] } });
    expect(await isActive('plain@example.com')).toBe(false);
  });

  test('saving new rules re-maps everyone in the background', async () => {
    const current = (await adminApi('GET', '/mapping')).body.data;
    const saved = await adminApi('PUT', '/mapping', {
      attributes,
      policy: { ...policy(), unmatched: { action: 'defaultRole', role: 'strapi-author' } },
      expectedVersion: current.version,
    });
    expect(saved.status).toBe(200);
    const done = await waitForRemap();
    expect(done.version).toBe(current.version + 1);
    expect(await isActive('plain@example.com')).toBe(true);
    expect(await roleCodes('plain@example.com')).toEqual(['strapi-author']);
    expect(await roleCodes('premium@example.com')).toEqual(['strapi-editor']);
  });

  test('Super Admins keep their roles whatever the rules say', async () => {
    const owner = await scim.post('/Users', entraUser('owner@example.com', { userType: 'Premium' }));
    expect(owner.status).toBe(201);
    expect(await roleCodes('owner@example.com')).toEqual(['strapi-super-admin']);
  });
});
