/**
 * An Entra-style provisioning run spread over two Strapi instances on one PostgreSQL database, several workers at
 * once behind a round-robin proxy, with the races a load balancer makes possible (helpers/entra-sync.js); then
 * the database itself is checked: no duplicate, nothing half-written, every acknowledged write there, every
 * acknowledged removal gone, roles as the mapping says, stale If-Match refused. (PostgreSQL pass only.)
 *
 * Sizes: IB_SYNC_USERS / IB_SYNC_GROUPS (default 500 / 25: about a minute on a busy 2-core machine; 1,000 / 50
 * took 171 s with the load average at 17); bench/cluster-sync.mjs runs the same at 10,000 / 500.
 */
import { Client } from 'pg';
import { startCluster, usesPostgres, type Cluster } from './helpers/cluster';
import { checkConsistency, runEntraSync, SYNC_MAPPING, type SyncLedger } from './helpers/entra-sync';
import { roundRobin, startProxy, type Proxy } from './helpers/proxy';

const describeOnPostgres = usesPostgres() ? describe : describe.skip;
const USERS = Number(process.env.IB_SYNC_USERS ?? 500);
const GROUPS = Number(process.env.IB_SYNC_GROUPS ?? 25);

describeOnPostgres(`Entra-style sync of ${USERS} users and ${GROUPS} groups across two instances`, () => {
  let cluster: Cluster;
  let proxy: Proxy;
  let db: Client;
  let ledger: SyncLedger;

  beforeAll(async () => {
    cluster = await startCluster({
      size: 2,
      // A full first cycle deactivates 10 % of the people at once: deprovision safety would (rightly) hold
      // those; it has its own tests.
      pluginConfig: { mapping: SYNC_MAPPING, deprovisionSafety: { enabled: false } },
    });
    proxy = await startProxy(roundRobin(cluster.instances));
    db = new Client({ connectionString: cluster.databaseUrl });
    await db.connect();
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await proxy?.close();
    await cluster?.close();
  });

  test('concurrent workers through both instances: every acknowledged write present, once; races decided', async () => {
    const started = performance.now();
    ledger = await runEntraSync({
      users: USERS,
      groups: GROUPS,
      token: cluster.scimToken,
      balanced: () => `${proxy.origin}/api/scim/v2`,
      instances: cluster.instances.map((instance) => instance.scimUrl),
      workers: 8,
      batchSize: 25,
      raceEvery: 50,
      etagRaces: 10,
    });
    const seconds = (performance.now() - started) / 1000;
    // Shown, never asserted (speed belongs to bench/cluster-sync.mjs).
    console.log(`sync: ${ledger.stats.requests} requests in ${seconds.toFixed(1)} s`, JSON.stringify(ledger.stats.byStatus), JSON.stringify(ledger.stats.phases));

    // Both instances answered ordinary requests.
    const used = new Set(proxy.log.map((line) => line.split(' → ')[1]));
    expect(used).toEqual(new Set(cluster.instances.map((instance) => instance.origin)));
    expect(ledger.errors).toEqual([]);
    expect(ledger.stats.failed).toBe(0);
    expect(ledger.users.size).toBe(USERS);
    expect(ledger.groups.size).toBe(GROUPS);
    expect(ledger.races.users.length).toBe(Math.ceil(USERS / 50));
    expect(ledger.races.etag.length).toBeGreaterThan(0);
  }, 600_000);

  test('the database agrees with the ledger', async () => {
    const report = await checkConsistency(async (sql, params) => (await db.query(sql, params as unknown[])).rows, ledger);
    console.log('consistency:', JSON.stringify(report.facts));
    expect(report.problems).toEqual([]);
    expect(report.facts.identities).toBe(USERS);
    expect(report.facts.deactivated).toBe(ledger.deactivated.size);
    expect(report.facts.mappingStale).toBe(0);
  }, 120_000);
});
