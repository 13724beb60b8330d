// Guarded operations on the real simulator: expected votes (dry run, confirmation, corosync's refusals,
// the recovery path while inquorate), and the guard itself (role, quorate gate, audit of every refusal).
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import { ApiError, DryRunResponse, SnapshotMessage, TaskAccepted, type ClusterSnapshot, type Role } from '@quorate/model';
import type { SimSource } from '@quorate/sources';
import express, { type Request, type Response } from 'express';
import { createServer, type QuorateServer } from './app';
import { loadConfig } from './config';
import type { AppContext } from './context';
import { guarded, type OperationDef } from './operations/guard';
import { TaskRunner } from './tasks/runner';
import { bearerFetch, endedTask, roleTokens, startFake, simCluster, tempDataDir, type Harness } from './testing/harness';

let server: QuorateServer | null = null;
let dataDir = '';
let url = '';
let tokens: Record<Role, string>;
afterEach(async () => {
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<SimSource> {
  dataDir = tempDataDir();
  // a long tick: the test moves the simulated clock itself
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TICK_MS: '600000', QUORATE_SIM_TOKEN_MS: '200', QUORATE_DATA_DIR: dataDir });
  server = await createServer(config, { logger: pino({ level: 'silent' }) });
  url = (await server.start()).url;
  tokens = await roleTokens(server);
  return server.collectors.get('lab-cluster')!.source as SimSource;
}
const op = (body: unknown, as: Role = 'operator') => bearerFetch(`${url}/api/v1/operations/expected-votes`, tokens[as], { method: 'POST', body });
const quorum = async () => SnapshotMessage.parse(await (await bearerFetch(`${url}/api/v1/snapshot`, tokens.viewer)).json()).snapshot.quorum!;
const auditTrail = async () => (await server!.store.audit.list({ limit: 100, operation: 'expected-votes' })).records;
const error = async (res: globalThis.Response) => ApiError.parse(await res.json()).error;

