// What-if, "can I reboot it now?" and the design advisor over REST, on the real simulator: predictions
// made from the BFF's snapshot, then checked against what the simulator does when the failure happens.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AdvisorResponse, ApiError, RebootResponse, SnapshotMessage, WhatIfResponse, type Role } from '@quorate/model';
import type { SimSource } from '@quorate/sources';
import type { QuorateServer } from './app';
import { bearerFetch, startSimServer, tempDataDir } from './testing/harness';

let server: QuorateServer | null = null;
let dataDir = '';
afterEach(async () => {
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  dataDir = tempDataDir();
  const started = await startSimServer(dataDir, env);
  server = started.server;
  const sim = server.collectors.get(server.clusters.defaultId)!.source as SimSource;
  const call = (path: string, init: { method?: string; body?: unknown; as?: Role | null } = {}) =>
    bearerFetch(`${started.url}${path}`, init.as === null ? null : started.tokens[init.as ?? 'viewer'], init);
  return { sim, call };
}

describe('what-if over REST on the simulator', () => {
  it('5 nodes: losing 3 loses quorum (the smallest failure), losing 2 does not — and the simulator agrees', async () => {
    const { sim, call } = await start({ QUORATE_SIM_NODES: '5', QUORATE_SIM_TOKEN_MS: '200' });
    const now = WhatIfResponse.parse(await (await call('/api/v1/whatif', { method: 'POST', body: { fail: {} } })).json());
    expect(now.partitions).toEqual([expect.objectContaining({ nodes: ['pve1', 'pve2', 'pve3', 'pve4', 'pve5'], votes: 5, quorate: true })]);
    expect(now.smallestFailure).toMatchObject({ size: 3, exact: true });
    expect(now.smallestFailure.text).toContain('no 2 nodes do');

    const two = WhatIfResponse.parse(await (await call('/api/v1/whatif', { method: 'POST', body: { fail: { nodes: ['pve4', 'pve5'] } } })).json());
    expect(two.partitions).toEqual([expect.objectContaining({ nodes: ['pve1', 'pve2', 'pve3'], quorate: true, reason: '3 of 5 votes, 3 needed' })]);
    expect(two.smallestFailure).toMatchObject({ size: 1 });

    const res = await call('/api/v1/whatif', { method: 'POST', body: { fail: { nodes: ['pve3', 'pve4', 'pve5'] } } });
    expect(res.status).toBe(200);
    const three = WhatIfResponse.parse(await res.json());
    expect(three.quorate).toBe(false);
    expect(three.partitions).toEqual([expect.objectContaining({ nodes: ['pve1', 'pve2'], votes: 2, quorum: 3, quorate: false, reason: '2 of 5 votes, 3 needed' })]);
    expect(three.smallestFailure).toMatchObject({ size: 0, text: 'quorum is already lost: no partition is quorate' });

    // the failure happens: the simulator's votequorum says what the prediction said
    expect((await call('/api/v1/sim/faults', { method: 'POST', as: 'operator', body: { action: 'stop', nodes: ['pve3', 'pve4', 'pve5'] } })).status).toBe(202);
    sim.advance(5_000);
    const after = SnapshotMessage.parse(await (await call('/api/v1/snapshot')).json()).snapshot;
    expect(after.quorum).toMatchObject({ members: [1, 2], totalVotes: 2, quorum: 3, quorate: false });
  });

  it('a cut link: the prediction of a partition matches the simulator’s', async () => {
    const { sim, call } = await start({ QUORATE_SIM_NODES: '3', QUORATE_SIM_TOKEN_MS: '200' });
    const fail = { links: [{ node: 'pve3', link: 0 }, { node: 'pve3', link: 1 }] };
    const predicted = WhatIfResponse.parse(await (await call('/api/v1/whatif', { method: 'POST', body: { fail } })).json());
    expect(predicted.partitions.map((p) => [p.nodes, p.quorate])).toEqual([
      [['pve1', 'pve2'], true],
      [['pve3'], false],
    ]);
    expect((await call('/api/v1/sim/faults', { method: 'POST', as: 'operator', body: { action: 'link-down', node: 'pve3' } })).status).toBe(202);
    sim.advance(30_000);
    const after = SnapshotMessage.parse(await (await call('/api/v1/snapshot')).json()).snapshot;
    const rings = after.views.filter((v) => v.quorum).map((v) => [v.name, v.quorum!.members, v.quorum!.quorate]);
    expect(rings).toEqual(expect.arrayContaining([['pve1', [1, 2], true], ['pve3', [3], false]]));
    // and a what-if on the partitioned snapshot sees both sides
    const again = WhatIfResponse.parse(await (await call('/api/v1/whatif', { method: 'POST', body: { fail: {} } })).json());
    expect(again.partitions.map((p) => [p.nodes, p.quorate])).toEqual(predicted.partitions.map((p) => [p.nodes, p.quorate]));
  });

  it('3 nodes: reboot pve2 — yes while all run; no once pve3 is stopped', async () => {
    const { sim, call } = await start({ QUORATE_SIM_TOKEN_MS: '200' });
    const yes = RebootResponse.parse(await (await call('/api/v1/whatif/reboot?node=pve2')).json());
    expect(yes).toMatchObject({ clusterId: 'lab-cluster', node: 'pve2', canReboot: true, margin: 0 });
    expect(yes.text).toBe('Yes: while pve2 reboots, pve1 and pve3 hold 2 of 3 votes, 2 needed; no other node may fail until it is back');

    expect((await call('/api/v1/sim/faults', { method: 'POST', as: 'operator', body: { action: 'stop', nodes: ['pve3'] } })).status).toBe(202);
    sim.advance(5_000);
    const no = RebootResponse.parse(await (await call('/api/v1/whatif/reboot?cluster=lab-cluster&node=pve2')).json());
    expect(no).toMatchObject({ canReboot: false, quorateNow: true, margin: 0 });
    expect(no.during.partitions).toEqual([expect.objectContaining({ nodes: ['pve1'], quorate: false })]);
    expect(no.text).toMatch(/^No: while pve2 reboots, pve1 holds 1 of 3 votes, 2 needed — quorum is lost/);
  });

  it('refuses unknown nodes (naming them), bad bodies, unknown clusters and the unauthenticated', async () => {
    const { call } = await start({});
    const unknown = await call('/api/v1/whatif', { method: 'POST', body: { fail: { nodes: ['pve1', 'pve9'], links: [{ node: 'pve8', link: 0 }] } } });
    expect(unknown.status).toBe(400);
    const err = ApiError.parse(await unknown.json());
    expect(err.error).toBe("unknown nodes in cluster 'lab-cluster': pve9, pve8");
    expect(err.issues).toEqual([
      { path: 'fail.nodes', message: "no node 'pve9' in this cluster" },
      { path: 'fail.links', message: "no node 'pve8' in this cluster" },
    ]);
    const bad = await call('/api/v1/whatif', { method: 'POST', body: { fail: { nodes: 'pve1' } } });
    expect(bad.status).toBe(400);
    expect(ApiError.parse(await bad.json()).error).toMatch(/^invalid what-if: fail\.nodes/);
    expect((await call('/api/v1/whatif', { method: 'POST', body: { fail: { links: [{ node: 'pve1', link: 9 }] } } })).status).toBe(400);
    expect((await call('/api/v1/whatif/reboot?node=pve7')).status).toBe(400);
    expect((await call('/api/v1/whatif/reboot')).status).toBe(400);
    expect((await call('/api/v1/whatif?cluster=nope', { method: 'POST', body: { fail: {} } })).status).toBe(404);
    expect((await call('/api/v1/advisor', { as: null })).status).toBe(401);
  });
});

describe('the advisor over REST on the simulator', () => {
  const advice = (r: AdvisorResponse) => r.checks.filter((c) => c.status === 'warn' || c.status === 'fail').map((c) => c.id);

  it.each([
    ['2', '2', ['few-votes', 'qdevice-even-nodes']],
    ['3', '2', []],
    ['4', '2', ['qdevice-even-nodes']],
    ['3', '1', ['single-link']],
  ])('%s nodes, %s links: %j', async (nodes, links, expected) => {
    const { call } = await start({ QUORATE_SIM_NODES: nodes, QUORATE_SIM_LINKS: links });
    const r = AdvisorResponse.parse(await (await call('/api/v1/advisor?cluster=lab-cluster')).json());
    expect(r.clusterId).toBe('lab-cluster');
    expect(advice(r)).toEqual(expected);
    // the simulator's facts (its advisorFacts capability): one Corosync version, true clocks, a storage network apart
    expect(r.checks.find((c) => c.id === 'clock-skew')).toMatchObject({ status: 'pass', measured: `${nodes} clocks agree to the millisecond` });
    expect(r.checks.find((c) => c.id === 'mixed-versions')).toMatchObject({ status: 'pass', measured: `Corosync 3.1.9 on ${nodes} nodes` });
    expect(r.checks.find((c) => c.id === 'corosync-shares-storage-network')).toMatchObject({ status: 'pass' });
    // what the simulator does not report is said, not passed
    expect(r.checks.find((c) => c.id === 'ha-on-local-storage')).toMatchObject({ status: 'not-checked' });
  });
});
