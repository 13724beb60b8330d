// `?cluster=ID` -> the cluster (default when absent); 400 when malformed, 404 when unknown.
import type { Request } from 'express';
import { ClusterQuery } from '@quorate/model';
import type { Cluster, ClusterRegistry } from '../clusters';
import { badRequest, unknownCluster } from '../http-errors';

export function clusterOf(req: Request, clusters: ClusterRegistry): Cluster {
  const q = ClusterQuery.safeParse({ cluster: req.query.cluster });
  if (!q.success) throw badRequest('query', q.error);
  const cluster = clusters.get(q.data.cluster);
  if (!cluster) throw unknownCluster(q.data.cluster ?? clusters.defaultId);
  return cluster;
}
