// Errors of either engine, told apart the same way.
import { isUniqueViolation as isSqliteUniqueViolation } from '../errors';

/** PostgreSQL's SQLSTATE for unique_violation */
const PG_UNIQUE_VIOLATION = '23505';

/** A unique (or primary key) constraint refused the write: SQLite's code or PostgreSQL's SQLSTATE. */
export function isUniqueViolation(err: unknown): boolean {
  if (isSqliteUniqueViolation(err)) return true;
  return typeof err === 'object' && err !== null && 'code' in err && err.code === PG_UNIQUE_VIOLATION;
}
