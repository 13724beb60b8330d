// The pve source's create and delnode over real HTTPS against fake Proxmox nodes on 127.0.0.1
// (ops-fake.test-helper.ts): a cluster created on a standalone node and joined by a second one; a create
// refused before anything changes; delnode done with root@pam's ticket, refused by the cluster (in words),
// refused for an online node before anything is sent, and without a password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskIo } from '../source';
import { PveClient } from './client';
import { PveCreate } from './create';
import { PveDelnode } from './delnode';
import { createTask, FakeNode, joinTask, type FakeCluster } from './ops-fake.test-helper';
import { selfSignedCert, type TestCert } from './tls.test-helper';
import { HttpsTransport, tokenAuthorizer } from './transport';

const TOKEN = 'quorate@pve!dashboard=6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const PW1 = 'pve1-root-secret-1111';
const PW2 = 'pve2-root-secret-2222';
const BOUNDS = { pollMs: 20, lostContactMs: 5_000, deadlineMs: 20_000 };

let dir: string;
let c1: TestCert;
let c2: TestCert;
let c2new: TestCert;
const fakes: FakeNode[] = [];

beforeAll(() => {
  dir = mkdtempSync(joinPath(tmpdir(), 'quorate-pve-create-'));
  c1 = selfSignedCert(dir, 'pve1', 'pve1.lab');
  c2 = selfSignedCert(dir, 'pve2', 'pve2.lab');
  c2new = selfSignedCert(dir, 'pve2-new', 'pve2.lab');
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = async (f: FakeNode) => {
  fakes.push(f);
  return f.start();
};
const io = (signal = new AbortController().signal): TaskIo & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l), signal };
};

describe('pve create over the API (fake nodes on 127.0.0.1)', () => {
  it('creates on the first node, then the second joins it with its address, certificate and password', async () => {
    const n1 = await start(new FakeNode({ name: 'pve1', address: '198.18.0.11', cert: c1, rootPassword: PW1, cluster: null, createTask: createTask() }));
    const n2 = await start(
      new FakeNode({ name: 'pve2', address: '198.18.0.12', cert: c2, nextCert: c2new, rootPassword: PW2, cluster: null, joinTask: joinTask('ok', 'pve2'), onRestart: (fp) => n1.joined.set('pve2', { address: '198.18.0.12', fingerprint: fp }) }),
    );
    const t = io();
    await new PveCreate({ bounds: BOUNDS, timeoutMs: 3000 }).create(
      {
        clusterName: 'lab',
        nodes: [
          { name: 'pve1', addresses: [{ link: 0, address: '198.18.0.11' }], joiner: { url: n1.url, fingerprint: c1.fingerprint, password: PW1 } },
          { name: 'pve2', addresses: [{ link: 0, address: '198.18.0.12' }], joiner: { url: n2.url, fingerprint: c2.fingerprint, password: PW2 } },
        ],
      },
      t,
    );
    const create = n1.requests.find((r) => r.method === 'POST' && r.path === 'cluster/config')!;
    expect(create.form).toEqual({ clustername: 'lab', link0: '198.18.0.11' });
    expect(create.csrf).toMatch(/FAKE-CSRF/);
    const join = n2.requests.find((r) => r.method === 'POST' && r.path === 'cluster/config/join')!;
    expect(join.form).toEqual({ hostname: '198.18.0.11', fingerprint: c1.fingerprint, password: PW1, link0: '198.18.0.12' });
    // the create's task lines, then the join's, then each step said
    expect(t.lines.indexOf('Writing corosync config to /etc/pve/corosync.conf')).toBeLessThan(t.lines.indexOf('cluster lab created on pve1'));
    expect(t.lines.indexOf('cluster lab created on pve1')).toBeLessThan(t.lines.indexOf("successfully added node 'pve2' to cluster."));
    expect(t.lines).toContain(`pve2 presents a new API certificate ${c2new.fingerprint}: re-pinned (the cluster lists it as pve2's pve_fp in GET /cluster/config/join)`);
    expect(t.lines.at(-1)).toBe('pve2 joined cluster lab');
    expect(t.lines.join('\n')).not.toMatch(/pve[12]-root-secret/);
  });

  it('a node already in a cluster is refused before the first node changes', async () => {
    const n1 = await start(new FakeNode({ name: 'pve1', address: '198.18.0.11', cert: c1, rootPassword: PW1, cluster: null, createTask: createTask() }));
    const other: FakeCluster = { name: 'other', self: 'pve2', quorate: true, members: [{ name: 'pve2', nodeid: 1, address: '198.18.0.12', online: true, fingerprint: c2.fingerprint }] };
    const n2 = await start(new FakeNode({ name: 'pve2', address: '198.18.0.12', cert: c2, rootPassword: PW2, cluster: other }));
    const nodes = [
      { name: 'pve1', joiner: { url: n1.url, fingerprint: c1.fingerprint, password: PW1 } },
      { name: 'pve2', joiner: { url: n2.url, fingerprint: c2.fingerprint, password: PW2 } },
    ];
    await expect(new PveCreate({ bounds: BOUNDS }).create({ clusterName: 'lab', nodes }, io())).rejects.toThrow(/^pve2 is already in cluster other — “cluster config '\/etc\/pve\/corosync\.conf' already exists”: nothing was changed$/);
    expect(n1.requests.some((r) => r.method === 'POST' && r.path === 'cluster/config')).toBe(false);
  });
});

