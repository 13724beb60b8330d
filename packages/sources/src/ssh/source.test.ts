// createSshCorosyncSource against ssh2's own Server on 127.0.0.1, one server (own host key) per node.
// The server runs each exec request with /bin/sh -c like sshd, with fake corosync tools first on PATH
// that replay captured fixture outputs from a per-node directory (status, cmap, knet, mode ok|hang):
// so the remote `timeout` really runs on the "node" and really ends a hung tool there.
import { sshKeyPair } from '../runners/ssh-keys.test-helper';
import { streamCommand } from '../runners/ssh';
import { spawn, type ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterSnapshot } from '@quorate/model';
import { Server, utils, type ParsedKey } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, knetStats } from '../corosync/fake-corosync.test-helper';
import { sshFingerprint } from '../runners';
import { RemoteTimeoutRunner, SshClusterConfig, checkKeyFile, createSshCorosyncSource, type SshClusterConfigInput } from './source';

const Q3 = [1, 2, 3].map((n) => fixture(`quorumtool-s__quorate-3of3__node${n}.txt`));
const Q2OF3_N1 = fixture('quorumtool-s__quorate-2of3__node3-sigkill__node1.txt');
const CMAP = fixture('cmapctl-full-icmap__3of3__node1.txt');

const clientKey = sshKeyPair();
function parsedKey(pub: string): ParsedKey {
  const k = utils.parseKey(pub);
  if (k instanceof Error) throw k;
  return k;
}
const allowed = parsedKey(clientKey.public);

const QUORUMTOOL = `#!/bin/sh
d="$QFAKE_DIR"
if [ "$(cat "$d/mode")" = hang ]; then exec sleep 60; fi
case "$1" in
  -s) cat "$d/status"; grep -q '^Quorate: *Yes' "$d/status" && exit 0; exit 2 ;;
  -m) cat "$d/status"; echo; exec sleep 3600 ;;
  *) echo "unexpected $*" >&2; exit 1 ;;
esac
`;
const CMAPCTL = `#!/bin/sh
d="$QFAKE_DIR"
if [ "$(cat "$d/mode")" = hang ]; then exec sleep 60; fi
if [ "$1" = -m ]; then cat "$d/knet"; else cat "$d/cmap"; fi
`;

interface FakeNode {
  id: number;
  dir: string;
  port: number;
  fingerprint: string;
  server: Server;
  /** every exec request as it arrived on the wire */
  commands: string[];
  children: Set<ChildProcess>;
  /** open SSH connections: ended before the server closes (a lingering one holds close() forever) */
  clients: Set<{ end(): void }>;
  /** exit codes of the remote processes that ended by themselves (not by the channel closing) */
  exits: Array<number | null>;
  write(file: 'status' | 'mode' | 'knet', text: string): void;
}

const root = mkdtempSync(join(tmpdir(), 'quorate-ssh-cluster-'));
const bin = join(root, 'bin');
const keyPath = join(root, 'id_ed25519');
const nodes: FakeNode[] = [];

async function fakeNode(id: number): Promise<FakeNode> {
  const hostKey = sshKeyPair();
  const parsedHost = parsedKey(hostKey.public);
  const dir = join(root, `n${id}`);
  mkdirSync(dir);
  const node: Partial<FakeNode> = {
    id,
    dir,
    fingerprint: sshFingerprint(parsedHost.getPublicSSH()),
    commands: [],
    children: new Set(),
    clients: new Set(),
    exits: [],
    write: (file, text) => writeFileSync(join(dir, file), text),
  };
  const n = node as FakeNode;
  n.write('status', Q3[id - 1]!);
  n.write('mode', 'ok');
  n.write('knet', knetStats(id, [1, 2, 3].filter((x) => x !== id).map((x) => ({ nodeId: x, connected: true }))));
  writeFileSync(join(dir, 'cmap'), CMAP);
  n.server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    n.clients.add(client);
    client.on('close', () => n.clients.delete(client));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'root') return ctx.reject(['publickey']);
      const want = allowed.getPublicSSH();
      const ok = ctx.key.algo === allowed.type && ctx.key.data.length === want.length && timingSafeEqual(ctx.key.data, want);
      if (!ok) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept();
      if (allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      return ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          n.commands.push(info.command);
          const stream = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], {
            stdio: ['pipe', 'pipe', 'pipe'],
            env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, QFAKE_DIR: dir },
            detached: true,
          });
          n.children.add(child);
          stream.pipe(child.stdin).on('error', () => {});
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          let closedByClient = false;
          stream.on('close', () => {
            if (child.exitCode === null && child.signalCode === null) {
              closedByClient = true;
              try {
                process.kill(-child.pid!, 'SIGKILL');
              } catch {
                /* gone */
              }
            }
          });
          child.on('close', (code, signal) => {
            n.children.delete(child);
            if (!closedByClient) n.exits.push(code);
            if (code !== null) stream.exit(code);
            else stream.exit((signal ?? 'KILL').replace(/^SIG/, ''), false, '');
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => n.server.listen(0, '127.0.0.1', resolve));
  n.port = (n.server.address() as AddressInfo).port;
  return n;
}

