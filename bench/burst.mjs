#!/usr/bin/env node
/**
 * Lookups during a burst of creates (issue 6): Entra looks a user up (`userName eq`) before each create, and
 * several directories provision at once, so a burst of creates from one token must not starve another's lookups.
 *
 *   node bench/burst.mjs [--users 1000] [--db sqlite|postgres] [--duration 10] [--lookup-concurrency 4]
 *                        [--burst-concurrency 32] [--write-concurrency 0,8]
 *
 * For each --write-concurrency value (the plugin's `scim.maxConcurrentWrites`; 0 = no write gate): a fresh
 * database and server process (bench/harness.mjs), --users users, then
 *   1. `userName eq` lookups alone: closed loop, --lookup-concurrency connections, --duration seconds;
 *   2. the same lookups (another token) while --burst-concurrency connections create users as fast as they are
 *      answered, for the same duration.
 * Prints lookup p50/p99 in both, the ratio of the p99s, the creates' rate and statuses, and whether lookup p99
 * during the burst stays within the target of bench/RESULTS.md (`userName eq` p99 ≤ 50 ms).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userBody } from './users.mjs';
import { freshDatabase, postgresServer, startServer } from './harness.mjs';

const TARGET_P99_MS = 50;
const BASE = '/api/scim/v2';
const SCIM_JSON = 'application/scim+json';
const LOOKUP_TOKEN = `lookup-token-${randomBytes(16).toString('hex')}`;
const BURST_TOKEN = `burst-token-${randomBytes(16).toString('hex')}`;

function parseArgs(argv) {
  const options = { users: 1000, db: 'sqlite', duration: 10, lookupConcurrency: 4, burstConcurrency: 32, writeConcurrency: [0, 8] };
  for (let k = 0; k < argv.length; k += 1) {
    const [flag, inline] = argv[k].split('=');
    const value = () => inline ?? argv[++k];
    switch (flag) {
      case '--users': options.users = Number(value()); break;
      case '--db': options.db = value(); break;
      case '--duration': options.duration = Number(value()); break;
      case '--lookup-concurrency': options.lookupConcurrency = Number(value()); break;
      case '--burst-concurrency': options.burstConcurrency = Number(value()); break;
      case '--write-concurrency': options.writeConcurrency = value().split(',').map(Number); break;
      case '--help': case '-h':
        console.log('node bench/burst.mjs [--users 1000] [--db sqlite|postgres] [--duration 10] [--lookup-concurrency 4] [--burst-concurrency 32] [--write-concurrency 0,8]');
        process.exit(0);
      // falls through
      default: throw new Error(`unknown option ${argv[k]}`);
    }
  }
  if (!['sqlite', 'postgres'].includes(options.db)) throw new Error('--db must be sqlite or postgres');
  if (!(options.users >= 10)) throw new Error('--users must be ≥ 10');
  if (options.writeConcurrency.some((n) => !Number.isInteger(n) || n < 0)) throw new Error('--write-concurrency: integers ≥ 0');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const headers = (token) => ({ authorization: `Bearer ${token}`, accept: SCIM_JSON, 'content-type': SCIM_JSON });

function send(agent, port, { method = 'GET', path, headers: requestHeaders, body }) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: payload ? { ...requestHeaders, 'content-length': payload.length } : requestHeaders },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
        response.on('error', reject);
      }
    );
    request.on('error', reject);
    if (payload) request.write(payload);
    request.end();
  });
}

/** Closed loop: `concurrency` connections, each sending its next request when the last is answered, until `until()`. */
async function runLoop(port, concurrency, next, until) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const statuses = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const t0 = performance.now();
        let status;
        try {
          status = await send(agent, port, next());
        } catch (error) {
          status = error.code ?? 'error';
        }
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    })
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))];
  return { requests: latencies.length, rps: latencies.length / ((performance.now() - started) / 1000), p50: at(50), p99: at(99), statuses };
}

