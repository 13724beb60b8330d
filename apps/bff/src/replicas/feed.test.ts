// Two replicas' socket.io servers on one real PostgreSQL, through its adapter or Redis streams': the holder's feed reaches the
// other, a bad message is dropped and reported, and a snapshot question is answered by the holder alone.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { Server } from 'socket.io';
import pg from 'pg';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { sampleSnapshot } from '@quorate/model/testing';
import { usePgServer } from '@quorate/store/sql-testing';
import { deflateRawSync } from 'node:zlib';
import { makePatch } from '@quorate/model';
import { hasRedis, REDIS_SERVER, startRedis, type RedisServer } from '../testing/redis';
import { answerSnapshots, askSnapshot, ATTACHMENTS_TABLE, attachAdapter, FEED, onFeed, publish, type Answer, type FeedMessage } from './feed';

const pgServer = usePgServer();
const open: { io: Server; closer: { end(): Promise<void> } }[] = [];
type Adapter = 'postgres' | 'redis';

// Redis for the streams adapter: scripts/test.sh installs redis-server (as root); CI must have it
let redis: RedisServer | null = null;
beforeAll(async () => {
  if (!hasRedis) {
    if (process.env.CI === 'true') throw new Error(`redis-server is required in CI (${REDIS_SERVER})`);
    console.warn(`the Redis adapter's feed tests are skipped: no ${REDIS_SERVER} (scripts/test.sh installs it as root)`);
    return;
  }
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  redis = await startRedis(port);
});
afterAll(() => redis?.stop());

async function replica(adapter: Adapter = 'postgres'): Promise<Server> {
  const http = createServer();
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const io = new Server(http);
  const closer = await attachAdapter(io, pgServer.url(), () => {}, adapter === 'redis' ? redis!.url : null);
  open.push({ io, closer });
  return io;
}

afterEach(async () => {
  for (const { io, closer } of open.splice(0)) {
    await io.close();
    await closer.end();
  }
});

/** the adapter learns of the other replicas (PostgreSQL: heartbeats; Redis: its PUB/SUB subscribers): wait until a question reaches them */
async function untilConnected(a: Server, others: number): Promise<void> {
  const adapter = a.of('/').adapter as unknown as { serverCount(): Promise<number> };
  await vi.waitFor(async () => expect(await adapter.serverCount()).toBe(others + 1), { timeout: 10_000, interval: 100 });
}

