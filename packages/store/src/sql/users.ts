// Accounts (../users.ts) on SQLite or PostgreSQL: username, scrypt password hash, role. Hashes never leave this file.
// Usernames are unique case-insensitively on both engines: SQLite's column is COLLATE NOCASE (ASCII
// folding), PostgreSQL has a unique index on lower(username); every lookup compares lower(username) with
// the ASCII-folded name, which is NOCASE's rule and uses PostgreSQL's index.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { wellFormedPassword } from '@quorate/model';
import { StoreError, parseInput } from '../errors';
import { burnPasswordTime, hashPassword, verifyPassword } from '../password';
import { Role } from '../roles';
import { NewUser, Password, toUser } from '../users';
import type { User, UserUpdate } from '../users';
import type { AsyncUpdateHooks, SqlContext, StoreParts } from './contract';
import { isUniqueViolation } from './errors';
import type { Schema } from './schema';
import { matchesNothing } from './text';
import { writeTx } from './tx';

const COLUMNS = ['id', 'username', 'role', 'created_at', 'updated_at'] as const;

/** SQLite NOCASE folds ASCII letters only; so do we (usernames are ASCII by the model's rule) */
const foldCase = (name: string): string => name.replace(/[A-Z]/g, (c) => c.toLowerCase());

const notFound = (id: string) => new StoreError('not-found', `no user with id ${id}`);

export type UserStore = ReturnType<typeof createUserStore>;

/** partsOf: the parts bound to a transaction, handed to update's hooks (the composition's partsOn) */
export function createUserStore(ctx: SqlContext, partsOf: (tx: Kysely<Schema>) => StoreParts) {
  const { db, dialect, now } = ctx;
  // SQLite sorts the NOCASE column folded; PostgreSQL the same way whatever its locale
  const byUsername = dialect === 'postgres' ? sql`lower(username) collate "C"` : sql`username`;

  const named = (on: Kysely<Schema>, username: string) =>
    on.selectFrom('users').where((eb) => eb(eb.fn('lower', ['username']), '=', foldCase(username)));

  async function get(on: Kysely<Schema>, id: string): Promise<User | null> {
    if (matchesNothing(id)) return null;
    const row = await on.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async function mustExist(id: string): Promise<void> {
    if (matchesNothing(id)) throw notFound(id);
    const row = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
  }

  return {
    get: (id: string): Promise<User | null> => get(db, id),

    /** Usernames are unique case-insensitively. */
    async getByUsername(username: string): Promise<User | null> {
      if (matchesNothing(username)) return null;
      const row = await named(db, username).select(COLUMNS).executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async create(input: NewUser): Promise<User> {
      const u = parseInput(NewUser, input, 'user');
      const taken = () => new StoreError('conflict', `username ${u.username} is already taken`);
      if (await named(db, u.username).select('id').executeTakeFirst()) throw taken();
      const hash = await hashPassword(u.password);
      const id = randomUUID();
      const at = now();
      try {
        await db
          .insertInto('users')
          .values({ id, username: u.username, password_hash: hash, role: u.role, created_at: at, updated_at: at })
          .execute();
      } catch (e) {
        // someone took the name while we were hashing
        if (isUniqueViolation(e)) throw taken();
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
      const row =
        typeof username === 'string' && !matchesNothing(username) ? await named(db, username).select([...COLUMNS, 'password_hash']).executeTakeFirst() : undefined;
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
      await mustExist(id);
      const hash = await hashPassword(pw);
      const r = await db.updateTable('users').set({ password_hash: hash, updated_at: now() }).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound(id);
    },

    /**
     * Role and/or password as one change: the (slow) hash is computed first, then in one write
     * transaction the user is read again, hooks.check may refuse (nothing is written), both are applied,
     * and hooks.then runs; the hooks get the parts bound to that transaction, so their writes commit
     * with the change or not at all. Nothing that happened during the hash is overlooked.
     */
    async update(id: string, change: UserUpdate, hooks: AsyncUpdateHooks = {}): Promise<User> {
      const role = change.role === undefined ? undefined : parseInput(Role, change.role, 'role');
      const password = change.password === undefined ? undefined : parseInput(Password, change.password, 'password');
      await mustExist(id);
      const hash = password === undefined ? null : await hashPassword(password);
      return writeTx(db, dialect, async (tx) => {
        // PostgreSQL: no other user write until commit, so what check saw (e.g. the number of admins)
        // still holds when the change lands, as under SQLite's BEGIN IMMEDIATE; plain reads go on
        if (dialect === 'postgres') await sql`lock table users in share row exclusive mode`.execute(tx);
        const before = await get(tx, id);
        if (!before) throw notFound(id);
        const parts = partsOf(tx);
        await hooks.check?.(before, parts);
        const at = now();
        const set = { ...(hash !== null ? { password_hash: hash } : {}), ...(role !== undefined ? { role } : {}) };
        if (Object.keys(set).length > 0) await tx.updateTable('users').set({ ...set, updated_at: at }).where('id', '=', id).execute();
        const updated = (await get(tx, id))!;
        await hooks.then?.(updated, before, parts);
        return updated;
      });
    },

    async setRole(id: string, role: Role): Promise<User> {
      const r = parseInput(Role, role, 'role');
      if (matchesNothing(id)) throw notFound(id);
      return writeTx(db, dialect, async (tx) => {
        const res = await tx.updateTable('users').set({ role: r, updated_at: now() }).where('id', '=', id).executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw notFound(id);
        return (await get(tx, id))!;
      });
    },

    /** All users, by username; never includes password hashes. */
    async list(): Promise<User[]> {
      const rows = await db.selectFrom('users').select(COLUMNS).orderBy(byUsername).execute();
      return rows.map(toUser);
    },

    /** Deletes the user and (cascade) their sessions. Returns false when there was no such user. */
    async delete(id: string): Promise<boolean> {
      if (matchesNothing(id)) return false;
      const r = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** Number of users, or of users with a role (e.g. to refuse removing the last admin). */
    async count(role?: Role): Promise<number> {
      let q = db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n'));
      if (role !== undefined) q = q.where('role', '=', role);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
