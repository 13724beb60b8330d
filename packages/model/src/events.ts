// Typed events: state changes worth a line on the timeline (membership, quorum, links, storage state,
// Proxmox HA errors and fencing, Ceph health),
// never usage ticks. The diff of two snapshots produces EventDrafts; the BFF numbers them (seq).
import { z } from 'zod';
import { LinkNumber, NodeId, NodeName } from './snapshot';

const nodeRef = { nodeId: NodeId, name: NodeName };
const linkRef = { from: NodeId, to: NodeId, link: LinkNumber, fromName: NodeName, toName: NodeName };

export const EventBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('node-left'), ...nodeRef, votes: z.number().int() }),
  z.object({ type: z.literal('node-joined'), ...nodeRef, votes: z.number().int() }),
  z.object({
    type: z.literal('quorum-lost'),
    totalVotes: z.number().int(),
    quorum: z.number().int(),
    expectedVotes: z.number().int(),
    /** the configured nodes that are not members */
    missing: z.array(z.object(nodeRef)),
  }),
  z.object({
    type: z.literal('quorum-regained'),
    totalVotes: z.number().int(),
    quorum: z.number().int(),
    expectedVotes: z.number().int(),
  }),
  z.object({ type: z.literal('expected-votes-changed'), from: z.number().int(), to: z.number().int() }),
  z.object({ type: z.literal('link-down'), from: NodeId, to: NodeId, link: LinkNumber, fromName: NodeName, toName: NodeName }),
  z.object({ type: z.literal('link-up'), from: NodeId, to: NodeId, link: LinkNumber, fromName: NodeName, toName: NodeName }),
  z.object({ type: z.literal('config-version-changed'), from: z.number().int().nullable(), to: z.number().int().nullable() }),
  z.object({
    type: z.literal('storage-state-changed'),
    storage: z.string(),
    node: NodeName,
    active: z.boolean(),
    enabled: z.boolean(),
  }),
  z.object({
    type: z.literal('observer-changed'),
    from: z.object(nodeRef).nullable(),
    to: z.object(nodeRef).nullable(),
  }),
  z.object({ type: z.literal('partition-changed'), partitioned: z.boolean() }),
  z.object({
    type: z.literal('node-unreachable-warning'),
    ...nodeRef,
    expectedDropInMs: z.number(),
    quorateAfterDrop: z.boolean(),
    /** a correction of the running warning for this node: the forecast of quorum after the drop flipped */
    revised: z.boolean().optional(),
  }),
  z.object({ type: z.literal('node-unreachable-cleared'), ...nodeRef }),
  /**
   * A connected link between two nodes (per pair: from < to) worse than the cluster's thresholds for long
   * enough (hysteresis: see the link-health tracker): latency in ms and loss in % as measured then.
   */
  z.object({
    type: z.literal('link-degraded'),
    ...linkRef,
    latencyMs: z.number().nullable(),
    lossPct: z.number().nullable(),
    /** which threshold: 'latency' (above the bad mark) or 'loss' (sustained loss) */
    cause: z.enum(['latency', 'loss']),
  }),
  z.object({ type: z.literal('link-recovered'), ...linkRef, latencyMs: z.number().nullable(), lossPct: z.number().nullable() }),
  /** a Proxmox HA resource entered the 'error' state: the HA manager gave up on it (pve) */
  z.object({ type: z.literal('ha-error'), sid: z.string(), node: NodeName.nullable(), state: z.string() }),
  z.object({ type: z.literal('ha-error-cleared'), sid: z.string(), node: NodeName.nullable(), state: z.string() }),
  /** the HA manager is fencing a node (its resources wait in state 'fence' until it is) (pve) */
  z.object({ type: z.literal('ha-fencing'), node: NodeName }),
  /** Ceph's overall health changed, e.g. HEALTH_OK → HEALTH_WARN (pve) */
  z.object({ type: z.literal('ceph-health-changed'), from: z.string(), to: z.string() }),
]);
export type EventBody = z.infer<typeof EventBody>;
export type EventType = EventBody['type'];

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** What the diff produces: the body plus when and how bad. */
export const EventDraft = z.object({
  at: z.number(),
  severity: Severity,
  /** one line for humans, e.g. "quorum lost: 1 of 3 votes, 2 needed" */
  message: z.string(),
  body: EventBody,
});
export type EventDraft = z.infer<typeof EventDraft>;

/** A stored, numbered event. seq is gap-free per BFF and never reused. */
export const ClusterEvent = EventDraft.extend({
  seq: z.number().int().min(1),
  clusterId: z.string(),
});
export type ClusterEvent = z.infer<typeof ClusterEvent>;
