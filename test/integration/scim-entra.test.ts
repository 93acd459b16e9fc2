/**
 * A full Microsoft Entra ID provisioning cycle, replayed with the requests Microsoft documents in
 * "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID" (request/response
 * examples section) and "Known issues and resolutions with SCIM 2.0 protocol compliance" (the shapes sent
 * without the aadOptscim062020 flag: capitalised ops, string booleans, `Remove members` with a value list).
 */
import { bootApp, type TestApp } from './helpers/app';
import { scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail } from './helpers/admin';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let app: TestApp;
let scim: ScimClient;

beforeAll(async () => {
  app = await bootApp();
  scim = scimClient(app.scimUrl, app.scimToken);
});
afterAll(async () => app?.close());

describe('Entra ID provisioning cycle', () => {
  let userId: string;
  let secondUserId: string;
  let groupId: string;

  test('Test Connection: a filter on a random userName answers 200 with an empty list, never 404', async () => {
    const reply = await scim.get('/Users?filter=' + encodeURIComponent('userName eq "ba6d4f1e-96a8-4a59-b0bb-6d4e2b4a6e1c"'));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const groups = await scim.get('/Groups?excludedAttributes=members&filter=' + encodeURIComponent('displayName eq "Group1DisplayName"'));
    expect(groups.status).toBe(200);
    expect(groups.body.totalResults).toBe(0);
  });

  test('Create User (Microsoft example): 201, Location, and an active admin user with the default role', async () => {
    const reply = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(reply.status).toBe(201);
    userId = reply.body.id;
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers.get('location')).toBe(`${app.scimUrl}/Users/${userId}`);
    expect(reply.headers.get('etag')).toBe('W/"1"');
    expect(reply.body.meta).toMatchObject({ resourceType: 'User', location: `${app.scimUrl}/Users/${userId}`, version: 'W/"1"' });
    expect(reply.body.userName).toBe('Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com');
    expect(reply.body.name.givenName).toBe('givenName');

    const admin = await adminUserByEmail(app, 'test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com');
    expect(admin).toMatchObject({ firstname: 'givenName', lastname: 'familyName', isActive: true });
    expect(admin.email).toBe('test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com');
    expect(admin.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-author']);
  });

  test('Get User by query: userName matches case-insensitively', async () => {
    const reply = await scim.get('/Users?filter=' + encodeURIComponent('userName eq "TEST_USER_AB6490EE-1E48-479E-A20B-2D77186B5DD1@CONTOSO.COM"'));
    expect(reply.status).toBe(200);
    expect(reply.body.totalResults).toBe(1);
    expect(reply.body.Resources[0].id).toBe(userId);
  });

  test('Matching on email with the non-standard emails[type eq "work"].value eq form', async () => {
    const filter = 'emails[type eq "work"].value eq "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"';
    const reply = await scim.get('/Users?filter=' + encodeURIComponent(filter));
    expect(reply.body.totalResults).toBe(1);
    expect(reply.body.Resources[0].id).toBe(userId);
  });

  test('Get User by query on externalId, and a second user', async () => {
    const reply = await scim.get('/Users?filter=' + encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"'));
    expect(reply.body.totalResults).toBe(1);
    const second = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: 'second-external',
      userName: 'second.user@contoso.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'second.user@contoso.com' }],
      name: { givenName: 'Second', familyName: 'User' },
    });
    expect(second.status).toBe(201);
    secondUserId = second.body.id;
  });

  test('Update User [Multi-valued properties]: Replace emails[type eq "work"].value and name.familyName', async () => {
    const reply = await scim.patch(`/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(reply.body.name.familyName).toBe('updatedFamilyName');
    expect(reply.body.meta.version).toBe('W/"2"');
    const admin = await adminUserByEmail(app, 'updatedemail@microsoft.com');
    expect(admin).toMatchObject({ lastname: 'updatedFamilyName', isActive: true });
    expect(await adminUserByEmail(app, 'test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com')).toBeNull();
  });

  test('Update User [Single-valued properties]: Replace userName', async () => {
    const reply = await scim.patch(`/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  test('With aadOptscim062020: path-less replace whose keys are attribute paths is never stored literally', async () => {
    const reply = await scim.patch(`/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'replace',
          value: {
            'name.givenName': 'Renamed',
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '701984',
            'urn:ietf:params:scim:schemas:extension:2.0:Metadata:team': 'Sales',
          },
        },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.name.givenName).toBe('Renamed');
    expect(reply.body['name.givenName']).toBeUndefined();
    expect(reply.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ employeeNumber: '701984' });
    expect(reply.body['urn:ietf:params:scim:schemas:extension:2.0:Metadata']).toEqual({ team: 'Sales' });
    expect(reply.body.schemas).toEqual(
      expect.arrayContaining(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:ietf:params:scim:schemas:extension:2.0:Metadata'])
    );
    expect((await adminUserByEmail(app, 'updatedemail@microsoft.com')).firstname).toBe('Renamed');
  });

  test('Create Group with Entra\'s extra schema URN, then Add members ($ref null)', async () => {
    const created = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    expect(created.status).toBe(201);
    groupId = created.body.id;
    expect(created.headers.get('location')).toBe(`${app.scimUrl}/Groups/${groupId}`);

    const added = await scim.patch(`/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: userId },
            { $ref: null, value: secondUserId },
          ],
        },
      ],
    });
    expect(added.status).toBe(200);
    const group = await scim.get(`/Groups/${groupId}`);
    expect(group.body.members.map((member: { value: string }) => member.value).sort()).toEqual([userId, secondUserId].sort());
    const user = await scim.get(`/Users/${userId}`);
    expect(user.body.groups).toEqual([expect.objectContaining({ value: groupId, display: 'displayName' })]);
    const byMember = await scim.get('/Groups?filter=' + encodeURIComponent(`members.value eq "${secondUserId}"`) + '&excludedAttributes=members');
    expect(byMember.body.totalResults).toBe(1);
    expect(byMember.body.Resources[0].members).toBeUndefined();
  });

  test('Update Group [Remove Members] with a value list removes only the listed members', async () => {
    const reply = await scim.patch(`/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] }],
    });
    expect(reply.status).toBe(200);
    const group = await scim.get(`/Groups/${groupId}`);
    expect(group.body.members.map((member: { value: string }) => member.value)).toEqual([secondUserId]);
  });

  test('Disable User with the string "False": admin user deactivated, data kept, still readable', async () => {
    const reply = await scim.patch(`/Users/${secondUserId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.active).toBe(false);
    const admin = await adminUserByEmail(app, 'second.user@contoso.com');
    expect(admin.isActive).toBe(false);
    const inactive = await scim.get('/Users?filter=' + encodeURIComponent('active eq false'));
    expect(inactive.body.Resources.map((user: { id: string }) => user.id)).toEqual([secondUserId]);
    // Reactivation does not resend memberships: they were kept.
    const group = await scim.get(`/Groups/${groupId}`);
    expect(group.body.members).toHaveLength(1);
  });

  test('Delete User (hard delete, 30 days later): 204, then 404 on every method; the admin user is kept, deactivated', async () => {
    const deleted = await scim.delete(`/Users/${userId}`);
    expect(deleted.status).toBe(204);
    for (const reply of [
      await scim.get(`/Users/${userId}`),
      await scim.patch(`/Users/${userId}`, { schemas: [PATCH_OP], Operations: [] }),
      await scim.put(`/Users/${userId}`, { userName: 'x@example.com' }),
      await scim.delete(`/Users/${userId}`),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    }
    const admin = await adminUserByEmail(app, 'updatedemail@microsoft.com');
    expect(admin).not.toBeNull();
    expect(admin.isActive).toBe(false);
  });

  test('Delete Group', async () => {
    expect((await scim.delete(`/Groups/${groupId}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${groupId}`)).status).toBe(404);
  });
});
