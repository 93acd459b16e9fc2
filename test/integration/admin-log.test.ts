/**
 * The Provisioning log page's API: `GET /identity-bridge/events` filtered by token, SSO connection and a free-text
 * search on the user/group name (on top of outcome, type, operation, time), and
 * `GET /identity-bridge/events/export.csv` — the same filters as a streamed CSV download with correct quoting and
 * formula cells neutralised (CSV injection), capped with headers that say so. Read permission only.
 */
import { bootApp, type TestApp } from './helpers/app';
import { createSuperAdmin, login } from './helpers/admin';
import { request, scimClient, type ScimClient } from './helpers/http';

const user = (userName: string, email = userName) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: email, type: 'work', primary: true }],
  name: { givenName: 'Log', familyName: 'Test' },
  active: true,
});

/** A minimal RFC 4180 reader: quoted cells with doubled quotes and line breaks, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let cell = '';
  let record: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      index += 1;
    } else cell += char;
  }
  return records;
}

describe('admin API: provisioning log filters and CSV export', () => {
  let app: TestApp;
  let ownerToken: string;
  let first: { id: number; secret: string };
  let second: { id: number; secret: string };
  let scimA: ScimClient;
  let scimB: ScimClient;
  const admin = (method: string, path: string, body?: unknown, token = ownerToken) =>
    request(method, `${app.origin}/identity-bridge${path}`, body, { token, contentType: 'application/json' });

  beforeAll(async () => {
    app = await bootApp();
    ownerToken = await createSuperAdmin(app);
    const directoryId = (await admin('GET', '/directories')).body.data[0].id;
    first = (await admin('POST', '/tokens', { name: 'Entra token', directoryId })).body.data;
    second = (await admin('POST', '/tokens', { name: 'Okta token', directoryId })).body.data;
    scimA = scimClient(app.scimUrl, first.secret);
    scimB = scimClient(app.scimUrl, second.secret);

    expect((await scimA.post('/Users', user('alice@example.com'))).status).toBe(201);
    // A userName an attacker controls, shaped like a spreadsheet formula.
    expect((await scimA.post('/Users', user('=HYPERLINK("http://evil.example")@example.com', 'formula@example.com'))).status).toBe(201);
    expect((await scimA.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales, "EMEA"\nteam', members: [] })).status).toBe(201);
    expect((await scimA.post('/Users', user('alice@example.com'))).status).toBe(409);
    expect((await scimB.post('/Users', user('bob@example.com'))).status).toBe(201);
  });
  afterAll(async () => app?.close());

  test('by token: only the requests made with that token', async () => {
    const byFirst = await admin('GET', `/events?tokenId=${first.id}`);
    expect(byFirst.status).toBe(200);
    expect(byFirst.body.pagination.total).toBe(4);
    expect(new Set(byFirst.body.results.map((event: { tokenName: string }) => event.tokenName))).toEqual(new Set(['Entra token']));
    const bySecond = await admin('GET', `/events?tokenId=${second.id}`);
    expect(bySecond.body.results.map((event: { resourceName: string }) => event.resourceName)).toEqual(['bob@example.com']);
  });

  test('free-text search on the user or group name (or the message of a refused request), any case, combined with other filters', async () => {
    const alice = await admin('GET', '/events?search=ALICE');
    expect(alice.body.pagination.total).toBe(2);
    expect(alice.body.results.map((event: { outcome: string }) => event.outcome).sort()).toEqual(['failure', 'success']);
    const failed = await admin('GET', '/events?search=alice&outcome=failure');
    expect(failed.body.results).toHaveLength(1);
    expect(failed.body.results[0]).toMatchObject({ status: 409, operation: 'createUser', resourceName: null, detail: expect.stringContaining('alice@example.com') });
    const group = await admin('GET', '/events?search=emea&resourceType=Group');
    expect(group.body.results).toHaveLength(1);
    expect((await admin('GET', '/events?search=nobody-like-this')).body.pagination.total).toBe(0);
  });

  test('paged: pageSize 2 gives two pages of the five entries, newest first, no repeats', async () => {
    const page1 = (await admin('GET', '/events?pageSize=2&page=1')).body;
    const page3 = (await admin('GET', '/events?pageSize=2&page=3')).body;
    expect(page1.pagination).toEqual({ page: 1, pageSize: 2, total: 5 });
    expect(page1.results[0].resourceName).toBe('bob@example.com');
    expect(page3.results).toHaveLength(1);
    expect(page3.results[0].resourceName).toBe('alice@example.com');
  });

  test('by SSO connection: sign-in entries of that connection only', async () => {
    expect((await request('GET', `${app.origin}/api/sso/contoso/login`)).status).toBe(404);
    const entries = await admin('GET', '/events?connectionId=contoso');
    expect(entries.body.results.length).toBeGreaterThanOrEqual(1);
    for (const event of entries.body.results) expect(event).toMatchObject({ resourceType: 'SsoSignIn', resourceId: 'contoso' });
    expect((await admin('GET', '/events?connectionId=other')).body.pagination.total).toBe(0);
    // The page's Type filter offers SSO sign-ins and admin users too (the API answered 400 for them).
    const signIns = await admin('GET', '/events?resourceType=SsoSignIn');
    expect(signIns.status).toBe(200);
    expect(signIns.body.pagination.total).toBe(entries.body.pagination.total);
    expect((await admin('GET', '/events?resourceType=AdminUser')).status).toBe(200);
    expect((await admin('GET', '/events?resourceType=Widget')).status).toBe(400);
  });

  test('CSV export: same filters, quoted cells, formulas neutralised, headers with the count and the cap', async () => {
    const reply = await request('GET', `${app.origin}/identity-bridge/events/export.csv?tokenId=${first.id}`, undefined, { token: ownerToken });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(reply.headers.get('content-disposition')).toMatch(/^attachment; filename="provisioning-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(reply.headers.get('x-export-total')).toBe('4');
    expect(reply.headers.get('x-export-truncated')).toBe('false');
    expect(Number(reply.headers.get('x-export-limit'))).toBeGreaterThan(0);

    const [header, ...rows] = parseCsv(reply.text);
    expect(header).toEqual(['createdAt', 'directoryId', 'tokenName', 'method', 'operation', 'resourceType', 'resourceName', 'resourceId', 'outcome', 'status', 'scimType', 'changed', 'detail']);
    expect(rows).toHaveLength(4);
    const column = (name: string) => header!.indexOf(name);
    // Newest first, as the list.
    expect(rows.map((row) => row[column('outcome')])).toEqual(['failure', 'success', 'success', 'success']);
    const names = rows.map((row) => row[column('resourceName')]);
    expect(names).toContain('Sales, "EMEA"\nteam');
    expect(names).toContain(`'=HYPERLINK("http://evil.example")@example.com`);
    for (const row of rows) expect(row[column('tokenName')]).toBe('Entra token');
    // Raw text: the quote doubled inside a quoted cell; the formula never starts a cell.
    expect(reply.text).toContain('"Sales, ""EMEA""\nteam"');
    expect(reply.text).not.toMatch(/(^|,)"?=/m);
  });

  test('CSV export of an empty selection is the header alone; a bad filter is refused', async () => {
    const empty = await request('GET', `${app.origin}/identity-bridge/events/export.csv?search=nobody-like-this`, undefined, { token: ownerToken });
    expect(empty.status).toBe(200);
    expect(parseCsv(empty.text)).toHaveLength(1);
    const bad = await request('GET', `${app.origin}/identity-bridge/events/export.csv?outcome=maybe`, undefined, { token: ownerToken });
    expect(bad.status).toBe(400);
  });

  test('an Editor (no Identity bridge permission) can neither list nor export', async () => {
    const editorRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
    await app.strapi.service('admin::user').create({
      email: 'editor@example.com', password: 'Editor-Passw0rd!', firstname: 'Ed', lastname: 'Itor', isActive: true, registrationToken: null, roles: [editorRole.id],
    });
    const editorToken = await login(app, 'editor@example.com', 'Editor-Passw0rd!');
    expect((await admin('GET', '/events', undefined, editorToken)).status).toBe(403);
    expect((await request('GET', `${app.origin}/identity-bridge/events/export.csv`, undefined, { token: editorToken })).status).toBe(403);
  });
});
