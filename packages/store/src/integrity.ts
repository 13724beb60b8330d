// A damaged database page must stop the start, or at least show on /healthz, instead of surfacing as a
// 500 on whichever request happens to read it. SQLite's quick_check walks every b-tree page (O(size), no
// index-vs-table cross-check); corruption errors seen at run time flip the same state.
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import type { Warn } from './data-dir';

/** corrupt: SQLite found damage; unreachable: PostgreSQL did not answer (sql/reachability.ts) */
export type StoreHealth = { state: 'ok' | 'corrupt' | 'unreachable'; message: string };

const RESTORE = 'stop Quorate and restore a backup (see SECURITY.md, "Backup and restore")';

/** SQLITE_CORRUPT and its extended codes (SQLITE_CORRUPT_INDEX, ...), and SQLITE_NOTADB; as better-sqlite3 names them */
export function isCorruptionError(err: unknown): err is Error & { code: string } {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'));
}

/** quick_check's report on one line, without its "*** in database main ***" banner */
function oneLine(text: string): string {
  const line = text.replace(/\*\*\* in database \w+ \*\*\*/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The first problem `PRAGMA quick_check` reports, on one line; null when it says ok. Throws what SQLite throws. */
export function quickCheck(db: Database.Database): string | null {
  const first = String(db.pragma('quick_check(1)', { simple: true }));
  return first === 'ok' ? null : oneLine(first);
}

/** the one-line refusal at open: the file, what is wrong, what to do */
export function corruptDatabase(path: string, problem: string): StoreError {
  return new StoreError(
    'corrupt',
    `database ${path} is corrupt (${oneLine(problem)}); refusing to use it. Restore a backup (see SECURITY.md, "Backup and restore"), or salvage what is readable: sqlite3 ${path} .recover | sqlite3 recovered.db`,
  );
}

const describeError = (err: Error & { code: string }) => oneLine(`${err.code}: ${err.message}`);

/**
 * The store's health: ok after the check at open; corrupt once a query fails with a corruption error
 * or a later quick_check finds a problem. Corrupt stays corrupt until a restart (which checks again):
 * quick_check does not compare indexes with their tables, so a pass does not clear an error seen earlier.
 */
export function createHealth(db: Database.Database, now: () => number, warn: Warn) {
  let health: StoreHealth = { state: 'ok', message: `quick_check passed at ${new Date(now()).toISOString()}` };
  const corrupt = (problem: string) => {
    health = { state: 'corrupt', message: `the database is corrupt (${problem}); ${RESTORE}` };
  };
  return {
    health: (): StoreHealth => ({ ...health }),

    /** Call with any error a store call threw: true (and the state is corrupt) when it is SQLite reporting corruption. */
    noteError(err: unknown): boolean {
      if (!isCorruptionError(err)) return false;
      if (health.state === 'ok') corrupt(describeError(err));
      return true;
    },

    /** Runs quick_check now (it reads the whole file: call it rarely, e.g. hourly). Never throws. */
    checkIntegrity(): StoreHealth {
      if (health.state === 'corrupt') return { ...health };
      try {
        const problem = quickCheck(db);
        if (problem === null) health = { state: 'ok', message: `quick_check passed at ${new Date(now()).toISOString()}` };
        else corrupt(problem);
      } catch (err) {
        if (isCorruptionError(err)) corrupt(describeError(err));
        else warn(`database integrity check could not run: ${(err as Error).message}`);
      }
      return { ...health };
    },
  };
}
