// POST /api/v1/operations/<name>[?cluster=ID]: guarded cluster operations (operations/guard.ts).
// GET /api/v1/join-candidates[?cluster=ID]: the standalone nodes a source offers to join or create from.
import { Router } from 'express';
import { requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { create } from '../operations/create';
import { delnode } from '../operations/delnode';
import { expectedVotes } from '../operations/expected-votes';
import { guarded } from '../operations/guard';
import { join } from '../operations/join';
import { clusterOf } from './cluster-param';

export function operationsRouter(ctx: AppContext): Router {
  return Router()
    .post('/operations/expected-votes', (req, res) => guarded(ctx, expectedVotes, req, res))
    .post('/operations/join', (req, res) => guarded(ctx, join, req, res))
    .post('/operations/create', (req, res) => guarded(ctx, create, req, res))
    .post('/operations/delnode', (req, res) => guarded(ctx, delnode, req, res))
    .get('/join-candidates', requireRole('operator'), async (req, res) => {
      const cluster = clusterOf(req, ctx.clusters);
      const caps = cluster.collector.source.capabilities;
      const control = caps.join ?? caps.create;
      res.json({ candidates: control ? await control.candidates() : [] });
    });
}
