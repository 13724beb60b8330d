// One error type for everything the store refuses, with a code the BFF can map to an HTTP status.
import type { z } from 'zod';

export type StoreErrorCode =
  | 'invalid' // input failed validation (400)
  | 'conflict' // unique name already taken (409)
  | 'not-found' // no such row / file (404)
  | 'insecure-file' // key file readable by group/others; data dir or db file not ours, or world-writable
  | 'bad-key' // key file content unusable, or secrets written with another key
  | 'schema-too-new' // database written by a newer Quorate
  | 'corrupt'; // the database file fails SQLite's quick_check (or is not a database at all)

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Parse with a schema; on failure throw StoreError('invalid') carrying the first issue's message. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new StoreError('invalid', `${what}: ${issue?.message ?? 'invalid'}${where}`);
}

/** better-sqlite3 reports constraint violations with a code on the error. */
export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
