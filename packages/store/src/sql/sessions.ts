// Login sessions (../sessions.ts) on SQLite or PostgreSQL. Only the SHA-256
// of the cookie's random id is stored. A user's sessions go with the user (ON DELETE CASCADE, both engines).
import { StoreError, parseInput } from '../errors';
import { randomId, sha256Hex } from '../hash';
import { Ttl } from '../sessions';
import type { NewSession, Session } from '../sessions';
import { toUser } from '../users';
import type { SqlContext } from './contract';
import { matchesNothing } from './text';

export type SessionStore = ReturnType<typeof createSessionStore>;

export function createSessionStore(ctx: SqlContext) {
  const { db, now } = ctx;

  async function find(rawId: string) {
    if (typeof rawId !== 'string' || rawId.length === 0 || rawId.length > 256) return null;
    const row = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.csrf_token', 's.expires_at', 's.ttl_ms', 'u.id', 'u.username', 'u.role', 'u.created_at', 'u.updated_at'])
      .where('s.id_hash', '=', sha256Hex(rawId))
      .executeTakeFirst();
    return row && row.expires_at > now() ? row : null;
  }

  return {
    /** The raw id is returned once (for the cookie) and never stored. */
    async create(userId: string, ttlMs: number): Promise<NewSession> {
      const ttl = parseInput(Ttl, ttlMs, 'ttl');
      const user = matchesNothing(userId) ? undefined : await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw new StoreError('not-found', `no user with id ${userId}`);
      const id = randomId(32);
      const csrfToken = randomId(32);
      const at = now();
      const expiresAt = at + ttl;
      await db
        .insertInto('sessions')
        .values({ id_hash: sha256Hex(id), user_id: userId, csrf_token: csrfToken, created_at: at, ttl_ms: ttl, expires_at: expiresAt })
        .execute();
      return { id, csrfToken, expiresAt };
    },

    /** The session and its user (current role), or null when unknown, expired or revoked. */
    async get(rawId: string): Promise<Session | null> {
      const row = await find(rawId);
      return row ? { user: toUser(row), csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
    },

    /**
     * Sliding renewal: pushes expiry to now + ttl when at least half the ttl has passed
     * (so an active user stays logged in without a write per request). Returns the session or null.
     */
    async touch(rawId: string): Promise<Session | null> {
      const row = await find(rawId);
      if (!row) return null;
      let expiresAt = row.expires_at;
      if (expiresAt - now() < row.ttl_ms / 2) {
        expiresAt = now() + row.ttl_ms;
        await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id_hash', '=', sha256Hex(rawId)).execute();
      }
      return { user: toUser(row), csrfToken: row.csrf_token, expiresAt };
    },

    /** Logout. Returns false when there was no such session. */
    async revoke(rawId: string): Promise<boolean> {
      if (typeof rawId !== 'string') return false;
      const r = await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(rawId)).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** E.g. after a password or role change. Returns the number revoked. */
    async revokeAllFor(userId: string): Promise<number> {
      if (matchesNothing(userId)) return 0;
      const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    /** E.g. after the user changed their own password: every session but the one they used. */
    async revokeOthers(userId: string, keepRawId: string): Promise<number> {
      if (matchesNothing(userId)) return 0;
      const r = await db
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('id_hash', '<>', sha256Hex(String(keepRawId)))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    /** Housekeeping: deletes expired rows. Returns the number deleted. */
    async pruneExpired(): Promise<number> {
      const r = await db.deleteFrom('sessions').where('expires_at', '<=', now()).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
