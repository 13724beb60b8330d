// votequorum rules as pure functions, modelled on corosync exec/votequorum.c (calculate_quorum,
// recalculate_quorum, are_we_quorate, the LMS timer, setexpected) and votequorum(5).
//
// One evaluation = one partition's view: the members it has, the configuration, and what votequorum
// remembers (QuorumMemory). Everything a partition remembers lives in the memory object, so callers can
// keep one per partition (or per node) and merge them when partitions join (mergeQuorumMemory).
import type { QuorumFlag, QuorumOptions, QuorumState } from './snapshot';

export interface VoteNode {
  id: number;
  votes: number;
}

/** what votequorum remembers between membership changes (per partition) */
export interface QuorumMemory {
  /** wait_for_all: has this partition seen all votes at once since it was last inquorate? (corosync: wait_for_all_status cleared) */
  seenAll: boolean;
  /**
   * runtime expected votes when they differ from the configuration: set by `corosync-quorumtool -e` /
   * `pvecm expected`, and raised when more votes are present than expected (corosync keeps
   * expected_votes at the highest number of votes seen).
   */
  expectedOverride: number | null;
  /** last_man_standing: expected votes lowered so far, and since when the membership is stable */
  lmsExpected: number | null;
  lmsStableSince: number | null;
  /** the membership of the previous evaluation (sorted ids); detects joins/leaves for LMS. */
  lastMembers?: number[] | null;
}

export interface QDeviceInput {
  votes: number;
  algorithm: 'ffsplit' | 'lms';
  /** does the device vote for this partition right now (qnetd gave it the vote)? */
  castsVote: boolean;
}

export interface QuorumInput {
  options: QuorumOptions;
  /** the configured nodelist */
  nodes: VoteNode[];
  /** node ids in this partition's membership */
  members: number[];
  qdevice?: QDeviceInput | null;
  memory: QuorumMemory;
  now: number;
}

export interface QuorumEvaluation {
  state: QuorumState;
  memory: QuorumMemory;
}

export type QDeviceAlgorithm = QDeviceInput['algorithm'];
export type TieBreaker = 'lowest' | 'highest' | number;

export const CS_ERR_INVALID_PARAM = 'Unable to set expected votes: CS_ERR_INVALID_PARAM';

/** a node's votes when the nodelist gives no quorum_votes (corosync.conf(5): 1) */
export const DEFAULT_NODE_VOTES = 1;
export const nodeVotes = (quorumVotes: number | null | undefined): number => quorumVotes ?? DEFAULT_NODE_VOTES;

export function initialQuorumMemory(): QuorumMemory {
  return { seenAll: false, expectedOverride: null, lmsExpected: null, lmsStableSince: null, lastMembers: null };
}

/** "more than half" in corosync's integer math: (n + 2) / 2 */
export function majority(votes: number): number {
  return Math.floor(votes / 2) + 1;
}

/** The QDevice's votes when quorum.device.votes is unset: ffsplit 1; lms (node votes − 1). */
export function defaultQdeviceVotes(algorithm: QDeviceAlgorithm, nodes: VoteNode[]): number {
  if (algorithm === 'ffsplit') return 1;
  return Math.max(0, nodes.reduce((s, n) => s + n.votes, 0) - 1);
}

/** What the options mean once incompatible combinations are resolved the way corosync resolves them. */
export interface EffectiveOptions {
  /** two_node is honoured only with at most two configured nodes and no operating QDevice */
  twoNode: boolean;
  waitForAll: boolean;
  lastManStanding: boolean;
  autoTieBreaker: boolean;
  /** a QDevice cannot operate together with last_man_standing or auto_tie_breaker (votequorum(5)) */
  qdevice: boolean;
}

export function effectiveOptions(options: QuorumOptions, nodeCount: number, hasQdevice: boolean): EffectiveOptions {
  const qdevice = hasQdevice && !options.lastManStanding && !options.autoTieBreaker;
  // a QDevice replaces two_node (pvecm qdevice setup is the recommended way for 2-node clusters)
  const twoNode = options.twoNode && nodeCount <= 2 && !qdevice;
  return {
    twoNode,
    // two_node implies wait_for_all unless wait_for_all is set explicitly
    waitForAll: options.waitForAll ?? twoNode,
    lastManStanding: options.lastManStanding,
    autoTieBreaker: options.autoTieBreaker,
    qdevice,
  };
}

/** Expected votes from the configuration: quorum.expected_votes, else nodelist votes (+ QDevice votes). */
export function configuredExpectedVotes(options: QuorumOptions, nodes: VoteNode[], qdeviceVotes: number): number {
  return options.expectedVotes ?? nodes.reduce((s, n) => s + n.votes, 0) + qdeviceVotes;
}

