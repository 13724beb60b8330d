// Opens the SQL store on PostgreSQL (a URL) or SQLite (a file), migrated to the latest schema.
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { CorruptReporter } from '../corrupt';
import { openDatabase } from '../db';
import { migrate as migrateSqlite } from '../migrations';
import type { Warn } from '../data-dir';
import type Database from 'better-sqlite3';
import { migratePostgres } from './migrations';
import type { Schema } from './schema';

/** connections per replica: appends of one cluster take turns anyway, this bounds the server's load */
export const PG_POOL_MAX = 10;
/** no statement may hold a row lock (and so every appender of its cluster) longer than this */
export const PG_STATEMENT_TIMEOUT_MS = 10_000;
/** nor may a transaction sit idle holding one (a paused process) */
export const PG_IDLE_IN_TX_TIMEOUT_MS = 30_000;
const PG_CONNECT_TIMEOUT_MS = 10_000;
const INT8_OID = 20;

/**
 * PostgreSQL (url) or the SQLite file of a data directory. On SQLite a second store in the same process
 * must not be opened on the same directory: better-sqlite3 waits for the write lock synchronously, blocking
 * the very thread that must finish the first store's transaction (it spans awaits). Another process (the
 * admin CLI) waits up to the busy timeout of ../db.ts.
 */
export type SqlStoreOptions = ({ url: string } | { dataDir: string }) & {
  /** AES key for secrets; default <dataDir>/secret.key (created 0600 when missing); required with url */
  keyFile?: string;
  now?: () => number;
  onCorrupt?: CorruptReporter;
  onWarning?: Warn;
};

/** A database: Kysely over it, and the engine's own handle for what Kysely does not do (backup, quick_check, the limiter). */
export type Engine =
  | { dialect: 'sqlite'; db: Kysely<Schema>; sqlite: Database.Database; where: string }
  | { dialect: 'postgres'; db: Kysely<Schema>; pool: pg.Pool; where: string };

/** Opens and migrates the database. */
export async function openEngine(options: SqlStoreOptions): Promise<Engine> {
  const now = options.now ?? Date.now;
  if ('dataDir' in options) return openSqlite(options.dataDir, now, options.onWarning);
  const engine = openPostgres(options.url);
  try {
    await migratePostgres(engine.db as Kysely<unknown>);
  } catch (e) {
    await engine.db.destroy();
    throw e;
  }
  return engine;
}

/** Ends the pool or closes the file; again is harmless. */
export async function closeEngine(engine: Engine): Promise<void> {
  await engine.db.destroy();
  // Kysely closes the SQLite file only once it ran a query through it
  if (engine.dialect === 'sqlite' && engine.sqlite.open) engine.sqlite.close();
}

function openPostgres(url: string): Engine {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('the database URL must start with postgres:// or postgresql://');
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_MAX,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    statement_timeout: PG_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: PG_IDLE_IN_TX_TIMEOUT_MS,
    application_name: 'quorate',
    // bigint as a JS number, for this pool only (not pg's global parsers)
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on('error', (e) => console.warn(`[store] PostgreSQL connection lost: ${e.message}`));
  return { dialect: 'postgres', db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), pool, where: withoutPassword(url) };
}

/** the SQLite store's own file, checks and migrations (../db.ts, ../migrations.ts), then Kysely over it */
function openSqlite(dataDir: string, now: () => number, warn?: Warn): Engine {
  const database = openDatabase(dataDir, warn);
  try {
    migrateSqlite(database, now());
  } catch (e) {
    database.close();
    throw e;
  }
  return { dialect: 'sqlite', db: new Kysely<Schema>({ dialect: new SqliteDialect({ database }) }), sqlite: database, where: database.name };
}

/** the URL for messages: user, host, port and database, never the password */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${text} is beyond a safe JS integer`);
  return n;
}
export type { SqlStore } from './contract';
