// One write transaction, serialised the way each engine needs.
// PostgreSQL: an ordinary (READ COMMITTED) transaction; the statements inside take the row locks that
// order writers (the event_seq upsert, SELECT … FOR UPDATE on a lease).
// SQLite: BEGIN IMMEDIATE takes the database write lock up front, so two connections (two stores on one
// file) never both read the same counter; within one store Kysely's connection mutex already serialises.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Dialect, Schema } from './schema';

export type Tx = Kysely<Schema>;

/** the connections writeTx holds in a SQLite transaction (Kysely marks only its own transactions) */
const sqliteTx = new WeakSet<Kysely<Schema>>();

/** true when db is already a transaction: a write on it joins that transaction */
export const inTransaction = (db: Kysely<Schema>): boolean => db.isTransaction || sqliteTx.has(db);

/** Runs fn in a write transaction; on a db that is one already (a nested call), in that one. */
export async function writeTx<T>(db: Kysely<Schema>, dialect: Dialect, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (inTransaction(db)) return fn(db);
  if (dialect === 'postgres') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    sqliteTx.add(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw e;
    }
  });
}
