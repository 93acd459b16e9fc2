/**
 * The Identities page's API: provisioned people one page at a time (search on userName / email / externalId,
 * filters), each with their admin user, roles, folders and metadata from the last mapping applied; one person's
 * detail; "re-apply the mapping now" (idempotent, logged); groups with member counts, what they map to, and their
 * members, paged; people who signed in through SSO (a list with no directory or status filter: asking is a 400).
 */
import { bootApp, type TestApp } from './helpers/app';
import { adminUserByEmail, createSuperAdmin, login } from './helpers/admin';
import { request, scimClient, type ScimClient } from './helpers/http';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FOLDERS = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders';
const TEAM = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team';

const person = (userName: string, externalId: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  externalId,
  displayName: userName.split('@')[0],
  emails: [{ value: userName, type: 'work', primary: true }],
  name: { givenName: 'Given', familyName: 'Family' },
  active: true,
  ...extra,
});

const mapping = {
  attributes: [
    { key: 'folders', scimPath: FOLDERS, multiValued: true },
    { key: 'team', scimPath: TEAM, multiValued: false },
  ],
  policy: {
    roleRules: [
      { id: 'editors', when: [{ source: { type: 'group' }, op: 'equals', value: 'Editors' }], roles: ['strapi-editor'] },
      // Through Everyone (matched by its external id), but only for people of team Blue: nobody here is.
      {
        id: 'everyone-blue',
        when: [
          { source: { type: 'group', by: 'externalId' }, op: 'equals', value: 'GRP-EVERYONE' },
          { source: { type: 'attribute', key: 'team' }, op: 'equals', value: 'Blue' },
        ],
        roles: ['strapi-author'],
      },
      { id: 'red-team', when: [{ source: { type: 'attribute', key: 'team' }, op: 'equals', value: 'Red' }], roles: ['strapi-editor'] },
    ],
    unmatched: { action: 'defaultRole', role: 'strapi-author' },
    allowSuperAdmin: false,
    foldersAttribute: 'folders',
  },
};

