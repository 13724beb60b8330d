// PVE API replies → one ClusterSnapshot. Pure: the source calls it after every poll, the CLI on a replay dir.
//  - quorate comes from /cluster/status, never recomputed; votes from /cluster/config/nodes (+ the QDevice);
//    expected votes and quorum are derived with the model's votequorum rules ASSUMING default quorum {}
//    options (the API does not expose them): cluster.quorumOptionsKnown = false says so.
//  - a standalone node (no cluster entry, nodeid 0) is `standalone`, never "quorum lost".
//  - nodes are keyed by name: two nodes sharing a node id in a reply are still two nodes.
//  - storage from /cluster/resources: one row per (storage, node) → one Storage with per-node state; an
//    offline node's rows (status "unknown", no sizes) are `unknown`. Sizes are kept per storage and node,
//    never added across storages (two dir storages on one filesystem report the same size).
import {
  QuorumOptions,
  configuredExpectedVotes,
  defaultQdeviceVotes,
  evaluateQuorum,
  initialQuorumMemory,
  majority,
  nodeVotes,
  type ClusterNode,
  type ClusterSnapshot,
  type QDevice,
  type QuorumFlag,
  type QuorumState,
  type Storage,
} from '@quorate/model';
import { ConfigNode, QdeviceStatus, ResourceRow, StatusRow, Totem, parseRows } from './schemas';

/** the `data` of each reply; undefined = not available (404, failed or not polled yet) */
export interface PveReplies {
  status: unknown;
  configNodes?: unknown;
  qdevice?: unknown;
  totem?: unknown;
  resources?: unknown;
}

export interface BuildContext {
  clusterId: string;
  /** the dashboard's name for the cluster (used when the API gives none) */
  name: string;
  observedAt: number;
  /** when each node was last seen changing state (kept by the source between polls) */
  since?: ReadonlyMap<string, number>;
}

export interface BuildResult {
  snapshot: ClusterSnapshot;
  /** what was left out and why, in words (dropped rows, missing parts) */
  notes: string[];
}

const DEFAULT_OPTIONS = QuorumOptions.parse({});

function parseQdevice(data: unknown, nodes: { id: number; votes: number }[]): QDevice | null {
  const p = QdeviceStatus.safeParse(data);
  if (!p.success || p.data.State === undefined) return null; // {}: no corosync-qdevice runs on the answering node
  const q = p.data;
  const state: QDevice['state'] =
    q.State === 'Connected' ? 'connected' : q.State === 'Connecting' ? 'connecting' : q.State === 'Connect failed' ? 'connect-failed' : q.State === 'Disconnected' ? 'disconnected' : 'unknown';
  const algorithm: QDevice['algorithm'] = /lms/i.test(q.Algorithm ?? '') ? 'lms' : 'ffsplit';
  return {
    // the API shows no vote count: the default for the algorithm (quorum.device.votes unset)
    votes: defaultQdeviceVotes(algorithm, nodes),
    state,
    algorithm,
    host: q['QNetd host'] ?? null,
    castsVote: state === 'connected' && /\(cast vote\)\s*$/.test(q['Last poll call'] ?? ''),
  };
}

function addressesOf(n: Record<string, unknown>): ClusterNode['addresses'] {
  const out: ClusterNode['addresses'] = [];
  for (let link = 0; link <= 7; link++) {
    const a = n[`ring${link}_addr`];
    if (typeof a === 'string' && a) out.push({ link, address: a });
  }
  return out;
}

function buildStorage(data: unknown, online: ReadonlyMap<string, boolean>, notes: string[]): Storage[] {
  const { rows, dropped } = parseRows(data, ResourceRow, 'cluster/resources');
  notes.push(...dropped);
  const byId = new Map<string, Storage>();
  for (const r of rows) {
    if (r.type !== 'storage' || !r.storage || !r.node) continue;
    let s = byId.get(r.storage);
    if (!s) {
      s = { id: r.storage, type: r.plugintype ?? 'unknown', content: (r.content ?? '').split(',').filter(Boolean), shared: r.shared ?? false, nodes: [] };
      byId.set(r.storage, s);
    }
    if (r.shared) s.shared = true;
    // /cluster/status is the authority on online/offline: a row of an offline node is stale or unknown
    const known = r.status === 'available' && online.get(r.node) !== false && r.maxdisk !== undefined;
    const total = known ? (r.maxdisk ?? 0) : 0;
    const used = known ? (r.disk ?? 0) : 0;
    s.nodes.push({ node: r.node, enabled: true, active: known, totalBytes: total, usedBytes: used, availBytes: Math.max(0, total - used), ...(known ? {} : { unknown: true }) });
  }
  const list = [...byId.values()];
  for (const s of list) s.nodes.sort((a, b) => a.node.localeCompare(b.node));
  return list.sort((a, b) => a.id.localeCompare(b.id));
}

