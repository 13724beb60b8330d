// The offline admin CLI on a data directory, as a child process (the BFF is not running).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@quorate/store';
import { repoRoot } from '../config';
import { tempDataDir } from '../testing/harness';

const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function admin(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/bff/src/cli/admin.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, QUORATE_DATA_DIR: dataDir } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

async function verify(username: string, password: string): Promise<boolean> {
  const store = openStore({ dataDir });
  try {
    return (await store.users.verify(username, password)) !== null;
  } finally {
    store.close();
  }
}

describe('npm run admin', () => {
  it('create-admin reads the password from stdin; reset-password generates one, prints it and signs the user out', { timeout: 60_000 }, async () => {
    const created = await admin(['create-admin', 'root'], 'first passphrase here\n');
    expect(created).toMatchObject({ code: 0, stdout: 'admin root created\n' });
    expect(await verify('root', 'first passphrase here')).toBe(true);

    const store = openStore({ dataDir });
    const user = store.users.getByUsername('root')!;
    const session = store.sessions.create(user.id, 3_600_000);
    store.close();

    const reset = await admin(['reset-password', 'root', '--generate']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^password of root \(admin\) reset; 1 session\(s\) signed out\nnew password: [A-Za-z0-9_-]{24}\n$/);
    const generated = /new password: (\S+)/.exec(reset.stdout)![1]!;
    expect(await verify('root', generated)).toBe(true);
    expect(await verify('root', 'first passphrase here')).toBe(false);

    const again = openStore({ dataDir });
    expect(again.sessions.get(session.id)).toBeNull();
    expect(again.audit.list({ limit: 10 }).records.map((r) => [r.operation, r.actor.kind])).toEqual([
      ['password-reset', 'system'],
      ['user-create', 'system'],
    ]);
    again.close();

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
