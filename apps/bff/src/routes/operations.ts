// POST /api/v1/operations/<name>[?cluster=ID]: guarded cluster operations (operations/guard.ts).
import { Router } from 'express';
import type { AppContext } from '../context';
import { expectedVotes } from '../operations/expected-votes';
import { guarded } from '../operations/guard';

export function operationsRouter(ctx: AppContext): Router {
  return Router().post('/operations/expected-votes', (req, res) => guarded(ctx, expectedVotes, req, res));
}
