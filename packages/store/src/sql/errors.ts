// Errors of either engine, told apart the same way.
import { isUniqueViolation as isSqliteUniqueViolation } from '../errors';

/** PostgreSQL's SQLSTATE for unique_violation */
const PG_UNIQUE_VIOLATION = '23505';

/** A unique (or primary key) constraint refused the write: SQLite's code or PostgreSQL's SQLSTATE. */
export function isUniqueViolation(err: unknown): boolean {
  if (isSqliteUniqueViolation(err)) return true;
  return typeof err === 'object' && err !== null && 'code' in err && err.code === PG_UNIQUE_VIOLATION;
}

/** socket errors of a connection refused, dropped or timed out, or a name that does not resolve */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** SQLSTATEs of a server going down or not up yet: admin_shutdown, crash_shutdown, cannot_connect_now */
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03']);

/**
 * The database could not be reached: the connection refused, dropped or timed out, the server shutting down or
 * starting (SQLSTATE class 08, 57P01–57P03), or pg's own words for a connection that ended or a pool that
 * waited past its connect timeout. The request may well work again in a moment.
 */
export function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SHUTDOWN_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (/^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(e.message)) return true;
  }
  return false;
}
