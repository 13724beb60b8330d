// Node states -> one ClusterSnapshot. Pure: the source calls it on every change.
import { buildClusterNodes, knetToLinkObservations, type QdeviceNetState, type QuorumtoolStatus } from '@quorate/corosync';
import {
  DEFAULT_NODE_VOTES,
  QuorumOptions,
  nodeVotes,
  type ClusterNode,
  type ClusterSnapshot,
  type LinkObservation,
  type NodeView,
  type QDevice,
  type UnreachableWarning,
} from '@quorate/model';
import type { CorosyncConfig } from './config';
import { ringSeq, type NodeSnapshot } from './node';

/**
 * The node whose view leads the page. By quorum, not by id:
 *  - never a node alone in a fresh ring of its own (`joining`: a Corosync that just started) while any
 *    other node can be asked;
 *  - ranked by where its view is going (projectedView): quorate first, then more votes, then more
 *    members — so a node cut off alone never leads while a larger side exists, and a view about to
 *    lose a side that already moved on to a newer ring is judged without it;
 *  - then the current observer (no flapping between equal views), then the lowest id.
 */
export function chooseObserver(nodes: readonly NodeSnapshot[], current: string | null = null, joining: ReadonlySet<number> = new Set()): NodeSnapshot | null {
  const live = nodes.filter((n) => n.reachable && n.quorum !== null && n.nodeId !== null);
  const key = (n: NodeSnapshot): number[] => {
    const p = projectedView(n, live, joining);
    return [joining.has(n.nodeId!) ? 0 : 1, p.quorate ? 1 : 0, p.votes, p.members, n.name === current ? 1 : 0, -n.nodeId!];
  };
  let best: NodeSnapshot | null = null;
  let bestKey: number[] = [];
  for (const n of live) {
    const k = key(n);
    if (best === null || greater(k, bestKey)) {
      best = n;
      bestKey = k;
    }
  }
  return best;
}

/**
 * Where a node's view is going, from the other nodes' newer rings (members of one ring share its id,
 * and ring ids only grow): if another node reports a newer ring that includes this node, this node is
 * in that ring too and just has not said so yet — its view is that ring's; if a member reports a newer
 * ring without this node, that side split off — this view is about to lose it. Otherwise the view as it is.
 */
export function projectedView(n: NodeSnapshot, live: readonly NodeSnapshot[], joining: ReadonlySet<number>): { quorate: boolean; votes: number; members: number }{
  const q = n.quorum!;
  const mine = ringSeq(q.ringId);
  if (mine === null) return { quorate: q.quorate, votes: q.totalVotes, members: q.members.length };
  let ahead: NodeSnapshot | null = null;
  const left = new Set(q.members);
  for (const o of live) {
    if (o === n || joining.has(o.nodeId!)) continue;
    const theirs = ringSeq(o.quorum!.ringId);
    if (theirs === null || theirs <= mine) continue;
    if (o.quorum!.members.includes(n.nodeId!)) {
      if (!ahead || theirs > ringSeq(ahead.quorum!.ringId)!) ahead = o;
    } else if (left.has(o.nodeId!)) {
      for (const id of o.quorum!.members) left.delete(id);
    }
  }
  if (ahead) return { quorate: ahead.quorum!.quorate, votes: ahead.quorum!.totalVotes, members: ahead.quorum!.members.length };
  if (left.size === q.members.length) return { quorate: q.quorate, votes: q.totalVotes, members: q.members.length };
  const votesOf = new Map((n.config?.nodelist ?? []).filter((e) => e.nodeId !== null).map((e) => [e.nodeId as number, nodeVotes(e.quorumVotes)]));
  const votes = [...left].reduce((sum, id) => sum + (votesOf.get(id) ?? DEFAULT_NODE_VOTES), 0);
  return { quorate: votes >= q.quorum, votes, members: left.size };
}