describe('POST /api/v1/operations/expected-votes', () => {
  it('dry run says what would happen and changes nothing (no confirmation needed)', async () => {
    await start();
    const res = await op({ expectedVotes: 5, dryRun: true });
    expect(res.status).toBe(200);
    const { plan } = DryRunResponse.parse(await res.json());
    expect(plan).toMatchObject({
      clusterId: 'lab-cluster',
      clusterName: 'lab-cluster',
      command: 'pvecm expected 5',
      before: { expectedVotes: 3, quorum: 2, totalVotes: 3, quorate: true, nodesCanLose: 1 },
      after: { expectedVotes: 5, quorum: 3, totalVotes: 3, quorate: true, nodesCanLose: 0 },
      recovery: false,
      // a healthy cluster that could lose a node could lose none afterwards: the risk, and the typed name
      needsClusterName: true,
    });
    expect(plan.risk).toMatch(/The cluster could lose 1 node before; after this it can lose none/);
    expect((await quorum()).expectedVotes).toBe(3);
    // changes nothing, but the attempt is on the record
    expect((await auditTrail())).toEqual([expect.objectContaining({ operation: 'expected-votes', result: 'ok', confirmed: false, message: expect.stringMatching(/^dry run only/) })]);
  });

  it('without confirm: true it is refused (400) and audited', async () => {
    await start();
    for (const body of [{ expectedVotes: 4 }, { expectedVotes: 4, confirm: false }]) {
      const res = await op(body);
      expect(res.status).toBe(400);
      expect(await error(res)).toMatch(/^confirm: /);
    }
    expect((await quorum()).expectedVotes).toBe(3);
    expect((await auditTrail())).toHaveLength(2);
    expect((await auditTrail())[0]).toMatchObject({ result: 'refused', confirmed: false, clusterId: 'lab-cluster', params: { expectedVotes: 4 } });
  });

  it('on a quorate cluster: runs as a task, the change shows in the snapshot, the event log and the audit trail', async () => {
    await start();
    // 4 of 3 leaves no node to lose: confirm alone is not enough
    const unnamed = await op({ expectedVotes: 4, confirm: true });
    expect(unnamed.status).toBe(400);
    expect(await error(unnamed)).toBe("type the cluster name 'lab-cluster' to confirm");
    expect((await quorum()).expectedVotes).toBe(3);
    expect((await auditTrail())[0]).toMatchObject({ result: 'refused' });
    const res = await op({ expectedVotes: 4, confirm: true, clusterName: 'lab-cluster' });
    // 202 at once: it runs as a task, followed through GET /api/v1/tasks/:id
    expect(res.status).toBe(202);
    const task = await endedTask(url, tokens.operator, res);
    expect(task).toMatchObject({ operation: 'expected-votes', clusterId: 'lab-cluster', status: 'ok', message: 'expected votes set to 4', actor: { kind: 'token', name: 'test-operator' } });
    expect(task.endedAt).toBeGreaterThanOrEqual(task.startedAt);
    const lines = task.log.map((l) => l.line);
    expect(lines.join('\n')).toMatch(/pvecm expected 4/);
    expect(lines.join('\n')).toMatch(/expected votes 3 -> 4; quorum 2 -> 3/);
    // listed for the cluster, newest first
    const listed = await (await bearerFetch(`${url}/api/v1/tasks?cluster=lab-cluster`, tokens.viewer)).json();
    expect(listed).toMatchObject({ total: 1, tasks: [{ id: task.id, status: 'ok' }] });
    expect(await quorum()).toMatchObject({ expectedVotes: 4, quorum: 3, quorate: true });
    const events = (await server!.store.events.list({ limit: 10, types: ['expected-votes-changed'] })).events;
    expect(events.map((e) => e.body)).toEqual([{ type: 'expected-votes-changed', from: 3, to: 4 }]);
    expect((await auditTrail())).toMatchObject([{ result: 'ok', confirmed: true, message: 'expected votes set to 4', actor: { kind: 'token', name: 'test-operator' }, role: 'operator', taskLog: lines }, { result: 'refused' }]);
  });

  it('below the votes present: corosync refuses (409 with its text), nothing changes, audited', async () => {
    await start();
    const res = await op({ expectedVotes: 2, confirm: true });
    expect(res.status).toBe(409);
    const text = await error(res);
    expect(text).toBe('Unable to set expected votes: CS_ERR_INVALID_PARAM (expected votes 2 is below the 3 votes present)');
    expect((await quorum()).expectedVotes).toBe(3);
    expect((await auditTrail())[0]).toMatchObject({ result: 'refused', message: text });
    // a dry run tells the same
    expect((await op({ expectedVotes: 2, dryRun: true })).status).toBe(409);
  });

  it('recovery path: 2 of 3 stopped -> not quorate; expected 1 needs the cluster name typed, explains split brain, then restores quorum', async () => {
    const sim = await start();
    sim.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    sim.advance(10_000);
    expect(await quorum()).toMatchObject({ quorate: false, totalVotes: 1 });

    const dry = DryRunResponse.parse(await (await op({ expectedVotes: 1, dryRun: true })).json());
    expect(dry.plan).toMatchObject({ recovery: true, needsClusterName: true, after: { expectedVotes: 1, quorum: 1, quorate: true } });
    expect(dry.plan.risk).toMatch(/split brain/);
    expect(dry.plan.risk).toMatch(/pve2 and pve3|pve2, pve3/);

    for (const clusterName of [undefined, 'lab', 'LAB-CLUSTER']) {
      const res = await op({ expectedVotes: 1, confirm: true, ...(clusterName !== undefined ? { clusterName } : {}) });
      expect(res.status).toBe(400);
      expect(await error(res)).toBe("type the cluster name 'lab-cluster' to confirm");
    }
    expect(await quorum()).toMatchObject({ quorate: false });

    // 2 is more than the one vote present can reach: refused even on the recovery path
    const tooHigh = await op({ expectedVotes: 2, confirm: true, clusterName: 'lab-cluster' });
    expect(tooHigh.status).toBe(409);
    expect(await error(tooHigh)).toMatch(/needs 2 votes for quorum, only 1 present/);

    const res = await op({ expectedVotes: 1, confirm: true, clusterName: 'lab-cluster' });
    const task = await endedTask(url, tokens.operator, res);
    expect(task.status).toBe('ok');
    expect(task.log[0]!.line).toMatch(/recovery path/);
    expect(await quorum()).toMatchObject({ quorate: true, expectedVotes: 1, quorum: 1, totalVotes: 1 });
    expect((await auditTrail()).map((r) => r.result)).toEqual(['ok', 'refused', 'refused', 'refused', 'refused', 'ok']);
    expect((await auditTrail()).at(-1)!.message).toMatch(/^dry run only/);
  });

  it('a viewer is refused (403, audited); an unknown cluster is 404', async () => {
    await start();
    const res = await op({ expectedVotes: 4, confirm: true }, 'viewer');
    expect(res.status).toBe(403);
    expect(await error(res)).toBe('needs role operator');
    const ghost = await bearerFetch(`${url}/api/v1/operations/expected-votes?cluster=ghost`, tokens.operator, { method: 'POST', body: { expectedVotes: 4, confirm: true } });
    expect(ghost.status).toBe(404);
    expect((await auditTrail()).map((r) => [r.result, r.role])).toEqual([
      ['refused', 'operator'],
      ['refused', 'viewer'],
    ]);
  });
});

