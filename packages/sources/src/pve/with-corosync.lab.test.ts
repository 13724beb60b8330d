// A pve cluster with SSH, end to end on real Corosync: a 3-node lab with sshd (real OpenSSH, pinned host
// keys) plays the nodes, a fake Proxmox API on 127.0.0.1 plays pveproxy and keeps saying every node is
// online (as the real API does for up to a poll after a change). Through pveKind exactly as an entry with
// `api` + `ssh` would run: Corosync's links and options join the API's load and guests, and when pve3's
// Corosync is killed the merged snapshot says so at Corosync's speed while the API still says online.
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, down, labAvailable, type LabStateEx } from '@quorate/lab';
import type { ClusterSnapshot } from '@quorate/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSource } from '../source';
import { pveKind } from './kind';
import { selfSignedCert } from './tls.test-helper';

const avail = await labAvailable({ sshd: true }).catch((err: unknown) => ({ ok: false, reason: String(err) }));
const onCi = process.env.CI === 'true';
const prefix = process.env.QUORATE_PVE_SSH_LAB_PREFIX ?? 'qlv';
const TOKEN = 'quorate@pve!dashboard';
const SECRET = '0d6f3b8e-1111-4c2a-9b7e-5a4f3e2d1c0b';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** what pveproxy answers for the lab cluster: every node online, quorate (never changes in this test) */
const REPLIES: Record<string, unknown> = {
  'cluster/status': [
    { type: 'cluster', id: 'cluster', name: 'lab-cluster', nodes: 3, quorate: 1, version: 3 },
    ...[1, 2, 3].map((i) => ({ type: 'node', id: `node/pve${i}`, name: `pve${i}`, nodeid: i, ip: `198.18.0.${10 + i}`, online: 1, local: i === 1 ? 1 : 0, level: '' })),
  ],
  'cluster/config/nodes': [1, 2, 3].map((i) => ({ name: `pve${i}`, node: `pve${i}`, nodeid: String(i), quorum_votes: '1', ring0_addr: `198.18.0.${10 + i}` })),
  'cluster/config/qdevice': {},
  'cluster/resources': [
    ...[1, 2, 3].map((i) => ({ id: `node/pve${i}`, type: 'node', node: `pve${i}`, status: 'online', cpu: 0.05, maxcpu: 4, mem: 2e9, maxmem: 8e9, uptime: 1000 })),
    { id: 'qemu/100', type: 'qemu', vmid: 100, name: 'web', node: 'pve2', status: 'running' },
    { id: 'storage/pve1/local', type: 'storage', storage: 'local', node: 'pve1', status: 'available', plugintype: 'dir', content: 'iso', shared: 0, disk: 1e9, maxdisk: 1e10 },
  ],
};

