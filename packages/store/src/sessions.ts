// Login sessions. The cookie carries a random 32-byte id; only its SHA-256 is stored, so a copy of
// the database does not let anyone ride an existing session.
import { z } from 'zod';
import type { Db } from './db';
import { StoreError, parseInput } from './errors';
import { randomId, sha256Hex } from './hash';
import { toUser } from './users';
import type { User } from './users';

export type NewSession = { id: string; csrfToken: string; expiresAt: number };
export type Session = { user: User; csrfToken: string; expiresAt: number };

export const Ttl = z.number().int().min(1000, 'session ttl must be at least 1 s');

export type SessionStore = ReturnType<typeof createSessionStore>;

export function createSessionStore(db: Db, now: () => number) {
  const insert = db.prepare(
    'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, ttl_ms, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const userExists = db.prepare('SELECT 1 FROM users WHERE id = ?');
  const lookup = db.prepare(`SELECT s.csrf_token, s.expires_at, s.ttl_ms,
      u.id, u.username, u.role, u.created_at, u.updated_at
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`);
  const extend = db.prepare('UPDATE sessions SET expires_at = ? WHERE id_hash = ?');
  const remove = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const removeFor = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  const removeOthers = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?');
  const removeExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');

  type Row = {
    csrf_token: string;
    expires_at: number;
    ttl_ms: number;
    id: string;
    username: string;
    role: string;
    created_at: number;
    updated_at: number;
  };

  function find(rawId: string): Row | null {
    if (typeof rawId !== 'string' || rawId.length === 0 || rawId.length > 256) return null;
    const row = lookup.get(sha256Hex(rawId)) as Row | undefined;
    return row && row.expires_at > now() ? row : null;
  }

  return {
    /** The raw id is returned once (for the cookie) and never stored. */
    create(userId: string, ttlMs: number): NewSession {
      const ttl = parseInput(Ttl, ttlMs, 'ttl');
      if (!userExists.get(userId)) throw new StoreError('not-found', `no user with id ${userId}`);
      const id = randomId(32);
      const csrfToken = randomId(32);
      const at = now();
      const expiresAt = at + ttl;
      insert.run(sha256Hex(id), userId, csrfToken, at, ttl, expiresAt);
      return { id, csrfToken, expiresAt };
    },

    /** The session and its user (current role), or null when unknown, expired or revoked. */
    get(rawId: string): Session | null {
      const row = find(rawId);
      return row ? { user: toUser(row), csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
    },

    /**
     * Sliding renewal: pushes expiry to now + ttl when at least half the ttl has passed
     * (so an active user stays logged in without a write per request). Returns the session or null.
     */
    touch(rawId: string): Session | null {
      const row = find(rawId);
      if (!row) return null;
      let expiresAt = row.expires_at;
      if (expiresAt - now() < row.ttl_ms / 2) {
        expiresAt = now() + row.ttl_ms;
        extend.run(expiresAt, sha256Hex(rawId));
      }
      return { user: toUser(row), csrfToken: row.csrf_token, expiresAt };
    },

    /** Logout. Returns false when there was no such session. */
    revoke(rawId: string): boolean {
      if (typeof rawId !== 'string') return false;
      return remove.run(sha256Hex(rawId)).changes > 0;
    },

    /** E.g. after a password or role change. Returns the number revoked. */
    revokeAllFor(userId: string): number {
      return removeFor.run(userId).changes;
    },

    /** E.g. after the user changed their own password: every session but the one they used. */
    revokeOthers(userId: string, keepRawId: string): number {
      return removeOthers.run(userId, sha256Hex(String(keepRawId))).changes;
    },

    /** Housekeeping: deletes expired rows. Returns the number deleted. */
    pruneExpired(): number {
      return removeExpired.run(now()).changes;
    },
  };
}
