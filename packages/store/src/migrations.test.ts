import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from './db';
import { migrate, migrations } from './migrations';
import { StoreError } from './errors';
import { useStores } from './testing';

const t = useStores();

describe('openSqlStore on SQLite / migrations', () => {
  it('creates the data dir 0700 and the db 0600 with WAL, foreign keys and all migrations', async () => {
    const dataDir = join(t.tempDir(), 'nested', 'data');
    const store = await t.open({ dataDir });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'quorate.db')).mode & 0o777).toBe(0o600);
    await store.close();
    const db = new Database(join(dataDir, 'quorate.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(migrations.map((m) => m.version));
    db.close();
  });

  it('is idempotent on reopen and keeps the data', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const a = await t.open({ dataDir });
    await a.kv.set('x', 1);
    await a.close();
    const b = await t.open({ dataDir });
    expect(await b.kv.get('x', z.number())).toBe(1);
    await b.close();
    const db = openDatabase(dataDir);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(migrate(db, 0)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(migrations.length);
    expect(db.prepare('SELECT value FROM kv WHERE key = ?').pluck().get('x')).toBe('1');
    db.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const dataDir = join(t.tempDir(), 'data');
    await (await t.open({ dataDir })).close();
    const db = openDatabase(dataDir);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(999, 'future', 0);
    db.close();
    await expect(t.open({ dataDir })).rejects.toThrow(StoreError);
    await expect(t.open({ dataDir })).rejects.toThrow(/newer than this Quorate/);
  });
});
