// API tokens (../tokens.ts) on SQLite or PostgreSQL: "qrt_" + 32 random
// bytes, shown once; only the SHA-256 is stored and looked up (then compared in constant time anyway).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { StoreError, parseInput } from '../errors';
import { digestsEqual, randomId, sha256Hex } from '../hash';
import { Role } from '../roles';
import { ApiTokenInfo, LAST_USED_RESOLUTION_MS, NewToken, StaticToken, TOKEN_PREFIX, TokenName, isAbove, newTokenId, tokenCreator } from '../tokens';
import type { RevokedToken, TokenIdentity } from '../tokens';
import { binaryOrder } from './collate';
import type { SqlContext } from './contract';
import type { Schema } from './schema';
import { matchesNothing } from './text';
import { writeTx } from './tx';

type TokenRow = { id: string; name: string; role: string; created_by: string };

export type TokenStore = ReturnType<typeof createTokenStore>;

export function createTokenStore(ctx: SqlContext) {
  const { db, dialect, now } = ctx;
  const byId = binaryOrder(dialect, 'id');

  const madeBy = (tx: Kysely<Schema>, createdBy: string): Promise<TokenRow[]> =>
    tx
      .selectFrom('api_tokens')
      .select(['id', 'name', 'role', 'created_by'])
      .where('created_by', '=', createdBy)
      .where('static', '=', 0)
      .orderBy('created_at')
      .orderBy(byId)
      .execute();

  const remove = async (on: Kysely<Schema>, id: string): Promise<boolean> => {
    const r = await on.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  };

  /** deletes these rows and, breadth first, every token they created; call inside a transaction */
  async function revokeAll(tx: Kysely<Schema>, first: TokenRow[]): Promise<RevokedToken[]> {
    const done: RevokedToken[] = [];
    const seen = new Set<string>();
    const queue = [...first];
    for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      if (!(await remove(tx, row.id))) continue;
      const role = Role.safeParse(row.role);
      done.push({ id: row.id, name: row.name, role: role.success ? role.data : 'admin', createdBy: row.created_by });
      queue.push(...(await madeBy(tx, tokenCreator(row.id))));
    }
    return done;
  }

  return {
    /** The raw token is returned here once and cannot be recovered later. */
    async create(input: NewToken): Promise<{ id: string; token: string }> {
      const t = parseInput(NewToken, input, 'token');
      const id = newTokenId();
      const token = TOKEN_PREFIX + randomId(32);
      await db
        .insertInto('api_tokens')
        .values({ id, name: t.name, role: t.role, token_hash: sha256Hex(token), created_at: now(), created_by: t.createdBy, static: 0 })
        .execute();
      return { id, token };
    },

    /** The token's identity, or null when unknown or revoked. */
    async verify(raw: string): Promise<TokenIdentity | null> {
      if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512) return null;
      const hash = sha256Hex(raw);
      const row = await db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'role', 'token_hash', 'last_used_at'])
        .where('token_hash', '=', hash)
        .executeTakeFirst();
      // The lookup is by digest, so timing reveals nothing about the raw value; compare anyway.
      if (!row || !digestsEqual(row.token_hash, hash)) return null;
      const role = Role.safeParse(row.role);
      if (!role.success) return null;
      const at = now();
      if (row.last_used_at === null || at - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
        await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
      }
      return { id: row.id, name: row.name, role: role.data };
    },

    async list(): Promise<ApiTokenInfo[]> {
      const rows = await db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'role', 'created_at', 'last_used_at', 'created_by', 'static'])
        .orderBy('created_at')
        .orderBy(byId)
        .execute();
      return rows.map((r) =>
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
    async revoke(id: string): Promise<boolean> {
      if (matchesNothing(id)) return false;
      return remove(db, id);
    },

    /** Revokes the token and every token it created, recursively (one transaction). Empty when there was no such token. */
    async revokeWithDescendants(id: string): Promise<RevokedToken[]> {
      if (matchesNothing(id)) return [];
      return writeTx(db, dialect, async (tx) => {
        const row = await tx.selectFrom('api_tokens').select(['id', 'name', 'role', 'created_by']).where('id', '=', id).executeTakeFirst();
        return row ? revokeAll(tx, [row]) : [];
      });
    },

    /**
     * Revokes the (non-static) tokens a user created — all of them (the user was deleted), or with
     * `above` only those whose role is above it (the user was demoted to it) — and, recursively, every
     * token those created. One transaction; returns what was revoked.
     */
    async revokeCreatedBy(username: string, opts: { above?: Role } = {}): Promise<RevokedToken[]> {
      const above = opts.above === undefined ? null : parseInput(Role, opts.above, 'role');
      if (matchesNothing(username)) return [];
      return writeTx(db, dialect, async (tx) => {
        const rows = (await madeBy(tx, username)).filter((r) => {
          const role = Role.safeParse(r.role);
          // a row with an unknown role grants nothing anyway (verify refuses it); revoke it too
          return above === null || !role.success || isAbove(role.data, above);
        });
        return revokeAll(tx, rows);
      });
    },

    /**
     * Registers a token given in the environment at start. Idempotent: the same value keeps its id
     * (and lastUsedAt); a changed value replaces the previous static token of that name, so the old
     * value stops working. Returns the token id.
     */
    async ensureStatic(raw: string, role: Role, name = 'environment'): Promise<string> {
      const value = parseInput(StaticToken, raw, 'static token');
      const r = parseInput(Role, role, 'role');
      const n = parseInput(TokenName, name, 'token name');
      const hash = sha256Hex(value);
      return writeTx(db, dialect, async (tx) => {
        // PostgreSQL: replicas starting together take turns (as under SQLite's BEGIN IMMEDIATE), so the
        // second finds the first one's row instead of inserting the same hash again
        if (dialect === 'postgres') await sql`lock table api_tokens in share row exclusive mode`.execute(tx);
        const existing = await tx
          .selectFrom('api_tokens')
          .select(['id', 'token_hash', 'role'])
          .where('static', '=', 1)
          .where('name', '=', n)
          .execute();
        let keep: string | null = null;
        for (const row of existing) {
          if (keep === null && digestsEqual(row.token_hash, hash)) {
            keep = row.id;
            if (row.role !== r) await tx.updateTable('api_tokens').set({ role: r }).where('id', '=', row.id).execute();
          } else {
            await remove(tx, row.id);
          }
        }
        if (keep !== null) return keep;
        const clash = await tx.selectFrom('api_tokens').select('id').where('token_hash', '=', hash).executeTakeFirst();
        if (clash) {
          throw new StoreError('conflict', `static token ${n} has the same value as token ${clash.id}; choose another value`);
        }
        const id = newTokenId();
        await tx
          .insertInto('api_tokens')
          .values({ id, name: n, role: r, token_hash: hash, created_at: now(), created_by: 'environment', static: 1 })
          .execute();
        return id;
      });
    },
  };
}
