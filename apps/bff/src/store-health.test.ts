// The database's health on /healthz, and the start-up refusals of a corrupt or loose data directory.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from './app';
import { repoRoot } from './config';
import { simCluster, startFake, tempDataDir, testConfig, type Harness } from './testing/harness';

let h: Harness | null = null;
const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sqliteCorrupt = () => Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });

describe('/healthz and the database', () => {
  it('reports the store to signed-in callers while it is fine', async () => {
    h = await startFake([simCluster('c1')]);
    const res = await h.api('/healthz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; store: unknown };
    expect(body.status).toBe('ok');
    expect(body.store).toEqual({ state: 'ok', message: expect.stringMatching(/^quick_check passed at /) });
    expect(await (await h.api('/healthz', { as: null })).json()).toEqual({ status: 'ok' });
  });

  it('turns 503 / down once a request failed with SQLITE_CORRUPT; anonymous callers still get only the status', async () => {
    h = await startFake([simCluster('c1')]);
    vi.spyOn(h.server.store.users, 'list').mockImplementation(() => {
      throw sqliteCorrupt();
    });
    const failed = await h.api('/api/v1/users', { as: 'admin' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal error' });

    const anonymous = await h.api('/healthz', { as: null });
    expect(anonymous.status).toBe(503);
    expect(await anonymous.json()).toEqual({ status: 'down' });

    for (const path of ['/healthz', '/api/v1/healthz']) {
      const signedIn = await h.api(path);
      expect(signedIn.status).toBe(503);
      const body = (await signedIn.json()) as { status: string; sources: { state: string }[]; store: unknown };
      expect(body.status).toBe('down');
      expect(body.sources.map((s) => s.state)).toEqual(['ok']); // the cluster is fine; the database is not
      expect(body.store).toEqual({
        state: 'corrupt',
        message: 'the database is corrupt (SQLITE_CORRUPT: database disk image is malformed); stop Quorate and restore a backup (see SECURITY.md, "Backup and restore")',
      });
    }
  });

  it('a corruption error while identifying the caller still answers the probe', async () => {
    h = await startFake([simCluster('c1')]);
    vi.spyOn(h.server.store.tokens, 'verify').mockImplementation(() => {
      throw sqliteCorrupt();
    });
    const res = await h.api('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'down' });
  });

  it('re-runs quick_check on the prune timer and reports what it finds', async () => {
    h = await startFake([simCluster('c1')], { pruneIntervalMs: 20 });
    const store = h.server.store;
    const check = vi.spyOn(store, 'checkIntegrity').mockImplementation(async () => {
      store.noteError(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT_INDEX' }));
      return store.health();
    });
    await vi.waitFor(() => expect(check).toHaveBeenCalled(), { timeout: 5000 });
    const res = await h.api('/healthz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { store: { state: string } }).store.state).toBe('corrupt');
  });

  it("logs the store's warnings: a loose data directory is tightened at start", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    chmodSync(dataDir, 0o750);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const server = await createServer(testConfig([simCluster('c1')], undefined, dataDir), { logger: pino({ level: 'warn' }, sink) });
    await server.close();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain(
      `data directory ${dataDir} was accessible by group or others (mode 0750); changed it to 0700`,
    );
  });
});

describe('npm start on a corrupt database', () => {
  it('exits 2 with one line naming the file and what to do', { timeout: 60_000 }, async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    mkdirSync(dataDir, { recursive: true });
    const db = join(dataDir, 'quorate.db');
    writeFileSync(db, Buffer.alloc(8192, 'this is not an SQLite database '), { mode: 0o600 });
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('QUORATE_')));
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'apps/bff/src/main.ts'],
        { cwd: repoRoot, env: { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', QUORATE_DATA_DIR: dataDir, QUORATE_WEB_DIST: '/nonexistent' } },
        (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
      );
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `quorate: database ${db} is corrupt (SQLITE_NOTADB: file is not a database); refusing to use it. Restore a backup (see SECURITY.md, "Backup and restore"), or salvage what is readable: sqlite3 ${db} .recover | sqlite3 recovered.db\n`,
    );
  });
});
