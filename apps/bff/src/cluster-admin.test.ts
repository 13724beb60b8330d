// Clusters at runtime: POST shows a cluster live without a restart and it survives one; PATCH rebuilds it;
// DELETE stops its collector and keeps its history; every change is validated by the kind's schema,
// audited without secrets, and told to every socket.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, ClusterDetail, ClusterList, HistoryPage, SnapshotMessage, type Role } from '@quorate/model';
import type { QuorateServer } from './app';
import { startSimServer, TestClient, bearerFetch, tempDataDir } from './testing/harness';

let server: QuorateServer | null = null;
let url = '';
let tokens: Record<Role, string>;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<void> {
  ({ server, url, tokens } = await startSimServer(dataDir, { QUORATE_SIM_TOKEN_MS: '200' }));
}
const call = (method: string, path: string, body?: unknown, as: Role = 'admin') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
const list = async () => ClusterList.parse(await (await call('GET', '/clusters', undefined, 'viewer')).json());
const fresh = () => {
  const d = tempDataDir();
  dirs.push(d);
  return d;
};

describe('clusters at runtime', () => {
  it('POST: validated by the kind, live at once (sockets told, snapshot), survives a restart', async () => {
    const dataDir = fresh();
    await start(dataDir);
    const watcher = new TestClient(url, { token: tokens.viewer });
    const lists: ClusterList[] = [];
    watcher.socket.on('clusters', (l: ClusterList) => lists.push(l));
    await watcher.subscribe({});

    const added = await call('POST', '/clusters', { id: 'edge', name: 'Edge site', source: 'sim', nodes: 5, links: 1 });
    expect(added.status).toBe(201);
    expect(ClusterDetail.parse(await added.json())).toMatchObject({ id: 'edge', name: 'Edge site', source: 'sim', origin: 'runtime', settings: { nodes: 5, links: 1 }, secrets: [] });
    expect((await list()).clusters.map((c) => [c.id, c.origin])).toEqual([
      ['lab-cluster', 'config'],
      ['edge', 'runtime'],
    ]);
    await watcher.until(() => lists.some((l) => l.clusters.some((c) => c.id === 'edge')), 'the clusters message');
    // live: its snapshot over REST and over the socket
    const snap = SnapshotMessage.parse(await (await call('GET', '/snapshot?cluster=edge', undefined, 'viewer')).json());
    expect(snap.snapshot.nodes).toHaveLength(5);
    expect(await watcher.subscribe({ clusterId: 'edge' })).toMatchObject({ ok: true, clusterId: 'edge' });
    await watcher.until((c) => c.snapshots().some((s) => s.clusterId === 'edge'), 'a snapshot of edge');
    watcher.close();

    // audited, by name and settings' names only
    expect((await server!.store.audit.list({ limit: 5, operation: 'cluster-add' })).records[0]).toMatchObject({ result: 'ok', clusterId: 'edge', params: { id: 'edge', source: 'sim', settings: ['nodes', 'links'] } });

    await server!.close();
    server = null;
    await start(dataDir);
    expect((await list()).clusters.find((c) => c.id === 'edge')).toMatchObject({ name: 'Edge site', origin: 'runtime', capabilities: ['faults', 'expectedVotes', 'stateExport', 'join', 'create', 'delnode', 'advisorFacts', 'qdevice', 'links'] });
    expect(server!.collectors.get('edge')!.current()!.snapshot.nodes).toHaveLength(5);
  });

  it('refuses what the kind refuses, an id in use, a QUORATE_CLUSTERS cluster, and non-admins — each audited', async () => {
    await start(fresh());
    const bad = await call('POST', '/clusters', { id: 'x', source: 'sim', nodes: 99 });
    expect(bad.status).toBe(400);
    expect(ApiError.parse(await bad.json())).toMatchObject({ error: expect.stringMatching(/^invalid cluster: nodes: /), issues: [{ path: 'nodes' }] });
    const kind = await call('POST', '/clusters', { id: 'x', source: 'vmware' });
    expect(ApiError.parse(await kind.json()).error).toMatch(/source: 'sim', 'lab', 'ssh' or 'pve'/);
    expect((await call('POST', '/clusters', { id: 'x', source: 'ssh', nodes: [] })).status).toBe(400);
    expect((await call('POST', '/clusters', { id: 'bad id!', source: 'sim' })).status).toBe(400);
    expect((await call('POST', '/clusters', { id: 'lab-cluster', source: 'sim' })).status).toBe(409);
    expect((await call('DELETE', '/clusters/lab-cluster')).status).toBe(409);
    const cfg = await call('PATCH', '/clusters/lab-cluster', { name: 'renamed' });
    expect(cfg.status).toBe(409);
    expect(ApiError.parse(await cfg.json()).error).toMatch(/comes from QUORATE_CLUSTERS/);
    expect((await call('POST', '/clusters', { id: 'y', source: 'sim' }, 'operator')).status).toBe(403);
    expect((await call('GET', '/clusters/lab-cluster', undefined, 'operator')).status).toBe(403);
    expect((await list()).clusters.map((c) => c.id)).toEqual(['lab-cluster']);
    const trail = (await server!.store.audit.list({ limit: 20 })).records.filter((r) => r.operation.startsWith('cluster-'));
    expect(trail.map((r) => r.result)).toEqual(Array(7).fill('refused'));
    // the role refusals happen before the route: audited by route
    expect((await server!.store.audit.list({ limit: 20 })).records.filter((r) => r.role === 'operator').map((r) => r.operation)).toEqual(['GET /api/v1/clusters/lab-cluster', 'POST /api/v1/clusters']);
  });

  it('PATCH: a name or default changes the label; settings start a new collector; id and kind stay', async () => {
    await start(fresh());
    expect((await call('POST', '/clusters', { id: 'edge', source: 'sim', nodes: 3 })).status).toBe(201);
    const before = server!.collectors.get('edge')!;
    const renamed = ClusterDetail.parse(await (await call('PATCH', '/clusters/edge', { name: 'Edge', default: true })).json());
    expect(renamed).toMatchObject({ name: 'Edge', default: true });
    expect(server!.collectors.get('edge')).toBe(before);
    expect((await list()).clusters.map((c) => [c.id, c.default])).toEqual([
      ['lab-cluster', false],
      ['edge', true],
    ]);
    const grown = await call('PATCH', '/clusters/edge', { nodes: 4 });
    expect(ClusterDetail.parse(await grown.json()).settings).toMatchObject({ nodes: 4 });
    expect(server!.collectors.get('edge')).not.toBe(before);
    expect(server!.collectors.get('edge')!.current()!.snapshot.nodes).toHaveLength(4);
    expect(before.current()).not.toBeNull(); // the old one is stopped, not wiped
    expect((await call('PATCH', '/clusters/edge', { source: 'lab' })).status).toBe(400);
    expect((await call('PATCH', '/clusters/edge', { nodes: 1 })).status).toBe(400);
    expect((await call('PATCH', '/clusters/ghost', { name: 'x' })).status).toBe(404);
  });

  it('DELETE: the collector stops, sockets are told, the history stays readable (and is listed as removed)', async () => {
    await start(fresh());
    expect((await call('POST', '/clusters', { id: 'edge', source: 'sim' })).status).toBe(201);
    const sim = server!.collectors.get('edge')!.source as unknown as { applyFault(f: unknown): void; advance(ms: number): void };
    sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    sim.advance(10_000);
    const edge = server!.collectors.get('edge')!;
    await expect.poll(async () => await edge.store.lastSeq()).toBeGreaterThan(0);
    const res = await call('DELETE', '/clusters/edge');
    expect(res.status).toBe(200);
    expect(server!.collectors.has('edge')).toBe(false);
    // stopped: the source takes no more snapshots to it
    const rev = edge.current()?.rev;
    sim.advance(10_000);
    expect(edge.current()?.rev).toBe(rev);
    const after = await list();
    expect(after.clusters.map((c) => c.id)).toEqual(['lab-cluster']);
    expect(after.removed).toEqual([expect.objectContaining({ id: 'edge', source: 'sim' })]);
    const history = HistoryPage.parse(await (await call('GET', '/history?cluster=edge', undefined, 'viewer')).json());
    expect(history.total).toBeGreaterThan(0);
    expect((await call('GET', '/snapshot?cluster=edge', undefined, 'viewer')).status).toBe(404);
    expect((await call('DELETE', '/clusters/edge')).status).toBe(404);
  });

  it('ssh: an inline private key is a secret — encrypted at rest, shown by name only, kept out of the audit trail', async () => {
    const dataDir = fresh();
    await start(dataDir);
    const keyDir = mkdtempSync(join(tmpdir(), 'quorate-key-'));
    dirs.push(keyDir);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'k')]);
    const privateKey = readFileSync(join(keyDir, 'k'), 'utf8');
    const hostKey = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
    // 127.0.0.1 port 1: nothing listens, nothing leaves this machine; the cluster shows as down
    const res = await call('POST', '/clusters', { id: 'prod', source: 'ssh', nodes: [{ name: 'pve1', host: '127.0.0.1', port: 1, privateKey, hostKey }] });
    expect(res.status).toBe(201);
    const detail = ClusterDetail.parse(await res.json());
    expect(detail.secrets).toEqual(['nodes.pve1.privateKey']);
    expect(JSON.stringify(detail)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(await (await call('GET', '/clusters/prod')).json())).not.toContain('PRIVATE KEY');
    expect(JSON.stringify((await server!.store.audit.list({ limit: 5 })).records)).not.toContain('PRIVATE KEY');
    // at rest: not in the database file in the clear
    await server!.close();
    server = null;
    expect(readFileSync(join(dataDir, 'quorate.db')).includes('PRIVATE KEY')).toBe(false);
    await start(dataDir);
    expect((await list()).clusters.find((c) => c.id === 'prod')).toMatchObject({ source: 'ssh', origin: 'runtime' });
    // neither keyPath nor privateKey, or both: refused
    const neither = await call('POST', '/clusters', { id: 'p2', source: 'ssh', nodes: [{ name: 'pve1', host: '127.0.0.1', hostKey }] });
    expect(ApiError.parse(await neither.json()).error).toMatch(/keyPath .* or privateKey/);
  });
});