describe('admin API: identities and groups', () => {
  let app: TestApp;
  let scim: ScimClient;
  let ownerToken: string;
  const scimIds: Record<string, string> = {};
  const admin = (method: string, path: string, body?: unknown, token = ownerToken) =>
    request(method, `${app.origin}/identity-bridge${path}`, body, { token, contentType: 'application/json' });

  beforeAll(async () => {
    // Deprovision safety: the first deactivation is applied, later ones are held for approval.
    app = await bootApp({ pluginConfig: { mapping, deprovisionSafety: { maxCount: 1, maxShare: 1, windowMinutes: 60 } } });
    scim = scimClient(app.scimUrl, app.scimToken);
    ownerToken = await createSuperAdmin(app);
    for (const [name, externalId] of [['ann@example.com', 'EXT-ann'], ['ben@example.com', 'EXT-ben'], ['cat@example.org', 'EXT-cat']] as const) {
      const reply = await scim.post('/Users', person(name, externalId, { [FOLDERS]: [`/Teams/${name[0]}`] }));
      expect(reply.status).toBe(201);
      scimIds[name] = reply.body.id;
    }
    const editors = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Editors', members: [{ value: scimIds['ann@example.com'] }] });
    expect(editors.status).toBe(201);
    const everyone = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Everyone',
      externalId: 'grp-everyone',
      members: Object.values(scimIds).map((value) => ({ value })),
    });
    expect(everyone.status).toBe(201);
    const off = await scim.patch(`/Users/${scimIds['cat@example.org']}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(off.status).toBe(200);
  });
  afterAll(async () => app?.close());

  const rowOf = async (userName: string) => (await admin('GET', `/identities?search=${encodeURIComponent(userName)}`)).body.results[0];

  test('paged, newest first: two pages of two for three people', async () => {
    const page1 = await admin('GET', '/identities?pageSize=2');
    expect(page1.status).toBe(200);
    expect(page1.body.pagination).toMatchObject({ page: 1, pageSize: 2, total: 3, pageCount: 2 });
    expect(page1.body.results.map((row: { userName: string }) => row.userName)).toEqual(['cat@example.org', 'ben@example.com']);
    const page2 = await admin('GET', '/identities?pageSize=2&page=2');
    expect(page2.body.results.map((row: { userName: string }) => row.userName)).toEqual(['ann@example.com']);
  });

  test('each row: source, status, last sync, admin user with roles, mapped roles, folders', async () => {
    const ann = await rowOf('ann@example.com');
    expect(ann).toMatchObject({
      source: 'scim',
      userName: 'ann@example.com',
      email: 'ann@example.com',
      externalId: 'EXT-ann',
      active: true,
      status: 'active',
      directoryName: expect.any(String),
      mapping: { roles: ['strapi-editor'], folders: ['Teams/a'] },
      adminUser: { email: 'ann@example.com', isActive: true, roles: [{ code: 'strapi-editor', name: 'Editor' }] },
    });
    expect(Date.parse(ann.lastSync)).not.toBeNaN();
    const cat = await rowOf('cat@example.org');
    expect(cat).toMatchObject({ active: false, status: 'inactive', adminUser: { isActive: false } });
  });

  test('search by userName prefix (any case), e-mail, externalId; filter by active; no match', async () => {
    const names = async (query: string) => (await admin('GET', `/identities?${query}`)).body.results.map((row: { userName: string }) => row.userName);
    expect(await names('search=BE')).toEqual(['ben@example.com']);
    expect(await names('search=cat%40example.org')).toEqual(['cat@example.org']);
    expect(await names('search=EXT-an')).toEqual(['ann@example.com']);
    expect(await names('active=false')).toEqual(['cat@example.org']);
    expect(await names('active=true&search=c')).toEqual([]);
    const none = await admin('GET', '/identities?search=zzz');
    expect(none.body).toMatchObject({ results: [], pagination: { total: 0 } });
    expect((await admin('GET', '/identities?active=maybe')).status).toBe(400);
    expect((await admin('GET', '/identities?pageSize=1000')).status).toBe(400);
  });

  test('one identity: groups, SCIM attributes and the log entries about them', async () => {
    const ann = await rowOf('ann@example.com');
    const detail = await admin('GET', `/identities/${ann.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.data.groups.map((group: { displayName: string }) => group.displayName).sort()).toEqual(['Editors', 'Everyone']);
    expect(detail.body.data.scim).toMatchObject({ userName: 'ann@example.com', externalId: 'EXT-ann' });
    expect(detail.body.data.recentEvents.map((event: { operation: string }) => event.operation)).toContain('createUser');
    expect((await admin('GET', '/identities/999999')).status).toBe(404);
  });

  test('re-apply mapping restores roles changed by hand, logs it, and a second run changes nothing', async () => {
    const ann = await rowOf('ann@example.com');
    const author = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-author' } });
    await app.strapi.service('admin::user').updateById(ann.adminUser.id, { roles: [author.id] });
    expect((await adminUserByEmail(app, 'ann@example.com')).roles.map((role: { code: string }) => role.code)).toEqual(['strapi-author']);

    const first = await admin('POST', `/identities/${ann.id}/reapply`);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ ok: true, held: false, changed: ['adminRoles'], mapping: { roles: ['strapi-editor'] } });
    expect((await adminUserByEmail(app, 'ann@example.com')).roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);

    const second = await admin('POST', `/identities/${ann.id}/reapply`);
    expect(second.status).toBe(200);
    expect(second.body.data.changed).toEqual([]);
    expect((await adminUserByEmail(app, 'ann@example.com')).roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);

    const log = await admin('GET', `/events?operation=reapply-mapping&resourceId=${scimIds['ann@example.com']}`);
    expect(log.body.results).toHaveLength(2);
    expect(log.body.results[0]).toMatchObject({ method: 'ADMIN', outcome: 'success', resourceName: 'ann@example.com', changed: [], detail: expect.stringContaining('owner@example.com') });
    expect(log.body.results[1]).toMatchObject({ changed: ['adminRoles'] });
    expect((await admin('POST', '/identities/999999/reapply')).status).toBe(404);
  });

  test('groups: paged with member counts, searchable; members of one group paged', async () => {
    const groups = await admin('GET', '/groups');
    expect(groups.status).toBe(200);
    expect(groups.body.results.map((group: { displayName: string; memberCount: number }) => [group.displayName, group.memberCount])).toEqual([
      ['Everyone', 3],
      ['Editors', 1],
    ]);
    expect((await admin('GET', '/groups?search=edi')).body.results.map((group: { displayName: string }) => group.displayName)).toEqual(['Editors']);
    const everyone = groups.body.results[0];
    const page1 = await admin('GET', `/groups/${everyone.id}/members?pageSize=2`);
    expect(page1.body.pagination).toMatchObject({ total: 3, pageCount: 2 });
    expect(page1.body.results.map((row: { userName: string }) => row.userName)).toEqual(['ann@example.com', 'ben@example.com']);
    const page2 = await admin('GET', `/groups/${everyone.id}/members?pageSize=2&page=2`);
    expect(page2.body.results.map((row: { userName: string }) => row.userName)).toEqual(['cat@example.org']);
    expect((await admin('GET', '/groups/999999/members')).status).toBe(404);
  });

  test('groups: what each maps to through the rules in force (by name, by external id, conditional), for the page\'s rows', async () => {
    type MapsTo = { roles: Array<{ code: string; name: string; ruleIds: string[]; conditional: boolean }>; rulesVersion: number };
    const groups = (await admin('GET', '/groups')).body.results as Array<{ displayName: string; mapsTo: MapsTo }>;
    const mapsTo = Object.fromEntries(groups.map((group) => [group.displayName, group.mapsTo]));
    expect(mapsTo.Editors).toEqual({ roles: [{ code: 'strapi-editor', name: 'Editor', ruleIds: ['editors'], conditional: false }], rulesVersion: 0 });
    // The attribute-only rule 'red-team' is nobody's group's doing.
    expect(mapsTo.Everyone).toEqual({ roles: [{ code: 'strapi-author', name: 'Author', ruleIds: ['everyone-blue'], conditional: true }], rulesVersion: 0 });
    const page2 = (await admin('GET', '/groups?pageSize=1&page=2')).body.results;
    expect(page2).toEqual([expect.objectContaining({ displayName: 'Editors', mapsTo: mapsTo.Editors })]);
    // A group no rule reads maps to nothing.
    const extra = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Readers', externalId: 'grp-readers' });
    expect(extra.status).toBe(201);
    expect((await admin('GET', '/groups?search=Readers')).body.results[0].mapsTo).toEqual({ roles: [], rulesVersion: 0 });
    expect((await scim.delete(`/Groups/${extra.body.id}`)).status).toBe(204);
  });

  test('source=sso: people who signed in through SSO, linked to their SCIM identity; directory and status filters refused', async () => {
    const ann = await rowOf('ann@example.com');
    const sso = app.strapi.db.query('plugin::identity-bridge.sso-identity');
    await sso.create({ data: { connectionId: 'contoso', issuer: 'https://idp.example', subject: 'ann-oid', adminUserId: ann.adminUser.id, email: 'ann@example.com', lastSignInAt: new Date() } });
    try {
      const list = await admin('GET', '/identities?source=sso');
      expect(list.status).toBe(200);
      expect(list.body.pagination).toMatchObject({ total: 1 });
      expect(list.body.results[0]).toMatchObject({
        source: 'sso', connectionId: 'contoso', identityId: ann.id, userName: 'ann@example.com', status: 'active',
        mapping: { roles: ['strapi-editor'] }, adminUser: { email: 'ann@example.com' },
      });
      expect((await admin('GET', '/identities?source=sso&search=zz')).body.pagination.total).toBe(0);
      const byDirectory = await admin('GET', `/identities?source=sso&directoryId=${ann.directoryId}`);
      expect(byDirectory.status).toBe(400);
      expect(byDirectory.body.error.message).toBe('directoryId: not supported with source=sso: SSO sign-ins belong to no directory');
      const byStatus = await admin('GET', '/identities?source=sso&active=true');
      expect(byStatus.status).toBe(400);
      expect(byStatus.body.error.message).toMatch(/^active: not supported with source=sso/);
      // The same filters on the SCIM list still apply.
      expect((await admin('GET', `/identities?source=scim&directoryId=${ann.directoryId}&active=false`)).body.results.map((row: { userName: string }) => row.userName)).toEqual(['cat@example.org']);
      expect((await admin('GET', '/identities?source=ldap')).status).toBe(400);
    } finally {
      await sso.deleteMany({ where: { subject: 'ann-oid' } });
    }
  });

  test('a person whose deactivation is held for approval shows as held, with the staged entry in the detail', async () => {
    const created = await scim.post('/Users', person('dee@example.com', 'EXT-dee'));
    expect(created.status).toBe(201);
    const off = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(off.status).toBe(200);
    const dee = await rowOf('dee@example.com');
    expect(dee).toMatchObject({ active: true, status: 'held', adminUser: { isActive: true } });
    const detail = (await admin('GET', `/identities/${dee.id}`)).body.data;
    expect(detail.staged).toEqual([expect.objectContaining({ kind: 'deactivate', cause: 'identity-provider' })]);
  });

  test('an Editor can neither list identities nor re-apply a mapping', async () => {
    const editorRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
    await app.strapi.service('admin::user').create({
      email: 'editor@example.com', password: 'Editor-Passw0rd!', firstname: 'Ed', lastname: 'Itor', isActive: true, registrationToken: null, roles: [editorRole.id],
    });
    const editorToken = await login(app, 'editor@example.com', 'Editor-Passw0rd!');
    expect((await admin('GET', '/identities', undefined, editorToken)).status).toBe(403);
    expect((await admin('GET', '/groups', undefined, editorToken)).status).toBe(403);
    const ann = await rowOf('ann@example.com');
    expect((await admin('POST', `/identities/${ann.id}/reapply`, undefined, editorToken)).status).toBe(403);
  });
});
