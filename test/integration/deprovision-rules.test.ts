/**
 * Deprovision safety for deactivations the mapping rules cause. The IdP still sends everyone active, but an
 * emptied group leaves nobody a rule admits (`unmatched: deactivate`): past the threshold those lock-outs
 * are held for an admin exactly like a mass SCIM deactivation, and approving one keeps the SCIM data as the
 * IdP sent it.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let app: TestApp;
let scim: ScimClient;
let ownerToken: string;
let groupId: string;
const userIds: string[] = [];
const email = (index: number) => `member${index}@example.com`;

const adminApi = (method: string, path: string, body?: unknown) =>
  request(method, `${app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${ownerToken}` }, contentType: 'application/json' });
const staged = async () =>
  (await adminApi('GET', '/deprovisions?status=staged')).body.results as { id: number; userName: string; cause: string; kind: string }[];
const isActive = async (index: number) => (await adminUserByEmail(app, email(index)))?.isActive;
const members = (indexes: number[]) => indexes.map((index) => ({ value: userIds[index] }));

beforeAll(async () => {
  app = await bootApp({
    pluginConfig: {
      deprovisionSafety: { maxCount: 2, maxShare: 1, windowMinutes: 60 },
      mapping: {
        attributes: [],
        policy: {
          roleRules: [{ id: 'editors', when: [{ source: { type: 'group' }, op: 'equals', value: 'Editors' }], roles: ['strapi-editor'] }],
          unmatched: { action: 'deactivate' },
        },
      },
    },
  });
  scim = scimClient(app.scimUrl, app.scimToken);
  ownerToken = await createSuperAdmin(app);
  for (let index = 0; index < 5; index += 1) {
    const reply = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email(index),
      emails: [{ value: email(index), primary: true }],
      active: true,
    });
    expect(reply.status).toBe(201);
    userIds.push(reply.body.id);
  }
  const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Editors', members: members([0, 1, 2, 3, 4]) });
  expect(group.status).toBe(201);
  groupId = group.body.id;
});
afterAll(async () => app?.close());

describe('an emptied group', () => {
  test('while in the group everyone is an active Editor (nobody is held)', async () => {
    for (let index = 0; index < 5; index += 1) {
      const user = await adminUserByEmail(app, email(index));
      expect(user.isActive).toBe(true);
      expect(user.roles.map((role: { code: string }) => role.code)).toEqual(['strapi-editor']);
    }
    expect(await staged()).toEqual([]);
  });

  test('locks out the first two, then holds the rest for approval: they keep access meanwhile', async () => {
    const reply = await scim.patch(`/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: members([0, 1, 2, 3, 4]) }],
    });
    expect([200, 204]).toContain(reply.status);
    const states = await Promise.all([0, 1, 2, 3, 4].map(isActive));
    expect(states.filter((active) => active === false)).toHaveLength(2);
    const held = await staged();
    expect(held).toHaveLength(3);
    expect(held.every((entry) => entry.cause === 'mapping-rules' && entry.kind === 'deactivate')).toBe(true);
    for (const entry of held) expect(await isActive(Number(entry.userName.match(/\d+/)![0]))).toBe(true);
    // The IdP still has everyone active: the SCIM resources say so.
    for (const id of userIds) expect((await scim.get(`/Users/${id}`)).body.active).toBe(true);
  });

  test('a later write to a held person keeps one staged entry and says "staged" in the provisioning log', async () => {
    const [first] = await staged();
    const index = Number(first!.userName.match(/\d+/)![0]);
    const reply = await scim.patch(`/Users/${userIds[index]}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Writer' }] });
    expect(reply.status).toBe(200);
    expect(reply.body.active).toBe(true);
    expect((await staged()).filter((entry) => entry.userName === email(index))).toHaveLength(1);
    const events = await adminApi('GET', `/events?outcome=staged&pageSize=10`);
    expect(events.body.results.some((event: { resourceName: string }) => event.resourceName === email(index))).toBe(true);
  });

  test('approving one locks that person out; the SCIM resource stays active as the IdP sent it', async () => {
    const [entry] = await staged();
    const index = Number(entry!.userName.match(/\d+/)![0]);
    const approved = await adminApi('POST', `/deprovisions/${entry!.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({ status: 'approved', applied: true, cause: 'mapping-rules' });
    expect(await isActive(index)).toBe(false);
    expect((await scim.get(`/Users/${userIds[index]}`)).body.active).toBe(true);
    // Approved means applied: a later write does not hold it again.
    await scim.patch(`/Users/${userIds[index]}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Gone' }] });
    expect(await isActive(index)).toBe(false);
    expect((await staged()).some((other) => other.userName === email(index))).toBe(false);
  });

  test('back in the group: the held entry is withdrawn and the person stays an Editor', async () => {
    const [entry] = await staged();
    const index = Number(entry!.userName.match(/\d+/)![0]);
    const reply = await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: members([index]) }] });
    expect([200, 204]).toContain(reply.status);
    expect((await staged()).some((other) => other.userName === email(index))).toBe(false);
    const withdrawn = (await adminApi('GET', '/deprovisions?status=rejected')).body.results.find(
      (other: { userName: string }) => other.userName === email(index)
    );
    expect(withdrawn).toMatchObject({ cause: 'mapping-rules', decidedBy: 'mapping rules (superseded)' });
    expect(await isActive(index)).toBe(true);
  });

  test('a person re-admitted after an applied lock-out is active again without any approval', async () => {
    const lockedOut = [0, 1, 2, 3, 4];
    const states = await Promise.all(lockedOut.map(isActive));
    const index = lockedOut[states.indexOf(false)]!;
    await scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: members([index]) }] });
    expect(await isActive(index)).toBe(true);
  });
});
