#!/usr/bin/env node
/**
 * Every benchmark of the issue at its sizes, one after the other, then one summary table (metric, value, floor,
 * ratio, target, PASS/FAIL) ready to paste into bench/RESULTS.md and the README.
 *
 *   node bench/all.mjs [--sizes 1000,100000] [--db sqlite|postgres] [--only scim,content,sso] [--quick]
 *                      [--out bench/out/all-<time>] [--from <dir>]
 *
 * - bench/scim.mjs   --users <sizes>                       SCIM against GET /api/floor
 * - bench/content.mjs --identities <largest size> --rounds 6 the RBAC condition against no condition / is-creator
 * - bench/sso.mjs    --identities <sizes>                  SSO sign-in against Strapi's password login
 * Each runs as its own process (its own server processes, fresh databases) and writes its JSON into the output
 * folder; the summary is read back from those files (`--from <dir>` summarises an earlier run without running).
 * `--quick` is a smoke run (1,000 identities, short measurements): its figures are not results.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

function parseArgs(argv) {
  const options = { sizes: [1000, 100000], db: 'sqlite', only: ['scim', 'content', 'sso'], quick: false, out: null, from: null };
  for (let k = 0; k < argv.length; k += 1) {
    const [flag, inline] = argv[k].split('=');
    const value = () => inline ?? argv[++k];
    switch (flag) {
      case '--sizes': options.sizes = value().split(',').map((v) => Number(v.replace(/_/g, '').replace(/k$/i, '000'))); break;
      case '--db': options.db = value(); break;
      case '--only': options.only = value().split(','); break;
      case '--quick': options.quick = true; break;
      case '--out': options.out = resolve(value()); break;
      case '--from': options.from = resolve(value()); break;
      case '--help': case '-h':
        console.log('node bench/all.mjs [--sizes 1000,100000] [--db sqlite|postgres] [--only scim,content,sso] [--quick] [--out dir] [--from dir]');
        process.exit(0);
      // falls through
      default: throw new Error(`unknown option ${argv[k]}`);
    }
  }
  if (options.quick && !argv.some((a) => a.startsWith('--sizes'))) options.sizes = [1000];
  options.sizes.sort((a, b) => a - b);
  if (options.only.some((name) => !['scim', 'content', 'sso'].includes(name))) throw new Error('--only: scim, content, sso');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const fmtInt = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

function commands(out) {
  const sizes = options.sizes.join(',');
  const largest = String(options.sizes[options.sizes.length - 1]);
  const db = ['--db', options.db, '--out', out];
  const quick = options.quick;
  return {
    scim: ['bench/scim.mjs', '--users', sizes, ...(quick ? ['--duration', '3'] : []), ...db],
    content: ['bench/content.mjs', '--identities', largest, '--rounds', quick ? '3' : '6', ...(quick ? ['--quick'] : []), ...db],
    sso: ['bench/sso.mjs', '--identities', sizes, ...(quick ? ['--turns', '40', '--duration', '3'] : []), ...db],
  };
}

function run(args) {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => done({ code: code ?? signal, seconds: (performance.now() - started) / 1000 }));
  });
}

/** The newest JSON result of a benchmark in `dir`. */
function latest(dir, prefix) {
  const files = readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.json')).sort();
  return files.length ? JSON.parse(readFileSync(join(dir, files[files.length - 1]), 'utf8')) : null;
}

// ------------------------------------------------------------------------------------------------ rows
const row = (bench, metric, value, floor, ratio, target, pass, unit = '') => ({ bench, metric, value, floor, ratio, target, pass, unit });