if (!avail.ok && onCi) {
  describe('pve + ssh on the lab (CI)', () => {
    it('can run the real-Corosync lab with sshd', () => {
      throw new Error(`CI=true but the lab with --sshd cannot run here: ${avail.reason}`);
    });
  });
} else if (!avail.ok) {
  describe.skip(`pve + ssh on the lab (skipped: ${avail.reason})`, () => {
    it('needs root, corosync and openssh-server', () => {});
  });
} else {
  describe('pve + ssh on the lab: API for load and guests, Corosync over SSH for membership', () => {
    let lab: Lab;
    let state: LabStateEx;
    let dir: string;
    let fake: https.Server;
    let source: ClusterSource;
    const seen: { at: number; s: ClusterSnapshot }[] = [];

    async function until(what: string, ok: (s: ClusterSnapshot) => boolean, timeoutMs = 30_000): Promise<ClusterSnapshot> {
      const t0 = performance.now();
      for (;;) {
        const s = source.current();
        if (s && ok(s)) return s;
        if (performance.now() - t0 > timeoutMs) throw new Error(`${what}: not after ${timeoutMs} ms; health ${JSON.stringify(source.health())}; last ${JSON.stringify(s?.nodes.map((n) => [n.name, n.state]))}`);
        await sleep(100);
      }
    }

    beforeAll(async () => {
      lab = await Lab.up({ nodes: 3, token: 1000, prefix, sshd: true });
      state = lab.state;
      dir = mkdtempSync(join(tmpdir(), 'quorate-pve-ssh-'));
      const cert = selfSignedCert(dir, 'pve1', 'pve1.lab');
      fake = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
        if (req.headers.authorization !== `PVEAPIToken=${TOKEN}=${SECRET}`) return res.writeHead(401, 'authentication failure').end();
        const path = (req.url ?? '').replace(/^\/api2\/json\//, '').split('?')[0]!;
        if (!(path in REPLIES)) return res.writeHead(404, 'Not Found').end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: REPLIES[path] }));
      });
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
      const settings = pveKind.settings.parse({
        api: { urls: [`https://127.0.0.1:${(fake.address() as AddressInfo).port}`], tokenId: TOKEN, tokenSecret: SECRET, fingerprint: cert.fingerprint },
        ssh: { user: state.sshd!.user, keyPath: state.sshd!.clientKey, nodes: state.nodes.map((n) => ({ name: n.name, host: n.sshd!.address, hostKey: n.sshd!.hostKey })) },
      });
      expect(pveKind.check(settings)).toEqual([]);
      source = pveKind.create(settings, { clusterId: 'pve-lab', name: 'pve lab', log: () => undefined, sshIdentity: () => null });
      source.subscribe((s) => seen.push({ at: performance.now(), s }));
      await source.start();
    });

    afterAll(async () => {
      const stopping = source?.stop().catch(() => undefined);
      await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
      // against OpenSSH a stop may wait for sshd to go (see the ssh source's lab test)
      await Promise.race([stopping, sleep(15_000)]);
      fake?.closeAllConnections();
      await new Promise((r) => (fake ? fake.close(r) : r(undefined)));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('baseline: Corosync’s links and quorum options beside the API’s load, guests and storage', async () => {
      const s = await until('links and 3/3 from Corosync', (x) => x.links.length > 0 && x.quorum?.members.join(',') === '1,2,3');
      expect(s.source).toBe('pve');
      expect(s.cluster.quorumOptionsKnown).toBeUndefined(); // read from corosync.conf, not assumed
      expect(s.cluster.runtimeTokenMs).not.toBeNull();
      expect(s.unavailable?.some((u) => u.what === 'links' || u.what === 'quorum-options')).toBe(false);
      expect(s.storage?.map((x) => x.id)).toEqual(['local']);
      expect(s.nodes.find((n) => n.name === 'pve1')?.resources?.memTotalBytes).toBe(8e9);
      expect(source.health().state).toBe('ok');
    });

    it('kill pve3’s Corosync: the merged snapshot says offline at Corosync’s speed, though the API says online', async () => {
      const t0 = performance.now();
      await lab.fault('pve3', { kind: 'kill' });
      const s = await until('pve3 offline', (x) => x.nodes.find((n) => n.name === 'pve3')?.state === 'offline', 20_000);
      const ms = Math.round(performance.now() - t0);
      console.log(`[pve+ssh ${prefix}] pve3 killed -> offline in the merged snapshot after ${ms} ms (token 1000 ms; the API still says online)`);
      expect(REPLIES['cluster/status']).toContainEqual(expect.objectContaining({ name: 'pve3', online: 1 }));
      expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 2, members: [1, 2] });
      // pushed: a snapshot was emitted for the change (not only found by polling current())
      expect(seen.some((e) => e.at >= t0 && e.s.nodes.find((n) => n.name === 'pve3')?.state === 'offline')).toBe(true);
      await lab.fault('pve3', { kind: 'start' });
      await until('3/3 again', (x) => x.quorum?.members.join(',') === '1,2,3');
    });
  });
}
