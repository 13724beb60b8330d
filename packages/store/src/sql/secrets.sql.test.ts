import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors';
import { dbBytes } from '../testing';
import type { SecretKey } from '../secret-key';
import type { SqlStore } from './contract';
import { createSecretStore } from './secrets';
import { ENGINES, useSqlStores } from './testing';

const key: SecretKey = { key: randomBytes(32), id: 'key-one' };

describe.each(ENGINES)('sql secrets on %s', (engine) => {
  const t = useSqlStores(engine);
  const rowOf = (s: SqlStore, name: string) =>
    s.db.selectFrom('secrets').select(['key_id', 'iv', 'tag', 'ciphertext', 'updated_at']).where('name', '=', name).executeTakeFirstOrThrow();

  it('round-trips, overwrites, lists names and deletes', async () => {
    const secrets = createSecretStore(t.ctx(await t.open()), key);
    await secrets.put('cluster/a/password', 'hunter2-but-longer');
    await secrets.put('cluster/b/token', 'ünïcødé ✓');
    expect(await secrets.get('cluster/a/password')).toBe('hunter2-but-longer');
    expect(await secrets.get('cluster/b/token')).toBe('ünïcødé ✓');
    await secrets.put('cluster/a/password', 'changed value');
    expect(await secrets.get('cluster/a/password')).toBe('changed value');
    expect(await secrets.names()).toEqual(['cluster/a/password', 'cluster/b/token']);
    expect(await secrets.delete('cluster/b/token')).toBe(true);
    expect(await secrets.delete('cluster/b/token')).toBe(false);
    expect(await secrets.get('cluster/b/token')).toBeNull();
    expect(await secrets.names()).toEqual(['cluster/a/password']);
    // a name with NUL (PostgreSQL text cannot hold one) is simply absent on both engines
    expect(await secrets.get('a\0b')).toBeNull();
    expect(await secrets.delete('a\0b')).toBe(false);
    await secrets.put('e', '');
    expect(await secrets.get('e')).toBe('');
  });

  it('refuses an empty or overlong name and a value that is not a string, writing nothing', async () => {
    const s = await t.open();
    const secrets = createSecretStore(t.ctx(s), key);
    await expect(secrets.put('', 'x')).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/must not be empty/) });
    await expect(secrets.put('n'.repeat(257), 'x')).rejects.toThrow(StoreError);
    await expect(secrets.put('n', 42 as unknown as string)).rejects.toThrow(/value must be a string/);
    expect(await secrets.names()).toEqual([]);
  });

  it('lists names in byte order, as SQLite does, whatever the database locale', async () => {
    const secrets = createSecretStore(t.ctx(await t.open()), key);
    for (const n of ['b', 'B', 'a', '_x', 'a/b', 'a-b', 'é']) await secrets.put(n, 'v');
    expect(await secrets.names()).toEqual(['B', '_x', 'a', 'a-b', 'a/b', 'b', 'é']);
  });

  it('keeps only ciphertext, as Buffers, with the key id and time', async () => {
    const s = await t.open();
    const plaintext = 'PVE-root-password-Zq81!x';
    await createSecretStore(t.ctx(s, () => 1234), key).put('pve', plaintext);
    const row = await rowOf(s, 'pve');
    expect(row).toMatchObject({ key_id: 'key-one', updated_at: 1234 });
    for (const b of [row.iv, row.tag, row.ciphertext]) expect(Buffer.isBuffer(b)).toBe(true);
    expect([row.iv.length, row.tag.length]).toEqual([12, 16]);
    expect(row.ciphertext.length).toBe(Buffer.byteLength(plaintext));
    expect(row.ciphertext.equals(Buffer.from(plaintext))).toBe(false);
    if (engine === 'sqlite') {
      // nor in the files: while the WAL holds the write, and after a checkpoint into the main file
      const dataDir = dirname(s.where);
      for (const phase of ['wal', 'closed']) {
        if (phase === 'closed') await s.close();
        expect(dbBytes(dataDir).includes(Buffer.from(plaintext)), phase).toBe(false);
        expect(dbBytes(dataDir).includes(Buffer.from('pve')), phase).toBe(true); // the search is not vacuous
      }
    }
  });

  it('stores BLOBs byte for byte, bytes that are not valid UTF-8 included', async () => {
    const s = await t.open();
    const secrets = createSecretStore(t.ctx(s), key);
    await secrets.put('x', 'value');
    // not UTF-8: a lone continuation byte, an invalid lead, NUL and 0xff; a text column would mangle them
    const raw = Buffer.from([0x80, 0xc3, 0x28, 0x00, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x41]);
    expect(Buffer.from(raw.toString('utf8'), 'utf8').equals(raw)).toBe(false);
    await s.db.updateTable('secrets').set({ ciphertext: raw }).where('name', '=', 'x').execute();
    expect((await rowOf(s, 'x')).ciphertext.equals(raw)).toBe(true);

    // a real secret's sealed bytes, read back and written again as they came, still decrypt
    await secrets.put('y', 'ünïcødé ✓ and more');
    const { iv, tag, ciphertext } = await rowOf(s, 'y');
    await s.db.deleteFrom('secrets').where('name', '=', 'y').execute();
    await s.db.insertInto('secrets').values({ name: 'y', key_id: 'key-one', iv, tag, ciphertext, updated_at: 1 }).execute();
    expect(await secrets.get('y')).toBe('ünïcødé ✓ and more');
  });

  it('refuses a tampered ciphertext, a truncated tag, swapped rows and another key', async () => {
    const s = await t.open();
    const secrets = createSecretStore(t.ctx(s), key);
    await secrets.put('a', 'secret a');
    await secrets.put('b', 'secret b');
    await secrets.put('c', 'secret c');
    await secrets.put('d', 'secret d');

    const c = await rowOf(s, 'c');
    const flipped = Buffer.from(c.ciphertext);
    flipped[0] = flipped[0]! ^ 0x01;
    await s.db.updateTable('secrets').set({ ciphertext: flipped }).where('name', '=', 'c').execute();
    await expect(secrets.get('c')).rejects.toMatchObject({ code: 'bad-key', message: expect.stringMatching(/failed authentication/) });

    const d = await rowOf(s, 'd');
    await s.db.updateTable('secrets').set({ tag: d.tag.subarray(0, 12) }).where('name', '=', 'd').execute();
    await expect(secrets.get('d')).rejects.toThrow(/failed authentication/);

    // the name is authenticated data: b's sealed value under a's name must fail
    const b = await rowOf(s, 'b');
    await s.db.updateTable('secrets').set({ iv: b.iv, tag: b.tag, ciphertext: b.ciphertext }).where('name', '=', 'a').execute();
    await expect(secrets.get('a')).rejects.toThrow(/failed authentication/);
    expect(await secrets.get('b')).toBe('secret b');

    await expect(createSecretStore(t.ctx(s), { key: randomBytes(32), id: 'key-two' }).get('b')).rejects.toMatchObject({
      code: 'bad-key',
      message: expect.stringMatching(/different key file/),
    });
    // same id, other bytes (a key file edited in place): authentication fails
    await expect(createSecretStore(t.ctx(s), { key: randomBytes(32), id: 'key-one' }).get('b')).rejects.toThrow(/failed authentication/);
  });
});
