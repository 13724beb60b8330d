// The socket.io protocol between the BFF and browsers, shared by both ends.
import { z } from 'zod';
import { ClusterSnapshot } from './snapshot';
import { ClusterEvent } from './events';
import { SnapshotPatch } from './patch';
import { ClusterOrigin, RemovedCluster } from './clusters';
import { TaskMessage } from './tasks';
import type { IncidentChange } from './incidents';

/** client -> server: join a cluster's room, optionally resuming. Ack: SubscribeAck. */
export const SubscribeRequest = z.object({
  clusterId: z.string().min(1).optional(),
  /** last snapshot revision the client holds */
  rev: z.number().int().min(0).optional(),
  /** last event seq the client holds */
  seq: z.number().int().min(0).optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export const SubscribeAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    clusterId: z.string(),
    /** how the client was brought up to date */
    resumed: z.enum(['snapshot', 'patches']),
    /** when the client sent a seq: how many missed events follow, or that it is too far behind
     * (events older than the oldest kept were pruned): it then reloads the timeline from REST */
    catchUp: z.object({ events: z.number().int().min(0), tooFarBehind: z.boolean() }).optional(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type SubscribeAck = z.infer<typeof SubscribeAck>;

/** server -> client messages */
export const SnapshotMessage = z.object({ clusterId: z.string(), rev: z.number().int(), snapshot: ClusterSnapshot });
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;
export const PatchMessage = z.object({ clusterId: z.string(), patch: SnapshotPatch });
export type PatchMessage = z.infer<typeof PatchMessage>;

export const SocketEvents = {
  subscribe: 'subscribe',
  snapshot: 'snapshot',
  patch: 'patch',
  event: 'event',
  task: 'task',
  clusters: 'clusters',
  clusterStates: 'clusterStates',
  incident: 'incident',
} as const;

/**
 * The whole socket.io contract, typed for both ends (socket.io's generics): the BFF's
 * `Server<ClientToServer, ServerToClient>` and the browser's `Socket<ServerToClient, ClientToServer>`.
 * A wrong event name or payload fails the type check on either side. Payloads are validated by the
 * schemas above where they cross the trust boundary (the BFF parses every subscribe request).
 */
export interface ServerToClient {
  [SocketEvents.snapshot]: (msg: SnapshotMessage) => void;
  [SocketEvents.patch]: (msg: PatchMessage) => void;
  [SocketEvents.event]: (event: ClusterEvent) => void;
  /** a task on the subscribed cluster: new log lines and its state (to the cluster's room) */
  [SocketEvents.task]: (msg: TaskMessage) => void;
  /** an incident on the subscribed cluster opened, changed or closed (to the cluster's room) */
  [SocketEvents.incident]: (msg: IncidentChange) => void;
  /** the cluster list changed (added, renamed, removed, a new default): the whole list, to every socket */
  [SocketEvents.clusters]: (list: ClusterList) => void;
  /** some clusters' states changed (health, votes, nodes, source): only those, merged into the list held */
  [SocketEvents.clusterStates]: (msg: ClusterStates) => void;
}
export interface ClientToServer {
  /** the request is `unknown` on the server until SubscribeRequest has parsed it */
  [SocketEvents.subscribe]: (req: SubscribeRequest, ack: (reply: SubscribeAck) => void) => void;
}

/** REST */
export const EventsQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cluster: z.string().min(1).optional(),
});
export const EventsPage = z.object({ events: z.array(ClusterEvent), next: z.number().int() });
export type EventsPage = z.infer<typeof EventsPage>;

/** what a cluster's source can do besides watching (packages/sources SourceCapabilities) */
export const Capability = z.enum(['faults', 'expectedVotes', 'stateExport', 'join', 'create', 'delnode', 'advisorFacts', 'qdevice', 'links']);
export type Capability = z.infer<typeof Capability>;

/** the newest snapshot's vote arithmetic (corosync-quorumtool's Total votes, Expected votes, Quorum) */
export const ClusterVotes = z.object({
  total: z.number().int().min(0),
  expected: z.number().int().min(0),
  /** votes needed */
  quorum: z.number().int().min(0),
});
export type ClusterVotes = z.infer<typeof ClusterVotes>;

/** the newest snapshot's nodes: online (in the observer's membership) of all configured */
export const NodeCount = z.object({ online: z.number().int().min(0), total: z.number().int().min(0) });
export type NodeCount = z.infer<typeof NodeCount>;

/**
 * A cluster's state in the cluster list (the header's switcher, the all-clusters page): the model's
 * clusterHealth of the newest snapshot (healthy never without a live source), the source's own state,
 * whether a pinned TLS certificate stopped matching (the admin sees both fingerprints in GET
 * /api/v1/clusters/:id), its votes and nodes, and since when its health is what it is. The newer fields
 * are optional: older BFFs and the `?sample=` lists have none.
 */
export const ClusterState = z.object({
  health: z.enum(['healthy', 'degraded', 'lost', 'unknown']),
  source: z.enum(['starting', 'ok', 'degraded', 'down']),
  certificateChanged: z.boolean().optional(),
  /** null: no snapshot yet, or no node could be asked */
  votes: ClusterVotes.nullable().optional(),
  /** null: no snapshot yet */
  nodes: NodeCount.nullable().optional(),
  /** ms since the epoch when `health` last changed, as this BFF saw it (its first look counts) */
  since: z.number().int().min(0).optional(),
});
export type ClusterState = z.infer<typeof ClusterState>;

export const ClusterSummary = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  default: z.boolean(),
  origin: ClusterOrigin,
  /** the page shows only what the cluster can do (lab controls: faults; the pvecm expected dialog: expectedVotes) */
  capabilities: z.array(Capability),
  /** optional: a sample list (?sample=) has none */
  state: ClusterState.optional(),
});
export const ClusterList = z.object({
  clusters: z.array(ClusterSummary),
  /** removed clusters whose history is kept (their events stay readable in /history) */
  removed: z.array(RemovedCluster).optional(),
});
export type ClusterList = z.infer<typeof ClusterList>;

/**
 * The states (and what the cluster can do: a replica learns that from the lease holder) that changed since the last message: with 100 clusters the whole list is 33 KB, and a fault
 * somewhere changes some state every second, to every socket (issue 17 measured 3.7 lists a second per socket).
 */
export const ClusterStates = z.object({ states: z.array(z.object({ id: z.string(), state: ClusterState, capabilities: z.array(Capability) })) });
export type ClusterStates = z.infer<typeof ClusterStates>;

/** the one error shape of the REST API */
export const ApiError = z.object({ error: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() });
export type ApiError = z.infer<typeof ApiError>;