function scimRows(data) {
  const rows = [];
  const results = data.results;
  const large = results[results.length - 1];
  const small = results[0];
  const m = large.metrics;
  const at = `${fmtInt(large.size)} users`;
  const floor = m.floor.rps;
  for (const [key, label] of [['userName', 'filter userName eq'], ['externalId', 'filter externalId eq'], ['getById', 'GET /Users/{id}']]) {
    rows.push(row('SCIM', `${label} req/s, ${at}`, fmt(m[key].rps, 0), `${fmt(floor, 0)} (GET /api/floor)`, m[key].rps / floor, '≥ 0.30', m[key].rps / floor >= 0.3));
    rows.push(row('SCIM', `${label} p99 ms, ${at}`, fmt(m[key].p99, 2), '', NaN, '≤ 50 ms', m[key].p99 <= 50));
  }
  if (results.length > 1) {
    const ratio = m.userName.p50 / small.metrics.userName.p50;
    rows.push(row('SCIM', `userName eq p50 ms, ${at} vs ${fmtInt(small.size)}`, fmt(m.userName.p50, 2), `${fmt(small.metrics.userName.p50, 2)} (at ${fmtInt(small.size)})`, ratio, '≤ 1.3', ratio <= 1.3));
  }
  const deep = m.deepPage.p50 / m.firstPage.p50;
  rows.push(row('SCIM', `deep page p50 ms (startIndex=N-100), ${at}`, fmt(m.deepPage.p50, 2), `${fmt(m.firstPage.p50, 2)} (first page)`, deep, '≤ 2', deep <= 2));
  rows.push(row('SCIM', 'create users/s (empty database)', fmt(m.create.rps, 0), '', NaN, '≥ 300/s', m.create.rps >= 300));
  rows.push(row('SCIM', `create users/s (at ${at})`, fmt(m.createAtSize.rps, 0), '', NaN, '≥ 300/s', m.createAtSize.rps >= 300));
  const g = large.groups;
  if (g?.fill >= 5000) rows.push(row('SCIM', 'add 100 members p50 ms, group at 5,000', fmt(g.full.p50, 2), `${fmt(g.zero.p50, 2)} (group at 0)`, g.ratio, '≤ 1.25', g.ratio <= 1.25));
  return rows;
}

function contentRows(data) {
  const m = data.metrics;
  const at = `${fmtInt(data.options.identities)} identities`;
  const byMedian = data.options.rounds >= 3;
  const pick = (name) => (byMedian ? m[name].median : m[name]);
  const how = byMedian ? `median of ${data.options.rounds} rounds` : 'pooled';
  const rows = [];
  const rps = pick('plugin').rps / pick('baseline').rps;
  const p50 = pick('plugin').p50 / pick('baseline').p50;
  const spread = (name, key, digits) => (byMedian ? ` (rounds ${fmt(m[name].median[`${key}Min`], digits)}–${fmt(m[name].median[`${key}Max`], digits)})` : '');
  rows.push(row('RBAC condition', `CM list req/s, plugin condition, ${at}, ${how}`, `${fmt(pick('plugin').rps, 1)}${spread('plugin', 'rps', 1)}`, `${fmt(pick('baseline').rps, 1)}${spread('baseline', 'rps', 1)} (no condition)`, rps, '≥ 0.80', rps >= 0.8));
  rows.push(row('RBAC condition', `CM list p50 ms, plugin condition, ${at}, ${how}`, `${fmt(pick('plugin').p50, 2)}${spread('plugin', 'p50', 2)}`, `${fmt(pick('baseline').p50, 2)}${spread('baseline', 'p50', 2)} (no condition)`, p50, '≤ 1.20', p50 <= 1.2));
  const creatorP50 = pick('creator').p50 / pick('baseline').p50;
  rows.push(row('RBAC condition', `CM list p50 ms, admin::is-creator (Strapi's own, for comparison), ${how}`, fmt(pick('creator').p50, 2), `${fmt(pick('baseline').p50, 2)} (no condition)`, creatorP50, '', null));
  if (data.sequential) {
    const q = data.sequential;
    rows.push(row('RBAC condition', 'CM list p50 ms one at a time, plugin condition', fmt(q.plugin.p50, 2), `${fmt(q.baseline.p50, 2)} (no condition)`, q.plugin.p50 / q.baseline.p50, '', null));
  }
  return rows;
}

