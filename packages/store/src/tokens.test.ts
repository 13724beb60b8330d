import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbBytes, useStores } from './testing';
import { tokenCreator } from './tokens';

const t = useStores();

describe('API tokens', () => {
  it('creates qrt_ tokens shown once, verifies them, and updates lastUsedAt', () => {
    let clock = 1_700_000_000_000;
    const s = t.open({ now: () => clock });
    const { id, token } = s.tokens.create({ name: 'ci', role: 'operator', createdBy: 'alice' });
    expect(token).toMatch(/^qrt_[A-Za-z0-9_-]{43}$/);
    expect(s.tokens.verify(token)).toEqual({ id, name: 'ci', role: 'operator' });
    expect(s.tokens.verify(token + 'x')).toBeNull();
    expect(s.tokens.verify('qrt_' + 'A'.repeat(43))).toBeNull();
    expect(s.tokens.verify('')).toBeNull();
    expect(s.tokens.list()[0]?.lastUsedAt).toBe(clock);
    clock += 120_000;
    s.tokens.verify(token);
    expect(s.tokens.list()[0]?.lastUsedAt).toBe(clock);
  });

  it('lists without secrets and revokes', () => {
    const s = t.open();
    const a = s.tokens.create({ name: 'ci', role: 'viewer', createdBy: 'alice' });
    const b = s.tokens.create({ name: 'backup', role: 'admin', createdBy: 'bob' });
    const list = s.tokens.list();
    expect(list.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    for (const x of list) expect(Object.keys(x).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'role', 'static']);
    const text = JSON.stringify(list);
    expect(text).not.toContain(a.token);
    expect(text).not.toContain(a.token.slice(4));
    expect(s.tokens.revoke(a.id)).toBe(true);
    expect(s.tokens.revoke(a.id)).toBe(false);
    expect(s.tokens.verify(a.token)).toBeNull();
    expect(s.tokens.verify(b.token)?.role).toBe('admin');
    expect(() => s.tokens.create({ name: '', role: 'viewer', createdBy: 'x' })).toThrow(/must not be empty/);
  });

  it('ensureStatic is idempotent, follows role changes, and replaces a changed value', () => {
    const dataDir = join(t.tempDir(), 'data');
    const env = 'static-token-from-env-0123456789';
    const a = t.open({ dataDir });
    const id = a.tokens.ensureStatic(env, 'operator', 'environment');
    expect(a.tokens.ensureStatic(env, 'operator', 'environment')).toBe(id);
    a.close();
    const b = t.open({ dataDir });
    expect(b.tokens.ensureStatic(env, 'admin', 'environment')).toBe(id);
    expect(b.tokens.verify(env)).toEqual({ id, name: 'environment', role: 'admin' });
    expect(b.tokens.list()).toMatchObject([{ id, static: true, createdBy: 'environment' }]);
    const id2 = b.tokens.ensureStatic(env + '-rotated', 'admin', 'environment');
    expect(id2).not.toBe(id);
    expect(b.tokens.verify(env)).toBeNull();
    expect(b.tokens.verify(env + '-rotated')?.id).toBe(id2);
    expect(b.tokens.list()).toHaveLength(1);
    expect(() => b.tokens.ensureStatic('short', 'admin')).toThrow(/at least 16 characters/);
  });

  it('leaves neither a raw token nor a password anywhere in the database files', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    const password = 'Sup3r-Secret-Passphrase!';
    const staticToken = 'env-token-value-9f8e7d6c5b4a';
    await s.users.create({ username: 'alice', password, role: 'admin' });
    const { token } = s.tokens.create({ name: 'ci', role: 'operator', createdBy: 'alice' });
    s.tokens.ensureStatic(staticToken, 'viewer');
    const user = s.users.getByUsername('alice')!;
    const session = s.sessions.create(user.id, 60_000);
    // check while the WAL still holds the writes, and again after a checkpoint into the main file
    for (const phase of ['wal', 'closed']) {
      if (phase === 'closed') s.close();
      const bytes = dbBytes(dataDir);
      expect(bytes.length).toBeGreaterThan(0);
      for (const needle of [password, token, token.slice(4), staticToken, session.id]) {
        expect(bytes.includes(Buffer.from(needle, 'utf8')), `${phase}: ${needle.slice(0, 6)}…`).toBe(false);
      }
      // guard against a vacuous search: the username is in there
      expect(bytes.includes(Buffer.from('alice'))).toBe(true);
    }
  });
});

describe('tokens of a removed or demoted creator', () => {
  it('revokeCreatedBy: every token the user made (not static ones), and every token those tokens made', () => {
    const s = t.open();
    const mine = s.tokens.create({ name: 'ci', role: 'admin', createdBy: 'alice' });
    const child = s.tokens.create({ name: 'made-by-ci', role: 'viewer', createdBy: tokenCreator(mine.id) });
    const grandchild = s.tokens.create({ name: 'made-by-that', role: 'viewer', createdBy: tokenCreator(child.id) });
    const other = s.tokens.create({ name: 'bobs', role: 'admin', createdBy: 'bob' });
    s.tokens.ensureStatic('static-token-from-env-0123456789', 'operator');
    // a user may be called "environment": its removal does not touch the token QUORATE_API_TOKEN registers
    expect(s.tokens.revokeCreatedBy('environment')).toEqual([]);
    const revoked = s.tokens.revokeCreatedBy('alice');
    expect(revoked.map((r) => r.name).sort()).toEqual(['ci', 'made-by-ci', 'made-by-that']);
    for (const x of [mine, child, grandchild]) expect(s.tokens.verify(x.token)).toBeNull();
    expect(s.tokens.verify(other.token)?.name).toBe('bobs');
    expect(s.tokens.list().map((x) => x.name).sort()).toEqual(['bobs', 'environment']);
    expect(s.tokens.revokeCreatedBy('alice')).toEqual([]);
  });

  it('revokeCreatedBy with a role: only the tokens above it (and what they made)', () => {
    const s = t.open();
    const admin = s.tokens.create({ name: 'admin-token', role: 'admin', createdBy: 'alice' });
    const made = s.tokens.create({ name: 'made-by-admin-token', role: 'viewer', createdBy: tokenCreator(admin.id) });
    const op = s.tokens.create({ name: 'operator-token', role: 'operator', createdBy: 'alice' });
    const viewer = s.tokens.create({ name: 'viewer-token', role: 'viewer', createdBy: 'alice' });
    expect(s.tokens.revokeCreatedBy('alice', { above: 'operator' }).map((r) => r.name).sort()).toEqual(['admin-token', 'made-by-admin-token']);
    expect(s.tokens.verify(made.token)).toBeNull();
    expect(s.tokens.revokeCreatedBy('alice', { above: 'viewer' }).map((r) => [r.name, r.role])).toEqual([['operator-token', 'operator']]);
    expect(s.tokens.verify(op.token)).toBeNull();
    expect(s.tokens.verify(viewer.token)?.name).toBe('viewer-token');
    expect(s.tokens.revokeCreatedBy('alice', { above: 'admin' })).toEqual([]);
  });

  it('revoke(id) takes the tokens it made along and says which', () => {
    const s = t.open();
    const parent = s.tokens.create({ name: 'parent', role: 'admin', createdBy: 'alice' });
    const child = s.tokens.create({ name: 'child', role: 'viewer', createdBy: tokenCreator(parent.id) });
    expect(s.tokens.revokeWithDescendants(parent.id).map((r) => r.name)).toEqual(['parent', 'child']);
    expect(s.tokens.verify(child.token)).toBeNull();
    expect(s.tokens.revokeWithDescendants(parent.id)).toEqual([]);
  });
});
