import { chmodSync, chownSync, lchownSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from './errors';
import { useStores } from './testing';

const t = useStores();
const mode = (path: string) => statSync(path).mode & 0o7777;
/** chown needs root (the test machine runs as root; elsewhere these cases are skipped) */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

async function refusal(opening: Promise<unknown>): Promise<StoreError> {
  try {
    await opening;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('data directory and database file modes', () => {
  it('tightens a data dir of ours with group/other bits to 0700 and says so', async () => {
    const dataDir = join(t.tempDir(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const warnings: string[] = [];
    await (await t.open({ dataDir, onWarning: (m) => warnings.push(m) })).close();
    expect(mode(dataDir)).toBe(0o700);
    expect(warnings).toEqual([`data directory ${dataDir} was accessible by group or others (mode 0755); changed it to 0700`]);
    // private now: nothing more to say
    await t.open({ dataDir, onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
  });

  it.skipIf(!asRoot)('refuses a data dir owned by another user, naming it and the fix, and leaves it alone', async () => {
    const dataDir = join(t.tempDir(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    chownSync(dataDir, NOBODY, NOBODY);
    const err = await refusal(t.open({ dataDir, onWarning: () => {} }));
    expect(err.code).toBe('insecure-file');
    expect(err.message).toBe(
      `data directory ${dataDir} is owned by uid ${NOBODY}, not by this process (uid 0); refusing to use it. Fix: run Quorate as uid ${NOBODY}, or chown -R 0 ${dataDir} && chmod 700 ${dataDir}`,
    );
    expect(mode(dataDir)).toBe(0o755);
    expect(() => statSync(join(dataDir, 'quorate.db'))).toThrow(/ENOENT/);
  });

  it('refuses a shared directory like /tmp (world-writable, sticky) even when it is ours', async () => {
    const dataDir = join(t.tempDir(), 'shared');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o1777);
    const err = await refusal(t.open({ dataDir, onWarning: () => {} }));
    expect(err.code).toBe('insecure-file');
    expect(err.message).toMatch(new RegExp(`^data directory ${dataDir} is shared \\(mode 1777: world-writable or sticky, like /tmp\\); refusing to use it\\. Fix: point QUORATE_DATA_DIR at`));
    expect(err.message).not.toContain('\n');
    expect(mode(dataDir)).toBe(0o1777);
  });

  it('tightens quorate.db, -wal and -shm of ours to 0600, one warning each', async () => {
    const dataDir = join(t.tempDir(), 'data');
    await (await t.open({ dataDir })).close();
    const db = join(dataDir, 'quorate.db');
    // another connection keeps the WAL and the shared memory file in place
    const other = new Database(db);
    try {
      other.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)').run('k', '1', 0);
      const files = [db, `${db}-wal`, `${db}-shm`];
      for (const f of files) chmodSync(f, 0o644);
      const warnings: string[] = [];
      const store = await t.open({ dataDir, onWarning: (m) => warnings.push(m) });
      for (const f of files) expect(mode(f), f).toBe(0o600);
      expect(warnings).toEqual(files.map((f) => `database file ${f} was accessible by group or others (mode 0644); changed it to 0600`));
      expect(await store.kv.get('k', z.number())).toBe(1);
    } finally {
      other.close();
    }
  });

  it.skipIf(!asRoot)('refuses a database file, -wal or symlink owned by another user', async () => {
    const dataDir = join(t.tempDir(), 'data');
    await (await t.open({ dataDir })).close();
    const db = join(dataDir, 'quorate.db');
    chownSync(db, NOBODY, NOBODY);
    let err = await refusal(t.open({ dataDir }));
    expect(err.code).toBe('insecure-file');
    expect(err.message).toBe(`database file ${db} is owned by uid ${NOBODY}, not by this process (uid 0); refusing to use it. Fix: run Quorate as uid ${NOBODY}, or chown 0 ${db} && chmod 600 ${db}`);
    chownSync(db, 0, 0);

    writeFileSync(`${db}-wal`, '', { mode: 0o600 });
    chownSync(`${db}-wal`, NOBODY, NOBODY);
    err = await refusal(t.open({ dataDir }));
    expect(err.message).toMatch(new RegExp(`^database file ${db}-wal is owned by uid ${NOBODY}`));

    // a symlink planted by someone else, even to a file of ours
    const other = join(t.tempDir(), 'data2');
    mkdirSync(other, { mode: 0o700 });
    writeFileSync(join(other, 'mine.db'), '', { mode: 0o600 });
    symlinkSync(join(other, 'mine.db'), join(other, 'quorate.db'));
    lchownSync(join(other, 'quorate.db'), NOBODY, NOBODY);
    err = await refusal(t.open({ dataDir: other }));
    expect(err.message).toMatch(new RegExp(`^database file \\(symlink\\) ${other}/quorate.db is owned by uid ${NOBODY}`));
  });
});
