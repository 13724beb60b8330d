// Node states -> one ClusterSnapshot. Pure: the source calls it on every change.
import { buildClusterNodes, knetToLinkObservations, type QuorumtoolStatus } from '@quorate/corosync';
import {
  QuorumOptions,
  type ClusterNode,
  type ClusterSnapshot,
  type LinkObservation,
  type NodeView,
  type QDevice,
  type UnreachableWarning,
} from '@quorate/model';
import type { CorosyncConfig } from './config';
import type { NodeSnapshot } from './node';

/** The node whose view leads: the lowest-id node that answered with a quorum view. */
export function chooseObserver(nodes: readonly NodeSnapshot[]): NodeSnapshot | null {
  let best: NodeSnapshot | null = null;
  for (const n of nodes) {
    if (!n.reachable || n.quorum === null || n.nodeId === null) continue;
    if (best === null || n.nodeId < (best.nodeId ?? Infinity)) best = n;
  }
  return best;
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

/** The QDevice as the observer's quorumtool shows it (pseudo-row `0 ... Qdevice`, the Qdevice column). */
export function qdeviceFrom(status: QuorumtoolStatus | null, config: CorosyncConfig | null): QDevice | null {
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
    state: col === null || !col.registered ? 'unknown' : col.alive ? 'connected' : 'disconnected',
    algorithm: config?.qdevice?.algorithm ?? 'ffsplit',
    host: config?.qdevice?.host ?? null,
    castsVote,
  };
}

/** A partition: two reachable nodes each of which has the other outside its membership. One-sided
 * disagreement is not one — it is a view not yet updated (a frozen node's last word, or Corosync still
 * detecting), and flagging it would put a "partitioned … healed" pair on the timeline at every node loss. */
export function membershipsDisagree(views: readonly NodeView[]): boolean {
  const live = views.filter((v) => v.reachable && v.quorum);
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
  kind: 'lab' | 'pve';
  now: number;
  nodes: readonly NodeSnapshot[];
  /** the observer's config, else any node's, else the last one seen */
  config: CorosyncConfig | null;
  warnings: UnreachableWarning[];
  /** when each node's state last changed; updated in place */
  since: Map<number, { state: ClusterNode['state']; since: number | null }>;
}

export function assembleSnapshot(input: AssembleInput): ClusterSnapshot {
  const { config, now } = input;
  const observer = chooseObserver(input.nodes);
  const views = input.nodes.map((n, i) => toView(n, i, config, now));
  const observerView = observer ? views.find((v) => v.name === observer.name) : undefined;
  const ordered = observerView ? [observerView, ...views.filter((v) => v !== observerView)] : views;
  const clusterNodes = buildClusterNodes(config?.nodelist ?? [], observer?.quorum?.members ?? null).map((node) => {
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
      name: config?.clusterName ?? '',
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
    qdevice: qdeviceFrom(observer?.status ?? null, config),
    storage: null, // not provided by this source
    views: ordered,
    partitioned: membershipsDisagree(views),
    warnings: observer ? input.warnings : [],
  };
}
