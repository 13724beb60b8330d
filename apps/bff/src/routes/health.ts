// GET /healthz: every source's state. 200 unless every source is down (then 503).
import { Router } from 'express';
import type { ClusterRegistry } from '../clusters';

export function healthRouter(clusters: ClusterRegistry): Router {
  return Router().get('/healthz', (_req, res) => {
    const sources = clusters.all().map(({ config, collector }) => {
      const h = collector.health();
      return { clusterId: config.id, kind: collector.source.kind, state: h.state, message: h.message, lastObservedAt: h.lastObservedAt };
    });
    const status = sources.every((s) => s.state === 'ok') ? 'ok' : sources.every((s) => s.state === 'down') ? 'down' : 'degraded';
    res.status(status === 'down' ? 503 : 200).json({ status, sources });
  });
}
