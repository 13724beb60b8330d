// The simulator's spares end to end through the BFF: QUORATE_SIM_SPARES gives standalone nodes, the join
// candidates list them, POST /sim/spares sets up a pre-flight failure (a blocked Corosync port, a skewed
// clock) that the join's dry run reports, and a real join makes the sim a 4-node cluster. Config: 0 nodes
// needs spares; 1 node is refused in words.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { JoinDryRunResponse, SnapshotMessage, type Role } from '@quorate/model';
import { createServer, type QuorateServer } from './app';
import { ConfigError, loadConfig } from './config';
import { bearerFetch, endedTask, roleTokens, tempDataDir } from './testing/harness';

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
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_TICK_MS: '100', QUORATE_DATA_DIR: dataDir, QUORATE_SIM_SPARES: '1', ...env });
  server = await createServer(config, { logger: pino({ level: 'silent' }) });
  url = (await server.start()).url;
  tokens = await roleTokens(server);
}
const call = (method: string, path: string, body?: unknown, as: Role = 'operator') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
const dryRun = async () => JoinDryRunResponse.parse(await (await call('POST', '/operations/join', { node: { name: 'pve4' }, dryRun: true })).json()).plan;

describe('sim spares through the BFF', () => {
  it('a spare to join; set-ups the dry run reports; a real join', async () => {
    await start();
    expect(await (await call('GET', '/join-candidates')).json()).toMatchObject({ candidates: [{ name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }, { link: 1, address: '198.18.1.14' }] }] });
    const clean = await dryRun();
    expect(clean.canJoin, JSON.stringify(clean.checks.filter((c) => c.status !== 'pass'))).toBe(true);
    expect(clean.checks.filter((c) => c.status === 'fail')).toEqual([]);

    expect((await call('POST', '/sim/spares', { action: 'spare-set', spare: 'pve4', corosyncPortBlocked: true, clockOffsetMs: 900 })).status).toBe(202);
    const blocked = await dryRun();
    expect(blocked.canJoin).toBe(false);
    expect(blocked.checks.find((c) => c.id === 'corosync-port')?.status).toBe('fail');
    expect(blocked.checks.find((c) => c.id === 'clock-skew')).toMatchObject({ status: 'warn', measured: 'pve4 is 900 ms ahead' });
    // a bad set-up changes nothing; viewers may only look
    expect((await call('POST', '/sim/spares', { action: 'spare-set', spare: 'nope', guests: 1 })).status).toBe(400);
    expect((await call('POST', '/sim/spares', { action: 'spare-set', spare: 'pve4', guests: 1 }, 'viewer')).status).toBe(403);
    expect(await (await call('GET', '/sim/spares', undefined, 'viewer')).json()).toMatchObject({ spares: [{ name: 'pve4', corosyncPortBlocked: true, guests: 0 }] });

    // the cluster's Join Information: pasted, it names this cluster and the member's certificate, which the check compares
    const ji = (await (await call('GET', '/join-info', undefined, 'viewer')).json()) as { joinInformation: string; info: { clusterName: string; fingerprint: string; links: number[] } };
    expect(ji.info).toMatchObject({ clusterName: 'lab-cluster', links: [0, 1] });
    const pasted = JoinDryRunResponse.parse(await (await call('POST', '/operations/join', { node: { name: 'pve4' }, joinInfo: ji.joinInformation, dryRun: true })).json()).plan;
    expect(pasted.checks.find((c) => c.id === 'member-certificate')).toMatchObject({ status: 'pass', measured: `the member presents ${ji.info.fingerprint}` });
    const wrongFp = Array.from({ length: 32 }, () => 'EE').join(':');
    const wrong = JoinDryRunResponse.parse(await (await call('POST', '/operations/join', { node: { name: 'pve4' }, fingerprint: wrongFp, dryRun: true })).json()).plan;
    expect(wrong.checks.find((c) => c.id === 'member-certificate')?.status).toBe('fail');

    await call('POST', '/sim/spares', { action: 'spare-set', spare: 'pve4', corosyncPortBlocked: false, clockOffsetMs: 0 });
    const task = await endedTask(url, tokens.operator, await call('POST', '/operations/join', { node: { name: 'pve4' }, confirm: true }), 30_000);
    expect(task.status, task.log.map((l) => l.line).join('\n')).toBe('ok');
    expect(task.log.map((l) => l.line)).toContain("successfully added node 'pve4' to cluster.");
    const snap = SnapshotMessage.parse(await (await call('GET', '/snapshot', undefined, 'viewer')).json()).snapshot;
    expect(snap.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    expect(snap.quorum).toMatchObject({ expectedVotes: 4, quorum: 3, quorate: true });
    expect((await (await call('GET', '/join-candidates')).json()) as unknown).toEqual({ candidates: [] });
  }, 60_000);

  it('config: 0 nodes needs spares; 1 node is refused', () => {
    expect(() => loadConfig({ PORT: '0', QUORATE_SIM_NODES: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '0', QUORATE_SIM_NODES: '0' })).toThrow(/QUORATE_SIM_NODES: 0 needs QUORATE_SIM_SPARES/);
    expect(() => loadConfig({ PORT: '0', QUORATE_SIM_NODES: '1' })).toThrow(/QUORATE_SIM_NODES: a cluster has at least 2 nodes/);
    expect(loadConfig({ PORT: '0', QUORATE_SIM_NODES: '0', QUORATE_SIM_SPARES: '3' }).clusters[0]!.settings).toMatchObject({ nodes: 0, spares: 3 });
  });
});
