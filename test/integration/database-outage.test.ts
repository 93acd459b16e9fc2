/**
 * PostgreSQL stopped in the middle of provisioning (issue 6). While the database is away the SCIM API answers
 * 503 + Retry-After with a SCIM error body — never a 500, never a stack trace, never a request hanging — and once
 * PostgreSQL is back it serves again without a Strapi restart. Every write acknowledged before the outage is
 * there afterwards, and nothing is half-written.
 *
 * PostgreSQL only (like cluster.test.ts): the test runs its own server (helpers/own-postgres.ts) so that stopping
 * it disturbs no other test, and Strapi in a child process (helpers/cluster.ts), so that a Strapi that died on
 * the lost connection would show as a dead process rather than take the test runner with it.
 */
import { Client } from 'pg';
import { startCluster, usesPostgres, type Cluster } from './helpers/cluster';
import { scimClient, type Reply, type ScimClient } from './helpers/http';
import { startOwnPostgres, type OwnPostgres } from './helpers/own-postgres';

const describeOnPostgres = usesPostgres() ? describe : describe.skip;
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** The app's knex pool gives up waiting for a connection after this long (DATABASE_ACQUIRE_TIMEOUT). */
const ACQUIRE_TIMEOUT_MS = 3000;
/** No request may take longer than this while the database is down: a generous bound, not a speed target. */
const HANG_BOUND_MS = 30_000;

const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Out', familyName: 'Age' },
  emails: [{ value: userName, primary: true }],
  active: true,
});

