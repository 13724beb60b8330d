// The cluster snapshot: everything the dashboard knows about one cluster at one instant.
// Types flow from these schemas; the BFF validates what sources produce and the web trusts what the BFF sends.
import { z } from 'zod';

export const NodeId = z.number().int().min(0).max(65535);
export const NodeName = z.string().min(1).max(64);
export const LinkNumber = z.number().int().min(0).max(7);

/** votequorum flags, in the order corosync-quorumtool prints them. */
export const QuorumFlag = z.enum([
  '2Node',
  'Quorate',
  'WaitForAll',
  'LastManStanding',
  'AutoTieBreaker',
  'AllowDownscale',
  'Qdevice',
]);
export type QuorumFlag = z.infer<typeof QuorumFlag>;

/** The votequorum options of corosync.conf's quorum {} section that change the arithmetic. */
export const QuorumOptions = z.object({
  /** quorum.expected_votes; null = sum of the nodelist's quorum_votes */
  expectedVotes: z.number().int().min(1).nullable().default(null),
  twoNode: z.boolean().default(false),
  /** null = implied (on with two_node, else off) */
  waitForAll: z.boolean().nullable().default(null),
  lastManStanding: z.boolean().default(false),
  lastManStandingWindowMs: z.number().int().min(0).default(10_000),
  autoTieBreaker: z.boolean().default(false),
  /** 'lowest' | 'highest' | explicit node id list in priority order */
  autoTieBreakerNode: z.union([z.enum(['lowest', 'highest']), z.array(NodeId).min(1)]).default('lowest'),
});
export type QuorumOptions = z.infer<typeof QuorumOptions>;

/** Quorum as one node sees it (the numbers of `corosync-quorumtool -s`). */
export const QuorumState = z.object({
  expectedVotes: z.number().int().min(0),
  highestExpected: z.number().int().min(0),
  totalVotes: z.number().int().min(0),
  /** votes needed: the "Quorum:" line */
  quorum: z.number().int().min(0),
  quorate: z.boolean(),
  flags: z.array(QuorumFlag),
  ringId: z.string().nullable(),
  /** node ids in this view's membership */
  members: z.array(NodeId),
});
export type QuorumState = z.infer<typeof QuorumState>;

export const NodeAddress = z.object({ link: LinkNumber, address: z.string().min(1) });

export const NodeState = z.enum(['online', 'offline', 'unknown']);
export type NodeState = z.infer<typeof NodeState>;

/**
 * What the Proxmox API says about one node (pve): load, versions and guests. Absent on other sources;
 * every field is null when the node is offline or the token may not read it.
 */
export const NodeResources = z.object({
  /** CPU use 0–1 of all its cores */
  cpu: z.number().min(0).nullable(),
  cpus: z.number().int().min(0).nullable(),
  memUsedBytes: z.number().min(0).nullable(),
  memTotalBytes: z.number().min(0).nullable(),
  uptimeS: z.number().min(0).nullable(),
  /** "pve-manager/8.2.4/faa83925" as /nodes/{node}/status reports it */
  pveVersion: z.string().nullable(),
  kernel: z.string().nullable(),
  /** guests placed on this node (templates excluded); null when the token may not see guests (VM.Audit) */
  guests: z
    .object({
      running: z.number().int().min(0),
      stopped: z.number().int().min(0),
      /** state not known: the node is offline (the API shows them 'unknown') */
      unknown: z.number().int().min(0),
      /** guests under HA management (hastate set) */
      haManaged: z.number().int().min(0),
    })
    .nullable(),
  /** the HA local resource manager on this node: 'active', 'idle', 'old timestamp - dead?', …; null without HA */
  haLrm: z.string().nullable(),
});
export type NodeResources = z.infer<typeof NodeResources>;

/** Proxmox HA: the manager's quorum and master, and every resource that is in error (pve). */
export const HaStatus = z.object({
  /** the HA manager's own view of cluster quorum */
  quorate: z.boolean().nullable(),
  master: z.string().nullable(),
  /** HA resources, e.g. {sid: "vm:100", node: "pve1", state: "started"} */
  services: z.array(z.object({ sid: z.string().min(1), node: z.string().nullable(), state: z.string() })),
  /** nodes holding an HA service in state 'fence' (/cluster/resources): the HA stack is fencing them */
  fencing: z.array(z.string()),
});
export type HaStatus = z.infer<typeof HaStatus>;

/** Ceph has its own quorum (monitors) that admins confuse with Corosync's: shown apart (pve). */
export const CephStatus = z.object({
  /** HEALTH_OK, HEALTH_WARN, HEALTH_ERR */
  health: z.string(),
  /** the short texts of the health checks (e.g. "1 osds down") */
  checks: z.array(z.string()),
  monitors: z.array(z.object({ name: z.string(), inQuorum: z.boolean() })),
  osdsUp: z.number().int().min(0).nullable(),
  osdsIn: z.number().int().min(0).nullable(),
  osdsTotal: z.number().int().min(0).nullable(),
});
export type CephStatus = z.infer<typeof CephStatus>;

/** Where a source cannot see something (pve without SSH: links, exact quorum options): one line each. */
export const Unavailable = z.object({ what: z.enum(['links', 'quorum-options', 'early-warning', 'push', 'storage', 'guests', 'node-status', 'ha', 'ceph']), why: z.string() });
export type Unavailable = z.infer<typeof Unavailable>;

