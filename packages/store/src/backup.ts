// An online copy of the database (SQLite's backup API): consistent while the BFF keeps writing, created
// 0600 (it holds password and token digests), and it never replaces a file by accident.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from './errors';

export type BackupOptions = {
  /** replace an existing file (default: refuse) */
  overwrite?: boolean;
};

export type BackupResult = { path: string; bytes: number };

/** SQLite's busiest case: every page in one step, so a write by another connection cannot restart the copy */
const ALL_PAGES = 0x7fffffff;

export async function backupDatabase(db: Database.Database, file: string, options: BackupOptions = {}): Promise<BackupResult> {
  const path = resolve(file);
  // written beside the target and renamed over it: the target is either absent or a complete copy
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let reserved = false;
  try {
    if (!options.overwrite) {
      // claims the name atomically: a file created meanwhile is not replaced either
      closeSync(openSync(path, 'wx', 0o600));
      reserved = true;
    }
    closeSync(openSync(tmp, 'wx', 0o600));
    await db.backup(tmp, { progress: () => ALL_PAGES });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
    if (reserved) rmSync(path, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new StoreError('conflict', `${path} exists; refusing to overwrite it`);
    if (code === 'ENOENT' || (e instanceof TypeError && /directory does not exist/.test(e.message))) {
      throw new StoreError('not-found', `cannot write ${path}: directory ${dirname(path)} does not exist`);
    }
    throw e;
  }
  return { path, bytes: statSync(path).size };
}
