// API tokens for scripts: "qrt_" + 32 random bytes, shown once; only the SHA-256 is stored.
// SHA-256 (not scrypt) is enough here: the token has 256 bits of entropy, so there is nothing to guess.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db';
import { StoreError, parseInput } from './errors';
import { digestsEqual, randomId, sha256Hex } from './hash';
import { Role, TokenName, TokenRecord, hasRole } from '@quorate/model';

export { TokenName };

export const TOKEN_PREFIX = 'qrt_';

export const NewToken = z.object({ name: TokenName, role: Role, createdBy: z.string().min(1).max(128) });
export type NewToken = z.input<typeof NewToken>;

/** What list() shows: never the token or its hash (the REST shape, from the model). */
export const ApiTokenInfo = TokenRecord;
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

export type TokenIdentity = { id: string; name: string; role: Role };

/**
 * created_by of a token another token created: the creating token's id (a username has no ':'), so
 * revoking a token can find what it made. A user's tokens carry the username.
 */
export const tokenCreator = (tokenId: string): string => `token:${tokenId}`;

/** a token revoked along with its creator: what the audit trail and the caller need to know */
export type RevokedToken = { id: string; name: string; role: Role; createdBy: string };

/** An environment-provided token must still be hard to guess. */
export const StaticToken = z.string().min(16, 'QUORATE_API_TOKEN must be at least 16 characters').max(512);

// last_used_at is informational; refresh it at most once a minute instead of on every request
export const LAST_USED_RESOLUTION_MS = 60_000;

export type TokenStore = ReturnType<typeof createTokenStore>;

/** `role` grants more than `than` */
export const isAbove = (role: Role, than: Role): boolean => hasRole(role, than) && role !== than;

/** a new token's id */
export const newTokenId = (): string => `tok_${randomBytes(8).toString('hex')}`;

