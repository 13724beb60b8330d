// Each cluster's state in the cluster list (the header's switcher shows a dot per cluster): the model's
// clusterHealth of the collector's newest snapshot, the source's state, and a changed certificate. The
// health is computed once per snapshot object (memo), so listing 50 clusters costs 50 map lookups.
import { clusterHealth, type ClusterSnapshot, type ClusterState, type HealthState } from '@quorate/model';
import type { SourceHealth } from '@quorate/sources';

const memo = new WeakMap<ClusterSnapshot, HealthState>();

function healthOf(snapshot: ClusterSnapshot): HealthState {
  let h = memo.get(snapshot);
  if (h === undefined) {
    h = clusterHealth(snapshot).state;
    memo.set(snapshot, h);
  }
  return h;
}

/** a down source cannot vouch for "healthy" (its last snapshot is old): unknown; lost and degraded keep their alarm */
export function clusterState(snapshot: ClusterSnapshot | null, source: SourceHealth): ClusterState {
  const h = snapshot ? healthOf(snapshot) : 'unknown';
  return {
    health: h === 'healthy' && source.state === 'down' ? 'unknown' : h,
    source: source.state,
    ...(source.certificate ? { certificateChanged: true } : {}),
  };
}

/** what must change for the list to be sent again */
export const stateKey = (s: ClusterState): string => `${s.health}/${s.source}/${s.certificateChanged === true ? 'cert' : ''}`;
