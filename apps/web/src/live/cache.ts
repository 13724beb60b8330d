// What the live cache holds per cluster (TanStack Query data under queryKeys.snapshot / .events), and how
// socket events merge into the feed. The REST calls are in ../api/.
import type { ClusterEvent, ClusterSnapshot } from '@quorate/model';
import { FEED_LIMIT } from '../api/clusters';

export interface SnapshotEntry {
  rev: number;
  snapshot: ClusterSnapshot;
  /** local clock when the last snapshot or patch arrived: ages survive server clock skew */
  receivedAt: number;
  /**
   * some snapshot of this cluster on this page had a quorum: a figure was known once. Without it a
   * snapshot with no quorum is "nothing known yet", never a "last known state".
   */
  hadQuorum?: boolean;
}

/** the entry for a snapshot that arrived now, remembering whether a quorum was ever known */
export function nextEntry(prev: SnapshotEntry | undefined, rev: number, snapshot: ClusterSnapshot, receivedAt: number): SnapshotEntry {
  return { rev, snapshot, receivedAt, hadQuorum: (prev?.hadQuorum ?? false) || snapshot.quorum !== null };
}

/**
 * merge newest-first in seq order, a seq already held kept as it is, cap the length. Events may arrive out
 * of order: after a reconnect the BFF's catch-up can come after live events (gateway.ts subscribe).
 */
export function mergeEvents(current: readonly ClusterEvent[] | undefined, incoming: readonly ClusterEvent[]): ClusterEvent[] {
  const bySeq = new Map<number, ClusterEvent>();
  for (const e of current ?? []) bySeq.set(e.seq, e);
  for (const e of incoming) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, FEED_LIMIT);
}

/**
 * The seq to resume from: the newest one with none missing below it (walking up from the oldest held). A
 * catch-up cut short by a disconnect leaves a hole under live events that came first: resuming from the
 * newest would skip it; from here the BFF sends it again (and what we hold is kept once).
 */
export function resumeSeq(events: readonly ClusterEvent[]): number {
  // newest first: the oldest is last
  let seq = events.at(-1)?.seq ?? 0;
  for (let i = events.length - 2; i >= 0 && events[i]!.seq === seq + 1; i--) seq = events[i]!.seq;
  return seq;
}
