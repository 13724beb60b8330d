// Helpers of the benchmarks: the BFF as a child process of its own (so /proc/<pid> holds its RSS, CPU time and
// disk writes, nobody else's) on port 0 and a temporary data directory; what /proc says of it; percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from './quorum-latency/util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** QUORATE_CLUSTERS entries of n sim clusters c001…: 3–16 nodes, spread evenly, each its own seed */
export const simClusters = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `c${String(i + 1).padStart(3, '0')}`, name: `Cluster ${i + 1}`, source: 'sim', nodes: 3 + (i % 14), seed: i + 1 }));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** how long a stopped BFF may take to shut down before it is killed */
const STOP_GRACE_MS = 15_000;

export interface BffChild {
  pid: number;
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** SIGTERM, wait for the exit, remove the data directory */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx apps/bff/src/main.ts` (not through npm: the pid is the BFF's own) with the
 * default simulated cluster unless env says otherwise, on port 0, and waits for its "listening" log line
 * (LOG_LEVEL info: for an idle BFF). With env.LOG_LEVEL above info (a busy BFF: its request log would be a
 * lot of pipe traffic), a free port is picked instead and /healthz polled. Every log line goes to onLog,
 * or without it warnings and errors to stderr. The data directory is made under the system's temp
 * directory: it must be on a real disk (not tmpfs) for write_bytes to count anything.
 */
export async function startBff(env: Record<string, string> = {}, name = 'bench', onLog?: (rec: LogRecord) => void): Promise<BffChild> {
  const dataDir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), `quorate-${name}-`));
  const quiet = env.LOG_LEVEL !== undefined && !['info', 'debug', 'trace'].includes(env.LOG_LEVEL);
  // a port chosen by the caller (it must know it before the start: a replica's own URL), else one picked here
  const port = env.PORT !== undefined ? Number(env.PORT) : quiet ? await freePort() : 0;
  // BENCH_PROF=dir: each BFF writes its CPU profile there when it exits (SIGTERM)
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'apps/bff/src/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', QUORATE_DATA_DIR: dataDir, QUORATE_WEB_DIST: '/nonexistent', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // a BFF that hangs in its shutdown (a database that does not answer) is killed: never an orphan
      const hung = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(hung);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('the BFF did not start within 60 s')), 60_000);
      if (quiet) void waitHealthy(`http://127.0.0.1:${port}`, 60_000).then(() => (clearTimeout(timer), resolve(`http://127.0.0.1:${port}`)), reject);
      const onData = (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const rec = logRecord(line);
          if (rec && onLog) onLog(rec);
          if (rec?.url && rec.msg?.startsWith('Quorate listening')) {
            clearTimeout(timer);
            resolve(rec.url);
          } else if (rec && !onLog && (rec.level ?? 0) >= 40) {
            process.stderr.write(`bff: ${line}\n`);
          }
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the BFF exited with ${code} before listening`));
      });
    });
    return { pid: child.pid!, url, dataDir, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface ReplicaOptions {
  port: number;
  databaseUrl: string;
  /** the key file every replica shares */
  keyFile: string;
  leaseTtlMs: number;
  /** QUORATE_CLUSTERS entries, the same on every replica */
  clusters: unknown[];
  /** registered as an operator token */
  token: string;
  /** more environment (e.g. QUORATE_MAX_SOCKETS_PER_IDENTITY) */
  env?: Record<string, string>;
}

/** A BFF replica on a shared PostgreSQL at a loopback port chosen beforehand, told its own URL, behind a proxy on loopback. */
export async function startReplica(o: ReplicaOptions, name: string, onLog?: (rec: LogRecord) => void): Promise<{ bff: BffChild; url: string }> {
  const url = `http://127.0.0.1:${o.port}`;
  const bff = await startBff(
    {
      PORT: String(o.port),
      LOG_LEVEL: 'warn',
      QUORATE_DATABASE_URL: o.databaseUrl,
      QUORATE_SECRET_KEY_FILE: o.keyFile,
      QUORATE_REPLICA_URL: url,
      QUORATE_LEASE_TTL_MS: String(o.leaseTtlMs),
      QUORATE_CLUSTERS: JSON.stringify(o.clusters),
      QUORATE_API_TOKEN: o.token,
      QUORATE_TRUST_PROXY: 'loopback',
      ...o.env,
    },
    name,
    onLog,
  );
  return { bff, url };
}

export interface LogRecord {
  url?: string;
  msg?: string;
  level?: number;
}
function logRecord(line: string): LogRecord | null {
  try {
    return JSON.parse(line) as LogRecord;
  } catch {
    return null; // not a log line
  }
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} did not become healthy`);
}

export { freePort };

/** bytes this process caused to be written to storage so far (/proc/<pid>/io write_bytes) */
export function writeBytes(pid: number): number {
  const m = /^write_bytes:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  if (!m) throw new Error(`no write_bytes in /proc/${pid}/io`);
  return Number(m[1]);
}

/** resident set size now, in MB */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) the process has used so far (/proc/<pid>/stat, USER_HZ 100) */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** peak resident set size so far, in MB */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** the p-th percentile of an ascending list (NaN when empty) */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** least-squares slope of ys over xs */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}
