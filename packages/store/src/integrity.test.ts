import { closeSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { draft, useStores } from './testing';

const t = useStores();

/** a closed (checkpointed) database with a few thousand events: many pages */
async function filledDataDir(): Promise<string> {
  const dataDir = join(t.tempDir(), 'data');
  const s = await t.open({ dataDir });
  for (let i = 0; i < 20; i++) await s.events.append('c1', Array.from({ length: 100 }, (_, j) => draft(i * 100 + j)));
  await s.close();
  return dataDir;
}

/** Overwrites 300 bytes in the middle of a b-tree page halfway through the file with (seeded) garbage. */
function corruptMiddlePage(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const header = Buffer.alloc(100);
    readSync(fd, header, 0, 100, 0);
    const pageSize = header.readUInt16BE(16);
    const page = Math.floor(statSync(path).size / pageSize / 2);
    const kind = Buffer.alloc(1);
    readSync(fd, kind, 0, 1, page * pageSize);
    expect([0x02, 0x05, 0x0a, 0x0d]).toContain(kind[0]); // a b-tree page (interior/leaf, index/table)
    const garbage = Buffer.alloc(300);
    let x = 12345;
    for (let k = 0; k < garbage.length; k++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      garbage[k] = (x >> 16) & 0xff;
    }
    writeSync(fd, garbage, 0, garbage.length, page * pageSize + 1000);
  } finally {
    closeSync(fd);
  }
}

function quickCheckOf(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('quick_check', { simple: true });
  } finally {
    db.close();
  }
}

async function refusal(opening: Promise<unknown>): Promise<StoreError> {
  try {
    await opening;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('database integrity', () => {
  it('refuses to open a database with a damaged b-tree page: one line naming the file and what to do', async () => {
    const dataDir = await filledDataDir();
    const path = join(dataDir, 'quorate.db');
    expect(statSync(path).size).toBeGreaterThan(100 * 4096);
    expect(quickCheckOf(path)).toBe('ok');
    corruptMiddlePage(path);
    expect(quickCheckOf(path)).not.toBe('ok');

    const err = await refusal(t.open({ dataDir }));
    expect(err.code).toBe('corrupt');
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(new RegExp(`^database ${path} is corrupt \\(Tree \\d+ page \\d+`));
    expect(err.message).toContain('refusing to use it. Restore a backup (see SECURITY.md, "Backup and restore")');
    expect(err.message).toContain(`sqlite3 ${path} .recover`);
  });

  it('refuses a file that is not a database at all (SQLITE_NOTADB)', async () => {
    const dataDir = join(t.tempDir(), 'data');
    await (await t.open({ dataDir })).close();
    const path = join(dataDir, 'quorate.db');
    writeFileSync(path, Buffer.alloc(8192, 'not a database '));
    const err = await refusal(t.open({ dataDir }));
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(new RegExp(`^database ${path} is corrupt \\(SQLITE_NOTADB: file is not a database\\); refusing to use it\\.`));
  });

  it('health: ok after open; corrupt once a query failed with a corruption error, and it stays so', async () => {
    const store = await t.open();
    expect(store.health()).toEqual({ state: 'ok', message: expect.stringMatching(/^quick_check passed at \d{4}-/) });
    expect(store.noteError(new Error('boom'))).toBe(false);
    expect(store.noteError(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    expect(store.health().state).toBe('ok');
    expect((await store.checkIntegrity()).state).toBe('ok');

    expect(store.noteError(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }))).toBe(true);
    const corrupt = store.health();
    expect(corrupt).toEqual({
      state: 'corrupt',
      message: 'the database is corrupt (SQLITE_CORRUPT: database disk image is malformed); stop Quorate and restore a backup (see SECURITY.md, "Backup and restore")',
    });
    // a later pass does not clear it: quick_check does not compare indexes with tables
    expect(await store.checkIntegrity()).toEqual(corrupt);
    expect(store.noteError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }))).toBe(true);
    expect(store.health()).toEqual(corrupt);
  });

  it('recognises the extended corruption codes and SQLITE_NOTADB', async () => {
    for (const code of ['SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_NOTADB']) {
      const store = await t.open();
      expect(store.noteError(Object.assign(new Error('x'), { code })), code).toBe(true);
      expect(store.health().state).toBe('corrupt');
    }
  });

  it('checkIntegrity finds damage that appeared while the store was open', async () => {
    const dataDir = await filledDataDir();
    const store = await t.open({ dataDir });
    expect((await store.checkIntegrity()).state).toBe('ok');
    const path = join(dataDir, 'quorate.db');
    corruptMiddlePage(path);
    // a write by another connection makes the store's connection drop its page cache
    const other = new Database(path);
    other.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)').run('k', '1', 0);
    other.close();
    const h = await store.checkIntegrity();
    expect(h.state).toBe('corrupt');
    expect(h.message).toMatch(/^the database is corrupt \(Tree \d+ page \d+ cell \d+: .*\); stop Quorate and restore a backup/);
  });
});
