// Process helpers. Signals go to PIDs we started, after checking they live in our namespaces: never by name.
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import type { CommandRunner } from '@quorate/sources';

export type ProcState = 'running' | 'frozen' | 'zombie' | 'gone';

/** From /proc/<pid>/stat: T = stopped by a signal (our "frozen"). */
export async function procState(pid: number): Promise<ProcState> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 'gone';
  }
  // "pid (comm) S ..." - comm may contain spaces or parens, so read after the last ')'
  const s = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (s === 'T' || s === 't') return 'frozen';
  if (s === 'Z' || s === 'X') return 'zombie';
  return 'running';
}

/** The parent pid from /proc/<pid>/stat (null when gone). */
export async function parentPid(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const n = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

export async function isAlive(pid: number): Promise<boolean> {
  const s = await procState(pid);
  return s === 'running' || s === 'frozen';
}

export async function cmdline(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The named network namespace a process lives in ('' when none or gone). */
export async function netnsOf(runner: CommandRunner, pid: number): Promise<string> {
  try {
    const r = await runner.run('ip', ['netns', 'identify', String(pid)], { timeoutMs: 3000 });
    return r.code === 0 ? r.stdout.trim() : '';
  } catch {
    return '';
  }
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until none of the pids is alive; returns those still alive after timeoutMs. */
export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive: number[] = [];
    for (const pid of pids) if (await isAlive(pid)) alive.push(pid);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(100);
  }
}

/** The process's name (`/proc/<pid>/comm`: corosync, sshd, corosync-quorum, ...), '' when gone. */
export async function comm(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    return '';
  }
}

export interface QbLeftovers {
  /** names under /dev/shm that were removed */
  removed: string[];
  /** their size in bytes (files, and the files inside the IPC dirs) */
  bytes: number;
}

/**
 * libqb's shared memory of corosync processes that are gone. A corosync leaves two kinds when it dies by
 * SIGKILL (a clean SIGTERM exit removes them itself):
 * - `qb-corosync-<pid>-blackbox-{data,header}`: its flight recorder (~8 MiB);
 * - `qb-<pid>-<clientpid>-<conn>-<random>/`: one dir per IPC connection that was open when it died
 *   (request/response/event rings, ~3 MiB each): every quorumtool, cfgtool and cmapctl call in flight and
 *   every `corosync-quorumtool -m` watcher (the BFF keeps one per node), each service (cmap, quorum,
 *   votequorum, cfg) a dir of its own. While the server lives it removes them when the client goes.
 * Only entries keyed by the given pids are touched, and only for pids that are not alive (a pid reused
 * by a live process keeps its files).
 */
export async function removeQbLeftovers(pids: Iterable<number>): Promise<QbLeftovers> {
  const wanted = new Set<number>();
  for (const p of pids) if (!(await isAlive(p))) wanted.add(p);
  let entries: string[];
  try {
    entries = await readdir('/dev/shm');
  } catch {
    return { removed: [], bytes: 0 };
  }
  const out: QbLeftovers = { removed: [], bytes: 0 };
  for (const name of entries) {
    const m = /^qb-corosync-(\d+)-blackbox-/.exec(name) ?? /^qb-(\d+)-\d+-\d+-[A-Za-z0-9]+$/.exec(name);
    if (!m || !wanted.has(Number(m[1]))) continue;
    const path = `/dev/shm/${name}`;
    out.bytes += await sizeOf(path);
    await rm(path, { recursive: true, force: true });
    out.removed.push(name);
  }
  return out;
}

async function sizeOf(path: string): Promise<number> {
  try {
    const st = await stat(path);
    if (!st.isDirectory()) return st.size;
    let total = 0;
    for (const e of await readdir(path)) total += await sizeOf(`${path}/${e}`);
    return total;
  } catch {
    return 0;
  }
}
