/**
 * `GET /identity-bridge/status?hours=24`: SCIM activity of the last hours for the Provisioning page — logged
 * requests by outcome (writes and failures; SSO sign-ins and admin decisions left out), the last logged request,
 * and the last use of a token (successful reads are not logged, but they update the token's last use). Also the
 * `origin` of the settings answer (where the fixed SSO URLs live) and the RBAC guard.
 */
import { bootApp, type TestApp } from './helpers/app';
import { createSuperAdmin } from './helpers/admin';
import { request, scimClient } from './helpers/http';

const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, type: 'work', primary: true }],
  name: { givenName: 'Sta', familyName: 'Tus' },
  active: true,
});

describe('admin API: provisioning status', () => {
  let app: TestApp;
  let adminToken: string;
  const admin = (method: string, path: string, body?: unknown) =>
    request(method, `${app.origin}/identity-bridge${path}`, body, { token: adminToken, contentType: 'application/json' });

  beforeAll(async () => {
    app = await bootApp();
    adminToken = await createSuperAdmin(app);
  });
  afterAll(async () => app?.close());

  test('settings give the absolute SCIM base URL and the origin of the SSO URLs', async () => {
    const reply = await admin('GET', '/settings');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ scimBaseUrl: `${app.origin}/api/scim/v2`, scimBasePath: '/api/scim/v2', origin: app.origin });
  });

  test('an empty log: zero counts, no last request', async () => {
    const reply = await admin('GET', '/status');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ hours: 24, counts: { success: 0, failure: 0, staged: 0 }, total: 0, lastEvent: null, lastTokenUse: null });
    expect(Date.now() - new Date(reply.body.data.since).getTime()).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000 - 60_000);
  });

  test('requests counted by outcome; a successful read shows as the token\'s last use; SSO entries left out', async () => {
    const created = (await admin('POST', '/tokens', { name: 'Status token', directoryId: (await admin('GET', '/directories')).body.data[0].id })).body.data;
    const scim = scimClient(app.scimUrl, created.secret);
    expect((await scim.get('/Users')).status).toBe(200);
    let status = (await admin('GET', '/status')).body.data;
    expect(status.total).toBe(0);
    expect(status.lastTokenUse).toMatchObject({ tokenId: created.id, tokenName: 'Status token' });

    expect((await scim.post('/Users', user('status-1@example.com'))).status).toBe(201);
    expect((await scim.post('/Users', user('status-2@example.com'))).status).toBe(201);
    expect((await scim.post('/Users', user('status-1@example.com'))).status).toBe(409);
    // An SSO refusal lands in the same log but is no SCIM request.
    expect((await request('GET', `${app.origin}/api/sso/nobody/login`)).status).toBe(404);
    status = (await admin('GET', '/status?hours=24')).body.data;
    expect(status.counts).toEqual({ success: 2, failure: 1, staged: 0 });
    expect(status.total).toBe(3);
    expect(status.lastEvent).toMatchObject({ tokenName: 'Status token', method: 'POST', outcome: 'failure', status: 409, operation: 'createUser' });
  });

  test('the window is bounded by createdAt: older entries are not counted', async () => {
    await app.strapi.db.query('plugin::identity-bridge.event').updateMany({ where: {}, data: { createdAt: new Date(Date.now() - 3 * 60 * 60 * 1000) } });
    const lastHour = (await admin('GET', '/status?hours=1')).body.data;
    expect(lastHour.counts).toEqual({ success: 0, failure: 0, staged: 0 });
    expect(lastHour.lastEvent).toBeNull();
    expect((await admin('GET', '/status?hours=4')).body.data.total).toBe(3);
  });

  test('the last use of a token is bounded by the window too', async () => {
    const tokens = app.strapi.db.query('plugin::identity-bridge.token');
    await tokens.updateMany({ where: {}, data: { lastUsedAt: new Date(Date.now() - 3 * 60 * 60 * 1000) } });
    expect((await admin('GET', '/status?hours=1')).body.data.lastTokenUse).toBeNull();
    expect((await admin('GET', '/status?hours=4')).body.data.lastTokenUse).toMatchObject({ tokenName: 'Status token' });
  });

  test('tokens are listed a page at a time, newest first, live and revoked apart', async () => {
    const directoryId = (await admin('GET', '/directories')).body.data[0].id;
    const made: Array<{ id: number; name: string }> = [];
    for (const name of ['Rotation 1', 'Rotation 2', 'Rotation 3', 'Rotation 4']) made.push((await admin('POST', '/tokens', { name, directoryId })).body.data);
    for (const token of made.slice(0, 3)) expect((await admin('POST', `/tokens/${token.id}/revoke`)).status).toBe(200);

    const revoked = await admin('GET', `/tokens?directoryId=${directoryId}&revoked=true&pageSize=2`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.map((token: { name: string }) => token.name)).toEqual(['Rotation 3', 'Rotation 2']);
    expect(revoked.body.pagination).toMatchObject({ page: 1, pageSize: 2, total: 3, pageCount: 2 });
    const second = await admin('GET', `/tokens?directoryId=${directoryId}&revoked=true&pageSize=2&page=2`);
    expect(second.body.data.map((token: { name: string }) => token.name)).toEqual(['Rotation 1']);

    const live = (await admin('GET', `/tokens?directoryId=${directoryId}&revoked=false`)).body;
    // The test app declares "Test token" in its config: the oldest.
    expect(live.data.map((token: { name: string }) => token.name)).toEqual(['Rotation 4', 'Status token', 'Test token']);
    expect(live.data.every((token: { revokedAt: string | null }) => token.revokedAt === null)).toBe(true);
    expect(live.pagination).toMatchObject({ pageSize: 100, total: 3 });
    expect((await admin('GET', '/tokens')).body.pagination.total).toBe(6);

    for (const bad of ['?revoked=yes', '?pageSize=201', '?page=0', '?directoryId=abc']) {
      const reply = await admin('GET', `/tokens${bad}`);
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toMatch(/revoked|pageSize|page|directoryId/);
    }
  });

  test('bad parameters are refused with what to fix; no admin token: 401', async () => {
    const bad = await admin('GET', '/status?hours=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/hours/);
    expect((await request('GET', `${app.origin}/identity-bridge/status`)).status).toBe(401);
  });
});
