import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { draft, useStores } from './testing';

const t = useStores();

describe('store.backup', () => {
  it('writes a 0600 copy with the same users and events, while another connection keeps writing', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const writer = await t.open({ dataDir });
    await writer.users.create({ username: 'alice', password: 'alice passphrase', role: 'admin' });
    await writer.events.append('c1', Array.from({ length: 500 }, (_, i) => draft(i)));
    // a second store on the directory only reads here (two writers in one process would wait on each other: sql/open.ts)
    const reader = await t.open({ dataDir });

    const out = join(t.tempDir(), 'quorate-backup.db');
    const pending = reader.backup(out);
    await writer.events.append('c1', [draft(500)]); // between the call and its completion
    const result = await pending;
    expect(result).toEqual({ path: out, bytes: statSync(out).size });
    expect(result.bytes).toBeGreaterThan(4096);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(out, '..'))).toEqual(['quorate-backup.db']);

    // restore: the copy becomes the database of a fresh data directory
    const restored = join(t.tempDir(), 'restored');
    mkdirSync(restored, { mode: 0o700 });
    copyFileSync(out, join(restored, 'quorate.db'));
    const copy = await t.open({ dataDir: restored });
    expect((await copy.users.list()).map((u) => [u.username, u.role])).toEqual([['alice', 'admin']]);
    expect(await copy.users.verify('alice', 'alice passphrase')).not.toBeNull();
    const seqs = (await copy.events.since('c1', 0, 1000)).events.map((e) => e.seq);
    expect(seqs.slice(0, 500)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(copy.health().state).toBe('ok');
  });

  it('refuses an existing file unless told to overwrite it; the replacement is 0600', async () => {
    const store = await t.open();
    const out = join(t.tempDir(), 'b.db');
    writeFileSync(out, 'precious', { mode: 0o644 });
    await expect(store.backup(out)).rejects.toThrow(new StoreError('conflict', `${out} exists; refusing to overwrite it`));
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(readdirSync(join(out, '..'))).toEqual(['b.db']);

    await store.backup(out, { overwrite: true });
    expect(readFileSync(out).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(out, '..'))).toEqual(['b.db']);
  });

  it('names a missing directory', async () => {
    const store = await t.open();
    const out = join(t.tempDir(), 'nope', 'b.db');
    await expect(store.backup(out)).rejects.toThrow(/directory .*nope does not exist/);
  });
});
