// Test helpers (not exported from the package): temp data dirs that are removed after each test.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { EventDraft } from '@quorate/model';
import { openStore } from './store';
import type { Store, StoreOptions } from './store';
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

/** Opens stores that are closed after each test; corrupt rows are collected instead of logged. */
export function useStores() {
  const tempDir = useTempDirs();
  const open: Store[] = [];
  const corrupt: CorruptRow[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    corrupt.length = 0;
  });
  return {
    tempDir,
    corrupt,
    open(options: Partial<StoreOptions> = {}): Store {
      const s = openStore({ dataDir: options.dataDir ?? join(tempDir(), 'data'), onCorrupt: (r) => corrupt.push(r), ...options });
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
