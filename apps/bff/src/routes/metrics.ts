// GET /metrics in the Prometheus text format, sent in chunks as they are made (metrics.chunks(): with many
// clusters the link series are megabytes; made at once they held every socket's patches back for a scrape)
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { QuorateMetrics } from '../metrics';

export function metricsRouter(metrics: QuorateMetrics): Router {
  return Router().get('/metrics', async (req, res) => {
    res.setHeader('Content-Type', metrics.register.contentType);
    // a scraper that hangs up ends the pipeline (and the chunks); an error after the first chunk can only cut the reply
    await pipeline(Readable.from(metrics.chunks()), res).catch((err: unknown) => {
      if (!res.headersSent) throw err;
      req.log.debug({ err }, 'metrics reply cut short');
    });
  });
}
