// Failure tolerance: how much more can go before quorum is lost, and what brings it back.
// Everything is computed from the observer's view with evaluateQuorum on hypothetical memberships, so
// two_node, auto_tie_breaker, wait_for_all and the QDevice count exactly as votequorum counts them.
// Losses are instant in this model: last_man_standing only lowers expected votes after its window, so
// it never rescues an instant loss and is not assumed to.
import type { ClusterSnapshot } from './snapshot';
import { memoryFromObserved } from './observed';
import { evaluateQuorum, tieBreakerNode, type QDeviceInput, type QuorumMemory, type VoteNode } from './votequorum';

export interface OfflineNode {
  id: number;
  name: string;
  votes: number;
}

export interface FailureTolerance {
  /**
   * spare votes (of nodes or the QDevice): total − quorum while quorate, else 0. Pure arithmetic ("can
   * lose 2 more votes"); a node with several votes can take more at once, which nodesCanLose accounts for.
   */
  votesCanLose: number;
  /** nodes that can still be lost in the worst case (highest votes first, tie-breaker first) while staying quorate */
  nodesCanLose: number;
  /** node ids whose loss alone would lose quorum */
  criticalNodes: number[];
  /** when not quorate: votes still missing to regain quorum (wait_for_all: to reach expected votes) */
  votesShort: number;
  /** true when the QDevice casts a vote here and losing that vote alone loses quorum */
  qdeviceCritical: boolean;
  /** nodesCanLose if the QDevice's vote is lost too; null without a voting QDevice */
  nodesCanLoseWithoutQdevice: number | null;
  /** configured nodes outside the observer's membership, most votes first */
  offlineNodes: OfflineNode[];
  /**
   * when not quorate: the smallest sets of offline nodes whose return restores quorum (node ids,
   * at most 8 sets). Empty when no return of offline nodes would (e.g. wait_for_all needs them all
   * and some are missing from the configuration) or when quorate.
   */
  recoveryOptions: number[][];
  /**
   * when not quorate: the last resort `pvecm expected <n>` value corosync would accept to make this
   * partition quorate (the votes present); null when quorate or when nothing is present.
   */
  expectedVotesToRestore: number | null;
  /** true when the wait_for_all start-up wait (not arithmetic) is what keeps this partition inquorate */
  waitingForAll: boolean;
  /**
   * last_man_standing only: nodes that can be lost one at a time, each after the window has passed
   * (expected votes are recalculated in between); nodesCanLose is the figure for losses at once.
   * null without last_man_standing.
   */
  nodesCanLoseOneByOne: number | null;
}

const MAX_OPTIONS = 8;
const MAX_COMBINATIONS = 20_000;

export function failureTolerance(snapshot: ClusterSnapshot): FailureTolerance | null {
  const q = snapshot.quorum;
  if (!q) return null;
  const options = snapshot.cluster.quorumOptions;
  const nodes: VoteNode[] = snapshot.nodes.map((n) => ({ id: n.id, votes: n.votes }));
  const qd = snapshot.qdevice;
  const qdevice: QDeviceInput | null = qd ? { votes: qd.votes, algorithm: qd.algorithm, castsVote: qd.castsVote } : null;
  const members = q.members;
  const memberSet = new Set(members);

  const waitingForAll = !q.quorate && q.flags.includes('WaitForAll') && q.totalVotes >= q.quorum;
  // what votequorum remembers, as far as the observer's numbers reveal it
  const memory = memoryFromObserved({ options, nodes, qdevice, observed: q });
  const quorateWith = (ids: number[], qdev: QDeviceInput | null = qdevice) =>
    evaluateQuorum({ options, nodes, members: ids, qdevice: qdev, memory, now: 0 }).state.quorate;

  const byId = new Map(snapshot.nodes.map((n) => [n.id, n]));
  const offlineNodes: OfflineNode[] = snapshot.nodes
    .filter((n) => !memberSet.has(n.id))
    .map((n) => ({ id: n.id, name: n.name, votes: n.votes }))
    .sort((a, b) => b.votes - a.votes || a.id - b.id);

  const qdevVotesCounted = qdevice?.castsVote && q.flags.includes('Qdevice') ? qdevice.votes : 0;
  const noQdev = qdevice ? { ...qdevice, castsVote: false } : null;

  if (!q.quorate) {
    return {
      votesCanLose: 0,
      nodesCanLose: 0,
      criticalNodes: [],
      votesShort: waitingForAll ? Math.max(0, q.expectedVotes - q.totalVotes) : Math.max(0, q.quorum - q.totalVotes),
      qdeviceCritical: false,
      nodesCanLoseWithoutQdevice: null,
      offlineNodes,
      recoveryOptions: recoveryOptions(members, offlineNodes, (ids) => quorateWith(ids)),
      expectedVotesToRestore: q.totalVotes > 0 ? q.totalVotes : null,
      waitingForAll,
      nodesCanLoseOneByOne: null,
    };
  }

  // worst case order: most votes first; among equals the auto_tie_breaker node first (losing it
  // forfeits a 50/50 rescue), then the highest id
  const tb = options.autoTieBreaker ? tieBreakerNode(options, nodes) : null;
  const order = members
    .map((id) => byId.get(id))
    .filter((n): n is NonNullable<typeof n> => n !== undefined)
    .sort((a, b) => b.votes - a.votes || Number(b.id === tb) - Number(a.id === tb) || b.id - a.id)
    .map((n) => n.id);
  const canLose = (qdev: QDeviceInput | null) => {
    let k = 0;
    while (k < order.length && quorateWith(members.filter((id) => !order.slice(0, k + 1).includes(id)), qdev)) k++;
    return k;
  };

  const criticalNodes = members.filter((id) => !quorateWith(members.filter((m) => m !== id)));
  // whether the members alone stay quorate without the QDevice's vote; null when it casts none
  const quorateWithoutQdev = qdevVotesCounted > 0 ? quorateWith(members, noQdev) : null;

  return {
    votesCanLose: Math.max(0, q.totalVotes - q.quorum),
    nodesCanLose: canLose(qdevice),
    criticalNodes,
    votesShort: 0,
    qdeviceCritical: quorateWithoutQdev === false,
    nodesCanLoseWithoutQdevice: quorateWithoutQdev === null ? null : quorateWithoutQdev ? canLose(noQdev) : 0,
    offlineNodes,
    recoveryOptions: [],
    expectedVotesToRestore: null,
    waitingForAll: false,
    nodesCanLoseOneByOne: q.flags.includes('LastManStanding') ? oneByOne(options, nodes, members, order, memory, qdevice) : null,
  };
}

