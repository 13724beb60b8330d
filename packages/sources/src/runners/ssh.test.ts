// SshRunner against ssh2's own Server on 127.0.0.1, which runs exec requests with /bin/sh -c like sshd.
import { sshKeyPair } from './ssh-keys.test-helper';
import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, utils, type Connection } from 'ssh2';
import { sshFingerprint } from './fingerprint';
import { SshRunner } from './ssh';
import { RunnerError } from './types';

const hostKey = sshKeyPair();
const clientKey = sshKeyPair();
const otherKey = sshKeyPair();

function publicBlob(pub: string): Buffer {
  const parsed = utils.parseKey(pub);
  if (parsed instanceof Error) throw parsed;
  return parsed.getPublicSSH();
}
const hostFingerprint = sshFingerprint(publicBlob(hostKey.public));
const allowed = utils.parseKey(clientKey.public);
if (allowed instanceof Error) throw allowed;

let server: Server;
let port = 0;
let connections = 0;
const clients = new Set<Connection>();
const killedChildren: string[] = [];

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const want = allowed.getPublicSSH();
      const ok = ctx.key.algo === allowed.type && ctx.key.data.length === want.length && timingSafeEqual(ctx.key.data, want);
      if (!ok) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept(); // the client asks whether this key would do
      if (allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      return ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], { stdio: ['pipe', 'pipe', 'pipe'] });
          stream.pipe(child.stdin).on('error', () => {});
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          stream.on('close', () => {
            if (child.exitCode === null && child.signalCode === null) {
              killedChildren.push(info.command);
              child.kill('SIGKILL');
            }
          });
          child.on('close', (code, signal) => {
            if (code !== null) stream.exit(code);
            else stream.exit((signal ?? 'KILL').replace(/^SIG/, ''), false, '');
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const c of clients) c.end();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function runner(over: Partial<ConstructorParameters<typeof SshRunner>[0]> = {}): SshRunner {
  return new SshRunner({
    host: '127.0.0.1',
    port,
    username: 'root',
    privateKey: clientKey.private,
    hostKeyFingerprint: hostFingerprint,
    connectTimeoutMs: 3000,
    ...over,
  });
}

async function refusal(r: SshRunner): Promise<RunnerError> {
  const err = await r.run('true', []).catch((e: unknown) => e);
  await r.close();
  expect(err).toBeInstanceOf(RunnerError);
  return err as RunnerError;
}

describe('SshRunner', () => {
  it('runs a command, keeps exit code and output, quotes arguments, reuses one connection', async () => {
    const r = runner();
    const before = connections;
    const res = await r.run('printf', ['[%s]', 'a b', `c'd`, '$HOME;x', '']);
    expect(res).toMatchObject({ code: 0, stdout: "[a b][c'd][$HOME;x][]", timedOut: false, truncated: false });
    const two = await r.run('/bin/sh', ['-c', 'echo e >&2; exit 2']);
    expect(two).toMatchObject({ code: 2, stderr: 'e\n' });
    const fed = await r.run('cat', [], { stdin: 'in' });
    expect(fed.stdout).toBe('in');
    expect(connections - before).toBe(1);
    await r.close();
  });

  it('caps output', async () => {
    const r = runner();
    const res = await r.run('/bin/sh', ['-c', 'head -c 50000 /dev/zero | tr "\\0" y'], { maxBytes: 100 });
    expect(res.stdout).toBe('y'.repeat(100));
    expect(res.truncated).toBe(true);
    await r.close();
  });

  it('times out a hanging command and closes its channel', async () => {
    const r = runner();
    const res = await r.run('sleep', ['30'], { timeoutMs: 300 });
    expect(res.timedOut).toBe(true);
    expect(res.code).toBeNull();
    // the connection is still good afterwards
    expect((await r.run('echo', ['still here'])).stdout).toBe('still here\n');
    await r.close();
    expect(killedChildren).toContain('sleep 30');
  });

  it('reconnects after the server drops the connection', async () => {
    const r = runner();
    expect((await r.run('echo', ['1'])).code).toBe(0);
    const before = connections;
    for (const c of clients) c.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await r.run('echo', ['2'])).stdout).toBe('2\n');
    expect(connections - before).toBe(1);
    await r.close();
  });

  it('refuses a host whose key does not match the pinned fingerprint, naming both', async () => {
    const wrong = sshFingerprint(publicBlob(otherKey.public));
    const err = await refusal(runner({ hostKeyFingerprint: wrong }));
    expect(err.reason).toBe('host-key-mismatch');
    expect(err.message).toContain(`expected ${wrong}`);
    expect(err.message).toContain(`presented ${hostFingerprint}`);
  });

  it('refuses an unpinned host and names the presented fingerprint', async () => {
    const err = await refusal(runner({ hostKeyFingerprint: null }));
    expect(err.reason).toBe('unknown-host');
    expect(err.message).toContain(hostFingerprint);
  });

  it('reports a refused client key as auth-failed', async () => {
    const err = await refusal(runner({ privateKey: otherKey.private }));
    expect(err.reason).toBe('auth-failed');
  });

  it('reports a closed port as unreachable', async () => {
    const err = await refusal(runner({ port: 1 }));
    expect(err.reason).toBe('unreachable');
  });

  it('rejects a malformed pinned fingerprint at construction', () => {
    expect(() => runner({ hostKeyFingerprint: 'MD5:00:11' })).toThrow(/malformed host key fingerprint/);
  });

  it('streams lines from a long-lived remote command and can kill it', async () => {
    const r = runner();
    const lines: string[] = [];
    const h = r.spawnStream!('/bin/sh', ['-c', 'echo one; echo two; cat'], { onLine: (l) => lines.push(l) });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (lines.length >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    h.kill();
    const exit = await h.exited;
    expect(exit.error).toBeNull();
    expect(lines).toEqual(['one', 'two']);
    await r.close();
  });
});
