// Every attempt to change something goes to the audit trail, also the ones refused before a route saw
// them (a malformed or oversized body, a missing CSRF token, a role too low): routes audit what they
// do; this middleware audits, once the response is out, each signed-in request that changes state (or
// is denied for its role) that no route audited. Unknown callers' failures are tallied instead
// (AnonymousFailures), so they cannot flood the table.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { AnonymousFailures } from './anonymous-failures';

interface RequestAudit {
  audited: boolean;
  error?: string;
}

const current = new AsyncLocalStorage<RequestAudit>();

/** audit() calls this: the request being served has its record */
export function markAudited(): void {
  const state = current.getStore();
  if (state) state.audited = true;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AttemptRecord {
  req: Request;
  status: number;
  error: string | undefined;
}

/**
 * auditMissing: write the record for a signed-in request no route audited; anonymous: tally an
 * unknown caller's refusal. `begin` goes right after authentication, before body parsing and CSRF
 * checks (their refusals are attempts too); `enter` after them, so the routes run in the request's
 * context (body parsing resumes from stream callbacks, outside any context set before it).
 */
export function auditAttempts(
  auditMissing: (r: AttemptRecord) => void,
  anonymous: AnonymousFailures,
  clientIp: (req: Request) => string,
): { begin: RequestHandler; enter: RequestHandler } {
  const states = new WeakMap<Request, RequestAudit>();
  const begin: RequestHandler = (req, res, next) => {
    const state: RequestAudit = { audited: false };
    states.set(req, state);
    // the error text the caller got, for the record
    const json = res.json.bind(res);
    res.json = ((body: unknown) => {
      if (res.statusCode >= 400 && body && typeof (body as { error?: unknown }).error === 'string') state.error = (body as { error: string }).error;
      return json(body);
    }) as Response['json'];
    res.on('finish', () => {
      // a request forwarded to the replica that runs its cluster is audited there
      if (state.audited || res.locals.forwarded === true) return;
      const status = res.statusCode;
      if (req.identity) {
        if (!SAFE.has(req.method) || status === 403) auditMissing({ req, status, error: state.error });
      } else if (status === 401 || status === 403) {
        anonymous.record(clientIp(req), 'unauthenticated');
      }
    });
    next();
  };
  const enter: RequestHandler = (req, _res, next) => {
    const state = states.get(req);
    if (state) current.run(state, () => next());
    else next();
  };
  return { begin, enter };
}
