#!/usr/bin/env node
/**
 * An Entra-style provisioning run through several Strapi instances on one PostgreSQL database, then the
 * consistency check of the database — the same run as test/integration/cluster-sync.test.ts, at full size.
 *
 *   node bench/cluster-sync.mjs [--users 10000] [--groups 500] [--instances 2] [--workers 8] [--batch 25]
 *                               [--race-every 50] [--etag-races 10] [--kill] [--log-level error]
 *
 * Each instance is the playground app in its own process (test/integration/helpers/instance-main.js); ordinary
 * requests go round robin over the instances (a load balancer), the two-instance races to the first two.
 * Needs PostgreSQL: IDENTITY_BRIDGE_TEST_PG_URL, or the postgresql package (scripts/postgres.mjs starts one).
 * Prints the throughput of each phase, the answers by status, retries, and the consistency check's findings;
 * exits 1 when the database disagrees with what the server acknowledged.
 *
 * `--kill` is test/integration/cluster-kill.test.ts at full size: the second instance is SIGKILLed a quarter into
 * the user creates and restarted on its port after as many requests again; then the first is SIGKILLed once the
 * member PATCHes are under way (while it holds group locks) and restarted the same way. Like a load balancer whose
 * health check saw it go, the client sends nothing to an instance while it is down; requests that were in flight
 * die with it and are retried (two-instance races are left out: they need both up).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabase, postgresServer } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const { runEntraSync, checkConsistency, SYNC_MAPPING } = require(join(root, 'test', 'integration', 'helpers', 'entra-sync.js'));
const INSTANCE_MAIN = join(root, 'test', 'integration', 'helpers', 'instance-main.js');

function parseArgs(argv) {
  const options = { users: 10000, groups: 500, instances: 2, workers: 8, batch: 25, raceEvery: 50, etagRaces: 10, kill: false, logLevel: 'error' };
  const numeric = { '--users': 'users', '--groups': 'groups', '--instances': 'instances', '--workers': 'workers', '--batch': 'batch', '--race-every': 'raceEvery', '--etag-races': 'etagRaces' };
  for (let k = 0; k < argv.length; k += 1) {
    const [flag, inline] = argv[k].split('=');
    const value = () => inline ?? argv[++k];
    if (flag in numeric) options[numeric[flag]] = Number(String(value()).replace(/_/g, '').replace(/k$/i, '000'));
    else if (flag === '--log-level') options.logLevel = value();
    else if (flag === '--kill') options.kill = true;
    else if (flag === '--help' || flag === '-h') {
      console.log('node bench/cluster-sync.mjs [--users 10000] [--groups 500] [--instances 2] [--workers 8] [--batch 25] [--race-every 50] [--etag-races 10] [--kill] [--log-level error]');
      process.exit(0);
    } else throw new Error(`unknown option ${argv[k]}`);
  }
  for (const key of Object.values(numeric)) if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`--${key}: a whole number`);
  if (options.instances < 1 || options.users < 1 || options.groups < 1) throw new Error('--instances, --users and --groups must be at least 1');
  if (options.kill && options.instances < 2) throw new Error('--kill needs at least 2 instances');
  return options;
}

/** One instance: forks instance-main.js (on `port`, 0 for any) and waits for its `{ ready, port }`. */
function startInstance(env, port = 0) {
  return new Promise((done, fail) => {
    const child = fork(INSTANCE_MAIN, [], { env: { ...env, IB_INSTANCE_PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const onExit = (code) => fail(new Error(`an instance exited during boot (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      if (message.ready) done({ child, port: message.port, up: true, scimUrl: `http://127.0.0.1:${message.port}/api/scim/v2` });
      else fail(new Error(`an instance failed to boot: ${message.error}`));
    });
  });
}

const killInstance = (instance) =>
  new Promise((done) => {
    instance.up = false;
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return done();
    instance.child.once('exit', () => done());
    instance.child.kill('SIGKILL');
  });

/**
 * The two crashes of `--kill`, driven by how many requests the client has sent (`sent()`); resolves with a
 * timeline of what happened when. Stops early if the sync ends first (`finished()`).
 */
async function crashAndRestart({ instances, env, sent, finished, users, groups }) {
  const timeline = [];
  const started = performance.now();
  const at = (what) => timeline.push(`${((performance.now() - started) / 1000).toFixed(1)} s: ${what} (request ${sent()})`);
  const until = async (condition) => {
    while (!condition() && !finished()) await new Promise((done) => setTimeout(done, 20));
    return condition();
  };
  const crash = async (instance, name, resumeAfter) => {
    await killInstance(instance);
    at(`SIGKILL ${name}`);
    const killedAt = sent();
    await until(() => sent() >= killedAt + resumeAfter);
    const restarted = await startInstance(env, instance.port);
    Object.assign(instance, { child: restarted.child, up: true });
    at(`${name} restarted and back in rotation`);
  };
  // A quarter into the user creates (each user is a lookup and a create).
  if (await until(() => sent() >= users / 2)) await crash(instances[1], 'instance 2', users / 2);
  // Member PATCHes under way: users and groups are each a lookup and a create.
  if (await until(() => sent() >= 2 * users + 2 * groups + 20)) await crash(instances[0], 'instance 1', 200);
  return timeline;
}

const stopInstance = (child) =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.send({ cmd: 'stop' });
  });

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

const options = parseArgs(process.argv.slice(2));
const token = `bench-token-${randomBytes(16).toString('hex')}`;
const workDir = mkdtempSync(join(tmpdir(), 'ib-cluster-sync-'));
const configFile = join(workDir, 'identity-bridge.json');
writeFileSync(
  configFile,
  JSON.stringify({ tokens: [{ name: 'Bench token', secret: token }], mapping: SYNC_MAPPING, deprovisionSafety: { enabled: false } })
);

const pg = await postgresServer();
const database = await freshDatabase(workDir, pg);
const env = {
  ...process.env,
  ...database.env,
  IDENTITY_BRIDGE_CONFIG: configFile,
  IDENTITY_BRIDGE_SCIM_TOKEN: '',
  IDENTITY_BRIDGE_DEMO: '',
  IB_TEST_LOG_LEVEL: options.logLevel,
  IB_INSTANCE_PORT: '0',
};
const instances = [];
let exitCode = 0;
try {
  // One after another: the first creates the schema.
  for (let k = 0; k < options.instances; k += 1) instances.push(await startInstance(env));
  const urls = instances.map((instance) => instance.scimUrl);
  let turn = 0;
  let sent = 0;
  /** Round robin over the instances that are up (a load balancer with a health check). */
  const balanced = () => {
    sent += 1;
    for (let k = 0; k < instances.length; k += 1) {
      const instance = instances[turn++ % instances.length];
      if (instance.up) return instance.scimUrl;
    }
    return instances[0].scimUrl;
  };
  console.log(
    `cluster sync: ${options.users} users, ${options.groups} groups, ${options.instances} instance(s), ${options.workers} workers, ` +
      `batches of ${options.batch}${options.kill ? ', with two SIGKILLs' : ''}; ${cpus().length} CPUs; PostgreSQL`
  );
  const started = performance.now();
  let finished = false;
  const syncing = runEntraSync({
    users: options.users,
    groups: options.groups,
    token,
    balanced,
    instances: urls.slice(0, 2),
    races: urls.length >= 2 && !options.kill,
    workers: options.workers,
    batchSize: options.batch,
    raceEvery: options.raceEvery,
    etagRaces: options.etagRaces,
    domain: 'sync.example',
  }).finally(() => (finished = true));
  const crashes = options.kill
    ? crashAndRestart({ instances, env, sent: () => sent, finished: () => finished, users: options.users, groups: options.groups })
    : Promise.resolve([]);
  const ledger = await syncing;
  const seconds = (performance.now() - started) / 1000;
  const timeline = await crashes;
  if (options.kill) {
    console.log(`\ncrashes:\n  ${timeline.join('\n  ')}`);
    if (timeline.length < 4) {
      exitCode = 1;
      console.log('  the sync ended before both crashes happened: the run shows less than it should');
    }
  }
  const { stats } = ledger;

  console.log('\nphase                    tasks  requests   seconds   requests/s');
  for (const [name, phase] of Object.entries(stats.phases)) {
    console.log(`${name.padEnd(24)} ${String(phase.tasks).padStart(5)} ${String(phase.requests).padStart(9)} ${fmt(phase.seconds).padStart(9)} ${fmt(phase.requests / phase.seconds).padStart(12)}`);
  }
  console.log(`${'total'.padEnd(24)} ${''.padStart(5)} ${String(stats.requests).padStart(9)} ${fmt(seconds).padStart(9)} ${fmt(stats.requests / seconds).padStart(12)}`);
  console.log(`\nanswers by status: ${JSON.stringify(stats.byStatus)}`);
  console.log(
    `acknowledged writes ${stats.acknowledged}; transport failures ${stats.transportFailures}, 5xx ${stats.serverErrors}, ` +
      `429s waited out ${stats.throttled}, retries ${stats.retried}, creates recovered after a 409 ${stats.recoveredCreates}, writes that never succeeded ${stats.failed}`
  );
  if (ledger.errors.length) console.log(`first errors:\n  ${ledger.errors.slice(0, 10).join('\n  ')}`);

  const { default: pgModule } = await import('pg');
  const db = new pgModule.Client({ connectionString: database.env.DATABASE_URL });
  await db.connect();
  const checkStarted = performance.now();
  const report = await checkConsistency(async (sql, params) => (await db.query(sql, params)).rows, ledger);
  // What the failures in the provisioning log said (a 409 on a retried create is expected; anything else is a lead).
  const failures = (
    await db.query(`select operation, status, case when length(detail) > 260 then left(detail, 60) || ' … ' || right(detail, 200) else detail end as detail, count(*)::int as n from ib_events where outcome = 'failure' group by 1, 2, 3 order by n desc limit 8`)
  ).rows;
  await db.end();
  console.log(`\nconsistency check (${fmt((performance.now() - checkStarted) / 1000)} s):`);
  console.log(
    `  identities ${report.facts.identities}, groups ${report.facts.groups}, memberships ${report.facts.memberships}, ` +
      `deactivated ${report.facts.deactivated}, waiting to be re-mapped ${report.facts.mappingStale}`
  );
  console.log(`  races: ${report.facts.races.users} duplicate creates, ${report.facts.races.members} duplicate member adds, ${report.facts.races.etag} stale If-Match pairs`);
  console.log(`  provisioning log: ${report.facts.events.map((row) => `${row.operation} ${row.outcome} ${row.n}`).join(', ')}`);
  for (const row of failures) console.log(`    failure × ${row.n}: ${row.operation} ${row.status ?? ''} ${row.detail ?? ''}`);
  if (report.problems.length === 0 && stats.failed === 0 && ledger.errors.length === 0) console.log('  consistent: no duplicate, nothing half-written, every acknowledged write present, every race decided');
  else {
    exitCode = 1;
    console.log(`  PROBLEMS (${report.problems.length}):\n    ${report.problems.join('\n    ')}`);
  }
} catch (error) {
  exitCode = 1;
  console.error(error);
} finally {
  await Promise.all(instances.map((instance) => stopInstance(instance.child)));
  await database.drop().catch(() => undefined);
  await pg.stop?.();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