describe('the guard', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  /** a made-up operation (a later delnode, say): no recovery path */
  const Params = z.object({ node: z.string(), confirm: z.boolean().optional(), dryRun: z.boolean().optional() }).strict();
  const runs: string[] = [];
  const delnode: OperationDef<z.infer<typeof Params>, { refusal: string | null; recovery: boolean; needsClusterName: boolean }> = {
    name: 'delnode',
    role: 'operator',
    params: Params,
    auditParams: (p) => ({ node: p.node }),
    unsupported: () => null,
    plan: (p, _c, s: ClusterSnapshot) => ({ refusal: s.nodes.some((n) => n.name === p.node) ? null : `no node ${p.node}`, recovery: false, needsClusterName: false }),
    run: (p) => {
      if (p.node === 'pve2') throw new Error('pvecm delnode: node is online');
      runs.push(p.node);
    },
    summary: (p) => `removed ${p.node}`,
  };

  async function withGuard(): Promise<Harness> {
    h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)]);
    const ctx: AppContext = {
      config: {} as AppContext['config'],
      store: h.server.store,
      clusters: h.server.clusters,
      logger: pino({ level: 'silent' }),
      io: h.server.io,
      signIn: null as unknown as AppContext['signIn'],
      deviceKey: Buffer.alloc(32),
      anonymous: null as unknown as AppContext['anonymous'],
      origins: { allowedOrigins: [], trustProxy: false },
      tasks: new TaskRunner(h.server.store, h.server.io, pino({ level: 'silent' })),
      clusterAdmin: null as unknown as AppContext['clusterAdmin'],
      busy: new Set(),
      ssh: null as unknown as AppContext['ssh'],
    };
    // mounted in front of the app's own routes, behind its authentication
    h.server.app.post('/test/delnode', express.json(), async (req: Request, res: Response, next) => {
      req.identity = await h!.server.store.tokens.verify(String(req.headers.authorization).slice(7)) as never;
      if (req.identity) Object.assign(req.identity, { kind: 'token' });
      return guarded(ctx, delnode, req, res).catch(next);
    });
    return h;
  }

  it('refuses anything but the recovery path while the cluster is not quorate; audits refusals and failures', async () => {
    const hh = await withGuard();
    const call = (body: unknown, as: Role = 'operator') =>
      fetch(`${hh.url}/test/delnode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hh.tokens[as]}` }, body: JSON.stringify(body) });
    // the test route sits after the error handler: read status only
    expect((await call({ node: 'pve3', confirm: true }, 'viewer')).status).toBe(403);
    expect((await call({ node: 'pve3', confirm: true })).status).toBe(202);
    expect(runs).toEqual(['pve3']);
    const failed = await call({ node: 'pve2', confirm: true });
    expect(failed.status).toBe(202);
    const { task } = TaskAccepted.parse(await failed.json());
    await vi.waitFor(async () => expect((await hh.server.store.tasks.get(task.id))?.status).toBe('failed'));
    expect((await hh.server.store.tasks.get(task.id))!.log.map((l) => l.line)).toEqual([expect.any(String), 'failed: pvecm delnode: node is online']);
    hh.sources.get('lab-cluster')!.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    expect((await call({ node: 'pve3', confirm: true })).status).toBe(409);
    expect(runs).toEqual(['pve3']);
    const trail = (await hh.server.store.audit.list({ limit: 10, operation: 'delnode' })).records;
    expect(trail.map((r) => r.result)).toEqual(['refused', 'failed', 'ok', 'refused']);
    expect(trail[0]!.message).toMatch(/^cluster 'lab-cluster' is not quorate: delnode is refused/);
  });
});
