// Each cluster's state in the cluster list (the header's switcher and the all-clusters page show it): the
// model's clusterHealth of the collector's newest snapshot, its votes and nodes online, the source's state,
// and a changed certificate. The facts are computed once per state (memo; the model's stateHealth): a snapshot
// that only moved telemetry shares its predecessor's (model sameStateAs). Listing 100 clusters costs 100 map
// lookups. `since` is the registry's (clusters.ts): it remembers when the health changed.
import { stateHealth, stateRoot, type ClusterSnapshot, type ClusterState, type HealthState, type ClusterVotes, type NodeCount } from '@quorate/model';
import type { SourceHealth } from '@quorate/sources';

interface Facts {
  health: HealthState;
  votes: ClusterVotes | null;
  nodes: NodeCount;
}

const memo = new WeakMap<ClusterSnapshot, Facts>();

function factsOf(observed: ClusterSnapshot): Facts {
  const snapshot = stateRoot(observed);
  let f = memo.get(snapshot);
  if (f === undefined) {
    const q = snapshot.quorum;
    f = {
      health: stateHealth(snapshot).state,
      votes: q ? { total: q.totalVotes, expected: q.expectedVotes, quorum: q.quorum } : null,
      nodes: { online: snapshot.nodes.filter((n) => n.state === 'online').length, total: snapshot.nodes.length },
    };
    memo.set(snapshot, f);
  }
  return f;
}

/** a down source cannot vouch for "healthy" (its last snapshot is old): unknown; lost and degraded keep their alarm */
export function clusterState(snapshot: ClusterSnapshot | null, source: SourceHealth): Omit<ClusterState, 'since'> {
  const f = snapshot ? factsOf(snapshot) : null;
  const h = f?.health ?? 'unknown';
  return {
    health: h === 'healthy' && source.state === 'down' ? 'unknown' : h,
    source: source.state,
    ...(source.certificate ? { certificateChanged: true } : {}),
    votes: f?.votes ?? null,
    nodes: f?.nodes ?? null,
  };
}

const votesKey = (v: ClusterVotes | null | undefined) => (v ? `${v.total}:${v.expected}:${v.quorum}` : '');
const nodesKey = (n: NodeCount | null | undefined) => (n ? `${n.online}:${n.total}` : '');

/** what must change for the list to be sent again (not `since`: it moves only with the health) */
export const stateKey = (s: Omit<ClusterState, 'since'>): string =>
  `${s.health}/${s.source}/${s.certificateChanged === true ? 'cert' : ''}/${votesKey(s.votes)}/${nodesKey(s.nodes)}`;
