// PVE API replies → one ClusterSnapshot. Pure: the source calls it after every poll, the CLI on a replay dir.
//  - quorate comes from /cluster/status, never recomputed; votes from /cluster/config/nodes (+ the QDevice);
//    expected votes and quorum are derived with the model's votequorum rules ASSUMING default quorum {}
//    options (the API does not expose them): cluster.quorumOptionsKnown = false says so.
//  - a standalone node (no cluster entry, nodeid 0) is `standalone`, never "quorum lost".
//  - nodes are keyed by name: two nodes sharing a node id in a reply are still two nodes.
//  - storage (build-storage.ts), each node's load, versions and guests (build-nodes.ts), HA (build-ha.ts)
//    and Ceph (build-ceph.ts) from their own replies; a reply that is missing leaves its part null.
//  - `unavailable`: what the API cannot show without SSH (links, quorum options, the early warning, push
//    speed), and each part the token was refused (403) or that failed, with the privilege it needs.
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
  type Unavailable,
  type QuorumFlag,
  type QuorumState,
  type Storage,
} from '@quorate/model';
import { buildCeph } from './build-ceph';
import { buildHa } from './build-ha';
import { nodeResources, versionsOf, type NodeVersions } from './build-nodes';
import { buildStorage } from './build-storage';
import { coverage, parsePermissions } from './permissions';
import { ConfigNode, NodeStatusReply, QdeviceStatus, ResourceRow, StatusRow, Totem, parseRows } from './schemas';

/** a part that answered with an error (or not at all): why it is missing */
export interface PartFailure {
  /** the API path, e.g. "cluster/ha/status/current", "nodes/pve3/status" */
  path: string;
  /** the HTTP status, null when no answer came (timeout, refused) */
  status: number | null;
  message: string;
}

/** the `data` of each reply; undefined = not available (404, failed or not polled yet) */
export interface PveReplies {
  status: unknown;
  configNodes?: unknown;
  qdevice?: unknown;
  totem?: unknown;
  resources?: unknown;
  ha?: unknown;
  ceph?: unknown;
  /** GET /storage */
  storageConfig?: unknown;
  /** GET /access/permissions */
  permissions?: unknown;
  /** node → GET /nodes/{node}/status data (online nodes, last answer kept between polls) */
  nodeStatus?: ReadonlyMap<string, unknown>;
  /** node → GET /nodes/{node}/storage data */
  nodeStorage?: ReadonlyMap<string, unknown>;
  failures?: readonly PartFailure[];
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

/** what the HTTP API never shows; merge.ts drops these lines once Corosync answers over SSH */
const WITHOUT_SSH: Unavailable[] = [
  { what: 'links', why: 'needs SSH to the nodes: the API does not expose knet link state, latency or loss' },
  { what: 'quorum-options', why: 'needs SSH to the nodes: the API does not expose the quorum {} options (two_node, wait_for_all, last_man_standing, auto_tie_breaker); expected votes and quorum assume the defaults' },
  { what: 'early-warning', why: 'needs SSH to the nodes: the API does not expose knet link state, so a node cut off on every link is seen only once Corosync drops it' },
  { what: 'push', why: 'needs SSH to the nodes: the API is polled every 2 s, membership changes are not pushed' },
];

/** the part each failed path belongs to (paths without one only make a note) */
function partOf(path: string): Unavailable['what'] | null {
  if (path === 'cluster/ha/status/current') return 'ha';
  if (path === 'cluster/ceph/status') return 'ceph';
  if (path === 'cluster/resources' || path === 'storage' || /^nodes\/[^/]+\/storage$/.test(path)) return 'storage';
  if (/^nodes\/[^/]+\/status$/.test(path)) return 'node-status';
  return null;
}

/** a refused part (403) or one that answered with an error is unavailable, with why; the rest are notes */
function unavailableParts(failures: readonly PartFailure[], notes: string[]): Unavailable[] {
  const out = new Map<Unavailable['what'], string[]>();
  for (const f of failures) {
    const what = partOf(f.path);
    const perNode = /^nodes\//.test(f.path);
    // per-node calls: a 595/596 or timeout is that node being unreachable — a note, not a blind spot
    if (perNode && f.status !== 403) {
      notes.push(`${f.path}: ${f.message}`);
      continue;
    }
    // no answer at all: the source keeps the part's last data and its health says why
    if (what === null || f.status === null) continue;
    out.set(what, [...(out.get(what) ?? []), f.message]);
  }
  return [...out].map(([what, why]) => ({ what, why: why.join('; ') }));
}

function versionsFrom(data: ReadonlyMap<string, unknown> | undefined, notes: string[]): Map<string, NodeVersions> {
  const out = new Map<string, NodeVersions>();
  for (const [node, d] of data ?? []) {
    const p = NodeStatusReply.safeParse(d);
    if (p.success) out.set(node, versionsOf(p.data));
    else notes.push(`nodes/${node}/status: ${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? 'invalid'}`.trim());
  }
  return out;
}

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

  let resourceRows: ResourceRow[] | null = null;
  if (replies.resources !== undefined) {
    try {
      const r = parseRows(replies.resources, ResourceRow, 'cluster/resources');
      notes.push(...r.dropped);
      resourceRows = r.rows;
    } catch (err) {
      notes.push((err as Error).message);
    }
  }
  const storage: Storage[] | null = resourceRows ? buildStorage({ resources: resourceRows, config: replies.storageConfig, nodeStorage: replies.nodeStorage }, nodes, notes) : null;
  const { ha, lrm } = buildHa(replies.ha, notes);
  const ceph = buildCeph(replies.ceph, notes);
  const unavailable = standalone ? [] : [...WITHOUT_SSH];
  const perms = replies.permissions === undefined ? null : parsePermissions(replies.permissions);
  const guestCoverage = perms ? coverage(perms, '/vms', 'VM.Audit') : 'all';
  if (guestCoverage === 'none') unavailable.push({ what: 'guests', why: 'the token lacks VM.Audit on /vms: /cluster/resources leaves guests out without an error, so guest counts are unknown' });
  if (guestCoverage === 'some') unavailable.push({ what: 'guests', why: 'the token has VM.Audit on some guests only (not on /vms): guest counts cover only those' });
  unavailable.push(...unavailableParts(replies.failures ?? [], notes));
  const withResources = nodeResources(nodes, { resources: resourceRows, versions: versionsFrom(replies.nodeStatus, notes), guestsVisible: guestCoverage !== 'none', lrm: ha ? lrm : null });
  for (const n of nodes) n.resources = withResources.get(n.name);

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
    ha,
    ceph,
    unavailable,
  };
  return { snapshot, notes };
}