/** The node whose partition wins an exact 50/50 split (auto_tie_breaker_node), or null. */
export function tieBreakerNode(options: QuorumOptions, nodes: VoteNode[]): number | null {
  const ids = nodes.map((n) => n.id);
  if (ids.length === 0) return null;
  const atb = options.autoTieBreakerNode;
  if (atb === 'lowest') return Math.min(...ids);
  if (atb === 'highest') return Math.max(...ids);
  // list: the first listed node that is configured (corosync walks the list in priority order)
  return atb.find((id) => ids.includes(id)) ?? null;
}

function sameMembers(a: readonly number[] | null | undefined, b: readonly number[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((v, i) => v === b[i]);
}

const FLAG_ORDER: readonly QuorumFlag[] = ['2Node', 'Quorate', 'WaitForAll', 'LastManStanding', 'AutoTieBreaker', 'AllowDownscale', 'Qdevice'];

export function evaluateQuorum(input: QuorumInput): QuorumEvaluation {
  const { options, nodes, now } = input;
  const members = [...new Set(input.members)].sort((a, b) => a - b);
  const memberSet = new Set(members);
  const eff = effectiveOptions(options, nodes.length, Boolean(input.qdevice));
  const qdev = eff.qdevice ? (input.qdevice ?? null) : null;
  const memberNodes = nodes.filter((n) => memberSet.has(n.id));
  const nodeVotes = memberNodes.reduce((s, n) => s + n.votes, 0);
  const total = nodeVotes + (qdev?.castsVote ? qdev.votes : 0);

  const prev = input.memory;
  const memory: QuorumMemory = { ...prev, lastMembers: members };
  const changed = !sameMembers(prev.lastMembers, members);
  const joined = prev.lastMembers ? members.some((id) => !prev.lastMembers!.includes(id)) : false;

  // A rejoining node brings its configured expected votes: LMS lowering is undone (highest_expected).
  if (joined) memory.lmsExpected = null;

  const config = configuredExpectedVotes(options, nodes, qdev?.votes ?? 0);
  let expected = memory.lmsExpected ?? memory.expectedOverride ?? config;
  // recalculate_quorum: "Keep expected_votes at the highest number of votes in the cluster"
  if (total > expected) {
    expected = total;
    if (memory.lmsExpected !== null) memory.lmsExpected = total;
    else if (total > config) memory.expectedOverride = total;
  }

  // calculate_quorum. Quorum never decreases by itself: it follows expected votes (which only fall
  // through an explicit change or LMS), and expected >= total always holds here.
  const quorumFor = (exp: number) => {
    let q = Math.max(majority(exp), majority(total));
    if (eff.twoNode && memberNodes.length <= 2) q = 1;
    return q;
  };
  let quorum = quorumFor(expected);

  const tb = eff.autoTieBreaker ? tieBreakerNode(options, nodes) : null;
  const decide = (exp: number, q: number): boolean => {
    // are_we_quorate: wait_for_all first (total must reach expected once), then votes, then ATB
    if (eff.waitForAll && !memory.seenAll) {
      if (total < exp) return false;
      memory.seenAll = true;
    }
    if (total >= q) return true;
    // auto_tie_breaker: an exact half of the votes, and this half holds the tie-breaker node
    return eff.autoTieBreaker && total * 2 === exp && tb !== null && memberSet.has(tb);
  };
  let quorate = decide(expected, quorum);

  // last_man_standing: the window (re)starts on every membership change; when it expires while
  // quorate, expected votes are recalculated down to the votes present (allow_decrease).
  if (eff.lastManStanding) {
    if (changed) memory.lmsStableSince = now;
    else if (memory.lmsStableSince !== null && now - memory.lmsStableSince >= options.lastManStandingWindowMs) {
      memory.lmsStableSince = null; // the timer fires once per membership change
      if (quorate && nodeVotes < expected && nodeVotes > 0) {
        memory.lmsExpected = nodeVotes;
        expected = nodeVotes;
        quorum = quorumFor(expected);
        quorate = decide(expected, quorum);
      }
    }
  } else {
    memory.lmsStableSince = null;
  }

  // wait_for_all is re-armed when a partition is (or becomes) inquorate: regaining quorum then needs all
  // votes seen together again, not just a majority (runtime.votequorum.wait_for_all_status = 1, lab
  // capture wfa__2of3-after-quorum-lost)
  if (eff.waitForAll && !quorate) memory.seenAll = false;

  const flags = FLAG_ORDER.filter((f) => {
    switch (f) {
      case '2Node':
        return eff.twoNode;
      case 'Quorate':
        return quorate;
      case 'WaitForAll':
        return eff.waitForAll;
      case 'LastManStanding':
        return eff.lastManStanding;
      case 'AutoTieBreaker':
        return eff.autoTieBreaker;
      case 'AllowDownscale':
        return false;
      case 'Qdevice':
        return qdev !== null;
    }
  });

  return {
    state: { expectedVotes: expected, highestExpected: expected, totalVotes: total, quorum, quorate, flags, ringId: null, members },
    memory,
  };
}

/**
 * Memories of partitions that merge into one. Any member that saw all votes vouches for the merged
 * partition (a quorate node clears a joiner's wait_for_all); the runtime expected votes become the
 * highest any member has (highest_expected), and LMS lowering survives only if every side lowered.
 */
export function mergeQuorumMemory(memories: readonly QuorumMemory[]): QuorumMemory {
  if (memories.length === 1) return { ...memories[0]! };
  const all = (pick: (m: QuorumMemory) => number | null) => {
    const vals = memories.map(pick);
    return vals.some((v) => v === null) ? null : Math.max(...(vals as number[]));
  };
  return {
    seenAll: memories.some((m) => m.seenAll),
    expectedOverride: all((m) => m.expectedOverride),
    lmsExpected: all((m) => m.lmsExpected),
    lmsStableSince: null,
    lastMembers: null,
  };
}

/** quorum corosync computes after `pvecm expected n` with `total` votes present on `presentNodes` nodes (see validateExpectedVotes) */
export function quorumAfterSetExpected(n: number, options: QuorumOptions, nodeCount: number, hasQdevice: boolean, total: number, presentNodes: number): number {
  const eff = effectiveOptions(options, nodeCount, hasQdevice);
  if (eff.twoNode && presentNodes <= 2) return 1;
  return Math.max(majority(n), majority(total));
}

/**
 * `corosync-quorumtool -e N` / `pvecm expected N`: null when corosync accepts N, else its refusal.
 * setexpected recomputes quorum with N as the highest expected (allow_decrease) and refuses when the
 * present votes could not meet it; the PVE docs also describe N below the present votes as refused.
 */
export function validateExpectedVotes(
  n: number,
  input: Pick<QuorumInput, 'options' | 'nodes' | 'members'> & { qdevice?: QDeviceInput | null },
): string | null {
  if (!Number.isInteger(n) || n < 1) return `${CS_ERR_INVALID_PARAM} (expected votes must be a whole number of at least 1, got ${n})`;
  const eff = effectiveOptions(input.options, input.nodes.length, Boolean(input.qdevice));
  const memberSet = new Set(input.members);
  const present = input.nodes.filter((x) => memberSet.has(x.id));
  const qdevVotes = eff.qdevice && input.qdevice?.castsVote ? input.qdevice.votes : 0;
  const total = present.reduce((s, x) => s + x.votes, 0) + qdevVotes;
  if (n < total) return `${CS_ERR_INVALID_PARAM} (expected votes ${n} is below the ${total} votes present)`;
  const q = quorumAfterSetExpected(n, input.options, input.nodes.length, Boolean(input.qdevice), total, present.length);
  if (q > total) return `${CS_ERR_INVALID_PARAM} (expected votes ${n} needs ${q} votes for quorum, only ${total} present)`;
  return null;
}

/**
 * Which partitions get the QDevice's vote from corosync-qnetd. `partitions` are the memberships of the
 * partitions that reach qnetd (node ids). Returns the indices of the winners (at most one).
 * - both algorithms: the partition with the most nodes wins; a tie goes to the partition holding the
 *   tie-breaker (lowest | highest | a node id); no partition holds that node id → nobody.
 * - ffsplit additionally needs at least 50 % of the nodes that reach qnetd (it is meant for a fifty-fifty split).
 * Heuristics are not modelled.
 */
export function qdeviceVoteWinner(partitions: number[][], algorithm: QDeviceAlgorithm, tieBreaker: TieBreaker = 'lowest'): number[] {
  const sized = partitions.map((p, i) => ({ i, p, n: new Set(p).size })).filter((x) => x.n > 0);
  if (sized.length === 0) return [];
  const active = sized.reduce((s, x) => s + x.n, 0);
  const most = Math.max(...sized.map((x) => x.n));
  let best = sized.filter((x) => x.n === most);
  if (algorithm === 'ffsplit' && most * 2 < active) return [];
  if (best.length > 1) {
    if (tieBreaker === 'lowest') {
      const low = Math.min(...best.flatMap((x) => x.p));
      best = best.filter((x) => x.p.includes(low));
    } else if (tieBreaker === 'highest') {
      const high = Math.max(...best.flatMap((x) => x.p));
      best = best.filter((x) => x.p.includes(high));
    } else {
      best = best.filter((x) => x.p.includes(tieBreaker));
    }
  }
  return best.slice(0, 1).map((x) => x.i);
}