function ssoRows(data) {
  const results = data.results;
  const large = results[results.length - 1];
  const s = large.sequential;
  const at = `${fmtInt(large.size)} identities`;
  const rows = [];
  rows.push(row('SSO', `floor: POST /admin/login p50 ms (its bcrypt cost-${large.passwordHash.rounds} check alone ${fmt(large.passwordHash.p50, 1)} ms), ${at}`, fmt(s.login.p50, 2), '', NaN, '', null));
  rows.push(row('SSO', `floor: POST /admin/login p50 ms, cost-${large.lightHash.rounds} hash (the hash taken out), ${at}`, fmt(s.loginLight.p50, 2), `${fmt(s.login.p50, 2)} (password login)`, s.loginLight.p50 / s.login.p50, '', null));
  if (large.loginGuard) rows.push(row('SSO', `floor: … of which the plugin's guard on POST /admin/login (in-process p50 ms), ${at}`, fmt(large.loginGuard.p50, 2), `${fmt(s.loginLight.p50, 2)} (cost-${large.lightHash.rounds} login)`, large.loginGuard.p50 / s.loginLight.p50, '', null));
  rows.push(row('SSO', `floor: GET /admin/users/me p50 ms, ${at}`, fmt(s.me.p50, 2), `${fmt(s.login.p50, 2)} (password login)`, s.me.p50 / s.login.p50, '', null));
  for (const check of data.checks) {
    const digits = /req\/s/.test(check.metric) ? 1 : 2;
    rows.push(row('SSO', `${check.metric}${check.at ? `, ${check.at.replace(/^at /, '')}` : ''}`, fmt(check.value, digits), `${fmt(check.floor, digits)} (${check.floorName ?? ''})`, check.ratio, check.target?.replace(/ × .*/, '') ?? '', check.pass ?? null));
  }
  rows.push(row('SSO', `OIDC whole sign-in p50 ms (5 hops, IdP included), ${at}`, fmt(s.oidcTotal.p50, 2), `${fmt(s.login.p50, 2)} (password login)`, s.oidcTotal.p50 / s.login.p50, '', null));
  return rows;
}

function summary(dir) {
  const rows = [];
  const machines = [];
  const found = {};
  for (const [name, prefix, build] of [['scim', `scim-${options.db}-`, scimRows], ['content', `content-${options.db}-`, contentRows], ['sso', `sso-${options.db}-`, ssoRows]]) {
    if (!options.only.includes(name)) continue;
    const data = latest(dir, prefix);
    found[name] = Boolean(data);
    if (!data) continue;
    machines.push(data.machine);
    rows.push(...build(data));
  }
  const header = ['benchmark', 'metric', 'value', 'floor', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [r.bench, r.metric, r.value, r.floor, fmt(r.ratio, 2), r.target, r.pass === null ? '' : r.pass ? 'PASS' : '**FAIL**']);
  const widths = header.map((_, c) => Math.max(header[c].length, ...cells.map((cell) => String(cell[c]).length)));
  const line = (cells) => `| ${cells.map((cell, c) => (c <= 1 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join(' | ')} |`;
  const text = [line(header), `|${widths.map((w, c) => (c <= 1 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...cells.map(line)].join('\n');
  const machine = machines[0] ?? { cpus: cpus().length, model: cpus()[0]?.model, totalmem: totalmem(), node: process.version };
  return { text, rows, found, machine };
}

// ------------------------------------------------------------------------------------------------- main
const dir = options.from ?? options.out ?? join(here, 'out', `all-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(dir, { recursive: true });
const runs = {};
if (!options.from) {
  console.log(`All benchmarks: sizes ${options.sizes.map(fmtInt).join(', ')}; ${options.db}${options.quick ? ' [quick: a smoke run, not results]' : ''}; output ${dir}`);
  for (const [name, args] of Object.entries(commands(dir))) {
    if (!options.only.includes(name)) continue;
    console.log(`\n=== node ${args.join(' ')}\n`);
    runs[name] = await run(args);
    console.log(`\n=== ${name}: exit ${runs[name].code}, ${fmt(runs[name].seconds, 0)} s`);
  }
}
const { text, rows, found, machine } = summary(dir);
console.log(`\n## Summary (${options.db}; ${machine.cpus} × ${machine.model?.trim()}, ${fmt(machine.totalmem / 2 ** 30, 1)} GiB, Node ${machine.node}${options.quick ? '; QUICK smoke run' : ''})\n`);
console.log(text);
for (const [name, ok] of Object.entries(found)) if (!ok) console.log(`\n(no ${name} result in ${dir}${runs[name] ? `: it exited ${runs[name].code}` : ''})`);
if (Object.keys(runs).length) console.log(`\nrun times: ${Object.entries(runs).map(([name, r]) => `${name} ${fmt(r.seconds, 0)} s`).join(', ')}`);
writeFileSync(join(dir, 'summary.md'), `${text}\n`);
writeFileSync(join(dir, 'summary.json'), JSON.stringify({ options, machine, runs, rows }, null, 2));
console.log(`summary: ${join(dir, 'summary.md')}`);
const failed = rows.some((r) => r.pass === false) || Object.values(found).some((ok) => !ok) || Object.values(runs).some((r) => r.code !== 0 && r.code !== 1);
process.exitCode = failed ? 1 : 0;
