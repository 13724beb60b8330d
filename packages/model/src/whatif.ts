// What-if: fail some nodes and links of the cluster a snapshot shows, and predict every partition's
// membership and quorum by votequorum's own rules (evaluateQuorum, qdeviceVoteWinner) — the simulator's
// way of forming partitions (sim/links.ts + membership.ts): running nodes that reach each other over
// some link, transitively, are one membership. Pure: no I/O, no clock.
//
// What a prediction assumes (also returned as `assumptions`, so a reader sees them):
// - failures happen at once: last_man_standing lowers expected votes only after a quorate membership has
//   been stable for its window, so it never rescues an instant failure (as in tolerance.ts);
// - votequorum's memory of each predicted partition is what its members' current views reveal
//   (memoryFromObserved, merged as Corosync merges memberships): a running cluster has seen all its
//   votes (wait_for_all is a start-up wait and does not hold a running cluster back), keeps a
//   `pvecm expected` override and an expected lowered by last_man_standing; a partition that is waiting
//   for all votes now keeps waiting. Without any view: seen all, no override (RUNNING_MEMORY);
// - the QDevice keeps reaching every partition while the snapshot shows it connected (or casting its
//   vote); qnetd gives its vote by qdeviceVoteWinner with tie_breaker 'lowest' (corosync-qdevice's
//   default: the snapshot does not carry the configured one); heuristics are not modelled;
// - a pair of nodes is connected on link l while every observation of that link (either direction) shows
//   it enabled and connected; a snapshot without any link observation (a source that cannot see links)
//   is assumed fully connected on the links both nodes have addresses for.
import { z } from 'zod';
import { memoryFromObserved } from './observed';
import { LinkNumber, NodeName, type ClusterSnapshot } from './snapshot';
import {
  effectiveOptions,
  evaluateQuorum,
  majority,
  mergeQuorumMemory,
  qdeviceVoteWinner,
  tieBreakerNode,
  type QDeviceInput,
  type QuorumMemory,
  type VoteNode,
} from './votequorum';

/** at most this many failed nodes and failed node-links in one request (a cluster has at most 32 nodes × 8 links in practice) */
export const WHATIF_MAX_FAILED = 256;

export const WhatIfLinkFailure = z.object({ node: NodeName, link: LinkNumber }).strict();
export type WhatIfLinkFailure = z.infer<typeof WhatIfLinkFailure>;

