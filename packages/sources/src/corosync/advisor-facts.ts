// The design advisor's facts that real Corosync nodes can tell over their runner (lab namespaces, SSH):
// each node's Corosync version (`corosync -v`) and its clock against this host's (`date +%s%N`, placed at
// the midpoint of the call). What a node does not answer is left out, so its check says "not checked".
import type { AdvisorFacts } from '@quorate/model';
import type { CommandRunner } from '../runners';

/** one call per node and fact at most this long (a frozen node blocks nothing for longer) */
export const FACTS_TIMEOUT_MS = 3_000;
/**
 * a clock read whose round trip took longer than this is dropped: the midpoint places the remote clock to
 * within half the round trip, and the skew check warns from 500 ms
 */
export const CLOCK_MAX_RTT_MS = 400;

/** "Corosync Cluster Engine, version '3.1.7'" → "3.1.7"; null for anything else */
export function parseCorosyncVersion(stdout: string): string | null {
  return /Corosync Cluster Engine, version '([0-9][0-9A-Za-z.+~-]*)'/.exec(stdout)?.[1] ?? null;
}

/** `date +%s%N` → ms since epoch; null unless it is a plain number of nanoseconds */
export function parseEpochNs(stdout: string): number | null {
  const t = stdout.trim();
  if (!/^\d{10,20}$/.test(t)) return null;
  return Number(BigInt(t) / 1_000_000n);
}

export interface FactsNode {
  name: string;
  runner: CommandRunner;
}

async function versionOf(runner: CommandRunner): Promise<string | null> {
  const r = await runner.run('corosync', ['-v'], { timeoutMs: FACTS_TIMEOUT_MS, maxBytes: 4096 }).catch(() => null);
  return r && r.code === 0 ? parseCorosyncVersion(r.stdout) : null;
}

async function clockOf(runner: CommandRunner, now: () => number): Promise<number | null> {
  const t0 = now();
  const r = await runner.run('date', ['+%s%N'], { timeoutMs: FACTS_TIMEOUT_MS, maxBytes: 256 }).catch(() => null);
  const t1 = now();
  if (!r || r.code !== 0 || t1 - t0 > CLOCK_MAX_RTT_MS) return null;
  const remote = parseEpochNs(r.stdout);
  return remote === null ? null : remote - (t0 + t1) / 2;
}

/** versions and clock offsets of every node that answers, in parallel */
export async function corosyncAdvisorFacts(nodes: readonly FactsNode[], now: () => number = Date.now): Promise<AdvisorFacts> {
  const rows = await Promise.all(nodes.map(async (n) => ({ name: n.name, version: await versionOf(n.runner), clock: await clockOf(n.runner, now) })));
  const corosyncVersions: Record<string, string> = {};
  const clockOffsetsMs: Record<string, number> = {};
  for (const r of rows) {
    if (r.version !== null) corosyncVersions[r.name] = r.version;
    if (r.clock !== null) clockOffsetsMs[r.name] = Math.round(r.clock);
  }
  return { corosyncVersions, clockOffsetsMs };
}
