// Accounts (username, scrypt password hash, role) as the user part (sql/users.ts) takes and gives them;
// the hash is never part of a User.
import { z } from 'zod';
import { Password, Role, UserRecord, Username } from '@quorate/model';

export { Password, Username };

/** A user as list() and get() return it: the REST shape of the model (never the password hash). */
export const User = UserRecord;
export type User = z.infer<typeof User>;

export const NewUser = z.object({ username: Username, password: Password, role: Role });
export type NewUser = z.input<typeof NewUser>;

/** update(): what changes (at least one of them) */
export type UserUpdate = { role?: Role; password?: string };

type Row = { id: string; username: string; role: string; created_at: number; updated_at: number };

export function toUser(row: Row): User {
  return User.parse({
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
