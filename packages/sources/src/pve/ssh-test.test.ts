// testSsh against ssh2's own Server on 127.0.0.1 playing a PVE node: first contact shows the host key to
// accept (and does not log in), a pinned key logs in and asks Corosync, a mismatch and a refused key are
// explained, and an address nobody listens on is unreachable.
import { timingSafeEqual } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Server, utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshFingerprint } from '../runners/fingerprint';
import { sshKeyPair } from '../runners/ssh-keys.test-helper';
import { testSsh } from './ssh-test';

const hostKey = sshKeyPair();
const clientKey = sshKeyPair();
const otherKey = sshKeyPair();
const allowed = utils.parseKey(clientKey.public);
if (allowed instanceof Error) throw allowed;
const hostPub = utils.parseKey(hostKey.public);
if (hostPub instanceof Error) throw hostPub;
const hostFingerprint = sshFingerprint(hostPub.getPublicSSH());
const OTHER_FP = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

let server: Server;
let port = 0;
let closedPort = 0;
const commands: string[] = [];
/** the exit code the fake corosync-quorumtool gives */
let toolExit = 0;

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const want = allowed.getPublicSSH();
      if (ctx.key.algo !== allowed.type || ctx.key.data.length !== want.length || !timingSafeEqual(ctx.key.data, want)) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept();
      return allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          commands.push(info.command);
          const stream = acceptExec();
          stream.write('Quorum information\n------------------\nQuorate:          Yes\n');
          stream.exit(toolExit);
          stream.end();
        });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  // a port that was just free: nothing listens there
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const settings = (hostKey: string | undefined, extra: { port?: number } = {}) => ({ user: 'root', port: extra.port ?? port, nodes: [{ name: 'pve1', host: '127.0.0.1', ...(hostKey ? { hostKey } : {}) }] });

describe('testSsh', () => {
  it('first contact: shows the presented host key and runs nothing', async () => {
    const before = commands.length;
    const [r] = await testSsh(settings(undefined), clientKey.private);
    expect(r).toMatchObject({ name: 'pve1', ok: false, hostKey: hostFingerprint });
    expect(r!.message).toMatch(/not trusted yet.*ssh-keygen -lf/);
    expect(commands.length).toBe(before);
  });

  it('a pinned key: logs in and asks Corosync (wrapped in a remote timeout)', async () => {
    toolExit = 0;
    const [r] = await testSsh(settings(hostFingerprint), clientKey.private);
    expect(r).toMatchObject({ ok: true, message: 'connected; Corosync answers (quorate)' });
    expect(r!.hostKey).toBeUndefined();
    expect(commands.at(-1)).toMatch(/^timeout -k 1 5 corosync-quorumtool -s$/);
    toolExit = 1;
    const [dead] = await testSsh(settings(hostFingerprint), clientKey.private);
    expect(dead).toMatchObject({ ok: false });
    expect(dead!.message).toMatch(/Corosync does not answer \(corosync-quorumtool exit 1/);
    toolExit = 0;
  });

  it('a mismatch is refused with both keys', async () => {
    const [r] = await testSsh(settings(OTHER_FP), clientKey.private);
    expect(r).toMatchObject({ ok: false, hostKey: hostFingerprint });
    expect(r!.message).toContain(`pinned ${OTHER_FP}, the node presents ${hostFingerprint}`);
  });

  it('a key the node refuses names authorized_keys', async () => {
    const [r] = await testSsh(settings(hostFingerprint), otherKey.private);
    expect(r).toMatchObject({ ok: false });
    expect(r!.message).toMatch(/refused the key for root.*authorized_keys/);
  });

  it('nothing listening: unreachable; no key at all: says so without connecting', async () => {
    const [r] = await testSsh(settings(hostFingerprint, { port: closedPort }), clientKey.private);
    expect(r!.ok).toBe(false);
    expect(r!.message).toMatch(/unreachable \(ECONNREFUSED\)/);
    const [n] = await testSsh(settings(hostFingerprint), null);
    expect(n!.message).toMatch(/no SSH key/);
  });
});
