// Accounts: username, scrypt password hash, role. Hashes never leave this file.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db';
import { StoreError, isUniqueViolation, parseInput } from './errors';
import { burnPasswordTime, hashPassword, verifyPassword } from './password';
import { Password, Role, UserRecord, Username, wellFormedPassword } from '@quorate/model';

export { Password, Username };

/** A user as list() and get() return it: the REST shape of the model (never the password hash). */
export const User = UserRecord;
export type User = z.infer<typeof User>;

export const NewUser = z.object({ username: Username, password: Password, role: Role });
export type NewUser = z.input<typeof NewUser>;

/** update(): what changes (at least one of them) */
export type UserUpdate = { role?: Role; password?: string };
export type UpdateHooks = {
  /** inside the transaction, on the user as it is now (after the hash was computed): throw to refuse; nothing is written */
  check?: (current: User) => void;
  /** inside the same transaction, after the change: e.g. sign the user out, revoke their tokens */
  then?: (updated: User, before: User) => void;
};

type Row = { id: string; username: string; role: string; created_at: number; updated_at: number };
const columns = 'id, username, role, created_at, updated_at';

export function toUser(row: Row): User {
  return User.parse({
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export type UserStore = ReturnType<typeof createUserStore>;

export function createUserStore(db: Db, now: () => number) {
  const byId = db.prepare(`SELECT ${columns} FROM users WHERE id = ?`);
  const byName = db.prepare(`SELECT ${columns} FROM users WHERE username = ?`);
  const hashByName = db.prepare(`SELECT ${columns}, password_hash FROM users WHERE username = ?`);
  const insert = db.prepare(
    'INSERT INTO users (id, username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const updateHash = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?');
  const updateRole = db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?');
  const all = db.prepare(`SELECT ${columns} FROM users ORDER BY username`);
  const remove = db.prepare('DELETE FROM users WHERE id = ?');
  const countAll = db.prepare('SELECT count(*) FROM users').pluck();
  const countRole = db.prepare('SELECT count(*) FROM users WHERE role = ?').pluck();

  function get(id: string): User | null {
    const row = byId.get(id) as Row | undefined;
    return row ? toUser(row) : null;
  }

  function mustExist(id: string): void {
    if (!byId.get(id)) throw new StoreError('not-found', `no user with id ${id}`);
  }

  return {
    get,

    /** Usernames are unique case-insensitively. */
    getByUsername(username: string): User | null {
      const row = byName.get(username) as Row | undefined;
      return row ? toUser(row) : null;
    },

    async create(input: NewUser): Promise<User> {
      const u = parseInput(NewUser, input, 'user');
      if (byName.get(u.username)) throw new StoreError('conflict', `username ${u.username} is already taken`);
      const hash = await hashPassword(u.password);
      const id = randomUUID();
      const at = now();
      try {
        insert.run(id, u.username, hash, u.role, at, at);
      } catch (e) {
        // someone took the name while we were hashing
        if (isUniqueViolation(e)) throw new StoreError('conflict', `username ${u.username} is already taken`);
        throw e;
      }
      return { id, username: u.username, role: u.role, createdAt: at, updatedAt: at };
    },

    /**
     * The user when the password matches, else null. Takes the same time for unknown usernames.
     * Comparison is constant-time (timingSafeEqual on the derived keys).
     */
    async verify(username: string, password: string): Promise<User | null> {
      if (typeof password !== 'string' || password.length > 1024) return null;
      const row = typeof username === 'string' ? (hashByName.get(username) as (Row & { password_hash: string }) | undefined) : undefined;
      // a lone surrogate would reach scrypt as U+FFFD and match a password that has one: never text we set
      if (!row || !wellFormedPassword(password)) {
        await burnPasswordTime(password);
        return null;
      }
      return (await verifyPassword(password, row.password_hash)) ? toUser(row) : null;
    },

    /** Sessions are not revoked here; the caller decides (sessions.revokeAllFor). */
    async setPassword(id: string, password: string): Promise<void> {
      const pw = parseInput(Password, password, 'password');
      mustExist(id);
      const hash = await hashPassword(pw);
      if (updateHash.run(hash, now(), id).changes === 0) throw new StoreError('not-found', `no user with id ${id}`);
    },

    /**
     * Role and/or password as one change: the (slow) hash is computed first, then — synchronously, in
     * one transaction — the user is read again, hooks.check may refuse (nothing is written), and both
     * are applied together, followed by hooks.then. So a refusal never leaves half a change behind,
     * and nothing that happened during the hash (a deletion, another role change) is overlooked.
     */
    async update(id: string, change: UserUpdate, hooks: UpdateHooks = {}): Promise<User> {
      const role = change.role === undefined ? undefined : parseInput(Role, change.role, 'role');
      const password = change.password === undefined ? undefined : parseInput(Password, change.password, 'password');
      mustExist(id);
      const hash = password === undefined ? null : await hashPassword(password);
      const apply = db.transaction((): User => {
        const before = get(id);
        if (!before) throw new StoreError('not-found', `no user with id ${id}`);
        hooks.check?.(before);
        const at = now();
        if (hash !== null) updateHash.run(hash, at, id);
        if (role !== undefined) updateRole.run(role, at, id);
        const updated = get(id)!;
        hooks.then?.(updated, before);
        return updated;
      });
      return apply.immediate();
    },

    setRole(id: string, role: Role): User {
      const r = parseInput(Role, role, 'role');
      if (updateRole.run(r, now(), id).changes === 0) throw new StoreError('not-found', `no user with id ${id}`);
      return get(id)!;
    },

    /** All users, by username; never includes password hashes. */
    list(): User[] {
      return (all.all() as Row[]).map(toUser);
    },

    /** Deletes the user and (cascade) their sessions. Returns false when there was no such user. */
    delete(id: string): boolean {
      return remove.run(id).changes > 0;
    },

    /** Number of users, or of users with a role (e.g. to refuse removing the last admin). */
    count(role?: Role): number {
      return (role === undefined ? countAll.get() : countRole.get(role)) as number;
    },
  };
}
