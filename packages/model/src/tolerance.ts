// Failure tolerance: how much more can go before quorum is lost. STUB: the owner replaces this.
import type { ClusterSnapshot } from './snapshot';

export interface FailureTolerance {
  /** votes that can still be lost (worst case) while staying quorate; 0 when not quorate */
  votesCanLose: number;
  /** nodes that can still be lost in the worst case while staying quorate */
  nodesCanLose: number;
  /** node ids whose loss alone would lose quorum */
  criticalNodes: number[];
  /** when not quorate: votes still missing to regain quorum */
  votesShort: number;
}

export function failureTolerance(snapshot: ClusterSnapshot): FailureTolerance | null {
  const q = snapshot.quorum;
  if (!q) return null;
  const spare = Math.max(0, q.totalVotes - q.quorum);
  return { votesCanLose: q.quorate ? spare : 0, nodesCanLose: q.quorate ? spare : 0, criticalNodes: [], votesShort: Math.max(0, q.quorum - q.totalVotes) };
}
