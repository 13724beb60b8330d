// One interface for every way of observing a cluster: the simulator, the real-Corosync lab, a PVE cluster.
import type { ClusterSnapshot, SourceKind } from '@quorate/model';

export type SourceState = 'starting' | 'ok' | 'degraded' | 'down';

export interface SourceHealth {
  state: SourceState;
  /** why, in words: "pve2: timeout after 3 s", "no Corosync runs in namespace qlab-n1" */
  message: string | null;
  /** when the last good observation was made (ms since epoch) */
  lastObservedAt: number | null;
}

export type SnapshotListener = (snapshot: ClusterSnapshot) => void;

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
}
