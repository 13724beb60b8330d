// Offline account administration on the BFF's data directory (QUORATE_DATA_DIR), for when nobody can
// sign in. Works whether the BFF runs or not (SQLite; a running BFF sees the change at once).
//
//   npm run admin -- reset-password <user>   new password: first line of stdin, or generated and printed
//   npm run admin -- create-admin <user>     same for the password
//   npm run admin -- list-users
//   npm run admin -- backup <file> [--force]  an online copy of the database (safe while the BFF runs)
//
// --generate makes a password even when stdin is not a terminal. Resetting a password signs the user
// out everywhere. Every change is written to the audit trail (actor: system/cli).
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { Password, Username } from '@quorate/model';
import { openStore, StoreError, type Store } from '@quorate/store';
import { repoRoot } from '../config';

const USAGE = `usage: npm run admin -- <command>
  reset-password <user> [--generate]   set a new password (stdin's first line, or generated and printed)
  create-admin <user> [--generate]     create an admin account (same password rules)
  list-users                           show the accounts and their roles
  backup <file> [--force]              copy the database to file (mode 0600), also while Quorate runs;
                                       --force replaces an existing file. The secret key is not in it.
environment: QUORATE_DATA_DIR (default .data in the repository), QUORATE_SECRET_KEY_FILE`;

class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** the new password and whether we made it up (then it is printed, once) */
async function newPassword(generate: boolean): Promise<{ password: string; generated: boolean }> {
  const given = generate ? '' : ((await readStdin()).split(/\r?\n/)[0] ?? '');
  if (given === '') return { password: randomBytes(18).toString('base64url'), generated: true };
  const ok = Password.safeParse(given);
  if (!ok.success) throw new CliError(`password from stdin refused: ${ok.error.issues[0]?.message ?? 'invalid'}`);
  return { password: given, generated: false };
}

function username(arg: string | undefined): string {
  if (arg === undefined) throw new CliError(`name the user\n${USAGE}`, 2);
  const ok = Username.safeParse(arg);
  if (!ok.success) throw new CliError(`invalid username '${arg}': ${ok.error.issues[0]?.message ?? 'invalid'}`, 2);
  return ok.data;
}

const system = { kind: 'system' as const, id: 'cli', name: 'npm run admin' };

/** where relative paths of the command line start, and the key file that backups do not hold */
type Where = { cwd: string; keyFile: string };

async function run(store: Store, args: string[], out: (line: string) => void, where: Where): Promise<void> {
  const generate = args.includes('--generate');
  const force = args.includes('--force');
  const [command, ...rest] = args.filter((a) => a !== '--generate' && a !== '--force');
  switch (command) {
    case 'reset-password': {
      const name = username(rest[0]);
      const user = await store.users.getByUsername(name);
      if (!user) throw new CliError(`no user '${name}' (users: ${(await store.users.list()).map((u) => u.username).join(', ') || 'none'})`);
      const { password, generated } = await newPassword(generate);
      await store.users.setPassword(user.id, password);
      const revoked = await store.sessions.revokeAllFor(user.id);
      await store.audit.record({ actor: system, role: 'admin', operation: 'password-reset', clusterId: null, params: { username: user.username }, confirmed: true, result: 'ok', message: `password of ${user.username} reset offline; ${revoked} session(s) signed out` });
      out(`password of ${user.username} (${user.role}) reset; ${revoked} session(s) signed out`);
      if (generated) out(`new password: ${password}`);
      return;
    }
    case 'create-admin': {
      const name = username(rest[0]);
      if (await store.users.getByUsername(name)) throw new CliError(`user '${name}' exists: use reset-password (or pick another name)`);
      const { password, generated } = await newPassword(generate);
      const user = await store.users.create({ username: name, password, role: 'admin' });
      await store.audit.record({ actor: system, role: 'admin', operation: 'user-create', clusterId: null, params: { username: user.username, role: 'admin' }, confirmed: true, result: 'ok', message: `admin ${user.username} created offline` });
      out(`admin ${user.username} created`);
      if (generated) out(`password: ${password}`);
      return;
    }
    case 'list-users': {
      const users = await store.users.list();
      if (users.length === 0) out('no users yet (open the dashboard, or: npm run admin -- create-admin admin)');
      for (const u of users) out(`${u.username}\t${u.role}`);
      return;
    }
    case 'backup': {
      if (rest[0] === undefined) throw new CliError(`name the backup file\n${USAGE}`, 2);
      const file = resolve(where.cwd, rest[0]);
      let written;
      try {
        written = await store.backup(file, { overwrite: force });
      } catch (err) {
        if (err instanceof StoreError && err.code === 'conflict') throw new CliError(`${file} exists; not overwriting it (add --force to replace it)`);
        throw err;
      }
      out(`backup of ${store.where} written to ${written.path} (${written.bytes} bytes)`);
      out(`not in it: the secret key ${where.keyFile} (stored cluster credentials need it): back it up separately`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return;
    default:
      throw new CliError(`unknown command '${command}'\n${USAGE}`, 2);
  }
}

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromRoot = (p: string) => (isAbsolute(p) ? p : resolve(repoRoot, p));
  const dataDir = fromRoot(env.QUORATE_DATA_DIR || '.data');
  const keyFile = env.QUORATE_SECRET_KEY_FILE ? fromRoot(env.QUORATE_SECRET_KEY_FILE) : join(dataDir, 'secret.key');
  // npm run sets the cwd to the repository; a relative backup file means the caller's directory
  const cwd = env.INIT_CWD || process.cwd();
  let store: Store | null = null;
  try {
    store = await openStore({ dataDir, keyFile });
    await run(store, args, (line) => process.stdout.write(`${line}\n`), { cwd, keyFile });
    return 0;
  } catch (err) {
    process.stderr.write(`quorate admin: ${(err as Error).message}\n`);
    return err instanceof CliError ? err.code : 1;
  } finally {
    await store?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
