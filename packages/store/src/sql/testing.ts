// Test helpers for the SQL store (not exported from the package): one suite, both engines.
// PostgreSQL: one server per test file (started by the first postgres describe block, stopped after it),
// and a fresh `public` schema per test so each test migrates from nothing, like a fresh SQLite file.
// Without PostgreSQL the postgres tests are skipped with the reason, except in CI, where they fail.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Kysely } from 'kysely';
import type { CorruptRow } from '../corrupt';
import { useTempDirs } from '../testing';
import { postgresAvailable, START_TIMEOUT_MS, startPostgres } from './pg-harness';
import type { PgServer } from './pg-harness';
import { openSqlStore } from './store';
import type { SqlContext, SqlStore } from './contract';
import type { Dialect, Schema } from './schema';

export const ENGINES: Dialect[] = ['sqlite', 'postgres'];
const PORT_BASE = 25432;
const PORT_COUNT = 68; // 25432–25499
const PORT_TRIES = 8;

/**
 * A PostgreSQL server for this test file (started before its first test, stopped after the last), or the
 * tests skipped with the reason when there is none — except in CI, where they fail.
 */
export function usePgServer(): { url(): string; restart(downMs: number): Promise<void> } {
  let server: PgServer | undefined;
  let unavailable = '';
  beforeAll(async () => {
    const avail = await postgresAvailable();
    if (!avail.ok) {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI: ${avail.reason}`);
      unavailable = avail.reason;
      return;
    }
    server = await startOnFreePort();
  }, 2 * START_TIMEOUT_MS);
  afterAll(() => server?.stop());
  beforeEach((ctx) => {
    if (unavailable) ctx.skip(`PostgreSQL not available: ${unavailable}`);
  });
  return {
    url(): string {
      if (!server) throw new Error('PostgreSQL is not running');
      return server.url;
    },
    restart(downMs: number): Promise<void> {
      if (!server) throw new Error('PostgreSQL is not running');
      return server.restart(downMs);
    },
  };
}

export function useSqlStores(engine: Dialect) {
  const tempDir = useTempDirs();
  const open: SqlStore[] = [];
  const corrupt: CorruptRow[] = [];
  const pgServer = engine === 'postgres' ? usePgServer() : null;
  const server = pgServer ? { get url() { return pgServer.url(); } } : undefined;
  let dataDir = '';

  beforeEach(async () => {
    if (server) await resetSchema(server.url);
    dataDir = tempDir();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    corrupt.length = 0;
  });

  return {
    corrupt,
    /** What a part is built on: s's database (or a transaction on it), a clock, corrupt rows into `corrupt`. */
    ctx(s: SqlStore, now: () => number = Date.now, db: Kysely<Schema> = s.db): SqlContext {
      return { db, dialect: s.dialect, now, reportCorrupt: (r) => corrupt.push(r) };
    },
    /** A store on this test's database; several calls are several replicas (pools or connections) on it. */
    async open(options: { now?: () => number } = {}): Promise<SqlStore> {
      // on PostgreSQL the replicas of one test share the key file in the test's dir, as real ones must
      const where = server ? { url: server.url, keyFile: join(dataDir, 'secret.key') } : { dataDir };
      const s = await openSqlStore({ ...where, ...options, onCorrupt: (r) => corrupt.push(r) });
      open.push(s);
      return s;
    },
    /**
     * Stores for replicas running at the same time: on PostgreSQL n stores (n pools). On SQLite one store
     * n times: a second connection in this process would busy-wait, blocking the thread, for the write
     * lock that the first holds across an await (see open.ts), so SQLite is one store per file per process.
     */
    async replicas(n: number, options: { now?: () => number } = {}): Promise<SqlStore[]> {
      if (!server) return Array<SqlStore>(n).fill(await this.open(options));
      const stores: SqlStore[] = [];
      for (let i = 0; i < n; i++) stores.push(await this.open(options));
      return stores;
    },
  };
}

/** A clock the test moves by hand: give `now` to the store, read, set or advance `at`. */
export function handClock(at: number) {
  const clock = {
    at,
    now: (): number => clock.at,
    advance: (ms: number): number => (clock.at += ms),
  };
  return clock;
}

/** Ports from the pid, so parallel test processes rarely meet; a taken port moves on to the next. */
async function startOnFreePort(): Promise<PgServer> {
  let lastError: unknown;
  for (let i = 0; i < PORT_TRIES; i++) {
    const port = PORT_BASE + ((process.pid + i) % PORT_COUNT);
    if (!(await portFree(port))) continue;
    try {
      return await startPostgres({ dir: mkdtempSync(join(tmpdir(), 'quorate-pg-')), port });
    } catch (e) {
      // lost a race for the port to another process: try the next; anything else is a real failure
      if (!/could not bind|already in use/.test((e as Error).message)) throw e;
      lastError = e;
    }
  }
  throw new Error(`no free port in ${PORT_BASE}–${PORT_BASE + PORT_COUNT - 1} after ${PORT_TRIES} tries`, { cause: lastError });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function resetSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}
