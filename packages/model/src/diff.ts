// Diff of two snapshots into typed events. STUB: the owner replaces this.
import type { EventDraft } from './events';
import type { ClusterSnapshot } from './snapshot';

export function diffSnapshots(prev: ClusterSnapshot | null, next: ClusterSnapshot): EventDraft[] {
  if (!prev?.quorum || !next.quorum || prev.quorum.quorate === next.quorum.quorate) return [];
  const q = next.quorum;
  return [
    q.quorate
      ? { at: next.observedAt, severity: 'info', message: `quorum regained: ${q.totalVotes} of ${q.expectedVotes} votes`, body: { type: 'quorum-regained', totalVotes: q.totalVotes, quorum: q.quorum, expectedVotes: q.expectedVotes } }
      : { at: next.observedAt, severity: 'critical', message: `quorum lost: ${q.totalVotes} of ${q.expectedVotes} votes, ${q.quorum} needed`, body: { type: 'quorum-lost', totalVotes: q.totalVotes, quorum: q.quorum, expectedVotes: q.expectedVotes, missing: [] } },
  ];
}
