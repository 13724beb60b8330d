// Who is asking: a session cookie (browser) or an API token (scripts). One function for REST and the
// socket handshake, so both authenticate the same way.
import type { IncomingHttpHeaders } from 'node:http';
import type { Role } from '@quorate/model';
import type { Actor, Store } from '@quorate/store';
import { readCookie } from './cookies';

export interface Identity {
  kind: 'user' | 'token';
  /** user id or token id */
  id: string;
  /** username or token name */
  name: string;
  role: Role;
  /** only for browser sessions: the raw session id (cookie), its CSRF token and when it expires (ms) */
  session?: { rawId: string; csrfToken: string; expiresAt: number };
}

/** the raw token of an `Authorization: Bearer <token>` header; undefined without one, null when malformed */
export function bearerOf(headers: IncomingHttpHeaders): string | null | undefined {
  const h = headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(h.trim());
  return m ? m[1]! : null;
}

/**
 * The identity behind a request. A bearer token, when given, decides alone (a wrong token is not
 * rescued by a cookie); else the session cookie. `token` comes from the socket handshake's auth.
 */
export async function identify(store: Store, headers: IncomingHttpHeaders, token?: unknown): Promise<Identity | null> {
  const raw = typeof token === 'string' ? token : bearerOf(headers);
  if (raw !== undefined) {
    if (raw === null) return null;
    const t = await store.tokens.verify(raw);
    return t ? { kind: 'token', id: t.id, name: t.name, role: t.role } : null;
  }
  const sid = readCookie(headers.cookie);
  if (!sid) return null;
  const s = await store.sessions.touch(sid);
  if (!s) return null;
  return { kind: 'user', id: s.user.id, name: s.user.username, role: s.user.role, session: { rawId: sid, csrfToken: s.csrfToken, expiresAt: s.expiresAt } };
}

export const actorOf = (who: Identity): Actor => ({ kind: who.kind, id: who.id, name: who.name });
