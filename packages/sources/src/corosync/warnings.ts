// The early warning: knet on the observer reports every link to a member down well before Corosync's
// membership drops that member (lab: ~0.6 s vs ~3.4 s with token 1000). Pure: the source feeds samples.
import type { KnetLinkStats } from '@quorate/corosync';
import { knetLinkDownDetectionMs, membershipDetectionMs, type QuorumState, type UnreachableWarning } from '@quorate/model';

export interface WarningInput {
  observerId: number;
  /** the observer's quorum view (its members are the candidates) */
  quorum: QuorumState;
  /** the observer's latest knet sample */
  stats: readonly KnetLinkStats[];
  runtimeTokenMs: number;
  /** id -> name and votes from the nodelist */
  nodes: ReadonlyMap<number, { name: string; votes: number }>;
  now: number;
}

/** Members whose every enabled link from the observer is disconnected (a node without stats is not judged). */
export function membersAllLinksDown(observerId: number, members: readonly number[], stats: readonly KnetLinkStats[]): number[] {
  const out: number[] = [];
  for (const id of members) {
    if (id === observerId) continue;
    const links = stats.filter((s) => s.nodeId === id && s.enabled !== false && s.connected !== null);
    if (links.length > 0 && links.every((s) => s.connected === false)) out.push(id);
  }
  return out;
}

/** ms from knet marking the last link down to Corosync dropping the node. */
export function expectedDropMs(runtimeToken: number): number {
  return Math.max(0, membershipDetectionMs(runtimeToken) - knetLinkDownDetectionMs(runtimeToken));
}

/**
 * Keeps `since` per warned node across samples; a node leaves the set when a link comes back or
 * the membership no longer has it (Corosync dropped it: the membership change replaces the warning).
 */
export class WarningTracker {
  private since = new Map<number, number>();
  private observer: number | null = null;

  update(input: WarningInput): UnreachableWarning[] {
    if (this.observer !== input.observerId) {
      this.since.clear();
      this.observer = input.observerId;
    }
    const down = membersAllLinksDown(input.observerId, input.quorum.members, input.stats);
    const next = new Map<number, number>();
    for (const id of down) next.set(id, this.since.get(id) ?? input.now);
    this.since = next;
    return this.current(input);
  }

  /** Re-evaluates the warnings against a newer quorum view without a new knet sample. */
  current(input: Omit<WarningInput, 'stats'>): UnreachableWarning[] {
    if (this.observer !== input.observerId) return [];
    const members = new Set(input.quorum.members);
    for (const id of [...this.since.keys()]) if (!members.has(id)) this.since.delete(id);
    if (this.since.size === 0) return [];
    // Quorum never decreases by itself (expected votes stay), so the drop keeps the observer's quorum
    // and loses the warned nodes' votes: the arithmetic votequorum will do when the membership changes.
    const lost = [...this.since.keys()].reduce((sum, id) => sum + (input.nodes.get(id)?.votes ?? 1), 0);
    const totalAfter = Math.max(0, input.quorum.totalVotes - lost);
    // (two_node shows as quorum 1 already, so it needs no case of its own)
    const quorateAfter = totalAfter >= input.quorum.quorum;
    const drop = expectedDropMs(input.runtimeTokenMs);
    return [...this.since.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([nodeId, since]) => ({
        nodeId,
        name: input.nodes.get(nodeId)?.name ?? `node${nodeId}`,
        since,
        expectedDropInMs: drop,
        quorateAfterDrop: quorateAfter,
        totalVotesAfterDrop: totalAfter,
        expectedVotesAfterDrop: input.quorum.expectedVotes,
      }));
  }

  reset(): void {
    this.since.clear();
    this.observer = null;
  }
}
