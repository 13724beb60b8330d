import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { StoreError } from '../errors';
import { parsePasswordHash, verifyPassword } from '../password';
import { Role, roleAtLeast } from '../roles';
import type { User } from '../users';
import type { StoreParts } from './contract';
import type { Schema } from './schema';
import { ENGINES, useSqlStores } from './testing';

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

for (const engine of ENGINES) {
  describe(`users on ${engine}`, () => {
    const t = useSqlStores(engine);
    const hashOf = async (db: Kysely<Schema>, id: string) =>
      (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash;

    it('hashes with scrypt$N$r$p$salt$hash and verifies true/false', async () => {
      const s = await t.open();
      const { users } = s;
      const u = await users.create({ username: 'alice', password: PW, role: 'admin' });
      const stored = await hashOf(s.db, u.id);
      expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
      const parsed = parsePasswordHash(stored);
      expect(parsed?.salt.length).toBe(16);
      expect(parsed?.hash.length).toBe(64);

      expect(await users.verify('alice', PW)).toMatchObject({ id: u.id, username: 'alice', role: 'admin' });
      expect(await users.verify('alice', PW + 'x')).toBeNull();
      expect(await users.verify('ALICE', PW)).toMatchObject({ id: u.id }); // usernames are case-insensitive
      expect(await users.verify('bob', PW)).toBeNull();
      expect(await verifyPassword(PW, 'scrypt$3$8$1$AAAA$AAAA')).toBe(false); // malformed stored hash
    });

    it('salts: the same password hashes differently for two users', async () => {
      const s = await t.open();
      const { users } = s;
      await users.create({ username: 'a', password: PW, role: 'viewer' });
      await users.create({ username: 'b', password: PW, role: 'viewer' });
      const hashes = (await s.db.selectFrom('users').select('password_hash').execute()).map((r) => r.password_hash);
      expect(hashes).toHaveLength(2);
      expect(new Set(hashes).size).toBe(2);
    });

    it('enforces username and password rules with clear errors', async () => {
      const { users } = await t.open();
      await expect(users.create({ username: '', password: PW, role: 'viewer' })).rejects.toThrow(/username must not be empty/);
      await expect(users.create({ username: 'a'.repeat(65), password: PW, role: 'viewer' })).rejects.toThrow(/at most 64/);
      await expect(users.create({ username: 'bad name', password: PW, role: 'viewer' })).rejects.toThrow(/letters, digits and \. _ @ -/);
      await expect(users.create({ username: 'ok', password: 'short', role: 'viewer' })).rejects.toThrow(/at least 10 characters/);
      await expect(users.create({ username: 'ok', password: PW, role: 'root' as never })).rejects.toBeInstanceOf(StoreError);
      const u = await users.create({ username: 'o.k_@-1', password: PW, role: 'viewer' });
      expect(u.username).toBe('o.k_@-1');
      await expect(users.create({ username: 'O.K_@-1', password: PW, role: 'viewer' })).rejects.toMatchObject({ code: 'conflict' });
      expect(await users.count()).toBe(1);
    });

    it('changes password and role, lists without hashes, counts, deletes', async () => {
      const { users } = await t.open();
      const a = await users.create({ username: 'alice', password: PW, role: 'admin' });
      const b = await users.create({ username: 'bob', password: PW, role: 'viewer' });
      await users.setPassword(b.id, 'another long password');
      expect(await users.verify('bob', PW)).toBeNull();
      expect(await users.verify('bob', 'another long password')).not.toBeNull();
      await expect(users.setPassword(b.id, 'short')).rejects.toThrow(/at least 10/);
      await expect(users.setPassword('nope', PW)).rejects.toMatchObject({ code: 'not-found' });

      expect((await users.setRole(b.id, 'operator')).role).toBe('operator');
      await expect(users.setRole('nope', 'viewer')).rejects.toThrow(/no user/);

      const list = await users.list();
      expect(list.map((u) => u.username)).toEqual(['alice', 'bob']);
      for (const u of list) expect(Object.keys(u).sort()).toEqual(['createdAt', 'id', 'role', 'updatedAt', 'username']);
      expect(JSON.stringify(list)).not.toMatch(/scrypt/);

      expect(await users.count()).toBe(2); // a number on PostgreSQL too (count(*) is a bigint there)
      expect(await users.count('admin')).toBe(1);
      expect((await users.get(a.id))?.username).toBe('alice');
      expect((await users.getByUsername('Bob'))?.id).toBe(b.id);
      expect(await users.delete(a.id)).toBe(true);
      expect(await users.delete(a.id)).toBe(false);
      expect(await users.get(a.id)).toBeNull();
      expect(await users.count()).toBe(1);
    });

    it('usernames are unique and found case-insensitively; list sorts them as SQLite NOCASE does', async () => {
      const { users } = await t.open();
      const alice = await users.create({ username: 'Alice', password: PW, role: 'viewer' });
      await expect(users.create({ username: 'alice', password: PW, role: 'viewer' })).rejects.toMatchObject({ code: 'conflict' });
      expect((await users.getByUsername('ALICE'))?.id).toBe(alice.id);
      expect((await users.getByUsername('alice'))?.username).toBe('Alice'); // stored as given
      expect(await users.verify('aLiCe', PW)).toMatchObject({ id: alice.id });
      expect(await users.getByUsername('alice2')).toBeNull();
      for (const username of ['Zed', 'bob', 'a_b', 'a.b', 'B-2']) await users.create({ username, password: PW, role: 'viewer' });
      // folded to lower case, then byte order: '-' < '.' < digits < '_' < letters
      expect((await users.list()).map((u) => u.username)).toEqual(['a.b', 'a_b', 'Alice', 'B-2', 'bob', 'Zed']);
    });

    it('two creations of one name (in different case) at once: one wins, the other is a conflict', async () => {
      const [a, b] = await t.replicas(2);
      const ua = a!.users;
      const ub = b!.users;
      // both pass the early check, then both hash: the unique constraint decides
      const results = await Promise.allSettled([
        ua.create({ username: 'carol', password: PW, role: 'viewer' }),
        ub.create({ username: 'CAROL', password: PW, role: 'admin' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(StoreError);
      expect(refused.reason).toMatchObject({ code: 'conflict' });
      expect(await ua.count()).toBe(1);
    });

    it('an id or name with NUL is not found (PostgreSQL text cannot hold one; no error)', async () => {
      const { users } = await t.open();
      await users.create({ username: 'alice', password: PW, role: 'admin' });
      expect(await users.get('a\u0000b')).toBeNull();
      expect(await users.getByUsername('alice\u0000')).toBeNull();
      expect(await users.verify('alice\u0000', PW)).toBeNull();
      expect(await users.delete('a\u0000b')).toBe(false);
      await expect(users.setRole('a\u0000b', 'viewer')).rejects.toMatchObject({ code: 'not-found' });
      await expect(users.setPassword('a\u0000b', PW)).rejects.toMatchObject({ code: 'not-found' });
      await expect(users.update('a\u0000b', { role: 'viewer' })).rejects.toMatchObject({ code: 'not-found' });
    });

    describe('password text', () => {
      it('refuses lone surrogates and NUL when a password is set, and stores the NFC form', async () => {
        const { users } = await t.open();
        await expect(users.create({ username: 'a', password: 'long enough \uD800', role: 'viewer' })).rejects.toThrow(/no lone surrogate/);
        await expect(users.create({ username: 'a', password: 'long enough\u0000x', role: 'viewer' })).rejects.toThrow(/must not contain NUL/);
        const u = await users.create({ username: 'a', password: 'cafe\u0301 au lait!', role: 'viewer' });
        await expect(users.setPassword(u.id, 'another \uDC00 password')).rejects.toMatchObject({ code: 'invalid' });
        // both spellings of é are the same password
        expect(await users.verify('a', 'cafe\u0301 au lait!')).not.toBeNull();
        expect(await users.verify('a', 'caf\u00e9 au lait!')).not.toBeNull();
      });

      it('a lone surrogate never signs in, even where UTF-8 would turn it into the stored U+FFFD', async () => {
        const { users } = await t.open();
        // what a password with a lone surrogate became before: its UTF-8 bytes carry U+FFFD instead
        await users.create({ username: 'a', password: 'long enough \uFFFD', role: 'viewer' });
        expect(await users.verify('a', 'long enough \uFFFD')).not.toBeNull();
        expect(await users.verify('a', 'long enough \uD800')).toBeNull();
        expect(await users.verify('a', 'long enough \uDFFF')).toBeNull();
      });

      it('an unknown user, or an unusable password, takes as long as a wrong password', async () => {
        const { users } = await t.open();
        await users.create({ username: 'alice', password: PW, role: 'viewer' });
        const time = async (f: () => Promise<unknown>) => {
          const start = performance.now();
          await f();
          return performance.now() - start;
        };
        const wrong = await time(() => users.verify('alice', PW + 'x'));
        // each burns one scrypt (tens of ms); without the burn these would answer in a millisecond or two
        expect(await time(() => users.verify('nobody', PW))).toBeGreaterThan(wrong / 3);
        expect(await time(() => users.verify('alice', 'long enough \uD800'))).toBeGreaterThan(wrong / 3);
      });
    });

    describe('update: role and password together', () => {
      it('hashes first, then checks and applies both in one transaction; a refused check changes nothing', async () => {
        const { users } = await t.open();
        const a = await users.create({ username: 'alice', password: PW, role: 'admin' });
        const refuse = async () => {
          await new Promise((r) => setTimeout(r, 5)); // an async check is awaited
          throw new Error('refused by the caller');
        };
        await expect(users.update(a.id, { role: 'viewer', password: 'a new long password' }, { check: refuse })).rejects.toThrow('refused by the caller');
        expect((await users.get(a.id))?.role).toBe('admin');
        expect(await users.verify('alice', PW)).not.toBeNull();
        expect(await users.verify('alice', 'a new long password')).toBeNull();

        const seen: string[] = [];
        const updated = await users.update(
          a.id,
          { role: 'operator', password: 'a new long password' },
          { check: (current) => void seen.push(`check ${current.role}`), then: (u, before) => void seen.push(`then ${u.role} (was ${before.role})`) },
        );
        expect(updated.role).toBe('operator');
        expect(seen).toEqual(['check admin', 'then operator (was admin)']);
        expect(await users.verify('alice', 'a new long password')).not.toBeNull();
        await expect(users.update(a.id, { password: 'short' })).rejects.toThrow(/at least 10/);
        await expect(users.update(a.id, { role: 'root' as never })).rejects.toMatchObject({ code: 'invalid' });
        await expect(users.update('nope', { role: 'viewer' })).rejects.toMatchObject({ code: 'not-found' });
      });

      it('a user deleted while the password was hashing is not found, and nothing is written', async () => {
        const { users } = await t.open();
        const a = await users.create({ username: 'alice', password: PW, role: 'admin' });
        const pending = users.update(a.id, { password: 'a new long password' });
        await users.delete(a.id);
        await expect(pending).rejects.toMatchObject({ code: 'not-found' });
        expect(await users.count()).toBe(0);
      });

      it("the hooks' writes through the transaction's parts commit with the change, or not at all", async () => {
        const { users, sessions, tokens } = await t.open();
        const a = await users.create({ username: 'alice', password: PW, role: 'admin' });
        const session = await sessions.create(a.id, 3_600_000);
        const token = await tokens.create({ name: 'ci', role: 'admin', createdBy: 'alice' });
        const then = async (updated: User, _before: User, tx: StoreParts) => {
          await tx.sessions.revokeAllFor(updated.id);
          await tx.tokens.revokeCreatedBy(updated.username, { above: updated.role });
        };

        // then writes, then fails: the role, the hash and the hook's writes are all rolled back
        const failing = async (u: User, b: User, tx: StoreParts) => {
          await then(u, b, tx);
          expect(await tx.sessions.get(session.id)).toBeNull(); // the hook saw its own write
          throw new Error('then failed');
        };
        await expect(users.update(a.id, { role: 'viewer', password: 'a new long password' }, { then: failing })).rejects.toThrow('then failed');
        expect((await users.get(a.id))?.role).toBe('admin');
        expect(await users.verify('alice', PW)).not.toBeNull();
        expect(await sessions.get(session.id)).not.toBeNull();
        expect(await tokens.verify(token.token)).toMatchObject({ id: token.id });

        const updated = await users.update(a.id, { role: 'viewer', password: 'a new long password' }, { then });
        expect(updated.role).toBe('viewer');
        expect(await sessions.get(session.id)).toBeNull();
        expect(await tokens.verify(token.token)).toBeNull();
      });

      it('two admins demoted at once with a last-admin check: exactly one is refused', async () => {
        const [s1, s2] = await t.replicas(2);
        const [p1, p2] = [s1!, s2!];
        const a = await p1.users.create({ username: 'alice', password: PW, role: 'admin' });
        const b = await p1.users.create({ username: 'bob', password: PW, role: 'admin' });
        const keepLastAdmin = async (current: User, tx: StoreParts) => {
          const admins = await tx.users.count('admin');
          // let the other update reach its own check before this one writes
          await new Promise((r) => setTimeout(r, 50));
          if (current.role === 'admin' && admins <= 1) throw new Error('last admin');
        };
        const results = await Promise.allSettled([
          p1.users.update(a.id, { role: 'viewer' }, { check: keepLastAdmin }),
          p2.users.update(b.id, { role: 'viewer' }, { check: keepLastAdmin }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(await p1.users.count('admin')).toBe(1);
      });
    });
  });
}
