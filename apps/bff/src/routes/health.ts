// GET /healthz: 200 unless every source is down or the database is corrupt or cannot be reached (then 503).
// Anonymous callers (probes) get the status only; signed-in callers also get each source's state and message,
// and the store's.
import { Router } from 'express';
import type { Store } from '@quorate/store';
import { identify, type Identity } from '../auth/identity';
import type { ClusterRegistry } from '../clusters';

export function healthRouter(clusters: ClusterRegistry, store: Store): Router {
  return Router().get('/healthz', async (req, res) => {
    let who: Identity | null = null;
    try {
      who = req.identity !== undefined ? req.identity : await identify(store, req.headers);
    } catch (err) {
      // the lookup reads the database: on a corrupt or unreachable one the probe still gets its answer (as anonymous)
      if (!store.noteError(err)) throw err;
    }
    const sources = clusters.all().map(({ config, feed }) => {
      const h = feed.health();
      return { clusterId: config.id, kind: config.source, state: h.state, message: h.message, lastObservedAt: h.lastObservedAt };
    });
    const { state, message } = await store.checkHealth();
    // a corrupt or unreachable database is down whatever the sources say: sign-in, history, audit and (replicas)
    // who runs each cluster need it
    const status =
      state !== 'ok' ? 'down' : sources.every((s) => s.state === 'ok') ? 'ok' : sources.every((s) => s.state === 'down') ? 'down' : 'degraded';
    res.setHeader('Cache-Control', 'no-store');
    res.status(status === 'down' ? 503 : 200).json(who ? { status, sources, store: { state, message } } : { status });
  });
}