beforeAll(async () => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'corosync-quorumtool'), QUORUMTOOL, { mode: 0o755 });
  writeFileSync(join(bin, 'corosync-cmapctl'), CMAPCTL, { mode: 0o755 });
  writeFileSync(keyPath, clientKey.private, { mode: 0o600 });
  for (const id of [1, 2, 3]) nodes.push(await fakeNode(id));
});

afterAll(async () => {
  for (const n of nodes) {
    for (const child of n.children) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const c of n.clients) c.end();
  }
  await Promise.all(nodes.map((n) => new Promise<void>((resolve) => n.server.close(() => resolve()))));
  rmSync(root, { recursive: true, force: true });
});

function config(over: (n: FakeNode) => Partial<SshClusterConfigInput['nodes'][number]> = () => ({})): SshClusterConfigInput {
  return {
    id: 'prod',
    name: 'Production',
    nodes: nodes.map((n) => ({ name: `pve${n.id}`, host: '127.0.0.1', port: n.port, keyPath, hostKey: n.fingerprint, ...over(n) })),
  };
}

async function until<T>(get: () => T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SshClusterConfig', () => {
  const node = { name: 'pve1', host: '10.0.0.11', keyPath: '/etc/quorate/id_ed25519', hostKey: `SHA256:${'A'.repeat(43)}` };

  it('fills port 22 and user root', () => {
    const c = SshClusterConfig.parse({ id: 'prod', nodes: [node] });
    expect(c.nodes[0]).toMatchObject({ port: 22, user: 'root' });
    expect(c.name).toBeUndefined();
  });

  it('names what is wrong: fingerprint, relative key path, duplicate names, unknown keys', () => {
    const issues = (input: unknown) => {
      const r = SshClusterConfig.safeParse(input);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(issues({ id: 'p', nodes: [{ ...node, hostKey: 'MD5:00:11' }] })).toMatch(/nodes\.0\.hostKey: SHA256:/);
    expect(issues({ id: 'p', nodes: [{ ...node, hostKey: 'A'.repeat(43) }] })).toMatch(/hostKey/);
    expect(issues({ id: 'p', nodes: [{ ...node, keyPath: 'id_ed25519' }] })).toMatch(/nodes\.0\.keyPath: an absolute path/);
    expect(issues({ id: 'p', nodes: [node, { ...node, host: 'b' }] })).toMatch(/nodes\.1\.name: duplicate node name 'pve1'/);
    expect(issues({ id: 'p', nodes: [{ ...node, password: 'x' }] })).toMatch(/password/);
    expect(issues({ id: 'p', nodes: [] })).toMatch(/nodes/);
    expect(issues({ id: 'bad id', nodes: [node] })).toMatch(/^id: /);
  });
});

describe('key file check', () => {
  it('refuses a key readable by group or others, naming the file and chmod 600', () => {
    const loose = join(root, 'loose_key');
    writeFileSync(loose, clientKey.private);
    chmodSync(loose, 0o644);
    expect(() => checkKeyFile(loose)).toThrow(`SSH private key ${loose} is accessible by group/others (mode 0644); refusing to use it: run chmod 600 ${loose}`);
    chmodSync(loose, 0o640);
    expect(() => checkKeyFile(loose)).toThrow(/chmod 600/);
    chmodSync(loose, 0o600);
    expect(() => checkKeyFile(loose)).not.toThrow();
    expect(() => checkKeyFile(join(root, 'missing'))).toThrow(`SSH private key ${join(root, 'missing')} cannot be read: ENOENT`);
  });

  it('createSshCorosyncSource refuses before connecting', () => {
    const loose = join(root, 'loose_key2');
    writeFileSync(loose, clientKey.private, { mode: 0o604 });
    chmodSync(loose, 0o604);
    const before = nodes.map((n) => n.commands.length);
    expect(() => createSshCorosyncSource(config(() => ({ keyPath: loose })))).toThrow(new RegExp(`${loose}.*chmod 600`));
    expect(nodes.map((n) => n.commands.length)).toEqual(before);
  });
});

