// GET /metrics in the Prometheus text format
import { Router } from 'express';
import type { QuorateMetrics } from '../metrics';

export function metricsRouter(metrics: QuorateMetrics): Router {
  return Router().get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.register.contentType);
    res.send(await metrics.text());
  });
}
