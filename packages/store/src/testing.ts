// Test helpers (not exported from the package): temp data dirs that are removed after each test, and
// SQLite stores on data dirs a test chooses (for what lives in files: modes, integrity, backup, the key).
// Both engines: sql/testing.ts.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { EventDraft } from '@quorate/model';
import { openSqlStore } from './sql/store';
import type { SqlStore } from './sql/contract';
import type { SqlStoreOptions } from './sql/open';
import type { CorruptRow } from './corrupt';

export function useTempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'quorate-store-'));
    dirs.push(d);
    return d;
  };
}

type SqliteOptions = Omit<Extract<SqlStoreOptions, { dataDir: string }>, 'dataDir'> & { dataDir?: string };

/** Opens SQLite stores that are closed after each test; corrupt rows are collected instead of logged. */
export function useStores() {
  const tempDir = useTempDirs();
  const open: SqlStore[] = [];
  const corrupt: CorruptRow[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    corrupt.length = 0;
  });
  return {
    tempDir,
    corrupt,
    /** a store on dataDir (default: a new one); close() it to open the same dir again */
    async open(options: SqliteOptions = {}): Promise<SqlStore> {
      const s = await openSqlStore({ onCorrupt: (r) => corrupt.push(r), ...options, dataDir: options.dataDir ?? join(tempDir(), 'data') });
      open.push(s);
      return s;
    },
  };
}

/** Every byte SQLite holds for the store: the db file, its WAL and shared memory. */
export function dbBytes(dataDir: string): Buffer {
  const parts = ['quorate.db', 'quorate.db-wal', 'quorate.db-shm']
    .map((f) => join(dataDir, f))
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p));
  return Buffer.concat(parts);
}

export function draft(i: number, at = 1_700_000_000_000 + i * 1000): EventDraft {
  return {
    at,
    severity: i % 3 === 0 ? 'critical' : 'info',
    message: `node n${i} left`,
    body: { type: 'node-left', nodeId: i % 65536, name: `n${i}`, votes: 1 },
  };
}
