import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash';
import { useStores } from './testing';

const t = useStores();
const HOUR = 3_600_000;

async function setup(dataDir?: string) {
  let clock = 1_700_000_000_000;
  const s = t.open({ now: () => clock, ...(dataDir ? { dataDir } : {}) });
  const user = await s.users.create({ username: 'alice', password: 'correct horse battery', role: 'operator' });
  return { s, user, advance: (ms: number) => (clock += ms), now: () => clock };
}

describe('sessions', () => {
  it('creates a 32-byte base64url id and stores only its SHA-256', async () => {
    const dataDir = join(t.tempDir(), 'data');
    const { s, user } = await setup(dataDir);
    const sess = s.sessions.create(user.id, HOUR);
    expect(sess.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(sess.id, 'base64url').length).toBe(32);
    expect(sess.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sess.csrfToken).not.toBe(sess.id);
    const raw = new Database(join(dataDir, 'quorate.db'), { readonly: true });
    expect(raw.prepare('SELECT id_hash FROM sessions').pluck().all()).toEqual([sha256Hex(sess.id)]);
    raw.close();
    expect(s.sessions.get(sess.id)).toEqual({ user, csrfToken: sess.csrfToken, expiresAt: sess.expiresAt });
    expect(s.sessions.get('not-a-session')).toBeNull();
    expect(s.sessions.get(sha256Hex(sess.id))).toBeNull(); // the stored digest is not a credential
  });

  it('expires at expiresAt', async () => {
    const { s, user, advance, now } = await setup();
    const sess = s.sessions.create(user.id, HOUR);
    expect(sess.expiresAt).toBe(now() + HOUR);
    advance(HOUR - 1);
    expect(s.sessions.get(sess.id)).not.toBeNull();
    advance(1);
    expect(s.sessions.get(sess.id)).toBeNull();
    expect(s.sessions.pruneExpired()).toBe(1);
  });

  it('slides expiry on touch once half the ttl has passed', async () => {
    const { s, user, advance, now } = await setup();
    const sess = s.sessions.create(user.id, HOUR);
    advance(HOUR / 4);
    expect(s.sessions.touch(sess.id)?.expiresAt).toBe(sess.expiresAt); // not yet
    advance(HOUR / 2);
    expect(s.sessions.touch(sess.id)?.expiresAt).toBe(now() + HOUR);
    advance(HOUR - 1);
    expect(s.sessions.get(sess.id)).not.toBeNull();
  });

  it('revokes one session, all of a user, and on user delete; reflects role changes', async () => {
    const { s, user } = await setup();
    const a = s.sessions.create(user.id, HOUR);
    const b = s.sessions.create(user.id, HOUR);
    const c = s.sessions.create(user.id, HOUR);
    expect(s.sessions.revoke(a.id)).toBe(true);
    expect(s.sessions.get(a.id)).toBeNull();
    expect(s.sessions.get(b.id)).not.toBeNull();
    s.users.setRole(user.id, 'viewer');
    expect(s.sessions.get(b.id)?.user.role).toBe('viewer');
    expect(s.sessions.revokeAllFor(user.id)).toBe(2);
    expect(s.sessions.get(b.id)).toBeNull();
    expect(s.sessions.get(c.id)).toBeNull();
    const d = s.sessions.create(user.id, HOUR);
    s.users.delete(user.id);
    expect(s.sessions.get(d.id)).toBeNull();
    expect(() => s.sessions.create(user.id, HOUR)).toThrow(/no user/);
  });

  it('revokeOthers keeps only the given session of the user', async () => {
    const s = t.open();
    const user = await s.users.create({ username: 'keeper', password: 'correct horse battery', role: 'viewer' });
    const other = await s.users.create({ username: 'other', password: 'correct horse battery', role: 'viewer' });
    const [a, b, c] = [s.sessions.create(user.id, HOUR), s.sessions.create(user.id, HOUR), s.sessions.create(other.id, HOUR)];
    expect(s.sessions.revokeOthers(user.id, a.id)).toBe(1);
    expect(s.sessions.get(a.id)).not.toBeNull();
    expect(s.sessions.get(b.id)).toBeNull();
    expect(s.sessions.get(c.id)).not.toBeNull();
  });
});
