#!/usr/bin/env node
/**
 * An Entra-style provisioning run through several Strapi instances on one PostgreSQL database, then the
 * consistency check of the database — the same run as test/integration/cluster-sync.test.ts, at full size.
 *
 *   node bench/cluster-sync.mjs [--users 10000] [--groups 500] [--instances 2] [--workers 8] [--batch 25]
 *                               [--race-every 50] [--etag-races 10] [--log-level error]
 *
 * Each instance is the playground app in its own process (test/integration/helpers/instance-main.js); ordinary
 * requests go round robin over the instances (a load balancer), the two-instance races to the first two.
 * Needs PostgreSQL: IDENTITY_BRIDGE_TEST_PG_URL, or the postgresql package (scripts/postgres.mjs starts one).
 * Prints the throughput of each phase, the answers by status, retries, and the consistency check's findings;
 * exits 1 when the database disagrees with what the server acknowledged.
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
  const options = { users: 10000, groups: 500, instances: 2, workers: 8, batch: 25, raceEvery: 50, etagRaces: 10, logLevel: 'error' };
  const numeric = { '--users': 'users', '--groups': 'groups', '--instances': 'instances', '--workers': 'workers', '--batch': 'batch', '--race-every': 'raceEvery', '--etag-races': 'etagRaces' };
  for (let k = 0; k < argv.length; k += 1) {
    const [flag, inline] = argv[k].split('=');
    const value = () => inline ?? argv[++k];
    if (flag in numeric) options[numeric[flag]] = Number(String(value()).replace(/_/g, '').replace(/k$/i, '000'));
    else if (flag === '--log-level') options.logLevel = value();
    else if (flag === '--help' || flag === '-h') {
      console.log('node bench/cluster-sync.mjs [--users 10000] [--groups 500] [--instances 2] [--workers 8] [--batch 25] [--race-every 50] [--etag-races 10] [--log-level error]');
      process.exit(0);
    } else throw new Error(`unknown option ${argv[k]}`);
  }
  for (const key of Object.values(numeric)) if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`--${key}: a whole number`);
  if (options.instances < 1 || options.users < 1 || options.groups < 1) throw new Error('--instances, --users and --groups must be at least 1');
  return options;
}

/** One instance: forks instance-main.js and waits for its `{ ready, port }`. */
function startInstance(env) {
  return new Promise((done, fail) => {
    const child = fork(INSTANCE_MAIN, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const onExit = (code) => fail(new Error(`an instance exited during boot (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      if (message.ready) done({ child, scimUrl: `http://127.0.0.1:${message.port}/api/scim/v2` });
      else fail(new Error(`an instance failed to boot: ${message.error}`));
    });
  });
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
  console.log(
    `cluster sync: ${options.users} users, ${options.groups} groups, ${options.instances} instance(s), ${options.workers} workers, ` +
      `batches of ${options.batch}; ${cpus().length} CPUs; PostgreSQL`
  );
  const started = performance.now();
  const ledger = await runEntraSync({
    users: options.users,
    groups: options.groups,
    token,
    balanced: () => urls[turn++ % urls.length],
    instances: urls.slice(0, 2),
    races: urls.length >= 2,
    workers: options.workers,
    batchSize: options.batch,
    raceEvery: options.raceEvery,
    etagRaces: options.etagRaces,
    domain: 'sync.example',
  });
  const seconds = (performance.now() - started) / 1000;
  const { stats } = ledger;

  console.log('\nphase                    tasks  requests   seconds   requests/s');
  for (const [name, phase] of Object.entries(stats.phases)) {
    console.log(`${name.padEnd(24)} ${String(phase.tasks).padStart(5)} ${String(phase.requests).padStart(9)} ${fmt(phase.seconds).padStart(9)} ${fmt(phase.requests / phase.seconds).padStart(12)}`);
  }
  console.log(`${'total'.padEnd(24)} ${''.padStart(5)} ${String(stats.requests).padStart(9)} ${fmt(seconds).padStart(9)} ${fmt(stats.requests / seconds).padStart(12)}`);
  console.log(`\nanswers by status: ${JSON.stringify(stats.byStatus)}`);
  console.log(
    `acknowledged writes ${stats.acknowledged}; transport failures ${stats.transportFailures}, 5xx ${stats.serverErrors}, ` +
      `retries ${stats.retried}, creates recovered after a 409 ${stats.recoveredCreates}, writes that never succeeded ${stats.failed}`
  );
  if (ledger.errors.length) console.log(`first errors:\n  ${ledger.errors.slice(0, 10).join('\n  ')}`);

  const { default: pgModule } = await import('pg');
  const db = new pgModule.Client({ connectionString: database.env.DATABASE_URL });
  await db.connect();
  const checkStarted = performance.now();
  const report = await checkConsistency(async (sql, params) => (await db.query(sql, params)).rows, ledger);
  await db.end();
  console.log(`\nconsistency check (${fmt((performance.now() - checkStarted) / 1000)} s):`);
  console.log(
    `  identities ${report.facts.identities}, groups ${report.facts.groups}, memberships ${report.facts.memberships}, ` +
      `deactivated ${report.facts.deactivated}, waiting to be re-mapped ${report.facts.mappingStale}`
  );
  console.log(`  races: ${report.facts.races.users} duplicate creates, ${report.facts.races.members} duplicate member adds, ${report.facts.races.etag} stale If-Match pairs`);
  console.log(`  provisioning log: ${report.facts.events.map((row) => `${row.operation} ${row.outcome} ${row.n}`).join(', ')}`);
  if (report.problems.length === 0 && stats.failed === 0) console.log('  consistent: no duplicate, nothing half-written, every acknowledged write present, every race decided');
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
