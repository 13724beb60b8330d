// GET /healthz: 200 unless every source is down (then 503). Anonymous callers (probes) get the status
// only; signed-in callers also get each source's state and message.
import { Router } from 'express';
import type { Store } from '@quorate/store';
import { identify } from '../auth/identity';
import type { ClusterRegistry } from '../clusters';

export function healthRouter(clusters: ClusterRegistry, store: Store): Router {
  return Router().get('/healthz', (req, res) => {
    const sources = clusters.all().map(({ config, collector }) => {
      const h = collector.health();
      return { clusterId: config.id, kind: collector.source.kind, state: h.state, message: h.message, lastObservedAt: h.lastObservedAt };
    });
    const status = sources.every((s) => s.state === 'ok') ? 'ok' : sources.every((s) => s.state === 'down') ? 'down' : 'degraded';
    const who = req.identity !== undefined ? req.identity : identify(store, req.headers);
    res.setHeader('Cache-Control', 'no-store');
    res.status(status === 'down' ? 503 : 200).json(who ? { status, sources } : { status });
  });
}
