// After a join, create, delnode or QDevice change: watch the cluster's snapshots until they show what was planned — the
// node online (or gone), the expected votes and quorum as predicted, quorate — or fail after VERIFY_MS
// naming what differs. This is the proof the wizard shows, read from the same source as the dashboard.
import type { ClusterSnapshot } from '@quorate/model';
import type { LedCluster } from '../clusters';

/** how long Corosync may take to settle after a membership change (token + consensus, a reload) */
export const VERIFY_MS = 60_000;

export interface Expectation {
  /** this node must be a member and online */
  present?: string;
  /** this node must not be in the nodelist any more */
  absent?: string;
  /** a QDevice with these votes casting its vote (a number), or none at all (null) */
  qdeviceVotes?: number | null;
  expectedVotes: number;
  quorum: number;
}

/** what still differs from the expectation; empty when met */
export function differences(s: ClusterSnapshot, e: Expectation): string[] {
  const out: string[] = [];
  if (e.present !== undefined) {
    const n = s.nodes.find((x) => x.name === e.present);
    if (!n) out.push(`${e.present} is not in the nodelist`);
    else if (n.state !== 'online' || !(s.quorum?.members ?? []).includes(n.id)) out.push(`${e.present} is ${n.state}, not a member yet`);
  }
  if (e.absent !== undefined && s.nodes.some((x) => x.name === e.absent)) out.push(`${e.absent} is still in the nodelist`);
  if (e.qdeviceVotes === null && s.qdevice) out.push(`a QDevice is still configured (${s.qdevice.host ?? 'its host'})`);
  if (typeof e.qdeviceVotes === 'number') {
    if (!s.qdevice) out.push('no QDevice yet');
    else if (s.qdevice.votes !== e.qdeviceVotes) out.push(`the QDevice has ${s.qdevice.votes} votes, planned ${e.qdeviceVotes}`);
    else if (!s.qdevice.castsVote) out.push(`the QDevice does not cast its vote (${s.qdevice.state})`);
  }
  const q = s.quorum;
  if (!q) out.push('no quorum figures yet');
  else {
    if (q.expectedVotes !== e.expectedVotes) out.push(`expected votes ${q.expectedVotes}, planned ${e.expectedVotes}`);
    if (q.quorum !== e.quorum) out.push(`needed ${q.quorum}, planned ${e.quorum}`);
    if (!q.quorate) out.push('not quorate');
  }
  return out;
}

export async function verifyMembership(cluster: LedCluster, log: (line: string) => void, signal: AbortSignal, e: Expectation, timeoutMs = VERIFY_MS): Promise<void> {
  const qd = e.qdeviceVotes === null ? 'no QDevice' : typeof e.qdeviceVotes === 'number' ? `the QDevice's ${e.qdeviceVotes} vote${e.qdeviceVotes === 1 ? '' : 's'} counted` : undefined;
  log(`verifying: ${[e.present && `${e.present} online`, e.absent && `${e.absent} gone`, qd, `expected votes ${e.expectedVotes}`, `needed ${e.quorum}`, 'quorate'].filter(Boolean).join(', ')}`);
  const { last, shown: s } = await untilShown(cluster, signal, (x) => differences(x, e), timeoutMs);
  if (s?.quorum) {
    const q = s.quorum;
    log(`verified: ${s.nodes.length} nodes${s.qdevice ? ` and a QDevice (${s.qdevice.votes} vote${s.qdevice.votes === 1 ? '' : 's'})` : ''}, ${q.totalVotes} of ${q.expectedVotes} votes, needed ${q.quorum}, quorate`);
    return;
  }
  // a cancel here does not undo the change: the verification alone stops
  if (signal.aborted) throw new Error(`verification stopped (the change itself was made): ${last.join('; ')}`);
  throw new Error(`the change was made, but after ${Math.round(timeoutMs / 1000)} s the cluster does not show the plan: ${last.join('; ')}`);
}

/**
 * Watches the cluster's snapshots (every 250 ms) until `differencesOf` finds nothing left, the timeout passes or
 * the signal is aborted: the snapshot that showed it (null when none did), else what still differed last.
 */
export async function untilShown(cluster: LedCluster, signal: AbortSignal, differencesOf: (s: ClusterSnapshot) => string[], timeoutMs: number): Promise<{ shown: ClusterSnapshot | null; last: string[] }> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = ['no snapshot yet'];
  for (;;) {
    const s = cluster.collector.current()?.snapshot;
    if (s) last = differencesOf(s);
    if (s && last.length === 0) return { shown: s, last };
    if (Date.now() >= deadline || signal.aborted) return { shown: null, last };
    await new Promise((r) => setTimeout(r, 250));
  }
}