describe('pve delnode over the API (fake member on 127.0.0.1)', () => {
  /** the lab cluster: pve1 answers, pve2 online, pve3 offline (the 3-node fixture) */
  const lab = (): FakeCluster => ({
    name: 'lab',
    self: 'pve1',
    quorate: true,
    members: [
      { name: 'pve1', nodeid: 1, address: '198.18.0.11', online: true, fingerprint: c1.fingerprint },
      { name: 'pve2', nodeid: 2, address: '198.18.0.12', online: true, fingerprint: c2.fingerprint },
      { name: 'pve3', nodeid: 3, address: '198.18.0.13', online: false, fingerprint: c2new.fingerprint },
    ],
  });
  const member = (refuseDelnode?: string) => start(new FakeNode({ name: 'pve1', address: '198.18.0.11', cert: c1, rootPassword: PW1, token: TOKEN, cluster: lab(), ...(refuseDelnode ? { refuseDelnode } : {}) }));
  const control = (m: FakeNode) => {
    const transport = new HttpsTransport({ targets: [{ url: m.url, trust: { kind: 'fingerprint', fingerprint: c1.fingerprint } }], auth: tokenAuthorizer(TOKEN.split('=')[0]!, () => TOKEN.split('=')[1]!), timeoutMs: 3000 });
    return new PveDelnode({ client: new PveClient(transport), transport, bounds: BOUNDS });
  };
  const deletes = (m: FakeNode) => m.requests.filter((r) => r.method === 'DELETE');

  it('removes an offline node with root@pam’s ticket (cookie and CSRF), the null reply handled', async () => {
    const m = await member();
    const t = io();
    await control(m).delnode('pve3', t, { password: PW1 });
    expect(deletes(m)).toEqual([expect.objectContaining({ path: 'cluster/config/nodes/pve3', csrf: expect.stringMatching(/FAKE-CSRF/), cookie: expect.any(String), authorization: undefined })]);
    expect(m.cluster?.members.map((x) => x.name)).toEqual(['pve1', 'pve2']);
    expect(t.lines.at(-1)).toBe('pve3 removed from corosync.conf');
  });

  it('the cluster’s refusal is passed on in words', async () => {
    const m = await member('cluster not ready - no quorum?');
    const e = (await control(m).delnode('pve3', io(), { password: PW1 }).catch((err: Error) => err)) as Error;
    expect(e.message).toBe('pvecm delnode pve3 refused: 500 cluster not ready - no quorum? (DELETE /cluster/config/nodes/pve3) — removing a node writes corosync.conf, which is read-only without quorum: bring the missing members back first');
    expect(m.cluster?.members).toHaveLength(3);
  });

  it('an online node, an unknown one and a missing password are refused before anything is sent', async () => {
    const m = await member();
    await expect(control(m).delnode('pve2', io(), { password: PW1 })).rejects.toThrow(/^pve2 is online: power it off for good first/);
    await expect(control(m).delnode('pve9', io(), { password: PW1 })).rejects.toThrow('Node/IP: pve9 is not a known host of the cluster.');
    await expect(control(m).delnode('pve3', io())).rejects.toThrow(/^removing pve3 needs root@pam's password/);
    const wrong = await control(m).delnode('pve3', io(), { password: 'wrong-password-5555' }).catch((err: Error) => err);
    expect((wrong as Error).message).toMatch(/root@pam's password was refused/);
    expect((wrong as Error).message).not.toContain('wrong-password-5555');
    expect(deletes(m)).toEqual([]);
  });
});
