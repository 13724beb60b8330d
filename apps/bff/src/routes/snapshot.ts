// GET /api/v1/snapshot[?cluster=ID] -> SnapshotMessage {clusterId, rev, snapshot}
import { Router } from 'express';
import type { SnapshotMessage } from '@quorate/model';
import type { ClusterRegistry } from '../clusters';
import { HttpError } from '../http-errors';
import { watchedOf } from './cluster-param';

export function snapshotRouter(clusters: ClusterRegistry): Router {
  return Router().get('/snapshot', (req, res) => {
    const { feed } = watchedOf(req, clusters);
    const current = feed.current();
    if (!current) {
      const why = feed.health().message;
      res.setHeader('Retry-After', '1');
      throw new HttpError(503, `cluster '${feed.clusterId}' has not been observed yet${why ? `: ${why}` : ''}`);
    }
    const body: SnapshotMessage = { clusterId: feed.clusterId, rev: current.rev, snapshot: current.snapshot };
    res.json(body);
  });
}
