// Test helper (not exported from the package): the ported users, sessions and tokens on a test store's
// database, until the composition (store.ts) builds them itself.
import type { Kysely } from 'kysely';
import type { StoreParts, SqlStore } from './contract';
import type { Schema } from './schema';
import { createSessionStore } from './sessions';
import { createTokenStore } from './tokens';
import { createUserStore } from './users';

export type AuthParts = ReturnType<typeof authPartsOn>;

function authPartsOn(on: Kysely<Schema>, s: SqlStore, now: () => number) {
  const ctx = { db: on, dialect: s.dialect, now, reportCorrupt: () => {} };
  // the hooks in these tests use only users, sessions and tokens of the transaction's parts
  const partsOf = (tx: Kysely<Schema>) => authPartsOn(tx, s, now) as unknown as StoreParts;
  return { users: createUserStore(ctx, partsOf), sessions: createSessionStore(ctx), tokens: createTokenStore(ctx) };
}

/** users, sessions and tokens on s's database, with the clock s was opened with */
export const authParts = (s: SqlStore, now: () => number = Date.now): AuthParts => authPartsOn(s.db, s, now);
