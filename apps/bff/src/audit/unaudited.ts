// The audit record of a signed-in request no route audited itself (see attempts.ts): a refusal before
// the route (malformed or oversized body, CSRF, role), or a change whose route has no record of its own.
// Written after the answer went out (audit() logs a failure, never throws).
import type { Request } from 'express';
import { audit, type AppContext } from '../context';
import type { AttemptRecord } from './attempts';

/** "POST /api/v1/sim/faults" without the query string (it may carry anything) */
const routeOf = (req: Request) => `${req.method} ${req.originalUrl.split('?')[0]!.slice(0, 200)}`;

export function recordUnaudited(ctx: AppContext): (r: AttemptRecord) => void {
  return ({ req, status, error }) => {
    const who = req.identity;
    if (!who) return;
    const cluster = typeof req.query.cluster === 'string' ? req.query.cluster.slice(0, 64) : null;
    void audit(ctx, who, {
      operation: routeOf(req),
      clusterId: cluster,
      params: { status },
      confirmed: false,
      result: status < 400 ? 'ok' : status >= 500 ? 'failed' : 'refused',
      message: error ?? `answered ${status}`,
    });
  };
}