export function buildSnapshot(replies: PveReplies, ctx: BuildContext): BuildResult {
  const notes: string[] = [];
  const status = parseRows(replies.status, StatusRow, 'cluster/status');
  notes.push(...status.dropped);
  const clusterRow = status.rows.find((r) => r.type === 'cluster');
  const statusNodes = status.rows.filter((r): r is Extract<StatusRow, { type: 'node' }> => r.type === 'node');
  const local = statusNodes.find((n) => n.local === true) ?? null;
  const standalone = clusterRow === undefined && statusNodes.length === 1 && (statusNodes[0]!.nodeid ?? 0) === 0;

  // configuration: votes and addresses by name
  let config: ConfigNode[] = [];
  if (replies.configNodes !== undefined) {
    const c = parseRows(replies.configNodes, ConfigNode, 'cluster/config/nodes');
    notes.push(...c.dropped);
    config = c.rows;
  } else if (!standalone) notes.push('cluster/config/nodes not available: votes assumed 1 per node');

  const names: string[] = [];
  const seen = new Set<string>();
  for (const n of [...config.map((c) => (c.name ?? c.node)!), ...statusNodes.map((s) => s.name)]) {
    if (!seen.has(n)) {
      seen.add(n);
      names.push(n);
    }
  }
  const statusByName = new Map(statusNodes.map((s) => [s.name, s]));
  const configByName = new Map(config.map((c) => [(c.name ?? c.node)!, c]));
  const nodes: ClusterNode[] = names.map((name) => {
    const s = statusByName.get(name);
    const c = configByName.get(name);
    const id = c?.nodeid ?? s?.nodeid ?? 0;
    const state: ClusterNode['state'] = s?.online === undefined ? 'unknown' : s.online ? 'online' : 'offline';
    const addresses = c ? addressesOf(c) : s?.ip ? [{ link: 0, address: s.ip }] : [];
    return { id, name, votes: nodeVotes(c?.quorum_votes), state, addresses, since: ctx.since?.get(name) ?? null };
  });
  nodes.sort((a, b) => a.id - b.id || a.name.localeCompare(b.name));

  const voteNodes = nodes.map((n) => ({ id: n.id, votes: n.votes }));
  const qdevice = standalone ? null : replies.qdevice === undefined ? null : parseQdevice(replies.qdevice, voteNodes);

  let quorum: QuorumState | null = null;
  if (standalone) {
    // pmxcfs runs in local mode: always quorate, one vote
    quorum = { expectedVotes: 1, highestExpected: 1, totalVotes: 1, quorum: 1, quorate: true, flags: ['Quorate'], ringId: null, members: [0] };
  } else if (clusterRow && local) {
    // members: the online nodes as the answering node sees them
    const members = nodes.filter((n) => n.state === 'online').map((n) => n.id);
    const memberSet = new Set(members);
    const onlineVotes = nodes.filter((n) => n.state === 'online').reduce((s, n) => s + n.votes, 0);
    const ev = evaluateQuorum({
      options: DEFAULT_OPTIONS,
      nodes: voteNodes,
      members: [...memberSet],
      qdevice: qdevice ? { votes: qdevice.votes, algorithm: qdevice.algorithm, castsVote: qdevice.castsVote } : null,
      memory: initialQuorumMemory(),
      now: ctx.observedAt,
    }).state;
    const expected = configuredExpectedVotes(DEFAULT_OPTIONS, voteNodes, qdevice?.votes ?? 0);
    const total = onlineVotes + (qdevice?.castsVote ? qdevice.votes : 0);
    const quorate = clusterRow.quorate; // the cluster's word, never recomputed
    const flags: QuorumFlag[] = ev.flags.filter((f) => f !== 'Quorate');
    if (quorate) flags.unshift('Quorate');
    quorum = {
      expectedVotes: Math.max(expected, total),
      highestExpected: Math.max(expected, total),
      totalVotes: total,
      quorum: Math.max(majority(Math.max(expected, total)), majority(total)),
      quorate,
      flags: (['2Node', 'Quorate', 'WaitForAll', 'LastManStanding', 'AutoTieBreaker', 'AllowDownscale', 'Qdevice'] as const).filter((f) => flags.includes(f)),
      ringId: null,
      members: [...memberSet].sort((a, b) => a - b),
    };
  }

  let totem: ReturnType<typeof Totem.parse> | null = null;
  if (replies.totem !== undefined) {
    const t = Totem.safeParse(replies.totem);
    if (t.success) totem = t.data;
    else notes.push('cluster/config/totem: not an object');
  }

  const online = new Map(nodes.map((n) => [n.name, n.state === 'online']));
  let storage: Storage[] | null = null;
  if (replies.resources !== undefined) {
    try {
      storage = buildStorage(replies.resources, online, notes);
    } catch (err) {
      notes.push((err as Error).message);
    }
  }

  const observer = local ? { nodeId: nodes.find((n) => n.name === local.name)?.id ?? local.nodeid ?? 0, name: local.name } : null;
  const snapshot: ClusterSnapshot = {
    clusterId: ctx.clusterId,
    observedAt: ctx.observedAt,
    source: 'pve',
    observer,
    cluster: {
      name: clusterRow?.name ?? totem?.cluster_name ?? (standalone ? statusNodes[0]!.name : ctx.name),
      configVersion: clusterRow?.version ?? totem?.config_version ?? null,
      transport: totem ? (totem.transport ?? 'knet') : null,
      secureAuth: totem?.secauth !== undefined ? totem.secauth === 'on' : null,
      quorumOptions: DEFAULT_OPTIONS,
      quorumOptionsKnown: false,
      ...(standalone ? { standalone: true } : {}),
      tokenMs: totem?.token ?? null,
      runtimeTokenMs: null,
    },
    quorum,
    nodes,
    links: [],
    qdevice,
    storage,
    views: observer ? [{ nodeId: observer.nodeId, name: observer.name, reachable: true, reason: null, observedAt: ctx.observedAt, quorum }] : [],
    partitioned: false,
    warnings: [],
  };
  return { snapshot, notes };
}