export function createTokenStore(db: Db, now: () => number) {
  const insert = db.prepare(`INSERT INTO api_tokens (id, name, role, token_hash, created_at, created_by, static)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const byHash = db.prepare('SELECT id, name, role, token_hash, last_used_at FROM api_tokens WHERE token_hash = ?');
  const touch = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  const all = db.prepare(
    'SELECT id, name, role, created_at, last_used_at, created_by, static FROM api_tokens ORDER BY created_at, id',
  );
  const remove = db.prepare('DELETE FROM api_tokens WHERE id = ?');
  const byId = db.prepare('SELECT id, name, role, created_by FROM api_tokens WHERE id = ?');
  const madeBy = db.prepare('SELECT id, name, role, created_by FROM api_tokens WHERE created_by = ? AND static = 0 ORDER BY created_at, id');
  const staticByName = db.prepare('SELECT id, token_hash, role FROM api_tokens WHERE static = 1 AND name = ?');
  const updateStaticRole = db.prepare('UPDATE api_tokens SET role = ? WHERE id = ?');

  const newId = newTokenId;

  type TokenRow = { id: string; name: string; role: string; created_by: string };
  /** deletes these rows and, breadth first, every token they created; call inside a transaction */
  function revokeAll(first: TokenRow[]): RevokedToken[] {
    const done: RevokedToken[] = [];
    const seen = new Set<string>();
    const queue = [...first];
    for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      if (remove.run(row.id).changes === 0) continue;
      const role = Role.safeParse(row.role);
      done.push({ id: row.id, name: row.name, role: role.success ? role.data : 'admin', createdBy: row.created_by });
      queue.push(...(madeBy.all(tokenCreator(row.id)) as TokenRow[]));
    }
    return done;
  }

  return {
    /** The raw token is returned here once and cannot be recovered later. */
    create(input: NewToken): { id: string; token: string } {
      const t = parseInput(NewToken, input, 'token');
      const id = newId();
      const token = TOKEN_PREFIX + randomId(32);
      insert.run(id, t.name, t.role, sha256Hex(token), now(), t.createdBy, 0);
      return { id, token };
    },

    /** The token's identity, or null when unknown or revoked. */
    verify(raw: string): TokenIdentity | null {
      if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512) return null;
      const hash = sha256Hex(raw);
      const row = byHash.get(hash) as
        | { id: string; name: string; role: string; token_hash: string; last_used_at: number | null }
        | undefined;
      // The lookup is by digest, so timing reveals nothing about the raw value; compare anyway.
      if (!row || !digestsEqual(row.token_hash, hash)) return null;
      const role = Role.safeParse(row.role);
      if (!role.success) return null;
      const at = now();
      if (row.last_used_at === null || at - row.last_used_at >= LAST_USED_RESOLUTION_MS) touch.run(at, row.id);
      return { id: row.id, name: row.name, role: role.data };
    },

    list(): ApiTokenInfo[] {
      return (
        all.all() as {
          id: string;
          name: string;
          role: string;
          created_at: number;
          last_used_at: number | null;
          created_by: string;
          static: number;
        }[]
      ).map((r) =>
        ApiTokenInfo.parse({
          id: r.id,
          name: r.name,
          role: r.role,
          createdAt: r.created_at,
          lastUsedAt: r.last_used_at,
          createdBy: r.created_by,
          static: r.static === 1,
        }),
      );
    },

    /** Returns false when there was no such token. Tokens it created stay (see revokeWithDescendants). */
    revoke(id: string): boolean {
      return remove.run(id).changes > 0;
    },

    /** Revokes the token and every token it created, recursively (one transaction). Empty when there was no such token. */
    revokeWithDescendants(id: string): RevokedToken[] {
      return db.transaction((): RevokedToken[] => {
        const row = byId.get(id) as TokenRow | undefined;
        return row ? revokeAll([row]) : [];
      }).immediate();
    },

    /**
     * Revokes the (non-static) tokens a user created — all of them (the user was deleted), or with
     * `above` only those whose role is above it (the user was demoted to it) — and, recursively, every
     * token those created. One transaction; returns what was revoked.
     */
    revokeCreatedBy(username: string, opts: { above?: Role } = {}): RevokedToken[] {
      const above = opts.above === undefined ? null : parseInput(Role, opts.above, 'role');
      return db.transaction((): RevokedToken[] => {
        const rows = (madeBy.all(username) as TokenRow[]).filter((r) => {
          const role = Role.safeParse(r.role);
          // a row with an unknown role grants nothing anyway (verify refuses it); revoke it too
          return above === null || !role.success || isAbove(role.data, above);
        });
        return revokeAll(rows);
      }).immediate();
    },

    /**
     * Registers a token given in the environment at start. Idempotent: the same value keeps its id
     * (and lastUsedAt); a changed value replaces the previous static token of that name, so the old
     * value stops working. Returns the token id.
     */
    ensureStatic(raw: string, role: Role, name = 'environment'): string {
      const value = parseInput(StaticToken, raw, 'static token');
      const r = parseInput(Role, role, 'role');
      const n = parseInput(TokenName, name, 'token name');
      const hash = sha256Hex(value);
      const tx = db.transaction((): string => {
        const existing = staticByName.all(n) as { id: string; token_hash: string; role: string }[];
        let keep: string | null = null;
        for (const row of existing) {
          if (keep === null && digestsEqual(row.token_hash, hash)) {
            keep = row.id;
            if (row.role !== r) updateStaticRole.run(r, row.id);
          } else {
            remove.run(row.id);
          }
        }
        if (keep !== null) return keep;
        const clash = byHash.get(hash) as { id: string } | undefined;
        if (clash) {
          throw new StoreError('conflict', `static token ${n} has the same value as token ${clash.id}; choose another value`);
        }
        const id = newId();
        insert.run(id, n, r, hash, now(), 'environment', 1);
        return id;
      });
      return tx.immediate();
    },
  };
}
