// The simulator's whole state as plain JSON: what exportState() hands out, a checkpoint keeps and
// createSimSource({ state }) resumes. Its shape is a saved format: change it only with a migration.
import type { QuorumMemory, QuorumState } from '@quorate/model';
import type { SimConfig } from './options';
import type { ScheduledStep } from './scenarios';
import type { SimSpare } from './spares';
import type { StorageUsage } from './storage';

export type NodeStatus = 'running' | 'crashed' | 'stopped';

export interface SimRing {
  id: string;
  members: number[];
  memory: QuorumMemory;
  /** when this ring started to differ from the partitions it should become */
  pendingSince: number | null;
  /** the pending change involves a failure (slow) rather than only joins (quick) */
  pendingFailure: boolean;
  state: QuorumState | null;
  castsVote: boolean;
}

export interface Quality {
  latencyMs: number;
  lossPct: number;
  jitterMs: number;
}

/** Everything needed to resume; plain JSON. */
export interface SimState {
  version: 1;
  config: SimConfig;
  clock: number;
  startedAt: number;
  rng: number;
  tickCount: number;
  nextTickAt: number;
  ringSeq: number;
  status: NodeStatus[];
  /** index = node index; the ring id each running node is in (null when down) */
  ringOf: Array<string | null>;
  rings: SimRing[];
  /** [node][link] */
  linkDown: boolean[][];
  quality: Quality[][];
  /** partition group per node; null = no partition */
  groups: number[] | null;
  /** per pair-link (index (i*N+j)*L+l, i<j): physically up, knet connected, when it physically changed, down count, when knet disconnected */
  physUp: number[];
  connected: number[];
  changedAt: number[];
  downCount: number[];
  disconnectedAt: number[];
  /** node id whose view the snapshot reports (observer.ts), null when none runs. Added after version 1
   * first shipped: a state saved without it resumes with the lowest running node, whom it reported. */
  observer: number | null;
  nodeState: Array<'online' | 'offline' | 'unknown'>;
  nodeSince: number[];
  storage: StorageUsage;
  scheduled: ScheduledStep[];
  /** the nodelist as joins, creates and delnodes left it (index = node index); absent: pve1..pveN of config */
  nodelist?: SimNodeDef[];
  /** corosync.conf's config_version: each join and delnode adds one, a create starts at 1; absent: 1 */
  configVersion?: number;
  /** the cluster's name after a create; absent: config's */
  clusterName?: string;
  /** the QDevice as toggled (spares.ts); absent: config's */
  qdevice?: SimConfig['qdevice'];
  /** standalone nodes beside the cluster; absent: none */
  spares?: SimSpare[];
  /** the simulated corosync-qnetd host cannot be reached (TCP 5403 times out); absent: reachable */
  qnetdUnreachable?: boolean;
  /** links per node after a link change (link-change.ts); absent: config's linkCount */
  linkCount?: number;
  /** knet_link_priority per link as corosync.conf sets it; absent: none set */
  linkPriority?: number[] | undefined;
  /** totem.link_mode; absent: passive */
  linkMode?: 'passive' | 'active' | 'rr';
}

/** one node of the nodelist */
export interface SimNodeDef {
  name: string;
  id: number;
  votes: number;
  /** one address per link, link order */
  addresses: string[];
}

/**
 * What moves by itself every tick or so and matters to no event: the storage usage figures, the generator
 * that drifts them, the tick bookkeeping. A durable state (what a checkpoint keeps) leaves them out, so it
 * changes only when the cluster does; resuming from one starts them afresh from the seed (usage figures
 * come back as on a fresh start; nothing else differs).
 */
export const VOLATILE_SIM_KEYS = ['rng', 'tickCount', 'nextTickAt', 'storage'] as const;
export type DurableSimState = Omit<SimState, (typeof VOLATILE_SIM_KEYS)[number]>;

/** the state without its volatile part (see VOLATILE_SIM_KEYS); createSimSource({ state }) resumes from it */
export function durableSimState(state: SimState): DurableSimState {
  const out: Partial<SimState> = { ...state };
  for (const k of VOLATILE_SIM_KEYS) delete out[k];
  return out as DurableSimState;
}

/** Corosync's ring id: the lowest member's id and a sequence number, in hex */
export function ringId(rep: number, seq: number): string {
  return `${rep.toString(16)}.${seq.toString(16)}`;
}
