// Express middleware: who is asking (every /api/v1 request and /metrics), what role a route needs, and
// the CSRF check for state-changing calls made with the session cookie.
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { CSRF_HEADER, hasRole, type Role } from '@quorate/model';
import type { Store } from '@quorate/store';
import { HttpError } from '../http-errors';
import { identify, type Identity } from './identity';

declare module 'express-serve-static-core' {
  interface Request {
    /** set by authenticate(): null when the request is anonymous */
    identity?: Identity | null;
  }
}

export function authenticate(store: Store): RequestHandler {
  return async (req, _res, next) => {
    req.identity = await identify(store, req.headers);
    next();
  };
}

export const notSignedIn = () => new HttpError(401, 'not signed in');
export const needsRole = (role: Role) => new HttpError(403, `needs role ${role}`);

/** the caller, or 401 */
export function signedIn(identity: Identity | null | undefined): Identity {
  if (!identity) throw notSignedIn();
  return identity;
}

export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    const who = signedIn(req.identity);
    if (!hasRole(who.role, role)) throw needsRole(role);
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every state-changing call made with the session cookie must carry the session's CSRF token in
 * x-csrf-token (a cross-site page can make the browser send the cookie, but cannot read the token).
 * Bearer calls are exempt: a browser never adds that header on its own. `exempt` lists paths that
 * check the origin instead (setup, login: there is no session yet).
 */
export function csrfProtect(exempt: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE.has(req.method) || exempt.includes(req.path)) return next();
    const session = req.identity?.session;
    if (!session) return next(); // anonymous (the route answers 401) or bearer
    const sent = req.get(CSRF_HEADER);
    if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) throw new HttpError(403, 'missing or wrong CSRF token');
    next();
  };
}