describe.each(['postgres', 'redis'] as const)('the replicas feed (%s adapter)', (adapter) => {
  it.skipIf(adapter === 'redis' && !hasRedis)('carries the holder’s messages, large ones too, to the other replica; a bad one is dropped and reported', async () => {
    const holder = await replica(adapter);
    const other = await replica(adapter);
    await untilConnected(holder, 1);
    const got: FeedMessage[] = [];
    const bad: string[] = [];
    const delays: (number | null)[] = [];
    onFeed(
      other,
      (m, delay) => (got.push(m), delays.push(delay)),
      (p) => bad.push(p),
    );
    // a 32-node snapshot is far over NOTIFY's 8000 bytes: it travels through the attachments table
    const big = sampleSnapshot({ nodes: 32 });
    expect(JSON.stringify(big).length).toBeGreaterThan(8_000);
    publish(holder, { kind: 'snapshot', clusterId: 'c1', rev: 7, snapshot: big });
    publish(holder, { kind: 'patch', clusterId: 'c1', patch: { baseRev: 7, rev: 8, set: { observedAt: big.observedAt + 1 } } });
    publish(holder, { kind: 'status', clusterId: 'c1', status: { health: { state: 'degraded', message: 'pve2: timeout', lastObservedAt: 1 }, capabilities: ['faults', 'links'] } });
    holder.serverSideEmit(FEED, { kind: 'patch', clusterId: 'c1', patch: { rev: 'x' } });
    // packed, but not deflate; and a deflate bomb (64 MB of zeros, 64 KB packed) over the bound
    holder.serverSideEmit(FEED, { kind: 'patch', clusterId: 'c1', packed: 'bm90IGRlZmxhdGU=' });
    holder.serverSideEmit(FEED, { kind: 'snapshot', clusterId: 'c1', rev: 9, packed: deflateRawSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64') });
    await vi.waitFor(() => expect(got.length + bad.length).toBe(6), { timeout: 10_000 });
    expect(got.map((m) => m.kind).sort()).toEqual(['patch', 'snapshot', 'status']);
    const snap = got.find((m) => m.kind === 'snapshot');
    expect(snap?.kind === 'snapshot' && snap.snapshot.nodes.length).toBe(32);
    expect(got.find((m) => m.kind === 'patch')).toEqual({ kind: 'patch', clusterId: 'c1', patch: { baseRev: 7, rev: 8, set: { observedAt: big.observedAt + 1 } } });
    expect(delays.every((d) => d !== null && d >= 0 && d < 10_000)).toBe(true);
    expect(bad).toHaveLength(3);
    expect(bad[0]).toMatch(/patch/);
    expect(bad.slice(1).every((b) => b.startsWith('cannot unpack'))).toBe(true);
  });

  it.skipIf(adapter === 'redis' && !hasRedis)('a snapshot question is answered by the replica that holds the cluster, not by the others', async () => {
    const asker = await replica(adapter);
    const holder = await replica(adapter);
    const bystander = await replica(adapter);
    await untilConnected(asker, 2);
    const rev: Answer = { rev: 42, snapshot: sampleSnapshot({ nodes: 3 }), status: { health: { state: 'ok', message: null, lastObservedAt: 5 }, capabilities: ['faults'] } };
    answerSnapshots(holder, (id) => (id === 'c1' ? rev : null));
    answerSnapshots(bystander, () => null);
    const answer = await askSnapshot(asker, 'c1');
    expect(answer?.rev).toBe(42);
    expect(answer?.snapshot.nodes).toHaveLength(3);
    expect(answer?.status.capabilities).toEqual(['faults']);
    expect(await askSnapshot(asker, 'nobody-holds-this')).toBeNull();
  });
});

describe('the replicas feed on PostgreSQL', () => {
  it('a 16-node patch goes inline (packed under NOTIFY’s 8000 bytes), not through the attachments table', async () => {
    const holder = await replica();
    const other = await replica();
    await untilConnected(holder, 1);
    const got: FeedMessage[] = [];
    onFeed(other, (m) => got.push(m), () => {});
    const prev = sampleSnapshot({ nodes: 16, links: 2 });
    const next = { ...prev, observedAt: prev.observedAt + 1000, links: prev.links.map((l, i) => ({ ...l, latencyAvgMs: Math.round(100 + ((i * 37) % 400)) / 1000, latencyMaxMs: Math.round(300 + ((i * 53) % 700)) / 1000 })) };
    const patch = makePatch(prev, next, 1, 2)!;
    expect(JSON.stringify(patch).length).toBeGreaterThan(8_000);
    const pool = new pg.Pool({ connectionString: pgServer.url(), max: 1 });
    const before = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${ATTACHMENTS_TABLE}`)).rows[0]!.n);
    publish(holder, { kind: 'patch', clusterId: 'c1', patch });
    await vi.waitFor(() => expect(got).toHaveLength(1), { timeout: 10_000 });
    expect(got[0]).toEqual({ kind: 'patch', clusterId: 'c1', patch });
    expect(Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${ATTACHMENTS_TABLE}`)).rows[0]!.n)).toBe(before);
    await pool.end();
  });

  it('the messages of one turn go as few emits, each under NOTIFY’s limit, and arrive in order', async () => {
    const holder = await replica();
    const other = await replica();
    await untilConnected(holder, 1);
    const got: FeedMessage[] = [];
    const bad: string[] = [];
    onFeed(other, (m) => got.push(m), (p) => bad.push(p));
    const prev = sampleSnapshot({ nodes: 16, links: 2 });
    const patches = Array.from({ length: 6 }, (_, k) => {
      const next = { ...prev, observedAt: prev.observedAt + 1000 * (k + 1), links: prev.links.map((l, i) => ({ ...l, latencyAvgMs: Math.round(100 + ((i * (37 + k)) % 400)) / 1000 })) };
      return makePatch(prev, next, 10 + k, 11 + k)!;
    });
    const pool = new pg.Pool({ connectionString: pgServer.url(), max: 1 });
    const attachments = async () => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${ATTACHMENTS_TABLE}`)).rows[0]!.n);
    const before = await attachments();
    const emits = vi.spyOn(holder, 'serverSideEmit');
    // one turn: six 16-node patches (about 5 KB packed each) and a status between each
    for (const [k, patch] of patches.entries()) {
      publish(holder, { kind: 'patch', clusterId: `c${k}`, patch });
      publish(holder, { kind: 'status', clusterId: `c${k}`, status: { health: { state: 'ok', message: null, lastObservedAt: k }, capabilities: [] } });
    }
    expect(emits).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(got).toHaveLength(12), { timeout: 10_000 });
    expect(got.map((m) => `${m.kind} ${m.clusterId}`)).toEqual(patches.flatMap((_, k) => [`patch c${k}`, `status c${k}`]));
    expect(got.filter((m) => m.kind === 'patch').map((m) => m.kind === 'patch' && m.patch)).toEqual(patches);
    // fewer emits than messages, none through the attachments table
    expect(emits.mock.calls.length).toBeGreaterThan(1);
    expect(emits.mock.calls.length).toBeLessThan(12);
    expect(await attachments()).toBe(before);
    expect(bad).toEqual([]);
    await pool.end();
  });
});
