/**
 * Overload limits of the SCIM API (issue 6): the per-token rate limit (429 + Retry-After), the request body
 * cap without a Content-Length, and the cap on members in one Group request (413) — each answered in the
 * SCIM error schema, and none leaving a request half-applied.
 */
import { DEFAULT_TEST_TOKEN, bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type Reply, type ScimClient } from './helpers/http';

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SECOND_TOKEN = `second-token-${'y'.repeat(32)}`;
const BURST = 60;
const MAX_MEMBERS = 3;

let app: TestApp;
let limited: ScimClient;
let other: ScimClient;

const newUser = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, primary: true }],
  active: true,
});
const newGroup = (displayName: string, memberIds: string[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  displayName,
  members: memberIds.map((value) => ({ value })),
});
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

function expectScimError(reply: Reply, status: number, detail: RegExp) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: String(status) });
  expect(reply.body.detail).toMatch(detail);
  expect(reply.text).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
}

beforeAll(async () => {
  app = await bootApp({
    pluginConfig: {
      tokens: [
        { name: 'Test token', secret: DEFAULT_TEST_TOKEN },
        { name: 'Second token', secret: SECOND_TOKEN },
      ],
      scim: { rateLimit: { requestsPerSecond: 1, burst: BURST }, maxMembersPerRequest: MAX_MEMBERS, maxBodyBytes: 4096, maxConcurrentWrites: 2 },
    },
  });
  limited = scimClient(app.scimUrl, app.scimToken);
  other = scimClient(app.scimUrl, SECOND_TOKEN);
});
afterAll(async () => app?.close());

describe('per-token rate limit', () => {
  test('over the burst: 429 with Retry-After and a SCIM error; another token is not affected; the token recovers', async () => {
    const replies = await Promise.all(Array.from({ length: BURST + 20 }, () => limited.get('/ServiceProviderConfig')));
    const ok = replies.filter((reply) => reply.status === 200);
    const refused = replies.filter((reply) => reply.status === 429);
    expect(ok.length + refused.length).toBe(replies.length);
    // The burst, plus at most what refilled at 1/s while the requests were being answered.
    expect(ok.length).toBeGreaterThanOrEqual(BURST);
    expect(refused.length).toBeGreaterThan(0);
    for (const reply of refused) {
      expectScimError(reply, 429, /rate limit of token "Test token" exceeded/);
      const retryAfter = reply.headers.get('retry-after');
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    }

    // The second token has its own bucket.
    expect((await other.get('/Users?count=1')).status).toBe(200);

    // Waiting as told is enough (Retry-After is rounded up to whole seconds).
    const wait = Math.max(...refused.map((reply) => Number(reply.headers.get('retry-after'))));
    await new Promise((done) => setTimeout(done, wait * 1000 + 100));
    expect((await limited.get('/ServiceProviderConfig')).status).toBe(200);
  });

  test('requests with bad tokens are 401, never 429: they do not get (or drain) a bucket', async () => {
    const replies = await Promise.all(
      Array.from({ length: BURST * 3 }, (_, index) => request('GET', `${app.scimUrl}/Users`, undefined, { token: `bad-token-${index}-${'z'.repeat(30)}` }))
    );
    for (const reply of replies) expectScimError(reply, 401, /invalid or revoked token/);
    // The flood did not cost the second token anything.
    expect((await other.get('/ServiceProviderConfig')).status).toBe(200);
  });
});

