import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPrivateFile } from './private-file';
import { StoreError } from './errors';
import { useStores } from './testing';

const t = useStores();

describe('secret key file', () => {
  it('is created with mode 0600 holding 32 random bytes, and reused on reopen', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = await t.open({ dataDir });
    const keyFile = join(dataDir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile);
    expect(key.length).toBe(32);
    await s.secrets.put('pve', 'root@pam!token=abc');
    await s.close();
    const again = await t.open({ dataDir });
    expect(readFileSync(keyFile).equals(key)).toBe(true);
    expect(await again.secrets.get('pve')).toBe('root@pam!token=abc');
  });

  it('refuses a key file readable by group or others (0644), naming the file and the fix', async () => {
    const dir = t.tempDir();
    const keyFile = join(dir, 'k.key');
    writeFileSync(keyFile, randomBytes(32), { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    let err: unknown;
    try {
      await t.open({ dataDir: join(dir, 'data'), keyFile });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('insecure-file');
    expect((err as Error).message).toContain(keyFile);
    expect((err as Error).message).toContain(`chmod 600 ${keyFile}`);
    expect((err as Error).message).toContain('0644');
    chmodSync(keyFile, 0o600);
    expect(await (await t.open({ dataDir: join(dir, 'data'), keyFile })).secrets.names()).toEqual([]);
  });

  it('accepts a 64-hex-character key file and rejects garbage', async () => {
    const dir = t.tempDir();
    const hexKey = join(dir, 'hex.key');
    writeFileSync(hexKey, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const s = await t.open({ dataDir: join(dir, 'a'), keyFile: hexKey });
    await s.secrets.put('x', 'y');
    expect(await s.secrets.get('x')).toBe('y');
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'too short', { mode: 0o600 });
    await expect(t.open({ dataDir: join(dir, 'b'), keyFile: bad })).rejects.toThrow(/must hold 32 random bytes/);
  });

  it('a store opened with another key file refuses the secrets written with the first', async () => {
    const dir = t.tempDir();
    const dataDir = join(dir, 'data');
    const s = await t.open({ dataDir });
    await s.secrets.put('b', 'secret b');
    await s.close();
    const otherKey = join(dir, 'other.key');
    writeFileSync(otherKey, randomBytes(32), { mode: 0o600 });
    const other = await t.open({ dataDir, keyFile: otherKey });
    await expect(other.secrets.get('b')).rejects.toThrow(/different key file/);
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