export const WhatIfRequest = z
  .object({
    fail: z
      .object({
        /** nodes that go down (crash, power off, reboot) */
        nodes: z.array(NodeName).max(WHATIF_MAX_FAILED).default([]),
        /** a link that goes down at one node: the node loses that link to every peer */
        links: z.array(WhatIfLinkFailure).max(WHATIF_MAX_FAILED).default([]),
        /** the QDevice (qnetd) becomes unreachable for every partition */
        qdevice: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();
export type WhatIfRequest = z.infer<typeof WhatIfRequest>;
export type WhatIfFailures = WhatIfRequest['fail'];

/** why a partition is (not) quorate, as a word a UI can key on; `reason` says it in words */
export const PartitionMode = z.enum(['votes', 'two-node', 'auto-tie-breaker', 'wait-for-all']);

export const PredictedPartition = z.object({
  /** member names, in node id order */
  nodes: z.array(NodeName),
  nodeIds: z.array(z.number().int()),
  /** votes present (the QDevice's included when it votes for this partition) */
  votes: z.number().int().min(0),
  expectedVotes: z.number().int().min(0),
  /** votes needed */
  quorum: z.number().int().min(0),
  quorate: z.boolean(),
  /** does the QDevice's vote go to this partition */
  qdeviceVote: z.boolean(),
  mode: PartitionMode,
  reason: z.string(),
});
export type PredictedPartition = z.infer<typeof PredictedPartition>;

export const WhatIfResult = z.object({
  partitions: z.array(PredictedPartition),
  /** some partition stays quorate */
  quorate: z.boolean(),
  /** nodes not running before the failures (the snapshot shows them down) */
  alreadyDown: z.array(NodeName),
  /** what was failed, as asked (names) */
  failed: z.object({ nodes: z.array(NodeName), links: z.array(WhatIfLinkFailure), qdevice: z.boolean() }),
  /** the QDevice's vote in words, null without a QDevice */
  qdevice: z.string().nullable(),
  assumptions: z.array(z.string()),
});
export type WhatIfResult = z.infer<typeof WhatIfResult>;

/** votequorum's memory of a running cluster when no view tells more: it has seen all votes, nothing overridden */
export const RUNNING_MEMORY: QuorumMemory = Object.freeze({ seenAll: true, expectedOverride: null, lmsExpected: null, lmsStableSince: null, lastMembers: null });

export const WHATIF_ASSUMPTIONS: readonly string[] = [
  'the failures happen at once: last_man_standing lowers expected votes only after a stable, quorate window, so it never rescues them',
  'each partition remembers what its members remember now: a running cluster has seen all its votes (wait_for_all only holds back a start), a pvecm expected override and a last_man_standing recalculation carry over',
  'the QDevice keeps reaching every partition while the snapshot shows it connected; qnetd breaks a tie in node count by the lowest node id',
  'two nodes stay connected while some link that the snapshot shows connected between them is not failed at either end',
];

/** names in `fail` that are not nodes of the snapshot (node failures and link failures alike), each once */
export function unknownWhatIfNodes(snapshot: ClusterSnapshot, fail: Pick<WhatIfFailures, 'nodes' | 'links'>): string[] {
  const known = new Set(snapshot.nodes.map((n) => n.name));
  return [...new Set([...fail.nodes, ...fail.links.map((l) => l.node)])].filter((name) => !known.has(name));
}

export class WhatIfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhatIfError';
  }
}

/** The cluster as a what-if sees it, with some failures applied: nodes up, who reaches whom, memories. */
interface Scene {
  snapshot: ClusterSnapshot;
  voteNodes: VoteNode[];
  nameOf: Map<number, string>;
  /** running nodes after the base failures, ascending ids */
  up: number[];
  alreadyDown: number[];
  /** adjacency among up nodes (after link failures) */
  adjacent: Map<number, Set<number>>;
  /** the QDevice as evaluateQuorum takes it (castsVote set per partition), null without one */
  qdevice: Omit<QDeviceInput, 'castsVote'> | null;
  qdeviceReachable: boolean;
  qdeviceWhy: string | null;
  failed: WhatIfFailures;
  /** votequorum's memory of a partition with these members (partitionMemory) */
  memoryOf: (members: readonly number[]) => QuorumMemory;
}

function isUp(snapshot: ClusterSnapshot, id: number): boolean {
  const node = snapshot.nodes.find((n) => n.id === id);
  if (node?.state === 'online') return true;
  // a node outside the observer's membership still runs when its own view answers (a partitioned cluster)
  return snapshot.views.some((v) => v.nodeId === id && v.reachable && v.quorum !== null && v.quorum.members.includes(id));
}

function linkNumbers(snapshot: ClusterSnapshot): number[] {
  const set = new Set<number>();
  for (const n of snapshot.nodes) for (const a of n.addresses) set.add(a.link);
  for (const l of snapshot.links) set.add(l.link);
  if (set.size === 0) set.add(0);
  return [...set].sort((a, b) => a - b);
}

/** is link l between a and b up in the snapshot (before what-if failures) */
function pairLinkUp(snapshot: ClusterSnapshot, a: number, b: number, l: number): boolean {
  if (snapshot.links.length === 0) {
    // no link observations at all: assume connected where both have an address on l (or no addresses are known)
    const has = (id: number) => {
      const addrs = snapshot.nodes.find((n) => n.id === id)?.addresses ?? [];
      return addrs.length === 0 ? l === 0 : addrs.some((x) => x.link === l);
    };
    return has(a) && has(b);
  }
  const obs = snapshot.links.filter((o) => o.link === l && ((o.from === a && o.to === b) || (o.from === b && o.to === a)));
  return obs.length > 0 && obs.every((o) => o.enabled && o.connected);
}

function buildScene(snapshot: ClusterSnapshot, fail: WhatIfFailures): Scene {
  const unknown = unknownWhatIfNodes(snapshot, fail);
  if (unknown.length > 0) throw new WhatIfError(`unknown node${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  const idOf = new Map(snapshot.nodes.map((n) => [n.name, n.id]));
  const nameOf = new Map(snapshot.nodes.map((n) => [n.id, n.name]));
  const failedNodes = new Set(fail.nodes.map((name) => idOf.get(name)!));
  const failedLinks = new Set(fail.links.map((f) => `${idOf.get(f.node)!}:${f.link}`));
  const ids = snapshot.nodes.map((n) => n.id).sort((a, b) => a - b);
  const running = ids.filter((id) => isUp(snapshot, id));
  const up = running.filter((id) => !failedNodes.has(id));
  const links = linkNumbers(snapshot);
  const adjacent = new Map<number, Set<number>>(up.map((id) => [id, new Set<number>()]));
  for (let i = 0; i < up.length; i++)
    for (let j = i + 1; j < up.length; j++) {
      const a = up[i]!;
      const b = up[j]!;
      if (links.some((l) => !failedLinks.has(`${a}:${l}`) && !failedLinks.has(`${b}:${l}`) && pairLinkUp(snapshot, a, b, l))) {
        adjacent.get(a)!.add(b);
        adjacent.get(b)!.add(a);
      }
    }
  const qd = snapshot.qdevice;
  let qdeviceWhy: string | null = null;
  let qdeviceReachable = false;
  if (qd) {
    if (fail.qdevice) qdeviceWhy = 'the QDevice fails in this what-if';
    else if (qd.state !== 'connected' && !qd.castsVote) qdeviceWhy = `the QDevice is ${qd.state} now`;
    else qdeviceReachable = true;
  }
  return {
    snapshot,
    voteNodes: snapshot.nodes.map((n) => ({ id: n.id, votes: n.votes })),
    nameOf,
    up,
    alreadyDown: ids.filter((id) => !running.includes(id)),
    adjacent,
    qdevice: qd ? { votes: qd.votes, algorithm: qd.algorithm } : null,
    qdeviceReachable,
    qdeviceWhy,
    failed: fail,
    memoryOf: memoryIndex(snapshot),
  };
}

/** connected components of the up nodes, without `gone`, each sorted, in the order of their lowest id */
function components(scene: Scene, gone: ReadonlySet<number> = new Set()): number[][] {
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const start of scene.up) {
    if (gone.has(start) || seen.has(start)) continue;
    const comp: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const id = stack.pop()!;
      comp.push(id);
      for (const next of scene.adjacent.get(id) ?? [])
        if (!gone.has(next) && !seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
    }
    out.push(comp.sort((a, b) => a - b));
  }
  return out;
}

/**
 * votequorum's memory of a predicted partition: what the current views of its members reveal
 * (memoryFromObserved), merged as Corosync merges memberships; RUNNING_MEMORY when no member's view is known.
 */
export function partitionMemory(snapshot: ClusterSnapshot, members: readonly number[]): QuorumMemory {
  return memoryIndex(snapshot)(members);
}

/** partitionMemory with the views read once (a smallest-failure search asks for thousands of partitions) */
function memoryIndex(snapshot: ClusterSnapshot): (members: readonly number[]) => QuorumMemory {
  const options = snapshot.cluster.quorumOptions;
  const nodes = snapshot.nodes.map((n) => ({ id: n.id, votes: n.votes }));
  const qd = snapshot.qdevice;
  const qdevice = qd ? { votes: qd.votes, algorithm: qd.algorithm, castsVote: qd.castsVote } : null;
  // one memory per distinct membership (views of the same ring tell the same), and each node's
  const memories = new Map<string, QuorumMemory>();
  const keyOf = new Map<number, string>();
  const learn = (nodeId: number, q: NonNullable<ClusterSnapshot['quorum']>) => {
    const key = [...q.members].sort((a, b) => a - b).join(',');
    if (!memories.has(key)) memories.set(key, memoryFromObserved({ options, nodes, qdevice, observed: q }));
    keyOf.set(nodeId, key);
  };
  for (const v of snapshot.views) if (v.reachable && v.quorum) learn(v.nodeId, v.quorum);
  // a source that reports only the observer's quorum (no view of it): the observer's numbers
  const observer = snapshot.observer?.nodeId;
  const fallback = snapshot.quorum && observer !== undefined && !keyOf.has(observer) ? memoryFromObserved({ options, nodes, qdevice, observed: snapshot.quorum }) : null;
  return (members) => {
    const keys = [...new Set(members.flatMap((id) => (keyOf.has(id) ? [keyOf.get(id)!] : [])))];
    if (keys.length > 0) return mergeQuorumMemory(keys.map((k) => memories.get(k)!));
    if (fallback && observer !== undefined && members.includes(observer)) return { ...fallback };
    return { ...RUNNING_MEMORY };
  };
}

interface Evaluated {
  members: number[];
  votes: number;
  expectedVotes: number;
  quorum: number;
  quorate: boolean;
  qdeviceVote: boolean;
  seenAll: boolean;
}

/** quorum of each partition by evaluateQuorum, the QDevice's vote by qdeviceVoteWinner */
function evaluatePartitions(scene: Scene, partitions: number[][]): Evaluated[] {
  const options = scene.snapshot.cluster.quorumOptions;
  const qd = scene.qdevice;
  const winners = new Set(qd && scene.qdeviceReachable ? qdeviceVoteWinner(partitions, qd.algorithm, 'lowest') : []);
  return partitions.map((members, i) => {
    const memory = scene.memoryOf(members);
    const { state } = evaluateQuorum({
      options,
      nodes: scene.voteNodes,
      members,
      qdevice: qd ? { ...qd, castsVote: winners.has(i) } : null,
      memory,
      now: 0,
    });
    const eff = effectiveOptions(options, scene.voteNodes.length, qd !== null);
    return {
      members,
      votes: state.totalVotes,
      expectedVotes: state.expectedVotes,
      quorum: state.quorum,
      quorate: state.quorate,
      qdeviceVote: eff.qdevice && winners.has(i),
      seenAll: memory.seenAll,
    };
  });
}

const list = (names: readonly string[]): string => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

function namesOf(scene: Scene, ids: readonly number[]): string[] {
  return ids.map((id) => scene.nameOf.get(id) ?? `node ${id}`);
}

function tieBreakerWords(scene: Scene): string {
  const atb = scene.snapshot.cluster.quorumOptions.autoTieBreakerNode;
  return atb === 'lowest' ? 'the lowest id' : atb === 'highest' ? 'the highest id' : 'the first listed tie-breaker';
}

/** the QDevice's vote across the partitions, in words */
function qdeviceWords(scene: Scene, parts: Evaluated[]): string | null {
  const qd = scene.qdevice;
  if (!qd) return null;
  const options = scene.snapshot.cluster.quorumOptions;
  const eff = effectiveOptions(options, scene.voteNodes.length, true);
  const head = `QDevice ${qd.algorithm}`;
  if (!eff.qdevice) return `${head}: does not operate with ${options.lastManStanding ? 'last_man_standing' : 'auto_tie_breaker'} (votequorum(5)), so it votes for nobody`;
  if (!scene.qdeviceReachable) return `${head}: ${scene.qdeviceWhy}, so no partition gets its ${qd.votes} vote${qd.votes === 1 ? '' : 's'}`;
  const winner = parts.find((p) => p.qdeviceVote);
  if (!winner) {
    if (parts.length === 0) return `${head}: no node is left to vote for`;
    return `${head}: no partition holds at least half of the nodes, so its vote goes to nobody`;
  }
  const most = Math.max(...parts.map((p) => p.members.length));
  const tied = parts.filter((p) => p.members.length === most).length > 1;
  const names = list(namesOf(scene, winner.members));
  if (parts.length === 1) return `${head}: its ${qd.votes} vote${qd.votes === 1 ? '' : 's'} go${qd.votes === 1 ? 'es' : ''} to the only partition`;
  return tied
    ? `${head}: its vote goes to the partition with ${names}: an even split in nodes, won by the side with the lowest node id`
    : `${head}: its vote goes to the partition with the most nodes (${names})`;
}

function explain(scene: Scene, p: Evaluated, qdevice: string | null): Pick<PredictedPartition, 'mode' | 'reason'> {
  const options = scene.snapshot.cluster.quorumOptions;
  const eff = effectiveOptions(options, scene.voteNodes.length, scene.qdevice !== null);
  const base = `${p.votes} of ${p.expectedVotes} votes, ${p.quorum} needed`;
  const tail = [qdevice && eff.qdevice ? qdevice : null];
  let mode: PredictedPartition['mode'] = 'votes';
  let reason = base;
  const tb = eff.autoTieBreaker ? tieBreakerNode(options, scene.voteNodes) : null;
  const tbName = tb === null ? null : (scene.nameOf.get(tb) ?? `node ${tb}`);
  if (p.quorate) {
    if (eff.twoNode && p.members.length <= 2 && p.votes < majority(p.expectedVotes)) {
      mode = 'two-node';
      reason = `two_node: ${p.members.length} of 2 nodes is enough (${p.votes} of ${p.expectedVotes} votes)`;
    } else if (p.votes < p.quorum && tbName !== null) {
      mode = 'auto-tie-breaker';
      reason = `auto_tie_breaker: ${p.votes} of ${p.expectedVotes} votes, an even split, and it holds ${tbName}, ${tieBreakerWords(scene)}`;
    }
  } else if (eff.waitForAll && !p.seenAll && p.votes < p.expectedVotes) {
    mode = 'wait-for-all';
    reason = `wait_for_all: has not seen all ${p.expectedVotes} votes since it started (${p.votes} present)`;
  } else {
    if (eff.autoTieBreaker && p.votes * 2 === p.expectedVotes)
      tail.push(tbName === null ? 'auto_tie_breaker: no configured tie-breaker node' : `auto_tie_breaker: an even split, but ${tbName} (${tieBreakerWords(scene)}) is not in it`);
    if (eff.lastManStanding) tail.push('last_man_standing does not help: it lowers expected votes only after a quorate membership has been stable for its window');
  }
  return { mode, reason: [reason, ...tail.filter((t): t is string => t !== null)].join('; ') };
}

function predict(scene: Scene, partitions: number[][]): WhatIfResult {
  const parts = evaluatePartitions(scene, partitions);
  const qdevice = qdeviceWords(scene, parts);
  return {
    partitions: parts.map((p) => ({
      nodes: namesOf(scene, p.members),
      nodeIds: p.members,
      votes: p.votes,
      expectedVotes: p.expectedVotes,
      quorum: p.quorum,
      quorate: p.quorate,
      qdeviceVote: p.qdeviceVote,
      ...explain(scene, p, qdevice),
    })),
    quorate: parts.some((p) => p.quorate),
    alreadyDown: namesOf(scene, scene.alreadyDown),
    failed: { nodes: [...scene.failed.nodes], links: scene.failed.links.map((l) => ({ ...l })), qdevice: scene.failed.qdevice },
    qdevice,
    assumptions: [...WHATIF_ASSUMPTIONS],
  };
}

const NO_FAILURES: WhatIfFailures = { nodes: [], links: [], qdevice: false };

function normalize(fail: Partial<WhatIfFailures> | undefined): WhatIfFailures {
  return { nodes: fail?.nodes ?? [], links: fail?.links ?? [], qdevice: fail?.qdevice ?? false };
}

/** The predicted partitions once `fail` happens. Throws WhatIfError for names the snapshot does not have (see unknownWhatIfNodes). */
export function whatIf(snapshot: ClusterSnapshot, fail: Partial<WhatIfFailures> = NO_FAILURES): WhatIfResult {
  const scene = buildScene(snapshot, normalize(fail));
  return predict(scene, components(scene));
}

/** up to this many running nodes the smallest failure is searched; beyond, only the worst-case order is tried */
export const SMALLEST_FAILURE_MAX_NODES = 32;
/** node sets checked at most by one search (sizes in ascending order); then the worst-case order's answer stands, marked not exact */
export const SMALLEST_FAILURE_MAX_COMBINATIONS = 10_000;

export const SmallestFailure = z.object({
  /** the nodes whose failure leaves no partition quorate (names); [] when quorum is already lost */
  nodes: z.array(NodeName),
  size: z.number().int().min(0),
  /** true: no smaller set does it (every smaller set was checked); false: an upper bound (the search was capped) */
  exact: z.boolean(),
  /** node sets checked */
  checked: z.number().int().min(0),
  /** the combination cap (or the node bound) stopped the search */
  capped: z.boolean(),
  text: z.string(),
});
export type SmallestFailure = z.infer<typeof SmallestFailure>;

/**
 * The smallest set of running nodes whose failure (on top of `base`) leaves no partition quorate. Sets are
 * tried by size, stopping at the first size that loses quorum, most votes first, bounded by
 * SMALLEST_FAILURE_MAX_NODES running nodes and SMALLEST_FAILURE_MAX_COMBINATIONS sets; past either bound the
 * answer is the worst-case order's (most votes, the tie-breaker, then the highest id first), an upper bound.
 */
export function smallestFailure(snapshot: ClusterSnapshot, base: Partial<WhatIfFailures> = NO_FAILURES): SmallestFailure {
  const scene = buildScene(snapshot, normalize(base));
  const quorateWithout = (gone: ReadonlySet<number>): boolean => evaluatePartitions(scene, components(scene, gone)).some((p) => p.quorate);
  if (!quorateWithout(new Set())) return { nodes: [], size: 0, exact: true, checked: 1, capped: false, text: 'quorum is already lost: no partition is quorate' };

  const options = snapshot.cluster.quorumOptions;
  const tb = options.autoTieBreaker ? tieBreakerNode(options, scene.voteNodes) : null;
  const votesOf = new Map(scene.voteNodes.map((n) => [n.id, n.votes]));
  const order = [...scene.up].sort((a, b) => (votesOf.get(b) ?? 0) - (votesOf.get(a) ?? 0) || Number(b === tb) - Number(a === tb) || b - a);
  // the worst-case order: an upper bound, found in at most n checks
  let checked = 0;
  let greedy = order.length;
  for (let k = 1; k <= order.length; k++) {
    checked++;
    if (!quorateWithout(new Set(order.slice(0, k)))) {
      greedy = k;
      break;
    }
  }
  const answer = (ids: readonly number[], exact: boolean, capped: boolean, note = ''): SmallestFailure => {
    const names = namesOf(scene, [...ids].sort((a, b) => a - b));
    const of = `${names.length} of ${scene.up.length} running node${scene.up.length === 1 ? '' : 's'}`;
    const head = names.length === 1 ? `losing ${names[0]} alone loses quorum` : `losing ${list(names)} (${of}) loses quorum`;
    const smaller = names.length <= 1 ? '' : exact ? `; no ${names.length - 1} node${names.length - 1 === 1 ? ' does' : 's do'}` : '';
    return { nodes: names, size: names.length, exact, checked, capped, text: `${head}${smaller}${note}` };
  };
  if (scene.up.length > SMALLEST_FAILURE_MAX_NODES)
    return answer(order.slice(0, greedy), false, true, ` (worst case order only: more than ${SMALLEST_FAILURE_MAX_NODES} running nodes are not searched)`);

  let found: number[] | null = null;
  let capped = false;
  let fullSize = 0;
  for (let k = 1; k < greedy && !found && !capped; k++) {
    const pick: number[] = [];
    const walk = (start: number): boolean => {
      if (pick.length === k) {
        if (checked >= SMALLEST_FAILURE_MAX_COMBINATIONS) {
          capped = true;
          return true;
        }
        checked++;
        if (!quorateWithout(new Set(pick))) {
          found = [...pick];
          return true;
        }
        return false;
      }
      for (let i = start; i <= order.length - (k - pick.length); i++) {
        pick.push(order[i]!);
        const stop = walk(i + 1);
        pick.pop();
        if (stop) return true;
      }
      return false;
    };
    walk(0);
    if (!found && !capped) fullSize = k;
  }
  if (found) return answer(found, true, false);
  if (capped)
    return answer(
      order.slice(0, greedy),
      false,
      true,
      ` (an upper bound: ${checked.toLocaleString('en-US')} sets checked, the cap; no set of ${fullSize === 0 ? 'one node' : `up to ${fullSize} nodes`} loses quorum)`,
    );
  return answer(order.slice(0, greedy), true, false);
}

export const RebootCheck = z.object({
  node: NodeName,
  /** true: a quorate partition remains while the node is down */
  canReboot: z.boolean(),
  /** the node is not running now: its reboot changes nothing */
  alreadyDown: z.boolean(),
  /** some partition is quorate now */
  quorateNow: z.boolean(),
  /** the partitions while it is down */
  during: WhatIfResult,
  /** more nodes that can fail while it is down without losing quorum everywhere; 0 when it cannot reboot */
  margin: z.number().int().min(0),
  /** margin is exact (false: the smallest-failure search was capped, margin is at most this) */
  marginExact: z.boolean(),
  /**
   * HA resources (pve: /cluster/ha/status/current) on the node that are not stopped, disabled or ignored: they
   * are frozen or moved by the cluster's HA shutdown policy during the reboot; null when the source has no HA view
   */
  haGuests: z.array(z.string()).nullable(),
  text: z.string(),
});
export type RebootCheck = z.infer<typeof RebootCheck>;

/** HA states in which a resource is not placed on a node to run (pve-ha-manager: the request states that keep it off) */
const HA_NOT_RUNNING = new Set(['stopped', 'disabled', 'ignored', 'error']);

/** the HA resources placed on the node and meant to run, sorted; null without an HA view */
export function haGuestsOn(snapshot: ClusterSnapshot, node: string): string[] | null {
  if (!snapshot.ha) return null;
  return snapshot.ha.services.filter((s) => s.node === node && !HA_NOT_RUNNING.has(s.state)).map((s) => s.sid);
}

// datacenter.cfg `ha: shutdown_policy=` decides what a reboot does to them; the default, conditional, freezes
// them on a reboot (they wait for the node) and recovers them elsewhere on a poweroff; migrate moves them first
const HA_REBOOT_NOTE = (node: string, sids: string[]) =>
  `HA guests on ${node}: ${list(sids)} — with the default shutdown policy (conditional) a reboot freezes them until ${node} is back; with 'migrate' they move to other nodes first, and a poweroff instead of a reboot recovers them elsewhere`;

/** "Can I reboot pve2 now?": quorum while it is down and the margin left. Throws WhatIfError for an unknown node. */
export function canReboot(snapshot: ClusterSnapshot, node: string): RebootCheck {
  const now = whatIf(snapshot);
  const during = whatIf(snapshot, { nodes: [node] });
  const alreadyDown = now.alreadyDown.includes(node);
  const quorate = during.partitions.filter((p) => p.quorate);
  const ok = now.quorate && quorate.length > 0;
  const sf = ok ? smallestFailure(snapshot, { nodes: [node] }) : null;
  const margin = sf ? Math.max(0, sf.size - 1) : 0;
  const side = (p: PredictedPartition) => `${list(p.nodes)} ${p.nodes.length === 1 ? 'holds' : 'hold'} ${p.reason}`;
  let text: string;
  if (!now.quorate) text = `No: the cluster is not quorate now (${now.partitions.map(side).join(' · ') || 'no node is running'}); restore quorum first`;
  else if (alreadyDown) text = `${node} is already down: rebooting it changes nothing for quorum (${quorate.map(side).join(' · ')})`;
  else if (!ok) {
    const left = during.partitions.map(side).join(' · ') || 'no node is left';
    text = `No: while ${node} reboots, ${left} — quorum is lost until it is back: /etc/pve turns read-only and nodes running HA guests fence themselves`;
  } else {
    const more = margin === 0 ? 'no other node may fail until it is back' : `${sf && !sf.exact ? 'at most ' : ''}${margin} more node${margin === 1 ? '' : 's'} can fail until it is back`;
    text = `Yes: while ${node} reboots, ${quorate.map(side).join(' · ')}; ${more}`;
  }
  const haGuests = haGuestsOn(snapshot, node);
  if (haGuests && haGuests.length > 0 && !alreadyDown) text += `. ${HA_REBOOT_NOTE(node, haGuests)}`;
  return { node, canReboot: ok, alreadyDown, quorateNow: now.quorate, during, margin, marginExact: sf?.exact ?? true, haGuests, text };
}

/** GET /api/v1/whatif/reboot?cluster=&node= (cluster is read by the BFF's cluster parameter) */
export const RebootQuery = z.object({ node: NodeName });
export type RebootQuery = z.infer<typeof RebootQuery>;

/** POST /api/v1/whatif: the prediction, and the smallest further failure on top of the asked ones */
export const WhatIfResponse = WhatIfResult.extend({
  clusterId: z.string(),
  /** when the snapshot the prediction starts from was observed (ms since epoch) */
  observedAt: z.number(),
  smallestFailure: SmallestFailure,
});
export type WhatIfResponse = z.infer<typeof WhatIfResponse>;

export const RebootResponse = RebootCheck.extend({ clusterId: z.string(), observedAt: z.number() });
export type RebootResponse = z.infer<typeof RebootResponse>;
