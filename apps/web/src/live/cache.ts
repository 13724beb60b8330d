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

/** merge newest-first, dedupe by seq, cap the length */
export function mergeEvents(current: readonly ClusterEvent[] | undefined, incoming: readonly ClusterEvent[]): ClusterEvent[] {
  const bySeq = new Map<number, ClusterEvent>();
  for (const e of current ?? []) bySeq.set(e.seq, e);
  for (const e of incoming) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, FEED_LIMIT);
}
