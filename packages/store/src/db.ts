// Opens the SQLite file with the settings every connection needs, after checking that the data directory
// and the database files are private and the database is intact.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { secureDataDir, secureDbFile, warnConsole, type Warn } from './data-dir';
import { corruptDatabase, isCorruptionError, quickCheck } from './integrity';

export type Db = Database.Database;

export const DB_FILE = 'quorate.db';

/** Refuses (StoreError) a data dir or db file that is not ours, a shared dir, or a database that fails quick_check. */
export function openDatabase(dataDir: string, warn: Warn = warnConsole): Db {
  // 0700: the directory holds password/token digests and (by default) the secret key.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  secureDataDir(dataDir, warn);
  const path = join(dataDir, DB_FILE);
  // an existing -wal/-shm is opened as it is: check them too, before SQLite does
  for (const file of [path, `${path}-wal`, `${path}-shm`]) secureDbFile(file, warn);
  // Create the file ourselves with 0600 when missing; SQLite gives -wal/-shm the same mode as the db.
  closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not enable WAL on ${path} (got ${String(mode)})`);
    // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Another process (a CLI, a second BFF during a restart) may hold the write lock briefly.
    db.pragma('busy_timeout = 5000');
    // a damaged page stops the start here, not the first request that reads it
    const problem = quickCheck(db);
    if (problem !== null) throw corruptDatabase(path, problem);
  } catch (e) {
    db.close();
    // e.g. SQLITE_NOTADB from the first pragma when the file is not a database at all
    if (isCorruptionError(e)) throw corruptDatabase(path, `${e.code}: ${e.message}`);
    throw e;
  }
  return db;
}
