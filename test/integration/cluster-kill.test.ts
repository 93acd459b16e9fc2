/**
 * kill -9 in the middle of a provisioning run: an Entra-style sync (helpers/entra-sync.js) goes through a
 * round-robin proxy to two instances on one PostgreSQL database; one instance is SIGKILLed while requests are in
 * flight (during the user creates), the sync carries on through the other, and the killed one is restarted and
 * taken back; then the other is killed the same way during the member PATCHes. Requests that
 * died with it are retried by the client, as Entra's next cycle would; so are writes whose answer the proxy drops
 * after the instance committed them (a lost answer: the retry must not duplicate). Afterwards the database shows every
 * acknowledged write, nothing half-written, and no duplicate from a retried create. The per-token rate limit is set
 * below what the client sends, so 429s (waited out, as Entra does) are part of the run. (PostgreSQL pass only.)
 */
import { Client } from 'pg';
import { startCluster, usesPostgres, type Cluster } from './helpers/cluster';
import { checkConsistency, runEntraSync, SYNC_MAPPING, type SyncLedger } from './helpers/entra-sync';
import { roundRobin, startProxy, type Proxy } from './helpers/proxy';

const describeOnPostgres = usesPostgres() ? describe : describe.skip;
const USERS = Number(process.env.IB_KILL_USERS ?? 400);
const GROUPS = Number(process.env.IB_KILL_GROUPS ?? 20);
/** Per token and instance. */
const RATE_PER_SECOND = 50;

const waitFor = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((done) => setTimeout(done, 25));
  }
};

describeOnPostgres('SIGKILL of an instance during a sync (each of the two, in turn)', () => {
  let cluster: Cluster;
  let proxy: Proxy;
  let db: Client;

  beforeAll(async () => {
    cluster = await startCluster({
      size: 2,
      pluginConfig: {
        mapping: SYNC_MAPPING,
        deprovisionSafety: { enabled: false },
        // Below what 8 workers send, so the sync is throttled too (429 + Retry-After, waited out as Entra does):
        // a refused request must leave nothing behind, even while an instance dies.
        scim: { rateLimit: { requestsPerSecond: RATE_PER_SECOND, burst: RATE_PER_SECOND } },
      },
    });
    // Besides the kill, every 40th write's answer is lost after the instance committed it: the client retries
    // it like any failure, and must end with one resource, not two.
    let writes = 0;
    proxy = await startProxy(roundRobin(cluster.instances), {
      dropAnswer: (incoming) => incoming.method !== 'GET' && ++writes % 40 === 0,
    });
    db = new Client({ connectionString: cluster.databaseUrl });
    await db.connect();
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await proxy?.close();
    await cluster?.close();
  });

  test('every acknowledged write survives, nothing is half-written, retried requests end in one outcome', async () => {
    const victim = cluster.instances[1]!;
    let ledger: SyncLedger | undefined;
    const running = runEntraSync({
      users: USERS,
      groups: GROUPS,
      token: cluster.scimToken,
      balanced: () => `${proxy.origin}/api/scim/v2`,
      // Two-instance races need both instances up; cluster-sync.test.ts covers them.
      races: false,
      workers: 8,
      batchSize: 20,
      retries: 200,
      retryDelayMs: 100,
      domain: 'kill.example',
    }).then((result) => (ledger = result));
    const forwarded = () => proxy.log.length;
    // The ledger is only returned at the end: watch the proxy's log instead (requests it forwarded).
    // First crash: the second instance, a quarter into the user creates.
    await waitFor(() => forwarded() >= USERS / 2, 300_000);
    const killedAt = forwarded();
    await victim.kill();
    // Creates carry on through the other instance alone for a while.
    await waitFor(() => forwarded() >= killedAt + USERS / 2, 300_000);
    await victim.restart();
    // Second crash: the first instance, once member PATCHes are under way (users and groups are matched and
    // created in two requests each), while it holds group locks and re-maps members.
    const survivor = cluster.instances[0]!;
    const membersStart = 2 * USERS + 2 * GROUPS;
    await waitFor(() => forwarded() >= membersStart + 5 || ledger !== undefined, 300_000);
    const secondKill = ledger === undefined;
    if (secondKill) {
      await survivor.kill();
      await waitFor(() => forwarded() >= membersStart + 10 || ledger !== undefined, 300_000);
      await survivor.restart();
    }
    await running;
    expect(ledger).toBeDefined();
    const result = ledger!;
    console.log('kill sync:', JSON.stringify(result.stats));

    expect(secondKill).toBe(true);
    // The restarted instances serve the whole directory.
    for (const instance of cluster.instances) {
      const listed = await fetch(`${instance.scimUrl}/Users?count=0`, { headers: { authorization: `Bearer ${cluster.scimToken}` } });
      expect(((await listed.json()) as { totalResults: number }).totalResults).toBe(USERS);
    }
    // Requests died with the instance (the proxy answered 502, or cut the answer) and were retried to success.
    expect((result.stats.byStatus['502'] ?? 0) + result.stats.transportFailures).toBeGreaterThan(0);
    // Creates whose answer was lost after they committed: the retry got 409, and the client found the one user.
    expect(proxy.log.filter((line) => line.startsWith('POST /api/scim/v2/Users ') && line.endsWith('(answer dropped)')).length).toBeGreaterThan(0);
    expect(result.stats.recoveredCreates).toBeGreaterThan(0);
    // Throttled requests were waited out and sent again, and ended like the others.
    expect(result.stats.byStatus['429']).toBeGreaterThan(0);
    expect(result.stats.throttled).toBe(result.stats.byStatus['429']);
    expect(result.stats.failed).toBe(0);
    expect(result.errors).toEqual([]);

    const report = await checkConsistency(async (sql, params) => (await db.query(sql, params as unknown[])).rows, result, { domain: 'kill.example' });
    console.log('consistency after kill:', JSON.stringify(report.facts));
    expect(report.problems).toEqual([]);
    expect(report.facts.identities).toBe(USERS);
    expect(report.facts.groups).toBe(GROUPS);
  }, 600_000);
});