describeOnPostgres('PostgreSQL stopped mid-run', () => {
  let pg: OwnPostgres;
  let cluster: Cluster;
  let scim: ScimClient;
  const acknowledged = new Map<string, string>(); // userName → SCIM id, for every 201

  beforeAll(async () => {
    pg = await startOwnPostgres();
    const shared = process.env.IDENTITY_BRIDGE_TEST_PG_URL;
    process.env.IDENTITY_BRIDGE_TEST_PG_URL = pg.url; // the cluster helper creates its database there
    try {
      cluster = await startCluster({
        size: 1,
        env: { DATABASE_ACQUIRE_TIMEOUT: String(ACQUIRE_TIMEOUT_MS) },
        // The create streams go on through the outage, where 503s come back fast: without this, the token's rate
        // limit (429) would answer before the database check under test.
        pluginConfig: { scim: { rateLimit: false } },
      });
    } finally {
      process.env.IDENTITY_BRIDGE_TEST_PG_URL = shared;
    }
    scim = scimClient(cluster.instances[0]!.scimUrl, cluster.scimToken);
  });
  afterAll(async () => {
    await pg?.resume().catch(() => undefined); // a test that failed mid-outage leaves it halted
    await cluster?.close();
    await pg?.stop();
  });

  const strapiProcess = () => cluster.instances[0]!.process();
  const alive = () => strapiProcess().exitCode === null && strapiProcess().signalCode === null;

  async function timed(call: () => Promise<Reply>): Promise<Reply & { ms: number }> {
    const started = Date.now();
    const reply = await call();
    return { ...reply, ms: Date.now() - started };
  }

  function expectUnavailable(reply: Reply & { ms: number }) {
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.body).toMatchObject({ schemas: [SCIM_ERROR], status: '503' });
    expect(reply.body.detail).toMatch(/temporarily unavailable/);
    expect(reply.text).not.toMatch(/ECONN|57P0|Knex|\bat .*\.js:\d+/); // no driver internals, no stack
    expect(reply.ms).toBeLessThan(HANG_BOUND_MS);
  }

  async function create(userName: string): Promise<Reply> {
    const reply = await scim.post('/Users', user(userName));
    if (reply.status === 201) acknowledged.set(userName, reply.body.id);
    return reply;
  }

  async function waitUntilServing(): Promise<number> {
    const started = Date.now();
    for (;;) {
      const reply = await scim.get('/Users?count=1');
      if (reply.status === 200) return Date.now() - started;
      expect(reply.status).toBe(503); // nothing but "retry later" while it comes back
      if (Date.now() - started > 90_000) throw new Error('the SCIM API did not recover within 90 s of PostgreSQL restarting');
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  /** Read straight from the database: every identity has its admin user and vice versa; every acknowledged write is there. */
  async function checkNothingLostOrHalfWritten() {
    const client = new Client({ connectionString: cluster.databaseUrl });
    await client.connect();
    try {
      const orphanIdentities = await client.query(
        'select i.user_name from ib_identities i left join admin_users a on a.id = i.admin_user_id where a.id is null'
      );
      expect(orphanIdentities.rows).toEqual([]);
      const orphanAdmins = await client.query(
        "select a.email from admin_users a left join ib_identities i on i.admin_user_id = a.id where a.email like 'outage-%' and i.id is null"
      );
      expect(orphanAdmins.rows).toEqual([]);
      const stored = await client.query("select scim_id, user_name from ib_identities where user_name like 'outage-%'");
      const storedIds = new Map(stored.rows.map((row: { user_name: string; scim_id: string }) => [row.user_name, row.scim_id]));
      for (const [userName, id] of acknowledged) expect(storedIds.get(userName)).toBe(id);
    } finally {
      await client.end();
    }
  }

  test('provisioning before the outage', async () => {
    for (let index = 0; index < 10; index += 1) expect((await create(`outage-before-${index}@example.com`)).status).toBe(201);
    const group = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Outage group',
      members: [...acknowledged.values()].slice(0, 5).map((value) => ({ value })),
    });
    expect(group.status).toBe(201);
  });

  test.each(['fast', 'immediate'] as const)(
    'pg_ctl stop -m %s while creates are in flight: 503 + Retry-After for GET, POST, PATCH; back by itself once PostgreSQL returns',
    async (mode) => {
      const pid = strapiProcess().pid;
      const someId = [...acknowledged.values()][0]!;

      // Streams of creates running across the stop: each is acknowledged (201) or refused (503), nothing else.
      let streaming = true;
      const streamStatuses: number[] = [];
      // Four at once, so that several transactions are open when the server goes.
      const stream = Promise.all(
        [0, 1, 2, 3].map(async (worker) => {
          for (let index = 0; streaming && index < 200; index += 1) {
            const reply = await timed(() => create(`outage-${mode}-stream-${worker}-${index}@example.com`));
            streamStatuses.push(reply.status);
            if (reply.status !== 201) expectUnavailable(reply);
          }
        })
      );
      await new Promise((done) => setTimeout(done, 500));
      await pg.halt(mode);

      const filter = encodeURIComponent('userName eq "outage-before-1@example.com"');
      const calls: Array<[string, () => Promise<Reply>]> = [
        ['GET filter', () => scim.get(`/Users?filter=${filter}`)],
        ['GET by id', () => scim.get(`/Users/${someId}`)],
        ['POST', () => create(`outage-${mode}-during@example.com`)],
        ['PATCH', () => scim.patch(`/Users/${someId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: `During ${mode}` }] })],
        ['GET groups', () => scim.get('/Groups?excludedAttributes=members')],
      ];
      // Twice: the first round meets the pool's dead connections, the second has to open new ones.
      for (let round = 0; round < 2; round += 1) {
        for (const [, call] of calls) expectUnavailable(await timed(call));
      }
      // An outage longer than the pool's acquire timeout: still 503 each time, none hanging, Strapi still up.
      const outageEnds = Date.now() + 2 * ACQUIRE_TIMEOUT_MS;
      while (Date.now() < outageEnds) {
        expectUnavailable(await timed(() => scim.get(`/Users?filter=${filter}`)));
        await new Promise((done) => setTimeout(done, 250));
      }
      streaming = false;
      await stream;
      expect(streamStatuses.filter((status) => status === 503).length).toBeGreaterThan(0);
      expect(alive()).toBe(true);

      await pg.resume();
      await waitUntilServing();
      expect(alive()).toBe(true);
      expect(strapiProcess().pid).toBe(pid); // recovered without a restart

      expect((await scim.get(`/Users?filter=${filter}`)).body.totalResults).toBe(1);
      expect((await create(`outage-${mode}-after@example.com`)).status).toBe(201);
      const patched = await scim.patch(`/Users/${someId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: `After ${mode}` }] });
      expect(patched.status).toBe(200);
      expect((await scim.get(`/Users/${someId}`)).body.title).toBe(`After ${mode}`);
      await checkNothingLostOrHalfWritten();
    }
  );

  test('the group written before the outages is intact', async () => {
    const listed = await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "Outage group"')}`);
    expect(listed.body.totalResults).toBe(1);
    expect(listed.body.Resources[0].members).toHaveLength(5);
  });
});
