// Clusters added, changed and removed through the API with two replicas on one PostgreSQL (in this process):
// the other replica lists the change too, exactly one replica runs the cluster, new settings are what it runs
// (wherever the change was made), and a removed cluster is gone from both.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ClusterList, SnapshotMessage, type Role } from '@quorate/model';
import { usePgServer } from '@quorate/store/sql-testing';
import type { QuorateServer } from '../app';
import { bearerFetch, startSimServer, tempDataDir } from '../testing/harness';

const pg = usePgServer();
const servers: QuorateServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function replicas(): Promise<{ url: string; server: QuorateServer; tokens: Record<Role, string> }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quorate-cluster-sync-'));
  dirs.push(dir);
  const keyFile = join(dir, 'secret.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const env = { QUORATE_DATABASE_URL: pg.url(), QUORATE_SECRET_KEY_FILE: keyFile, QUORATE_LEASE_TTL_MS: '1500' };
  const out = [];
  for (let i = 0; i < 2; i++) {
    const d = tempDataDir();
    dirs.push(d);
    const r = await startSimServer(d, env);
    servers.push(r.server);
    out.push(r);
  }
  return out;
}

const eventually = <T>(f: () => Promise<T>) => vi.waitFor(f, { timeout: 20_000, interval: 200 });

describe('clusters through the API, with replicas', () => {
  it('added on one replica: listed on both, run on one; new settings run wherever they were made; removed from both', { timeout: 90_000 }, async () => {
    const [a, b] = await replicas();
    const call = (r: typeof a, method: string, path: string, body?: unknown) => bearerFetch(`${r!.url}/api/v1${path}`, r!.tokens.admin, { method, ...(body !== undefined ? { body } : {}) });
    const listed = async (r: typeof a) => ClusterList.parse(await (await call(r, 'GET', '/clusters')).json()).clusters.map((c) => c.id);
    const nodesOf = async (r: typeof a) => {
      const res = await call(r, 'GET', '/snapshot?cluster=edge');
      if (res.status !== 200) throw new Error(`snapshot: ${res.status}`);
      return SnapshotMessage.parse(await res.json()).snapshot.nodes.length;
    };
    const runners = () => [a, b].filter((r) => r!.server.collectors.has('edge')).length;

    expect((await call(a, 'POST', '/clusters', { id: 'edge', name: 'Edge', source: 'sim', nodes: 4 })).status).toBe(201);
    await eventually(async () => expect(await listed(b)).toContain('edge'));
    await eventually(async () => {
      expect(runners()).toBe(1);
      expect(await nodesOf(a)).toBe(4);
      expect(await nodesOf(b)).toBe(4);
    });

    // new settings, made on the replica that does not run it: the one that does runs them
    const runner = a!.server.collectors.has('edge') ? a! : b!;
    const other = runner === a ? b! : a!;
    expect((await call(other, 'PATCH', '/clusters/edge', { nodes: 5 })).status).toBe(200);
    await eventually(async () => {
      expect(runners()).toBe(1);
      expect(await nodesOf(a)).toBe(5);
      expect(await nodesOf(b)).toBe(5);
    });
    // and made where it runs
    const now = a!.server.collectors.has('edge') ? a! : b!;
    expect((await call(now, 'PATCH', '/clusters/edge', { nodes: 6, name: 'Edge site' })).status).toBe(200);
    await eventually(async () => {
      expect(runners()).toBe(1);
      expect(await nodesOf(a)).toBe(6);
      expect(await nodesOf(b)).toBe(6);
      expect(ClusterList.parse(await (await call(b, 'GET', '/clusters')).json()).clusters.find((c) => c.id === 'edge')?.name).toBe('Edge site');
    });

    expect((await call(b, 'DELETE', '/clusters/edge')).status).toBe(200);
    await eventually(async () => {
      expect(await listed(a)).not.toContain('edge');
      expect(await listed(b)).not.toContain('edge');
      expect(runners()).toBe(0);
    });
  });
});
