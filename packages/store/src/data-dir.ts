// The data directory and the database files must be ours and private: the database holds password and
// token digests, the directory (by default) the secret key. Loose modes on our own files are tightened
// with a warning (an old install, a restored backup, a umask of 022); anything owned by another user, or a
// shared directory like /tmp, is refused: others could swap or plant files there.
import { chmodSync, lstatSync, statSync, type Stats } from 'node:fs';
import { StoreError } from './errors';

/** told when a mode was tightened (the BFF passes its logger) */
export type Warn = (message: string) => void;

export const warnConsole: Warn = (message) => console.warn(`[store] ${message}`);

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** this process's uid; undefined where there are no POSIX owners (Windows): nothing to check there */
function ourUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function notOurs(what: string, path: string, owner: number, uid: number, fix: string): StoreError {
  return new StoreError(
    'insecure-file',
    `${what} ${path} is owned by uid ${owner}, not by this process (uid ${uid}); refusing to use it. Fix: run Quorate as uid ${owner}, or ${fix}`,
  );
}

/** Refuses a data directory that is not ours or is shared (world-writable, sticky); tightens group/other bits to 0700. */
export function secureDataDir(dir: string, warn: Warn): void {
  const uid = ourUid();
  const st = statSync(dir); // a symlinked data dir is judged by its target
  if (!st.isDirectory()) throw new StoreError('insecure-file', `data directory ${dir} is not a directory`);
  if (uid === undefined) return;
  if ((st.mode & 0o002) !== 0 || (st.mode & 0o1000) !== 0) {
    throw new StoreError(
      'insecure-file',
      `data directory ${dir} is shared (mode ${octal(st.mode)}: world-writable or sticky, like /tmp); refusing to use it. Fix: point QUORATE_DATA_DIR at a directory of its own, e.g. mkdir -m 700 /var/lib/quorate`,
    );
  }
  if (st.uid !== uid) throw notOurs('data directory', dir, st.uid, uid, `chown -R ${uid} ${dir} && chmod 700 ${dir}`);
  if ((st.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    warn(`data directory ${dir} was accessible by group or others (mode ${octal(st.mode)}); changed it to 0700`);
  }
}

/**
 * For quorate.db and its -wal/-shm: nothing to do when missing; refused when not ours (a symlink is
 * judged by its own owner and by its target's); group/other bits are tightened to 0600.
 */
export function secureDbFile(path: string, warn: Warn): void {
  const uid = ourUid();
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (uid === undefined) return;
  const fix = `chown ${uid} ${path} && chmod 600 ${path}`;
  if (link.isSymbolicLink() && link.uid !== uid) throw notOurs('database file (symlink)', path, link.uid, uid, `remove the symlink: rm ${path}`);
  const st = link.isSymbolicLink() ? statSync(path) : link;
  if (!st.isFile()) throw new StoreError('insecure-file', `database file ${path} is not a regular file`);
  if (st.uid !== uid) throw notOurs('database file', path, st.uid, uid, fix);
  if ((st.mode & 0o077) !== 0) {
    chmodSync(path, 0o600);
    warn(`database file ${path} was accessible by group or others (mode ${octal(st.mode)}); changed it to 0600`);
  }
}