describe('body and member limits (second token, so the rate limit above stays out of the way)', () => {
  test('a body over maxBodyBytes sent without Content-Length (chunked) is 413 too', async () => {
    const big = JSON.stringify(newUser(`chunked@example.com`)).replace('"active"', `"title":"${'x'.repeat(8000)}","active"`);
    const encoded = new TextEncoder().encode(big);
    const body = new ReadableStream({
      start(controller) {
        for (let offset = 0; offset < encoded.length; offset += 1000) controller.enqueue(encoded.slice(offset, offset + 1000));
        controller.close();
      },
    });
    const response = await fetch(`${app.scimUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECOND_TOKEN}`, 'content-type': 'application/scim+json' },
      body,
      duplex: 'half',
    } as RequestInit);
    const text = await response.text();
    expectScimError({ status: response.status, headers: response.headers, body: JSON.parse(text), text }, 413, /exceeds 4096 bytes/);
    const listed = await other.get(`/Users?filter=${encodeURIComponent('userName eq "chunked@example.com"')}`);
    expect(listed.body.totalResults).toBe(0);
  });

  test('too many members in one Group POST, PUT or PATCH: 413, and nothing of the request is applied', async () => {
    const ids: string[] = [];
    for (let index = 0; index < MAX_MEMBERS + 2; index += 1) {
      const created = await other.post('/Users', newUser(`member${index}@example.com`));
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }

    // POST with one member too many: refused, no group.
    expectScimError(await other.post('/Groups', newGroup('Too big', ids.slice(0, MAX_MEMBERS + 1))), 413, /names 4 members; at most 3/);
    expect((await other.get(`/Groups?filter=${encodeURIComponent('displayName eq "Too big"')}`)).body.totalResults).toBe(0);

    // At the cap: accepted.
    const group = await other.post('/Groups', newGroup('At the cap', ids.slice(0, MAX_MEMBERS)));
    expect(group.status).toBe(201);
    const membersNow = async () => ((await other.get(`/Groups/${group.body.id}`)).body.members ?? []).map((member: { value: string }) => member.value).sort();
    const original = ids.slice(0, MAX_MEMBERS).sort();
    expect(await membersNow()).toEqual(original);

    // PATCH: the cap counts every operation together; a rename in the same request is not applied either.
    expectScimError(
      await other.patch(
        `/Groups/${group.body.id}`,
        patch(
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'remove', path: `members[value eq "${ids[0]}"]` },
          { op: 'add', path: 'members', value: ids.slice(MAX_MEMBERS).map((value) => ({ value })) },
          { op: 'add', path: 'members', value: [{ value: ids[1] }] }
        )
      ),
      413,
      /at most 3/
    );
    const afterPatch = await other.get(`/Groups/${group.body.id}`);
    expect(afterPatch.body.displayName).toBe('At the cap');
    expect(await membersNow()).toEqual(original);

    // PUT with too many: refused, members and name unchanged.
    expectScimError(await other.put(`/Groups/${group.body.id}`, newGroup('Put rename', ids)), 413, /names 5 members/);
    expect((await other.get(`/Groups/${group.body.id}`)).body.displayName).toBe('At the cap');
    expect(await membersNow()).toEqual(original);
  });

  test('with the write gate at 2, ten concurrent creates all succeed (they queue, not fail) and are all stored', async () => {
    const names = Array.from({ length: 10 }, (_, index) => `gated${index}@example.com`);
    const replies = await Promise.all(names.map((name) => other.post('/Users', newUser(name))));
    expect(replies.map((reply) => reply.status)).toEqual(names.map(() => 201));
    const listed = await other.get(`/Users?filter=${encodeURIComponent('userName sw "gated"')}&count=100`);
    expect(listed.body.totalResults).toBe(10);
  });

  test('a Group PATCH failing on its last operation leaves the earlier ones unapplied (one transaction per request)', async () => {
    const a = await other.post('/Users', newUser('tx-a@example.com'));
    const b = await other.post('/Users', newUser('tx-b@example.com'));
    const group = await other.post('/Groups', newGroup('Transactional', [a.body.id]));
    expect(group.status).toBe(201);
    const reply = await other.patch(
      `/Groups/${group.body.id}`,
      patch(
        { op: 'replace', path: 'displayName', value: 'Transactional renamed' },
        { op: 'remove', path: `members[value eq "${a.body.id}"]` },
        { op: 'add', path: 'members', value: [{ value: b.body.id }, { value: 'no-such-user' }] }
      )
    );
    expectScimError(reply, 400, /members not found.*no-such-user/);
    const after = await other.get(`/Groups/${group.body.id}`);
    expect(after.body.displayName).toBe('Transactional');
    expect(after.body.members.map((member: { value: string }) => member.value)).toEqual([a.body.id]);
  });

});
