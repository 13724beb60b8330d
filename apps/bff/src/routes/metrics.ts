// GET /metrics in the Prometheus text format
import { Router } from 'express';
import type { Registry } from 'prom-client';

export function metricsRouter(register: Registry): Router {
  return Router().get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', register.contentType);
    res.send(await register.metrics());
  });
}
