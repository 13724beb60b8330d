// Process helpers. Signals go to PIDs we started, after checking they live in our namespaces: never by name.
import { readFile, readdir, rm } from 'node:fs/promises';
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

/** libqb leaves /dev/shm/qb-corosync-<pid>-blackbox-{data,header} behind when corosync dies by SIGKILL. */
export async function removeBlackboxes(pids: Iterable<number>): Promise<string[]> {
  const wanted = new Set([...pids].map((p) => `qb-corosync-${p}-`));
  let entries: string[];
  try {
    entries = await readdir('/dev/shm');
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    const m = /^qb-corosync-\d+-/.exec(name);
    if (m && wanted.has(m[0])) {
      await rm(`/dev/shm/${name}`, { force: true });
      removed.push(name);
    }
  }
  return removed;
}
