import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkPrivateFile } from './private-file';
import { StoreError } from './errors';
import { dbBytes, useStores } from './testing';

const t = useStores();

describe('secret key file', () => {
  it('is created with mode 0600 holding 32 random bytes, and reused on reopen', () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    const keyFile = join(dataDir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile);
    expect(key.length).toBe(32);
    s.secrets.put('pve', 'root@pam!token=abc');
    s.close();
    const again = t.open({ dataDir });
    expect(readFileSync(keyFile).equals(key)).toBe(true);
    expect(again.secrets.get('pve')).toBe('root@pam!token=abc');
  });

  it('refuses a key file readable by group or others (0644), naming the file and the fix', () => {
    const dir = t.tempDir();
    const keyFile = join(dir, 'k.key');
    writeFileSync(keyFile, randomBytes(32), { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    let err: unknown;
    try {
      t.open({ dataDir: join(dir, 'data'), keyFile });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('insecure-file');
    expect((err as Error).message).toContain(keyFile);
    expect((err as Error).message).toContain(`chmod 600 ${keyFile}`);
    expect((err as Error).message).toContain('0644');
    chmodSync(keyFile, 0o600);
    expect(t.open({ dataDir: join(dir, 'data'), keyFile }).secrets.names()).toEqual([]);
  });

  it('accepts a 64-hex-character key file and rejects garbage', () => {
    const dir = t.tempDir();
    const hexKey = join(dir, 'hex.key');
    writeFileSync(hexKey, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    t.open({ dataDir: join(dir, 'a'), keyFile: hexKey }).secrets.put('x', 'y');
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'too short', { mode: 0o600 });
    expect(() => t.open({ dataDir: join(dir, 'b'), keyFile: bad })).toThrow(/must hold 32 random bytes/);
  });
});

describe('checkPrivateFile', () => {
  it('accepts 0600/0400, refuses group/other bits, missing files and directories, follows symlinks', () => {
    const dir = t.tempDir();
    const f = join(dir, 'id_ed25519');
    writeFileSync(f, 'key', { mode: 0o600 });
    expect(() => checkPrivateFile(f)).not.toThrow();
    chmodSync(f, 0o400);
    expect(() => checkPrivateFile(f)).not.toThrow();
    for (const mode of [0o640, 0o604, 0o620, 0o644]) {
      chmodSync(f, mode);
      expect(() => checkPrivateFile(f)).toThrow(/accessible by group or others/);
    }
    const link = join(dir, 'link');
    symlinkSync(f, link);
    expect(() => checkPrivateFile(link)).toThrow(/chmod 600/);
    expect(() => checkPrivateFile(join(dir, 'missing'))).toThrow(/does not exist/);
    const sub = join(dir, 'sub');
    mkdirSync(sub, { mode: 0o700 });
    expect(() => checkPrivateFile(sub)).toThrow(/not a regular file/);
  });
});

describe('secrets', () => {
  it('round-trips, overwrites, lists names and deletes', () => {
    const s = t.open();
    s.secrets.put('cluster/a/password', 'hunter2-but-longer');
    s.secrets.put('cluster/b/token', 'ünïcødé ✓');
    expect(s.secrets.get('cluster/a/password')).toBe('hunter2-but-longer');
    expect(s.secrets.get('cluster/b/token')).toBe('ünïcødé ✓');
    s.secrets.put('cluster/a/password', 'changed value');
    expect(s.secrets.get('cluster/a/password')).toBe('changed value');
    expect(s.secrets.names()).toEqual(['cluster/a/password', 'cluster/b/token']);
    expect(s.secrets.delete('cluster/b/token')).toBe(true);
    expect(s.secrets.get('cluster/b/token')).toBeNull();
    expect(s.secrets.names()).toEqual(['cluster/a/password']);
  });

  it('keeps only ciphertext in the database bytes', () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    const plaintext = 'PVE-root-password-Zq81!x';
    s.secrets.put('pve', plaintext);
    const raw = new Database(join(dataDir, 'quorate.db'), { readonly: true });
    const row = raw.prepare('SELECT ciphertext FROM secrets WHERE name = ?').get('pve') as { ciphertext: Buffer };
    raw.close();
    expect(row.ciphertext.length).toBe(Buffer.byteLength(plaintext));
    expect(row.ciphertext.equals(Buffer.from(plaintext))).toBe(false);
    expect(dbBytes(dataDir).includes(Buffer.from(plaintext))).toBe(false);
    s.close();
    expect(dbBytes(dataDir).includes(Buffer.from(plaintext))).toBe(false);
    expect(dbBytes(dataDir).includes(Buffer.from('pve'))).toBe(true); // the search is not vacuous
  });

  it('refuses to decrypt with another key file and detects swapped rows', () => {
    const dir = t.tempDir();
    const dataDir = join(dir, 'data');
    const s = t.open({ dataDir });
    s.secrets.put('a', 'secret a');
    s.secrets.put('b', 'secret b');
    s.close();
    // swap the ciphertexts: the name is authenticated data, so this must fail
    const raw = new Database(join(dataDir, 'quorate.db'));
    const rows = raw.prepare('SELECT name, iv, tag, ciphertext FROM secrets ORDER BY name').all() as {
      name: string; iv: Buffer; tag: Buffer; ciphertext: Buffer;
    }[];
    const upd = raw.prepare('UPDATE secrets SET iv = ?, tag = ?, ciphertext = ? WHERE name = ?');
    upd.run(rows[1]!.iv, rows[1]!.tag, rows[1]!.ciphertext, 'a');
    raw.close();
    const again = t.open({ dataDir });
    expect(() => again.secrets.get('a')).toThrow(/failed authentication/);
    expect(again.secrets.get('b')).toBe('secret b');
    again.close();

    const otherKey = join(dir, 'other.key');
    writeFileSync(otherKey, randomBytes(32), { mode: 0o600 });
    const other = t.open({ dataDir, keyFile: otherKey });
    expect(() => other.secrets.get('b')).toThrow(/different key file/);
  });
});
