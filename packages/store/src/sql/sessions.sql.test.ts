import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash';
import { ENGINES, handClock, useSqlStores } from './testing';

const HOUR = 3_600_000;

for (const engine of ENGINES) {
  describe(`sessions on ${engine}`, () => {
    const t = useSqlStores(engine);

    async function setup() {
      const clock = handClock(1_700_000_000_000);
      const s = await t.open({ now: clock.now });
      const user = await s.users.create({ username: 'alice', password: 'correct horse battery', role: 'operator' });
      return { s, users: s.users, sessions: s.sessions, user, advance: clock.advance, now: clock.now };
    }

    it('creates a 32-byte base64url id and stores only its SHA-256', async () => {
      const { s, sessions, user } = await setup();
      const sess = await sessions.create(user.id, HOUR);
      expect(sess.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(sess.id, 'base64url').length).toBe(32);
      expect(sess.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(sess.csrfToken).not.toBe(sess.id);
      expect((await s.db.selectFrom('sessions').select('id_hash').execute()).map((r) => r.id_hash)).toEqual([sha256Hex(sess.id)]);
      expect(await sessions.get(sess.id)).toEqual({ user, csrfToken: sess.csrfToken, expiresAt: sess.expiresAt });
      expect(await sessions.get('not-a-session')).toBeNull();
      expect(await sessions.get(sha256Hex(sess.id))).toBeNull(); // the stored digest is not a credential
      expect(await sessions.get('')).toBeNull();
      expect(await sessions.get('x'.repeat(257))).toBeNull();
      await expect(sessions.create(user.id, 999)).rejects.toMatchObject({ code: 'invalid' });
    });

    it('expires at expiresAt', async () => {
      const { sessions, user, advance, now } = await setup();
      const sess = await sessions.create(user.id, HOUR);
      expect(sess.expiresAt).toBe(now() + HOUR);
      advance(HOUR - 1);
      expect(await sessions.get(sess.id)).not.toBeNull();
      advance(1);
      expect(await sessions.get(sess.id)).toBeNull();
      expect(await sessions.pruneExpired()).toBe(1);
      expect(await sessions.pruneExpired()).toBe(0);
    });

    it('slides expiry on touch once half the ttl has passed', async () => {
      const { sessions, user, advance, now } = await setup();
      const sess = await sessions.create(user.id, HOUR);
      advance(HOUR / 4);
      expect((await sessions.touch(sess.id))?.expiresAt).toBe(sess.expiresAt); // not yet
      advance(HOUR / 2);
      expect((await sessions.touch(sess.id))?.expiresAt).toBe(now() + HOUR);
      advance(HOUR - 1);
      expect(await sessions.get(sess.id)).not.toBeNull();
      expect(await sessions.touch('not-a-session')).toBeNull();
    });

    it('revokes one session, all of a user, and on user delete; reflects role changes', async () => {
      const { users, sessions, user } = await setup();
      const a = await sessions.create(user.id, HOUR);
      const b = await sessions.create(user.id, HOUR);
      const c = await sessions.create(user.id, HOUR);
      expect(await sessions.revoke(a.id)).toBe(true);
      expect(await sessions.revoke(a.id)).toBe(false);
      expect(await sessions.get(a.id)).toBeNull();
      expect(await sessions.get(b.id)).not.toBeNull();
      await users.setRole(user.id, 'viewer');
      expect((await sessions.get(b.id))?.user.role).toBe('viewer');
      expect(await sessions.revokeAllFor(user.id)).toBe(2);
      expect(await sessions.get(b.id)).toBeNull();
      expect(await sessions.get(c.id)).toBeNull();
      const d = await sessions.create(user.id, HOUR);
      await users.delete(user.id);
      expect(await sessions.get(d.id)).toBeNull();
      await expect(sessions.create(user.id, HOUR)).rejects.toThrow(/no user/);
    });

    it("deleting a user deletes their sessions' rows (ON DELETE CASCADE), not others'", async () => {
      const { s, users, sessions, user } = await setup();
      const other = await users.create({ username: 'bob', password: 'correct horse battery', role: 'viewer' });
      await sessions.create(user.id, HOUR);
      await sessions.create(user.id, HOUR);
      const kept = await sessions.create(other.id, HOUR);
      const rows = () => s.db.selectFrom('sessions').select(['id_hash', 'user_id']).execute();
      expect(await rows()).toHaveLength(3);
      expect(await users.delete(user.id)).toBe(true);
      expect(await rows()).toEqual([{ id_hash: sha256Hex(kept.id), user_id: other.id }]);
    });

    it('revokeOthers keeps only the given session of the user', async () => {
      const { users, sessions, user } = await setup();
      const other = await users.create({ username: 'other', password: 'correct horse battery', role: 'viewer' });
      const [a, b, c] = [await sessions.create(user.id, HOUR), await sessions.create(user.id, HOUR), await sessions.create(other.id, HOUR)];
      expect(await sessions.revokeOthers(user.id, a.id)).toBe(1);
      expect(await sessions.get(a.id)).not.toBeNull();
      expect(await sessions.get(b.id)).toBeNull();
      expect(await sessions.get(c.id)).not.toBeNull();
    });

    it('a user id with NUL finds nothing (PostgreSQL text cannot hold one; no error)', async () => {
      const { sessions, user } = await setup();
      const a = await sessions.create(user.id, HOUR);
      await expect(sessions.create('a\u0000b', HOUR)).rejects.toMatchObject({ code: 'not-found' });
      expect(await sessions.revokeAllFor('a\u0000b')).toBe(0);
      expect(await sessions.revokeOthers('a\u0000b', a.id)).toBe(0);
      expect(await sessions.get('a\u0000b')).toBeNull(); // hashed: never reaches the database as text
      expect(await sessions.revoke('a\u0000b')).toBe(false);
      expect(await sessions.get(a.id)).not.toBeNull();
    });
  });
}