/** A configured cluster node, as the observer's view has it. */
export const ClusterNode = z.object({
  id: NodeId,
  name: NodeName,
  votes: z.number().int().min(0),
  /** online = in the observer's membership; unknown = no trustworthy view */
  state: NodeState,
  addresses: z.array(NodeAddress),
  /** when this node's state last changed (ms since epoch), if known */
  since: z.number().nullable().default(null),
  /** pve: load, versions, guests; absent on other sources */
  resources: NodeResources.optional(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

/** One knet link from one node to a peer, as the `from` node's knet reports it. */
export const LinkObservation = z.object({
  from: NodeId,
  to: NodeId,
  link: LinkNumber,
  enabled: z.boolean(),
  connected: z.boolean(),
  latencyAvgMs: z.number().min(0).nullable(),
  latencyMaxMs: z.number().min(0).nullable(),
  /** packet loss in percent where the source can know it */
  lossPct: z.number().min(0).max(100).nullable(),
  downCount: z.number().int().min(0),
});
export type LinkObservation = z.infer<typeof LinkObservation>;

export const QDeviceState = z.enum(['connected', 'connecting', 'connect-failed', 'disconnected', 'unknown']);
export const QDevice = z.object({
  votes: z.number().int().min(0),
  state: QDeviceState,
  algorithm: z.enum(['ffsplit', 'lms']),
  host: z.string().nullable(),
  /** whether the device's vote counts in the observer's partition right now */
  castsVote: z.boolean(),
});
export type QDevice = z.infer<typeof QDevice>;

export const StorageOnNode = z.object({
  node: NodeName,
  enabled: z.boolean(),
  active: z.boolean(),
  totalBytes: z.number().min(0),
  usedBytes: z.number().min(0),
  availBytes: z.number().min(0),
  /** true: the node is offline and its state and sizes are not known (pve); absent = known */
  unknown: z.boolean().optional(),
});
export const Storage = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  content: z.array(z.string()),
  shared: z.boolean(),
  nodes: z.array(StorageOnNode),
});
export type Storage = z.infer<typeof Storage>;

/** The view of one node that could be asked: membership and quorum as that node sees it. */
export const NodeView = z.object({
  nodeId: NodeId,
  name: NodeName,
  /** false: the node could not be asked; quorum is then null and reason says why */
  reachable: z.boolean(),
  reason: z.string().nullable(),
  observedAt: z.number(),
  quorum: QuorumState.nullable(),
});
export type NodeView = z.infer<typeof NodeView>;

/** knet says every link to a node is down before Corosync drops it: the early warning. */
export const UnreachableWarning = z.object({
  nodeId: NodeId,
  name: NodeName,
  since: z.number(),
  /** ms until Corosync is expected to drop the node (from `since`) */
  expectedDropInMs: z.number().min(0),
  /** quorum if it is dropped: would the observer's side stay quorate? */
  quorateAfterDrop: z.boolean(),
  totalVotesAfterDrop: z.number().int().min(0),
  expectedVotesAfterDrop: z.number().int().min(0),
});
export type UnreachableWarning = z.infer<typeof UnreachableWarning>;

/** sim: the simulator; lab: Corosync in network namespaces; ssh: Corosync tools over SSH; pve: the Proxmox VE HTTP API */
export const SourceKind = z.enum(['sim', 'lab', 'ssh', 'pve']);
export type SourceKind = z.infer<typeof SourceKind>;

export const ClusterSnapshot = z.object({
  /** the BFF's id of this cluster (room name, ?cluster=) */
  clusterId: z.string().min(1),
  observedAt: z.number(),
  source: SourceKind,
  /** the node whose view leads; null when no node could be asked */
  observer: z.object({ nodeId: NodeId, name: NodeName }).nullable(),
  cluster: z.object({
    name: z.string(),
    configVersion: z.number().int().nullable(),
    transport: z.string().nullable(),
    secureAuth: z.boolean().nullable(),
    quorumOptions: QuorumOptions,
    /** false: quorumOptions are assumed defaults, not read from corosync.conf (pve without SSH), so expected votes and quorum are derived; absent = known */
    quorumOptionsKnown: z.boolean().optional(),
    /** true: a single node that is not in a cluster (pve: no cluster entry, node id 0) — not clustered, never 'quorum lost'; absent = false */
    standalone: z.boolean().optional(),
    /** totem token (ms) as configured, and the runtime value for this node count */
    tokenMs: z.number().int().min(0).nullable(),
    runtimeTokenMs: z.number().int().min(0).nullable(),
  }),
  /** the observer's view of quorum; null when no node could be asked */
  quorum: QuorumState.nullable(),
  nodes: z.array(ClusterNode),
  links: z.array(LinkObservation),
  qdevice: QDevice.nullable(),
  /** null: the source does not provide storage */
  storage: z.array(Storage).nullable(),
  /** every node that was asked, observer first */
  views: z.array(NodeView),
  /** true when reachable nodes disagree on membership */
  partitioned: z.boolean(),
  warnings: z.array(UnreachableWarning).default([]),
  /** pve: Proxmox HA (null: no HA configured or not readable); absent on other sources */
  ha: HaStatus.nullable().optional(),
  /** pve: Ceph (null: no Ceph); absent on other sources */
  ceph: CephStatus.nullable().optional(),
  /** what this source cannot see, and why (pve without SSH); absent = sees everything it shows */
  unavailable: z.array(Unavailable).optional(),
});
export type ClusterSnapshot = z.infer<typeof ClusterSnapshot>;