function greater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/**
 * Nodes whose Corosync just came up (or came back into view) and has been alone in a ring of its own
 * ever since: a join in progress (it forms a one-node ring first and merges a few seconds later), not a
 * partition and not a headline — for graceMs; still alone after that, it is cut off.
 */
export function joiningNodes(nodes: readonly NodeSnapshot[], now: number, graceMs: number): Set<number> {
  const out = new Set<number>();
  for (const n of nodes) {
    const q = n.quorum;
    if (!n.reachable || q === null || n.nodeId === null || n.viewSince === null || n.sawOthers) continue;
    if (q.members.length === 1 && q.members[0] === n.nodeId && now - n.viewSince < graceMs) out.add(n.nodeId);
  }
  return out;
}

/** A node's id for its view: known, else from the nodelist by name, else its position (never shown as a member). */
export function viewNodeId(n: NodeSnapshot, index: number, config: CorosyncConfig | null): number {
  return n.nodeId ?? config?.nodelist.find((e) => e.name === n.name)?.nodeId ?? index + 1;
}

export function toView(n: NodeSnapshot, index: number, config: CorosyncConfig | null, now: number): NodeView {
  const live = n.reachable && n.quorum !== null;
  return {
    nodeId: viewNodeId(n, index, config),
    name: n.name,
    reachable: live,
    reason: live ? null : (n.reason ?? 'no view yet'),
    // for an unreachable node: when it last answered, so the dashboard can show the age
    observedAt: n.lastOkAt ?? now,
    quorum: live ? n.quorum : null,
  };
}

/** corosync-qdevice-tool's Qdevice-net states, as the snapshot words them */
const NET_STATE: Record<QdeviceNetState, QDevice['state']> = { Connected: 'connected', Connecting: 'connecting', 'Connect failed': 'connect-failed', Disconnected: 'disconnected' };

/**
 * The QDevice from the observer's quorumtool (pseudo-row `0 ... Qdevice`, the Qdevice column: its vote, whether
 * it counts) and config (algorithm, host); its state toward qnetd from corosync-qdevice-tool -s when the
 * observer's daemon answered, else from quorumtool's Qdevice column (alive or not).
 */
export function qdeviceFrom(status: QuorumtoolStatus | null, config: CorosyncConfig | null, net: QdeviceNetState | null = null): QDevice | null {
  if (!status) return null;
  const rows = status.membership?.rows ?? [];
  const pseudo = rows.find((r) => r.isQdevice);
  const local = rows.find((r) => r.local);
  const flagged = status.votequorum?.flags.includes('Qdevice') ?? false;
  if (!pseudo && !flagged && !local?.qdevice?.registered) return null;
  const col = local?.qdevice ?? null;
  const castsVote = col?.castsVote ?? (pseudo?.votes ?? 0) > 0;
  return {
    votes: pseudo?.qdeviceVotes ?? (pseudo?.votes && pseudo.votes > 0 ? pseudo.votes : null) ?? config?.qdevice?.votes ?? 1,
    state: net !== null ? NET_STATE[net] : col === null || !col.registered ? 'unknown' : col.alive ? 'connected' : 'disconnected',
    algorithm: config?.qdevice?.algorithm ?? 'ffsplit',
    host: config?.qdevice?.host ?? null,
    castsVote,
  };
}

/** A partition: two reachable nodes each of which has the other outside its membership. One-sided
 * disagreement is not one — it is a view not yet updated (a frozen node's last word, or Corosync still
 * detecting), and flagging it would put a "partitioned … healed" pair on the timeline at every node loss. */
export function membershipsDisagree(views: readonly NodeView[], joining: ReadonlySet<number> = new Set()): boolean {
  const live = views.filter((v) => v.reachable && v.quorum && !joining.has(v.nodeId));
  for (const a of live) {
    for (const b of live) {
      if (a.nodeId < b.nodeId && !a.quorum!.members.includes(b.nodeId) && !b.quorum!.members.includes(a.nodeId)) return true;
    }
  }
  return false;
}