async function runOne(writeConcurrency, pg) {
  const workDir = mkdtempSync(join(tmpdir(), 'ib-burst-'));
  const configFile = join(workDir, 'identity-bridge.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      tokens: [
        { name: 'Lookup token', secret: LOOKUP_TOKEN },
        { name: 'Burst token', secret: BURST_TOKEN },
      ],
      // The rate limit is off: this measures how lookups fare when a burst does get through.
      scim: { rateLimit: false, maxConcurrentWrites: writeConcurrency },
    })
  );
  const database = await freshDatabase(workDir, pg);
  const server = await startServer({ ...database.env, IDENTITY_BRIDGE_CONFIG: configFile, IDENTITY_BRIDGE_SCIM_TOKEN: '', IDENTITY_BRIDGE_DEMO: '' });
  const label = `maxConcurrentWrites=${writeConcurrency || 'off'}`;
  try {
    // The population: the first users through SCIM (the seed copies user 0's stored shape), the rest seeded.
    const viaScim = Math.min(options.users, 50);
    const created = { next: 0 };
    await runLoop(server.port, 4, () => ({ method: 'POST', path: `${BASE}/Users`, headers: headers(LOOKUP_TOKEN), body: userBody(created.next++) }), () => created.next >= viaScim);
    if (options.users > viaScim) await server.call('seed', { from: viaScim, to: options.users });

    const lookup = () => ({
      path: `${BASE}/Users?filter=${encodeURIComponent(`userName eq "user${Math.floor(Math.random() * options.users)}@bench.example.com"`)}`,
      headers: headers(LOOKUP_TOKEN),
    });
    const forSeconds = (seconds) => {
      const end = performance.now() + seconds * 1000;
      return () => performance.now() >= end;
    };
    await runLoop(server.port, options.lookupConcurrency, lookup, forSeconds(1)); // warm-up
    const alone = await runLoop(server.port, options.lookupConcurrency, lookup, forSeconds(options.duration));

    let burstIndex = 1_000_000;
    const stop = forSeconds(options.duration);
    await server.call('eventLoop', { on: true });
    const [during, burst] = await Promise.all([
      runLoop(server.port, options.lookupConcurrency, lookup, stop),
      runLoop(server.port, options.burstConcurrency, () => ({ method: 'POST', path: `${BASE}/Users`, headers: headers(BURST_TOKEN), body: userBody(burstIndex++) }), stop),
    ]);
    const waits = await server.call('eventLoop', { on: false });
    return { label, server: server.client, alone, during, burst, waits };
  } finally {
    await server.call('stop').catch(() => undefined);
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const pg = options.db === 'postgres' ? await postgresServer() : null;
console.log(
  `burst bench: ${options.users} users on ${options.db}; lookups ×${options.lookupConcurrency} vs creates ×${options.burstConcurrency} from another token, ${options.duration} s each`
);
const rows = [];
try {
  for (const writeConcurrency of options.writeConcurrency) {
    const result = await runOne(writeConcurrency, pg);
    rows.push(result);
    const ratio = result.during.p99 / result.alone.p99;
    console.log(`\n${result.label}`);
    console.log(`  lookups alone        : ${fmt(result.alone.rps, 0)} req/s, p50 ${fmt(result.alone.p50)} ms, p99 ${fmt(result.alone.p99)} ms  ${JSON.stringify(result.alone.statuses)}`);
    console.log(`  lookups during burst : ${fmt(result.during.rps, 0)} req/s, p50 ${fmt(result.during.p50)} ms, p99 ${fmt(result.during.p99)} ms  ${JSON.stringify(result.during.statuses)}`);
    console.log(`  creates (burst)      : ${fmt(result.burst.rps, 0)} req/s, p50 ${fmt(result.burst.p50)} ms, p99 ${fmt(result.burst.p99)} ms  ${JSON.stringify(result.burst.statuses)}`);
    console.log(`  lookup p99 during/alone: ×${fmt(ratio, 2)}; target p99 ≤ ${TARGET_P99_MS} ms during the burst: ${result.during.p99 <= TARGET_P99_MS ? 'PASS' : 'FAIL'}`);
    const { eventLoopDelayMs: delay, pendingAcquires: pending } = result.waits;
    console.log(`  server during burst  : event-loop delay p50 ${fmt(delay.p50)} ms, p99 ${fmt(delay.p99)} ms, max ${fmt(delay.max)} ms; queries waiting for a connection p50 ${pending.p50}, p99 ${pending.p99}, max ${pending.max}`);
  }
} finally {
  await pg?.stop();
}

console.log('\n| write gate | lookup p99 alone | lookup p99 during burst | × | creates/s | target ≤ 50 ms |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const row of rows) {
  console.log(
    `| ${row.label} | ${fmt(row.alone.p99)} ms | ${fmt(row.during.p99)} ms | ${fmt(row.during.p99 / row.alone.p99, 2)} | ${fmt(row.burst.rps, 0)} | ${row.during.p99 <= TARGET_P99_MS ? 'PASS' : 'FAIL'} |`
  );
}
process.exit(0);
