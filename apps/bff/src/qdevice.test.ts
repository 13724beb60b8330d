// POST /api/v1/operations/qdevice on the simulator through the guard: a dry run answers with every check and
// quorum before/after; a failing check (qnetd unreachable) refuses the run in words (409) and changes nothing;
// a setup runs as a task that proves the QDevice's vote; a crash of one of 2 nodes then keeps quorum; the
// removal needs the cluster name typed; a viewer is refused.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { QdeviceDryRunResponse, SnapshotMessage, type Role } from '@quorate/model';
import type { QuorateServer } from './app';
import { bearerFetch, endedTask, startSimServer, tempDataDir } from './testing/harness';

let server: QuorateServer | null = null;
let dataDir = '';
let url = '';
let tokens: Record<Role, string>;
afterEach(async () => {
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<void> {
  dataDir = tempDataDir();
  ({ server, url, tokens } = await startSimServer(dataDir, { QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_TICK_MS: '100', QUORATE_SIM_NODES: '2', ...env }));
}
const call = (method: string, path: string, body?: unknown, as: Role = 'operator') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
const snapshot = async () => SnapshotMessage.parse(await (await call('GET', '/snapshot')).json()).snapshot;
const until = async (ok: () => Promise<boolean>, ms = 10_000) => {
  for (const end = Date.now() + ms; !(await ok()); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('QDevice through the BFF on a 2-node sim', () => {
  it('dry run, a refusal with qnetd unreachable, setup as a task, a crash survived, removal with the cluster name', async () => {
    await start();
    const name = (await snapshot()).cluster.name;
    const dry = QdeviceDryRunResponse.parse(await (await call('POST', '/operations/qdevice', { action: 'setup', host: 'qnetd', dryRun: true })).json()).plan;
    expect(dry.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(dry.sentence).toBe('2 nodes: expected votes 2 → 3, needed 2 → 2, can lose 0 → 1');

    expect((await call('POST', '/sim/spares', { action: 'qnetd', reachable: false })).status).toBeLessThan(300);
    const refused = await call('POST', '/operations/qdevice', { action: 'setup', host: 'qnetd', confirm: true });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(/the pre-flight failed: qnetd reachable on tcp 5403 from every node — pve1: qnetd:5403: connection timed out/);
    expect((await snapshot()).qdevice).toBeNull();
    await call('POST', '/sim/spares', { action: 'qnetd', reachable: true });

    expect((await call('POST', '/operations/qdevice', { action: 'setup', host: 'qnetd', confirm: true }, 'viewer')).status).toBe(403);
    const task = await endedTask(url, tokens.operator, await call('POST', '/operations/qdevice', { action: 'setup', host: 'qnetd', confirm: true }), 30_000);
    expect(task.status, task.log.map((l) => l.line).join('\n')).toBe('ok');
    expect(task.log.map((l) => l.line)).toEqual(expect.arrayContaining(['INFO: initializing qnetd server', "verified: 2 nodes and a QDevice (1 vote), 3 of 3 votes, needed 2, quorate"]));
    expect((await snapshot()).quorum).toMatchObject({ expectedVotes: 3, quorum: 2, quorate: true });

    await call('POST', '/sim/faults', { action: 'stop', nodes: ['pve2'] });
    await until(async () => (await snapshot()).nodes.find((n) => n.name === 'pve2')?.state === 'offline');
    expect((await snapshot()).quorum).toMatchObject({ quorate: true, totalVotes: 2, expectedVotes: 3 });
    await call('POST', '/sim/faults', { action: 'start', nodes: ['pve2'] });
    await until(async () => (await snapshot()).quorum?.totalVotes === 3);

    const unnamed = await call('POST', '/operations/qdevice', { action: 'remove', confirm: true });
    expect(unnamed.status).toBe(400);
    const removed = await endedTask(url, tokens.operator, await call('POST', '/operations/qdevice', { action: 'remove', clusterName: name, confirm: true }), 30_000);
    expect(removed.status, removed.log.map((l) => l.line).join('\n')).toBe('ok');
    expect((await snapshot()).qdevice).toBeNull();
    expect((await snapshot()).quorum).toMatchObject({ expectedVotes: 2, quorum: 2 });
  });
});
