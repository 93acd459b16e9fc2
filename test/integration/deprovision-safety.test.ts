/**
 * Deprovision safety: past the configured number of deactivations/deletions in a window, further ones are
 * held as staged for an admin's decision instead of being applied — with everything logged.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let app: TestApp;
let scim: ScimClient;
let ownerToken: string;
const ids: string[] = [];

const adminApi = (method: string, path: string, body?: unknown) =>
  request(method, `${app.origin}/identity-bridge${path}`, body, { headers: { authorization: `Bearer ${ownerToken}` }, contentType: 'application/json' });
const deactivate = (id: string) => scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
const email = (index: number) => `leaver${index}@example.com`;

beforeAll(async () => {
  app = await bootApp({ pluginConfig: { deprovisionSafety: { maxCount: 3, maxShare: 1, windowMinutes: 60 } } });
  scim = scimClient(app.scimUrl, app.scimToken);
  ownerToken = await createSuperAdmin(app);
  for (let index = 0; index < 7; index += 1) {
    const reply = await scim.post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email(index),
      emails: [{ value: email(index), primary: true }],
      active: true,
    });
    expect(reply.status).toBe(201);
    ids.push(reply.body.id);
  }
});
afterAll(async () => app?.close());

describe('a mass deactivation', () => {
  test('applies the first three, then holds the rest as staged (the people stay active)', async () => {
    for (let index = 0; index < 5; index += 1) {
      const reply = await deactivate(ids[index]!);
      expect(reply.status).toBe(200);
      expect(reply.body.active).toBe(index < 3 ? false : true);
    }
    for (let index = 0; index < 5; index += 1) expect((await adminUserByEmail(app, email(index))).isActive).toBe(index >= 3);
  });

  test('a repeated request for a staged person stays staged, once', async () => {
    await deactivate(ids[3]!);
    const staged = await adminApi('GET', '/deprovisions?status=staged');
    expect(staged.status).toBe(200);
    expect(staged.body.results.map((entry: { userName: string }) => entry.userName).sort()).toEqual([email(3), email(4)]);
  });

  test('a DELETE past the threshold is held too: 204, and the user is still there', async () => {
    const reply = await scim.delete(`/Users/${ids[5]}`);
    expect(reply.status).toBe(204);
    expect((await scim.get(`/Users/${ids[5]}`)).status).toBe(200);
    const staged = await adminApi('GET', '/deprovisions?status=staged');
    expect(staged.body.results.find((entry: { userName: string }) => entry.userName === email(5))).toMatchObject({ kind: 'delete' });
  });

  test('the provisioning log records each held request as staged', async () => {
    const events = await adminApi('GET', '/events?outcome=staged&pageSize=50');
    expect(events.body.results.map((event: { resourceName: string }) => event.resourceName).sort()).toEqual([email(3), email(3), email(4), email(5)].sort());
    expect(events.body.results[0].detail).toMatch(/held for approval/);
  });

  test('an admin approves one (applied) and rejects another (nothing changes); a second decision is refused', async () => {
    const staged = (await adminApi('GET', '/deprovisions?status=staged')).body.results as { id: number; userName: string; kind: string }[];
    const four = staged.find((entry) => entry.userName === email(4))!;
    const three = staged.find((entry) => entry.userName === email(3))!;
    const approved = await adminApi('POST', `/deprovisions/${four.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.data).toMatchObject({ status: 'approved', applied: true, decidedBy: 'owner@example.com' });
    expect((await adminUserByEmail(app, email(4))).isActive).toBe(false);
    expect((await scim.get(`/Users/${ids[4]}`)).body.active).toBe(false);

    expect((await adminApi('POST', `/deprovisions/${three.id}/reject`)).status).toBe(200);
    expect((await adminUserByEmail(app, email(3))).isActive).toBe(true);
    expect((await adminApi('POST', `/deprovisions/${three.id}/approve`)).status).toBe(409);

    const deletion = staged.find((entry) => entry.userName === email(5))!;
    expect((await adminApi('POST', `/deprovisions/${deletion.id}/approve`)).status).toBe(200);
    expect((await scim.get(`/Users/${ids[5]}`)).status).toBe(404);
  });

  test('when the IdP reactivates a person whose deactivation waits, the staged entry is withdrawn', async () => {
    await deactivate(ids[6]!);
    expect((await adminApi('GET', '/deprovisions?status=staged')).body.results.map((entry: { userName: string }) => entry.userName)).toEqual([email(6)]);
    await scim.patch(`/Users/${ids[6]}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect((await adminApi('GET', '/deprovisions?status=staged')).body.results).toEqual([]);
    expect((await adminUserByEmail(app, email(6))).isActive).toBe(true);
  });
});
