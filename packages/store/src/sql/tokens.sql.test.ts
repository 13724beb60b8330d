import { dirname } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dbBytes } from '../testing';
import { sha256Hex } from '../hash';
import { tokenCreator } from '../tokens';
import { ENGINES, handClock, useSqlStores } from './testing';

for (const engine of ENGINES) {
  describe(`API tokens on ${engine}`, () => {
    const t = useSqlStores(engine);

    it('creates qrt_ tokens shown once, verifies them, and updates lastUsedAt', async () => {
      const clock = handClock(1_700_000_000_000);
      const s = await t.open({ now: clock.now });
      const { tokens } = s;
      const { id, token } = await tokens.create({ name: 'ci', role: 'operator', createdBy: 'alice' });
      expect(token).toMatch(/^qrt_[A-Za-z0-9_-]{43}$/);
      expect(id).toMatch(/^tok_[0-9a-f]{16}$/);
      expect((await s.db.selectFrom('api_tokens').select('token_hash').executeTakeFirstOrThrow()).token_hash).toBe(sha256Hex(token));
      expect((await tokens.list())[0]?.lastUsedAt).toBeNull();
      expect(await tokens.verify(token)).toEqual({ id, name: 'ci', role: 'operator' });
      expect(await tokens.verify(token + 'x')).toBeNull();
      expect(await tokens.verify('qrt_' + 'A'.repeat(43))).toBeNull();
      expect(await tokens.verify('')).toBeNull();
      expect(await tokens.verify('x'.repeat(513))).toBeNull();
      expect((await tokens.list())[0]?.lastUsedAt).toBe(clock.at);
      const first = clock.at;
      clock.advance(30_000); // within the minute: not written again
      await tokens.verify(token);
      expect((await tokens.list())[0]?.lastUsedAt).toBe(first);
      clock.advance(90_000);
      await tokens.verify(token);
      expect((await tokens.list())[0]?.lastUsedAt).toBe(clock.at);
    });

    it('refuses a token whose stored role is unknown', async () => {
      const s = await t.open();
      const { tokens } = s;
      const { id, token } = await tokens.create({ name: 'ci', role: 'operator', createdBy: 'alice' });
      expect(await tokens.verify(token)).not.toBeNull();
      // the CHECK constraint keeps such a role out; lift it to simulate a row written by something else
      if (engine === 'postgres') await s.db.schema.alterTable('api_tokens').dropConstraint('api_tokens_role_check').execute();
      else await sql`pragma ignore_check_constraints = on`.execute(s.db);
      await s.db.updateTable('api_tokens').set({ role: 'root' }).where('id', '=', id).execute();
      expect(await tokens.verify(token)).toBeNull();
    });

    it('lists without secrets, in creation order, and revokes', async () => {
      const clock = handClock(1_700_000_000_000);
      const { tokens } = await t.open({ now: clock.now });
      const a = await tokens.create({ name: 'ci', role: 'viewer', createdBy: 'alice' });
      clock.advance(1);
      const b = await tokens.create({ name: 'backup', role: 'admin', createdBy: 'bob' });
      const list = await tokens.list();
      expect(list.map((x) => x.id)).toEqual([a.id, b.id]);
      expect(list[1]).toEqual({ id: b.id, name: 'backup', role: 'admin', createdAt: clock.at, lastUsedAt: null, createdBy: 'bob', static: false });
      for (const x of list) expect(Object.keys(x).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'role', 'static']);
      const text = JSON.stringify(list);
      expect(text).not.toContain(a.token);
      expect(text).not.toContain(a.token.slice(4));
      expect(await tokens.revoke(a.id)).toBe(true);
      expect(await tokens.revoke(a.id)).toBe(false);
      expect(await tokens.verify(a.token)).toBeNull();
      expect((await tokens.verify(b.token))?.role).toBe('admin');
      await expect(tokens.create({ name: '', role: 'viewer', createdBy: 'x' })).rejects.toThrow(/must not be empty/);
    });

    it('lists tokens created in the same millisecond by id', async () => {
      const { tokens } = await t.open({ now: () => 1_700_000_000_000 });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await tokens.create({ name: `t${i}`, role: 'viewer', createdBy: 'alice' })).id);
      expect((await tokens.list()).map((x) => x.id)).toEqual([...ids].sort());
    });

    it('ensureStatic is idempotent, follows role changes, and replaces a changed value', async () => {
      const env = 'static-token-from-env-0123456789';
      const a = await t.open();
      const id = await a.tokens.ensureStatic(env, 'operator', 'environment');
      expect(await a.tokens.ensureStatic(env, 'operator', 'environment')).toBe(id);
      await a.close();
      const b = await t.open();
      expect(await b.tokens.ensureStatic(env, 'admin', 'environment')).toBe(id);
      expect(await b.tokens.verify(env)).toEqual({ id, name: 'environment', role: 'admin' });
      expect(await b.tokens.list()).toMatchObject([{ id, static: true, createdBy: 'environment' }]);
      const id2 = await b.tokens.ensureStatic(env + '-rotated', 'admin', 'environment');
      expect(id2).not.toBe(id);
      expect(await b.tokens.verify(env)).toBeNull();
      expect((await b.tokens.verify(env + '-rotated'))?.id).toBe(id2);
      expect(await b.tokens.list()).toHaveLength(1);
      await expect(b.tokens.ensureStatic('short', 'admin')).rejects.toThrow(/at least 16 characters/);
    });

    it('ensureStatic refuses a value another token already has', async () => {
      const s = await t.open();
      const { tokens } = s;
      const { id, token } = await tokens.create({ name: 'ci', role: 'viewer', createdBy: 'alice' });
      await expect(tokens.ensureStatic(token, 'admin')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(id) });
      expect(await s.db.selectFrom('api_tokens').select('id').execute()).toHaveLength(1);
    });

    it('ensureStatic on three replicas starting together: one token, the same id', async () => {
      const replicas = await t.replicas(3);
      const env = 'static-token-from-env-0123456789';
      const ids = await Promise.all(replicas.map((r) => r.tokens.ensureStatic(env, 'operator')));
      expect(new Set(ids).size).toBe(1);
      expect(await replicas[0]!.tokens.list()).toMatchObject([{ id: ids[0], static: true }]);
    });

    it('leaves neither a raw token nor a password in the stored rows (SQLite: nor in the files)', async () => {
      const s = await t.open();
      const { users, sessions, tokens } = s;
      const password = 'Sup3r-Secret-Passphrase!';
      const staticToken = 'env-token-value-9f8e7d6c5b4a';
      await users.create({ username: 'alice', password, role: 'admin' });
      const { token } = await tokens.create({ name: 'ci', role: 'operator', createdBy: 'alice' });
      await tokens.ensureStatic(staticToken, 'viewer');
      const user = (await users.getByUsername('alice'))!;
      const session = await sessions.create(user.id, 60_000);
      const needles = [password, token, token.slice(4), staticToken, session.id];

      const rows = JSON.stringify([
        await s.db.selectFrom('users').selectAll().execute(),
        await s.db.selectFrom('sessions').selectAll().execute(),
        await s.db.selectFrom('api_tokens').selectAll().execute(),
      ]);
      for (const needle of needles) expect(rows.includes(needle), `rows: ${needle.slice(0, 6)}…`).toBe(false);
      expect(rows).toContain('alice'); // guard against a vacuous search

      if (engine === 'sqlite') {
        const dataDir = dirname(s.where);
        // check while the WAL still holds the writes, and again after a checkpoint into the main file
        for (const phase of ['wal', 'closed']) {
          if (phase === 'closed') await s.close();
          const bytes = dbBytes(dataDir);
          expect(bytes.length).toBeGreaterThan(0);
          for (const needle of needles) {
            expect(bytes.includes(Buffer.from(needle, 'utf8')), `${phase}: ${needle.slice(0, 6)}…`).toBe(false);
          }
          expect(bytes.includes(Buffer.from('alice'))).toBe(true);
        }
      }
    });

    describe('tokens of a removed or demoted creator', () => {
      it('revokeCreatedBy: every token the user made (not static ones), and every token those tokens made', async () => {
        const { tokens } = await t.open();
        const mine = await tokens.create({ name: 'ci', role: 'admin', createdBy: 'alice' });
        const child = await tokens.create({ name: 'made-by-ci', role: 'viewer', createdBy: tokenCreator(mine.id) });
        const grandchild = await tokens.create({ name: 'made-by-that', role: 'viewer', createdBy: tokenCreator(child.id) });
        const other = await tokens.create({ name: 'bobs', role: 'admin', createdBy: 'bob' });
        await tokens.ensureStatic('static-token-from-env-0123456789', 'operator');
        // a user may be called "environment": its removal does not touch the token QUORATE_API_TOKEN registers
        expect(await tokens.revokeCreatedBy('environment')).toEqual([]);
        const revoked = await tokens.revokeCreatedBy('alice');
        expect(revoked.map((r) => r.name)).toEqual(['ci', 'made-by-ci', 'made-by-that']); // breadth first
        expect(revoked[0]).toEqual({ id: mine.id, name: 'ci', role: 'admin', createdBy: 'alice' });
        for (const x of [mine, child, grandchild]) expect(await tokens.verify(x.token)).toBeNull();
        expect((await tokens.verify(other.token))?.name).toBe('bobs');
        expect((await tokens.list()).map((x) => x.name).sort()).toEqual(['bobs', 'environment']);
        expect(await tokens.revokeCreatedBy('alice')).toEqual([]);
        expect(await tokens.revokeCreatedBy('al\u0000ice')).toEqual([]);
      });

      it('revokeCreatedBy with a role: only the tokens above it (and what they made)', async () => {
        const { tokens } = await t.open();
        const admin = await tokens.create({ name: 'admin-token', role: 'admin', createdBy: 'alice' });
        const made = await tokens.create({ name: 'made-by-admin-token', role: 'viewer', createdBy: tokenCreator(admin.id) });
        const op = await tokens.create({ name: 'operator-token', role: 'operator', createdBy: 'alice' });
        const viewer = await tokens.create({ name: 'viewer-token', role: 'viewer', createdBy: 'alice' });
        expect((await tokens.revokeCreatedBy('alice', { above: 'operator' })).map((r) => r.name).sort()).toEqual(['admin-token', 'made-by-admin-token']);
        expect(await tokens.verify(made.token)).toBeNull();
        expect((await tokens.revokeCreatedBy('alice', { above: 'viewer' })).map((r) => [r.name, r.role])).toEqual([['operator-token', 'operator']]);
        expect(await tokens.verify(op.token)).toBeNull();
        expect((await tokens.verify(viewer.token))?.name).toBe('viewer-token');
        expect(await tokens.revokeCreatedBy('alice', { above: 'admin' })).toEqual([]);
        await expect(tokens.revokeCreatedBy('alice', { above: 'root' as never })).rejects.toMatchObject({ code: 'invalid' });
      });

      it('revoke(id) takes the tokens it made along and says which', async () => {
        const { tokens } = await t.open();
        const parent = await tokens.create({ name: 'parent', role: 'admin', createdBy: 'alice' });
        const child = await tokens.create({ name: 'child', role: 'viewer', createdBy: tokenCreator(parent.id) });
        expect((await tokens.revokeWithDescendants(parent.id)).map((r) => r.name)).toEqual(['parent', 'child']);
        expect(await tokens.verify(child.token)).toBeNull();
        expect(await tokens.revokeWithDescendants(parent.id)).toEqual([]);
        expect(await tokens.revokeWithDescendants('tok\u0000')).toEqual([]);
        expect(await tokens.revoke('tok\u0000')).toBe(false);
      });
    });
  });
}
