// GET /api/v1/clusters -> ClusterList
import { Router } from 'express';
import type { ClusterList } from '@quorate/model';
import type { ClusterRegistry } from '../clusters';

export function clustersRouter(clusters: ClusterRegistry): Router {
  return Router().get('/clusters', (_req, res) => {
    const body: ClusterList = { clusters: clusters.summaries() };
    res.json(body);
  });
}
