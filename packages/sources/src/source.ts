// One interface for every way of observing a cluster: the simulator, the real-Corosync lab, a PVE cluster.
import type { ClusterSnapshot, SimFault, SourceKind } from '@quorate/model';

export type SourceState = 'starting' | 'ok' | 'degraded' | 'down';

export interface SourceHealth {
  state: SourceState;
  /** why, in words: "pve2: timeout after 3 s", "no Corosync runs in namespace qlab-n1" */
  message: string | null;
  /** when the last good observation was made (ms since epoch) */
  lastObservedAt: number | null;
  /** a pinned TLS certificate that no longer matches (pve): both fingerprints, for the admin to compare */
  certificate?: { url: string; pinned: string; presented: string };
}

export type SnapshotListener = (snapshot: ClusterSnapshot) => void;

/** Inject a fault (the simulator): an invalid fault throws and changes nothing. */
export interface FaultInjection {
  applyFault(fault: SimFault): void;
}

/** What `corosync-quorumtool -e` printed, as task log lines (real Corosync). */
export interface ExpectedVotesOutcome {
  log: string[];
}

/** `pvecm expected N` on the node whose view the dashboard shows; rejects with the cluster's refusal. */
export interface ExpectedVotesControl {
  setExpectedVotes(n: number): void | ExpectedVotesOutcome | Promise<void | ExpectedVotesOutcome>;
}

/** Everything a restart needs to resume the same cluster (the simulator's state). */
export interface StateExport {
  exportState(): unknown;
}

/**
 * What a source can do besides watching, each a capability it has or not. The BFF asks for a
 * capability, never casts; `GET /api/v1/clusters` lists them and the page shows only what a cluster can do.
 * Next: join, create, delnode, qdevice, link edit.
 */
export interface SourceCapabilities {
  faults?: FaultInjection;
  expectedVotes?: ExpectedVotesControl;
  stateExport?: StateExport;
}
export type CapabilityName = keyof SourceCapabilities;

/** the names of the capabilities a source has, in a stable order */
export function capabilityNames(c: SourceCapabilities): CapabilityName[] {
  return (['faults', 'expectedVotes', 'stateExport'] as const).filter((k) => c[k] !== undefined);
}

export interface ClusterSource {
  readonly kind: SourceKind;
  /** the BFF's id of the cluster this source observes */
  readonly clusterId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** the newest snapshot, or null before the first observation */
  current(): ClusterSnapshot | null;
  /** called with every new snapshot (a change, or a fresh observation); returns an unsubscribe function */
  subscribe(listener: SnapshotListener): () => void;
  health(): SourceHealth;
  /** what it can do besides watching (may change while a deferred source comes up) */
  readonly capabilities: SourceCapabilities;
}
