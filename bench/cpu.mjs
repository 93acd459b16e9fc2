/**
 * CPU accounting shared by the benchmarks (Linux /proc): how many cores the server, the database, this
 * load generator and everything else used during a measurement.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// ----------------------------------------------------------------------------------- CPU accounting
/**
 * CPU used during a measurement, in cores: by the server process, by this (load generator) process, and by
 * everything else on the machine (other processes, and time stolen by the hypervisor). The machine is
 * shared, so "other" tells whether a figure was taken on a quiet machine.
 */
const TICK_MS = 10; // USER_HZ = 100 on Linux
/** [ppid, utime + stime] of a process, from /proc/<pid>/stat. */
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const g = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(g[1]), Number(g[11]) + Number(g[12])];
}
/** The PostgreSQL postmaster listening on `port` on this machine, if any (its backends are its children). */
function findPostmaster(port) {
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let argv;
      try { argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
      if (!/postgres$/.test(argv[0] ?? '')) continue;
      const p = argv.indexOf('-p');
      if ((p >= 0 && argv[p + 1] === String(port)) || argv.includes(`-p ${port}`)) return Number(pid);
    }
  } catch {}
  return null;
}
/** CPU jiffies of the postmaster and its backends. */
function postgresJiffies(postmaster) {
  if (!postmaster) return 0;
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const [ppid, jiffies] = procStat(pid);
      if (Number(pid) === postmaster || ppid === postmaster) total += jiffies;
    } catch {}
  }
  return total;
}
let postmasterPid = null;
/** Counts the PostgreSQL server listening on `port` (and its backends) as the database's CPU; returns its pid. */
export function watchPostgres(port) {
  postmasterPid = findPostmaster(port);
  return postmasterPid;
}
export function readJiffies(pid) {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const f = cpu.trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0); // user nice system irq softirq steal
    return { busy, server: procStat(pid)[1], db: postgresJiffies(postmasterPid), client: process.cpuUsage(), at: performance.now() };
  } catch {
    return null; // not Linux: no accounting
  }
}
export function cpuSince(start, pid) {
  const end = start && readJiffies(pid);
  if (!end) return { server: NaN, db: NaN, client: NaN, other: NaN };
  const wallMs = end.at - start.at;
  const client = process.cpuUsage(start.client);
  const serverCores = ((end.server - start.server) * TICK_MS) / wallMs;
  const dbCores = ((end.db - start.db) * TICK_MS) / wallMs;
  const clientCores = (client.user + client.system) / 1000 / wallMs;
  const busyCores = ((end.busy - start.busy) * TICK_MS) / wallMs;
  return { server: serverCores, db: dbCores, client: clientCores, other: Math.max(0, busyCores - serverCores - dbCores - clientCores) };
}
