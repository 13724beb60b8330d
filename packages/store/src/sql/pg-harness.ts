// A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a fresh data dir, loopback only.
// PostgreSQL refuses to run as root, so as root every binary runs as the `postgres` OS user (runuser).
import { execFile } from 'node:child_process';
import { access, appendFile, chown, mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PG_ROOT = '/usr/lib/postgresql';
const RUNUSER = '/usr/sbin/runuser';
const PG_USER = 'postgres';
const DATABASE = 'quorate';
/** initdb, start and createdb each; the server's own start wait is a little shorter so its error wins */
export const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** how much of the server log an error carries */
const LOG_TAIL_BYTES = 2_000;
const MAX_OUTPUT_BYTES = 1_000_000;

export type PgServer = {
  url: string;
  port: number;
  stop(): Promise<void>;
  /**
   * A restart (pg_ctl stop -m fast: every connection drops at once, as in a reboot or an upgrade of the database
   * host), back downMs later on the same data. Not -m immediate: with this harness's synchronous_commit off a
   * crash loses the last commits, which a production server (synchronous_commit on) never does.
   */
  restart(downMs: number): Promise<void>;
};
export type Availability = { ok: true; reason: '' } | { ok: false; reason: string };

/** The bin dir of the newest installed major version, e.g. /usr/lib/postgresql/15/bin; null when none. */
export async function findPgBin(): Promise<string | null> {
  const versions = await readdir(PG_ROOT).catch(() => [] as string[]);
  const sorted = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of sorted) {
    const bin = join(PG_ROOT, v, 'bin');
    if (await exists(join(bin, 'initdb'))) return bin;
  }
  return null;
}

export async function postgresAvailable(): Promise<Availability> {
  if (!(await findPgBin())) return { ok: false, reason: `no ${PG_ROOT}/*/bin/initdb (apt-get install postgresql)` };
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) {
    if (!(await exists(RUNUSER))) return { ok: false, reason: `running as root but ${RUNUSER} is missing` };
    if (!(await pgUserIds())) return { ok: false, reason: `running as root but there is no "${PG_USER}" OS user` };
    return { ok: true, reason: '' };
  }
  if ((await pgUserIds())?.uid === uid) return { ok: true, reason: '' };
  return { ok: false, reason: `PostgreSQL runs as root (via runuser) or as the ${PG_USER} user, not as uid ${uid}` };
}

/**
 * initdb in `dir`/data, start on 127.0.0.1:`port` (its socket in the data dir, fsync off, trust auth for
 * loopback), create the database. `dir` is created if missing, and removed by stop() or when the start fails.
 */
export async function startPostgres({ dir, port }: { dir: string; port: number }): Promise<PgServer> {
  const avail = await postgresAvailable();
  if (!avail.ok) throw new Error(`PostgreSQL unavailable: ${avail.reason}`);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error(`bad port ${port}`);
  // the path goes into postgresql.conf between single quotes
  if (/['\\\n]/.test(dir)) throw new Error(`unsupported characters in ${dir}`);
  const bin = (await findPgBin()) as string;
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const pg = asPgUser(bin, dir);

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ids = await pgUserIds();
  if (ids && process.getuid?.() === 0) await chown(dir, ids.uid, ids.gid);

  let started = false;
  try {
    await pg('initdb', ['-D', data, '-U', PG_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    // settings in the file, not pg_ctl -o: pg_ctl hands -o to a shell
    await appendFile(data + '/postgresql.conf', [
      '',
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${data}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 50',
      '',
    ].join('\n'));
    // loopback only, and no other way in
    await writeFile(data + '/pg_hba.conf', 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    started = true;
    await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', String(START_TIMEOUT_MS / 1000 - 5), '-s']);
    await pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, DATABASE]);
  } catch (e) {
    const tail = await logTail(log);
    if (started) await pg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-s'], STOP_TIMEOUT_MS).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${(e as Error).message.trim()}\n--- server log tail ---\n${tail}`, { cause: e });
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${PG_USER}@127.0.0.1:${port}/${DATABASE}`,
    port,
    async restart(downMs) {
      await pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-s'], STOP_TIMEOUT_MS);
      await new Promise((r) => setTimeout(r, downMs));
      await pg('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', String(START_TIMEOUT_MS / 1000 - 5), '-s']);
    },
    stop() {
      // immediate: no checkpoint, the data is thrown away anyway
      stopping ??= pg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-s'], STOP_TIMEOUT_MS)
        .then(() => undefined, () => undefined)
        .then(() => rm(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

/** Runs a PostgreSQL binary as the postgres user with a clean environment (no PG* variables of ours leak in). */
function asPgUser(bin: string, cwd: string) {
  return async (tool: string, args: string[], timeout = START_TIMEOUT_MS): Promise<void> => {
    const path = join(bin, tool);
    const [file, argv] = process.getuid?.() === 0 ? [RUNUSER, ['-u', PG_USER, '--', path, ...args]] : [path, args];
    try {
      await run(file, argv, {
        cwd,
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        env: { PATH: '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
      });
    } catch (e) {
      const err = e as Error & { stderr?: string; killed?: boolean };
      const why = err.killed ? `timed out after ${timeout} ms` : (err.stderr?.trim() || err.message);
      throw new Error(`${tool} ${args[0] ?? ''}: ${why}`, { cause: e });
    }
  };
}

async function pgUserIds(): Promise<{ uid: number; gid: number } | null> {
  try {
    const [u, g] = await Promise.all([run('id', ['-u', PG_USER]), run('id', ['-g', PG_USER])]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  } catch {
    return null;
  }
}

async function logTail(file: string): Promise<string> {
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - LOG_TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return '(no server log)';
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