export function linksFrom(nodes: readonly NodeSnapshot[]): LinkObservation[] {
  const out: LinkObservation[] = [];
  for (const n of nodes) {
    if (!n.reachable || n.knet === null || n.nodeId === null) continue;
    out.push(...knetToLinkObservations(n.knet, n.nodeId, n.knetBaseline ?? []));
  }
  return out.sort((a, b) => a.from - b.from || a.to - b.to || a.link - b.link);
}

export interface AssembleInput {
  clusterId: string;
  kind: 'lab' | 'ssh';
  now: number;
  nodes: readonly NodeSnapshot[];
  /** the observer's config, else any node's, else the last one seen */
  config: CorosyncConfig | null;
  warnings: UnreachableWarning[];
  /** the leading node (chooseObserver), chosen once by the caller */
  observer: NodeSnapshot | null;
  /** nodes alone in a fresh ring (joiningNodes): not a partition */
  joining?: ReadonlySet<number>;
  /** when each node's state last changed; updated in place */
  since: Map<number, { state: ClusterNode['state']; since: number | null }>;
  /** the name the dashboard was given for this cluster: shown until a node's corosync.conf says its name */
  clusterName?: string;
}

/**
 * Before any node could be read (no nodelist yet): the configured nodes, state unknown, so the page can
 * name each with its reason (views) instead of "0 of 0". Ids are the nodes' own once known, else their
 * place in the configuration; the first real nodelist replaces them.
 */
function configuredNodes(nodes: readonly NodeSnapshot[]): ClusterNode[] {
  const used = new Set(nodes.flatMap((n) => (n.nodeId !== null ? [n.nodeId] : [])));
  let next = 1;
  return nodes.map((n) => {
    let id = n.nodeId;
    if (id === null) {
      while (used.has(next)) next++;
      id = next;
      used.add(id);
    }
    return { id, name: n.name, votes: DEFAULT_NODE_VOTES, state: 'unknown' as const, addresses: [], since: null };
  });
}

export function assembleSnapshot(input: AssembleInput): ClusterSnapshot {
  const { config, now, observer } = input;
  const views = input.nodes.map((n, i) => toView(n, i, config, now));
  const observerView = observer ? views.find((v) => v.name === observer.name) : undefined;
  const ordered = observerView ? [observerView, ...views.filter((v) => v !== observerView)] : views;
  const known = buildClusterNodes(config?.nodelist ?? [], observer?.quorum?.members ?? null);
  const clusterNodes = (config === null ? configuredNodes(input.nodes) : known).map((node) => {
    const prev = input.since.get(node.id);
    if (!prev) input.since.set(node.id, { state: node.state, since: null });
    else if (prev.state !== node.state) input.since.set(node.id, { state: node.state, since: now });
    return { ...node, since: input.since.get(node.id)?.since ?? null };
  });
  return {
    clusterId: input.clusterId,
    observedAt: now,
    source: input.kind,
    observer: observer && observer.nodeId !== null ? { nodeId: observer.nodeId, name: observer.name } : null,
    cluster: {
      name: config?.clusterName ?? input.clusterName ?? '',
      configVersion: config?.configVersion ?? null,
      transport: config?.transport ?? null,
      secureAuth: config?.secureAuth ?? null,
      quorumOptions: config?.quorumOptions ?? QuorumOptions.parse({}),
      tokenMs: config?.tokenMs ?? null,
      runtimeTokenMs: config?.runtimeTokenMs ?? null,
    },
    quorum: observer?.quorum ?? null,
    nodes: clusterNodes,
    links: linksFrom(input.nodes),
    qdevice: qdeviceFrom(observer?.status ?? null, config, observer?.qdeviceNet ?? null),
    storage: null, // not provided by this source
    views: ordered,
    partitioned: membershipsDisagree(views, input.joining),
    warnings: observer ? input.warnings : [],
  };
}
