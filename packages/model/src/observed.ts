// Reading votequorum's state back from what a node prints (`corosync-quorumtool -s`): what it must
// remember to print those numbers, what it would say if some members left (the early warning), and
// why a view is quorate when a votequorum mode rather than plain majority makes it so.
// One set of rules for the simulator and the real-Corosync sources alike (evaluateQuorum).
import type { ClusterSnapshot, QuorumOptions, QuorumState } from './snapshot';
import {
  configuredExpectedVotes,
  evaluateQuorum,
  majority,
  tieBreakerNode,
  type QDeviceInput,
  type QuorumMemory,
  type VoteNode,
} from './votequorum';

export interface ObservedView {
  options: QuorumOptions;
  /** the configured nodelist */
  nodes: VoteNode[];
  qdevice: QDeviceInput | null;
  /** the view as the node printed it */
  observed: QuorumState;
}

/** expected votes as configured (quorum.expected_votes, else nodelist votes plus a QDevice's when it operates) */
export function configuredExpected(view: ObservedView): number {
  const q = view.observed;
  return configuredExpectedVotes(view.options, view.nodes, view.qdevice && q.flags.includes('Qdevice') ? view.qdevice.votes : 0);
}

/**
 * How expected votes came to differ from the configuration: 'last-man-standing' when that mode is on
 * and they are lower (votequorum recalculated them after the window; a `pvecm expected` on such a
 * cluster looks the same and is rare), 'manual' when lowered otherwise (`pvecm expected N`), 'raised'
 * when higher (more votes seen than configured, or set higher by hand), null when as configured.
 */
export function expectedVotesOrigin(view: ObservedView): 'last-man-standing' | 'manual' | 'raised' | null {
  const configured = configuredExpected(view);
  const q = view.observed;
  if (q.expectedVotes === configured) return null;
  if (q.expectedVotes > configured) return 'raised';
  return q.flags.includes('LastManStanding') ? 'last-man-standing' : 'manual';
}

/** what votequorum remembers, as far as the printed numbers reveal it */
export function memoryFromObserved(view: ObservedView): QuorumMemory {
  const q = view.observed;
  const waitingForAll = !q.quorate && q.flags.includes('WaitForAll') && q.totalVotes >= q.quorum;
  const origin = expectedVotesOrigin(view);
  return {
    seenAll: !waitingForAll,
    expectedOverride: origin === 'manual' || origin === 'raised' ? q.expectedVotes : null,
    lmsExpected: origin === 'last-man-standing' ? q.expectedVotes : null,
    lmsStableSince: null,
    lastMembers: [...q.members].sort((a, b) => a - b),
  };
}

/**
 * Quorum of this view once `lost` leave it at once, by the full rules (two_node, wait_for_all,
 * auto_tie_breaker, last_man_standing, the QDevice). memory: what the caller knows votequorum
 * remembers (the simulator); default: read back from the printed numbers. An instant loss is never
 * rescued by last_man_standing (its window restarts with the membership change).
 */
export function quorumAfterLoss(view: ObservedView, lost: readonly number[], memory: QuorumMemory = memoryFromObserved(view)): QuorumState {
  const gone = new Set(lost);
  return evaluateQuorum({
    options: view.options,
    nodes: view.nodes,
    members: view.observed.members.filter((id) => !gone.has(id)),
    qdevice: view.qdevice,
    memory,
    now: 0,
  }).state;
}

export type QuorateReason =
  | { mode: 'auto-tie-breaker'; tieBreaker: { nodeId: number; name: string }; text: string }
  | { mode: 'last-man-standing'; expectedVotes: number; configured: number; text: string }
  | { mode: 'two-node'; text: string };

/** Why a quorate view is quorate when plain majority of the configured votes would not make it so. */
export function quorateReason(s: ClusterSnapshot): QuorateReason | null {
  const q = s.quorum;
  if (!q || !q.quorate) return null;
  const nodes = s.nodes.map((n) => ({ id: n.id, votes: n.votes }));
  const view: ObservedView = {
    options: s.cluster.quorumOptions,
    nodes,
    qdevice: s.qdevice ? { votes: s.qdevice.votes, algorithm: s.qdevice.algorithm, castsVote: s.qdevice.castsVote } : null,
    observed: q,
  };
  const configured = configuredExpected(view);
  if (q.flags.includes('2Node') && q.members.length === 1)
    return { mode: 'two-node', text: 'two_node: either node alone keeps quorum (wait_for_all held the start until both had been seen)' };
  if (q.flags.includes('AutoTieBreaker') && q.totalVotes < q.quorum) {
    const tb = tieBreakerNode(s.cluster.quorumOptions, nodes);
    if (tb !== null && q.members.includes(tb)) {
      const name = s.nodes.find((n) => n.id === tb)?.name ?? `node ${tb}`;
      return { mode: 'auto-tie-breaker', tieBreaker: { nodeId: tb, name }, text: `quorate by auto_tie_breaker: an even split, and this side holds the tie-breaker ${name}` };
    }
  }
  if (expectedVotesOrigin(view) === 'last-man-standing' && q.totalVotes < majority(configured)) {
    return {
      mode: 'last-man-standing',
      expectedVotes: q.expectedVotes,
      configured,
      text: `quorate by last_man_standing: expected votes recalculated to ${q.expectedVotes} (configured ${configured}) as nodes left one at a time`,
    };
  }
  return null;
}
