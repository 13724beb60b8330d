// `?cluster=ID` -> the cluster (default when absent); 400 when malformed, 404 when unknown.
// clusterOf: the cluster run here (its collector, its source); one another replica runs throws LedElsewhere,
// and the request goes to that replica (replicas/forward.ts). watchedOf: any cluster, for what its feed
// (the collector or the mirror) and the shared store answer alike on every replica.
import type { Request } from 'express';
import { ClusterQuery } from '@quorate/model';
import { isLed, type Cluster, type ClusterRegistry, type LedCluster } from '../clusters';
import { badRequest, unknownCluster } from '../http-errors';
import { LedElsewhere } from '../replicas/forward';

export function watchedOf(req: Request, clusters: ClusterRegistry): Cluster {
  const q = ClusterQuery.safeParse({ cluster: req.query.cluster });
  if (!q.success) throw badRequest('query', q.error);
  const cluster = clusters.get(q.data.cluster);
  if (!cluster) throw unknownCluster(q.data.cluster ?? clusters.defaultId);
  return cluster;
}

export function clusterOf(req: Request, clusters: ClusterRegistry): LedCluster {
  return ledHere(watchedOf(req, clusters));
}

/** the cluster, when this replica runs it; else LedElsewhere (the request is forwarded) */
export function ledHere(cluster: Cluster): LedCluster {
  if (!isLed(cluster)) throw new LedElsewhere(cluster.config.id);
  return cluster;
}