describe('createSshCorosyncSource over SSH', () => {
  it('watches a 3-node cluster: 3/3 quorate; every tool call wrapped in a remote timeout, the -m watcher not', async () => {
    const source = createSshCorosyncSource(config(), { connectTimeoutMs: 3_000 });
    const snaps: ClusterSnapshot[] = [];
    source.subscribe((s) => snaps.push(ClusterSnapshot.parse(s)));
    await source.start();
    try {
      const s = await until(() => snaps.at(-1), 'a first snapshot');
      expect(s).toMatchObject({ clusterId: 'prod', source: 'ssh', observer: { nodeId: 1, name: 'pve1' } });
      expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 3, members: [1, 2, 3] });
      expect(s.views.map((v) => [v.name, v.reachable])).toEqual([
        ['pve1', true],
        ['pve2', true],
        ['pve3', true],
      ]);
      expect(s.links.filter((l) => l.connected)).toHaveLength(6);
      expect(s.storage).toBeNull();
      for (const n of nodes) {
        const isWatcher = (c: string) => c.startsWith('sh -c ') && c.includes('stdbuf -oL corosync-quorumtool -m');
        const tools = n.commands.filter((c) => !isWatcher(c));
        expect(tools.length).toBeGreaterThanOrEqual(3);
        for (const c of tools) expect(c).toMatch(/^timeout -k 1 5 corosync-(quorumtool|cmapctl) /);
        expect(tools).toContain('timeout -k 1 5 corosync-quorumtool -s');
        // the watcher: not under timeout, and ended by EOF on its stdin (streamCommand)
        expect(n.commands.filter(isWatcher)).toEqual([streamCommand('stdbuf', ['-oL', 'corosync-quorumtool', '-m'])]);
      }
    } finally {
      await source.stop();
    }
  });

  it('poll mode over SSH sees a membership change at the next poll', async () => {
    const source = createSshCorosyncSource(config(), { mode: 'poll', pollMs: 200 });
    const snaps: ClusterSnapshot[] = [];
    source.subscribe((s) => snaps.push(ClusterSnapshot.parse(s)));
    await source.start();
    try {
      await until(() => snaps.at(-1)?.quorum?.members.length === 3, '3 members');
      nodes[0]!.write('status', Q2OF3_N1);
      const s = await until(() => snaps.find((x) => x.quorum?.members.join(',') === '1,2'), 'members 1,2 from pve1');
      expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 2 });
      expect(s.nodes.find((n) => n.name === 'pve3')?.state).toBe('offline');
      expect(nodes[0]!.commands.some((c) => c.includes('-m'))).toBe(true); // the earlier test's watcher only
    } finally {
      await source.stop();
      nodes[0]!.write('status', Q3[0]!);
    }
  });

  it('a frozen Corosync: the remote timeout ends the hung tool on the node, the view says timeout', async () => {
    const n2 = nodes[1]!;
    const source = createSshCorosyncSource(config(), { mode: 'poll', pollMs: 300, remoteTimeoutS: 1 });
    const snaps: ClusterSnapshot[] = [];
    source.subscribe((s) => snaps.push(ClusterSnapshot.parse(s)));
    await source.start();
    try {
      await until(() => snaps.at(-1)?.views.every((v) => v.reachable), 'every view reachable');
      const exitsBefore = n2.exits.length;
      n2.write('mode', 'hang');
      const s = await until(() => snaps.find((x) => x.views.find((v) => v.name === 'pve2')?.reachable === false), 'pve2 unreachable');
      expect(s.views.find((v) => v.name === 'pve2')?.reason).toBe('timeout after 1 s (Corosync frozen or overloaded?)');
      // ended on the node by `timeout` (exit 124), not by us closing the channel
      expect(n2.exits.slice(exitsBefore)).toContain(124);
      // pve1 still leads
      expect(s.observer?.name).toBe('pve1');
    } finally {
      n2.write('mode', 'ok');
      await source.stop();
    }
    // nothing left running on the node once the source is stopped
    await until(() => n2.children.size === 0, 'no remote processes left on pve2');
  });

  it('a node presenting another host key is refused and named', async () => {
    const source = createSshCorosyncSource(config((n) => (n.id === 3 ? { hostKey: nodes[0]!.fingerprint } : {})), { mode: 'poll', pollMs: 200 });
    await source.start();
    try {
      const s = await until(() => source.current(), 'a snapshot');
      const reason = s.views.find((v) => v.name === 'pve3')?.reason ?? '';
      expect(reason).toMatch(/^host key mismatch: pinned SHA256:\S+, the node presented SHA256:\S+$/);
      expect(s.views.find((v) => v.name === 'pve3')).toMatchObject({ reachable: false });
      expect(s.quorum?.members).toEqual([1, 2, 3]);
      expect(source.health()).toMatchObject({ state: 'degraded', message: `pve3: ${reason}` });
    } finally {
      await source.stop();
    }
  });
});

describe('RemoteTimeoutRunner', () => {
  it('rejects a remote timeout that is not a whole number of seconds', () => {
    const inner = { label: 'x', run: () => Promise.reject(new Error('unused')) };
    expect(() => new RemoteTimeoutRunner(inner, 0.5)).toThrow(/whole number of seconds/);
  });
});
