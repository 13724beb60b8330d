// A cluster's health once per state, not once per observation: a snapshot that only moved telemetry has its
// predecessor's (telemetry.ts sameStateAs). The cluster list and the timeline both ask for every observation,
// on every replica, for every cluster (bench:scale).
import { clusterHealth, type ClusterHealth } from './health';
import type { ClusterSnapshot } from './snapshot';
import { stateRoot } from './telemetry';

const byState = new WeakMap<ClusterSnapshot, ClusterHealth>();

/** clusterHealth of the snapshot's state (worked out for the first snapshot in that state) */
export function stateHealth(s: ClusterSnapshot): ClusterHealth {
  const root = stateRoot(s);
  let h = byState.get(root);
  if (h === undefined) {
    h = clusterHealth(root);
    byState.set(root, h);
  }
  return h;
}
