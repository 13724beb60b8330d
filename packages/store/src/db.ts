// Opens the SQLite file with the settings every connection needs.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const DB_FILE = 'quorate.db';

export function openDatabase(dataDir: string): Db {
  // 0700: the directory holds password/token digests and (by default) the secret key.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DB_FILE);
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
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
