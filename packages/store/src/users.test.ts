import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { parsePasswordHash, verifyPassword } from './password';
import { Role, roleAtLeast } from './roles';
import { useStores } from './testing';

const t = useStores();
const PW = 'correct horse battery';

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(Role.options).toEqual(['viewer', 'operator', 'admin']);
    expect(roleAtLeast('admin', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('operator', 'admin')).toBe(false);
  });
});

describe('users', () => {
  it('hashes with scrypt$N$r$p$salt$hash and verifies true/false', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    const u = await s.users.create({ username: 'alice', password: PW, role: 'admin' });
    const raw = new Database(join(dataDir, 'quorate.db'), { readonly: true });
    const stored = raw.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(u.id) as string;
    raw.close();
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    const parsed = parsePasswordHash(stored);
    expect(parsed?.salt.length).toBe(16);
    expect(parsed?.hash.length).toBe(64);

    expect(await s.users.verify('alice', PW)).toMatchObject({ id: u.id, username: 'alice', role: 'admin' });
    expect(await s.users.verify('alice', PW + 'x')).toBeNull();
    expect(await s.users.verify('ALICE', PW)).toMatchObject({ id: u.id }); // usernames are case-insensitive
    expect(await s.users.verify('bob', PW)).toBeNull();
    expect(await verifyPassword(PW, 'scrypt$3$8$1$AAAA$AAAA')).toBe(false); // malformed stored hash
  });

  it('salts: the same password hashes differently for two users', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    await s.users.create({ username: 'a', password: PW, role: 'viewer' });
    await s.users.create({ username: 'b', password: PW, role: 'viewer' });
    const raw = new Database(join(dataDir, 'quorate.db'), { readonly: true });
    const hashes = raw.prepare('SELECT password_hash FROM users').pluck().all();
    raw.close();
    expect(new Set(hashes).size).toBe(2);
  });

  it('enforces username and password rules with clear errors', async () => {
    const s = t.open();
    await expect(s.users.create({ username: '', password: PW, role: 'viewer' })).rejects.toThrow(/username must not be empty/);
    await expect(s.users.create({ username: 'a'.repeat(65), password: PW, role: 'viewer' })).rejects.toThrow(/at most 64/);
    await expect(s.users.create({ username: 'bad name', password: PW, role: 'viewer' })).rejects.toThrow(/letters, digits and \. _ @ -/);
    await expect(s.users.create({ username: 'ok', password: 'short', role: 'viewer' })).rejects.toThrow(/at least 10 characters/);
    await expect(s.users.create({ username: 'ok', password: PW, role: 'root' as never })).rejects.toBeInstanceOf(StoreError);
    const u = await s.users.create({ username: 'o.k_@-1', password: PW, role: 'viewer' });
    expect(u.username).toBe('o.k_@-1');
    await expect(s.users.create({ username: 'O.K_@-1', password: PW, role: 'viewer' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('changes password and role, lists without hashes, counts, deletes', async () => {
    const s = t.open();
    const a = await s.users.create({ username: 'alice', password: PW, role: 'admin' });
    const b = await s.users.create({ username: 'bob', password: PW, role: 'viewer' });
    await s.users.setPassword(b.id, 'another long password');
    expect(await s.users.verify('bob', PW)).toBeNull();
    expect(await s.users.verify('bob', 'another long password')).not.toBeNull();
    await expect(s.users.setPassword(b.id, 'short')).rejects.toThrow(/at least 10/);
    await expect(s.users.setPassword('nope', PW)).rejects.toMatchObject({ code: 'not-found' });

    expect(s.users.setRole(b.id, 'operator').role).toBe('operator');
    expect(() => s.users.setRole('nope', 'viewer')).toThrow(/no user/);

    const list = s.users.list();
    expect(list.map((u) => u.username)).toEqual(['alice', 'bob']);
    for (const u of list) expect(Object.keys(u).sort()).toEqual(['createdAt', 'id', 'role', 'updatedAt', 'username']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt/);

    expect(s.users.count()).toBe(2);
    expect(s.users.count('admin')).toBe(1);
    expect(s.users.get(a.id)?.username).toBe('alice');
    expect(s.users.getByUsername('Bob')?.id).toBe(b.id);
    expect(s.users.delete(a.id)).toBe(true);
    expect(s.users.delete(a.id)).toBe(false);
    expect(s.users.get(a.id)).toBeNull();
    expect(s.users.count()).toBe(1);
  });
});

describe('password text', () => {
  it('refuses lone surrogates and NUL when a password is set, and stores the NFC form', async () => {
    const s = t.open();
    await expect(s.users.create({ username: 'a', password: 'long enough \uD800', role: 'viewer' })).rejects.toThrow(/no lone surrogate/);
    await expect(s.users.create({ username: 'a', password: 'long enough\u0000x', role: 'viewer' })).rejects.toThrow(/must not contain NUL/);
    const u = await s.users.create({ username: 'a', password: 'cafe\u0301 au lait!', role: 'viewer' });
    await expect(s.users.setPassword(u.id, 'another \uDC00 password')).rejects.toMatchObject({ code: 'invalid' });
    // both spellings of é are the same password
    expect(await s.users.verify('a', 'cafe\u0301 au lait!')).not.toBeNull();
    expect(await s.users.verify('a', 'caf\u00e9 au lait!')).not.toBeNull();
  });

  it('a lone surrogate never signs in, even where UTF-8 would turn it into the stored U+FFFD', async () => {
    const s = t.open();
    // what a password with a lone surrogate became before: its UTF-8 bytes carry U+FFFD instead
    await s.users.create({ username: 'a', password: 'long enough \uFFFD', role: 'viewer' });
    expect(await s.users.verify('a', 'long enough \uFFFD')).not.toBeNull();
    expect(await s.users.verify('a', 'long enough \uD800')).toBeNull();
    expect(await s.users.verify('a', 'long enough \uDFFF')).toBeNull();
  });
});

describe('update: role and password together', () => {
  it('hashes first, then checks and applies both in one transaction; a refused check changes nothing', async () => {
    const s = t.open();
    const a = await s.users.create({ username: 'alice', password: PW, role: 'admin' });
    const refuse = () => {
      throw new Error('refused by the caller');
    };
    await expect(s.users.update(a.id, { role: 'viewer', password: 'a new long password' }, { check: refuse })).rejects.toThrow('refused by the caller');
    expect(s.users.get(a.id)?.role).toBe('admin');
    expect(await s.users.verify('alice', PW)).not.toBeNull();
    expect(await s.users.verify('alice', 'a new long password')).toBeNull();

    const seen: string[] = [];
    const updated = await s.users.update(
      a.id,
      { role: 'operator', password: 'a new long password' },
      { check: (current) => seen.push(`check ${current.role}`), then: (u) => seen.push(`then ${u.role}`) },
    );
    expect(updated.role).toBe('operator');
    expect(seen).toEqual(['check admin', 'then operator']);
    expect(await s.users.verify('alice', 'a new long password')).not.toBeNull();
    await expect(s.users.update(a.id, { password: 'short' })).rejects.toThrow(/at least 10/);
    await expect(s.users.update('nope', { role: 'viewer' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a user deleted while the password was hashing is not found, and nothing is written', async () => {
    const s = t.open();
    const a = await s.users.create({ username: 'alice', password: PW, role: 'admin' });
    const pending = s.users.update(a.id, { password: 'a new long password' });
    s.users.delete(a.id);
    await expect(pending).rejects.toMatchObject({ code: 'not-found' });
    expect(s.users.count()).toBe(0);
  });
});
