// The offline admin CLI on a data directory, as a child process (the BFF is not running, except where a
// test keeps the database open itself).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@quorate/store';
import { repoRoot } from '../config';
import { tempDataDir } from '../testing/harness';

const dataDir = tempDataDir();
const outDir = tempDataDir();
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

function admin(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/bff/src/cli/admin.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, QUORATE_DATA_DIR: dataDir, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

async function verify(username: string, password: string): Promise<boolean> {
  const store = await openStore({ dataDir });
  try {
    return (await store.users.verify(username, password)) !== null;
  } finally {
    await store.close();
  }
}

describe('npm run admin', () => {
  it('create-admin reads the password from stdin; reset-password generates one, prints it and signs the user out', { timeout: 60_000 }, async () => {
    const created = await admin(['create-admin', 'root'], 'first passphrase here\n');
    expect(created).toMatchObject({ code: 0, stdout: 'admin root created\n' });
    expect(await verify('root', 'first passphrase here')).toBe(true);

    const store = await openStore({ dataDir });
    const user = (await store.users.getByUsername('root'))!;
    const session = await store.sessions.create(user.id, 3_600_000);
    await store.close();

    const reset = await admin(['reset-password', 'root', '--generate']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^password of root \(admin\) reset; 1 session\(s\) signed out\nnew password: [A-Za-z0-9_-]{24}\n$/);
    const generated = /new password: (\S+)/.exec(reset.stdout)![1]!;
    expect(await verify('root', generated)).toBe(true);
    expect(await verify('root', 'first passphrase here')).toBe(false);

    const again = await openStore({ dataDir });
    expect(await again.sessions.get(session.id)).toBeNull();
    expect((await again.audit.list({ limit: 10 })).records.map((r) => [r.operation, r.actor.kind])).toEqual([
      ['password-reset', 'system'],
      ['user-create', 'system'],
    ]);
    await again.close();

    const fromStdin = await admin(['reset-password', 'root'], 'chosen passphrase two\n');
    expect(fromStdin.stdout).not.toMatch(/new password/);
    expect(await verify('root', 'chosen passphrase two')).toBe(true);
  });

  it('refuses clearly: unknown user, short password, existing user, unknown command', { timeout: 60_000 }, async () => {
    await admin(['create-admin', 'keeper'], 'keeper passphrase one\n');
    expect(await admin(['reset-password', 'nobody'], 'whatever passphrase\n')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no user 'nobody' \(users: .*keeper/) });
    expect(await admin(['reset-password', 'keeper'], 'short\n')).toMatchObject({ code: 1, stderr: expect.stringMatching(/at least 10 characters/) });
    expect(await verify('keeper', 'keeper passphrase one')).toBe(true);
    expect(await admin(['create-admin', 'keeper'], 'another passphrase\n')).toMatchObject({ code: 1, stderr: expect.stringMatching(/exists/) });
    expect(await admin(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command/) });
    expect((await admin(['list-users'])).stdout).toMatch(/keeper\tadmin/);
  });
});

describe('npm run admin -- backup', () => {
  it('copies the database while another connection holds it open and keeps writing; 0600; refuses to overwrite without --force', { timeout: 60_000 }, async () => {
    const live = await openStore({ dataDir });
    try {
      await live.users.create({ username: 'backed-up', password: 'backed up passphrase', role: 'viewer' });
      await live.events.append('c1', [
        { at: 1_700_000_000_000, severity: 'critical', message: 'node pve2 left', body: { type: 'node-left', nodeId: 2, name: 'pve2', votes: 1 } },
      ]);
      // these commits are still in the WAL of this open connection: the copy must see them
      expect((await live.events.since('c1', 0, 10)).events).toHaveLength(1);

      const file = join(outDir, 'quorate-backup.db');
      const first = await admin(['backup', file]);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const bytes = statSync(file).size;
      expect(first.stdout).toBe(
        `backup of ${join(dataDir, 'quorate.db')} written to ${file} (${bytes} bytes)\n` +
          `not in it: the secret key ${join(dataDir, 'secret.key')} (stored cluster credentials need it): back it up separately\n`,
      );
      expect(statSync(file).mode & 0o777).toBe(0o600);

      // a restore: the copy as the database of a fresh data directory
      const restored = join(outDir, 'restored');
      mkdirSync(restored, { mode: 0o700 });
      copyFileSync(file, join(restored, 'quorate.db'));
      const copy = await openStore({ dataDir: restored });
      try {
        expect(await copy.users.list()).toEqual(await live.users.list());
        expect((await copy.users.list()).map((u) => u.username)).toContain('backed-up');
        expect(await copy.users.verify('backed-up', 'backed up passphrase')).not.toBeNull();
        expect(await copy.events.since('c1', 0, 10)).toEqual(await live.events.since('c1', 0, 10));
      } finally {
        await copy.close();
      }

      const before = readFileSync(file);
      await live.events.append('c1', [{ at: 1_700_000_001_000, severity: 'info', message: 'node pve2 joined', body: { type: 'node-joined', nodeId: 2, name: 'pve2', votes: 1 } }]);
      const again = await admin(['backup', file]);
      expect(again).toMatchObject({ code: 1, stdout: '', stderr: `quorate admin: ${file} exists; not overwriting it (add --force to replace it)\n` });
      expect(readFileSync(file).equals(before)).toBe(true);

      const forced = await admin(['backup', file, '--force']);
      expect(forced.code).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file).equals(before)).toBe(false);
    } finally {
      await live.close();
    }
  });

  it("writes a relative file in the caller's directory (INIT_CWD, set by npm run) and needs a file name", { timeout: 60_000 }, async () => {
    writeFileSync(join(outDir, 'taken.db'), 'x');
    expect(await admin(['backup', 'rel.db'], undefined, { INIT_CWD: outDir })).toMatchObject({ code: 0, stdout: expect.stringContaining(`written to ${join(outDir, 'rel.db')} (`) });
    expect(statSync(join(outDir, 'rel.db')).mode & 0o777).toBe(0o600);
    expect(await admin(['backup', 'taken.db'], undefined, { INIT_CWD: outDir })).toMatchObject({ code: 1, stderr: expect.stringMatching(/taken\.db exists; not overwriting it/) });
    expect(await admin(['backup'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/name the backup file/) });
  });
});