/**
 * last_man_standing: lose the worst node, let the window pass (votequorum recalculates expected votes
 * down to the votes present), repeat while quorate. The window is simulated by evaluating twice: once
 * at the change, once a window later.
 */
function oneByOne(options: ClusterSnapshot['cluster']['quorumOptions'], nodes: VoteNode[], members: number[], order: number[], start: QuorumMemory, qdevice: QDeviceInput | null): number {
  let memory = start;
  let left = [...members];
  let lost = 0;
  for (const id of order) {
    left = left.filter((m) => m !== id);
    if (left.length === 0) break;
    const atChange = evaluateQuorum({ options, nodes, members: left, qdevice, memory, now: 0 });
    if (!atChange.state.quorate) break;
    const later = evaluateQuorum({ options, nodes, members: left, qdevice, memory: atChange.memory, now: options.lastManStandingWindowMs });
    memory = later.memory;
    lost++;
  }
  return lost;
}

/** smallest sets of offline nodes whose return makes the membership quorate */
function recoveryOptions(members: number[], offline: OfflineNode[], quorate: (ids: number[]) => boolean): number[][] {
  const ids = offline.map((n) => n.id);
  if (ids.length === 0 || !quorate([...members, ...ids])) return [];
  let examined = 0;
  for (let k = 1; k <= ids.length; k++) {
    const found: number[][] = [];
    const pick: number[] = [];
    const walk = (start: number): boolean => {
      if (pick.length === k) {
        examined++;
        if (quorate([...members, ...pick])) found.push([...pick].sort((a, b) => a - b));
        return found.length >= MAX_OPTIONS || examined >= MAX_COMBINATIONS;
      }
      for (let i = start; i < ids.length; i++) {
        pick.push(ids[i]!);
        const stop = walk(i + 1);
        pick.pop();
        if (stop) return true;
      }
      return false;
    };
    walk(0);
    if (found.length > 0) return found;
    if (examined >= MAX_COMBINATIONS) break;
  }
  // too many combinations to search: fall back to the greedy set (most votes first)
  const greedy: number[] = [];
  for (const id of ids) {
    greedy.push(id);
    if (quorate([...members, ...greedy])) return [greedy.sort((a, b) => a - b)];
  }
  return [];
}

/**
 * Which of the missing nodes to bring back to make up `votesShort` votes: most votes first (then the
 * lowest id); all of them when even that is not enough. Nodes without votes never help.
 */
export function nodesToRestore<N extends { id: number; votes: number }>(missing: readonly N[], votesShort: number): N[] {
  const sorted = [...missing].filter((n) => n.votes > 0).sort((a, b) => b.votes - a.votes || a.id - b.id);
  const out: N[] = [];
  let got = 0;
  for (const n of sorted) {
    if (got >= votesShort) break;
    out.push(n);
    got += n.votes;
  }
  return got >= votesShort ? out : sorted;
}
