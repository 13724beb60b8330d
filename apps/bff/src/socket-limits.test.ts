// Issue 7 item 1 (subscribe amplification) and item 7 (sockets outlive their session): the bounds a
// socket is held to. Each test fails on a gateway without the bound.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDraft } from '@quorate/model';
import { MemoryEventStore } from './event-store';
import { TokenBucket } from './socket-limits';
import { TestClient, sessionFetch, signIn, simCluster, startFake, type Harness } from './testing/harness';

let h: Harness | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h?.close();
  h = null;
});

const draft = (n: number): EventDraft => ({
  at: 1_700_000_000_000 + n,
  severity: 'info',
  // ~250 bytes an event, like real ones
  message: `event ${n}: ${'x'.repeat(200)}`,
  body: { type: 'partition-changed', partitioned: n % 2 === 0 },
});

/** a BFF whose cluster already has `events` events in its history */
async function withHistory(events: number, deps: Parameters<typeof startFake>[1] = {}, config = {}): Promise<Harness> {
  const store = new MemoryEventStore('c1');
  await store.append(Array.from({ length: events }, (_, i) => draft(i + 1)));
  return startFake([simCluster('c1', 'c1', true)], { createEventStore: (_id, parts) => store.writeThrough(parts), ...deps }, { config });
}

const connected = (c: TestClient) =>
  new Promise<void>((resolve, reject) => {
    if (c.socket.connected) return resolve();
    c.socket.once('connect', () => resolve());
    c.socket.once('connect_error', (err) => reject(err));
  });

describe('catch-up is bounded', () => {
  it('at most 500 events per reply; further behind is tooFarBehind with no events', async () => {
    h = await withHistory(1200);
    const c = new TestClient(h.url, { token: h.tokens.viewer });
    clients.push(c);
    const far = await c.subscribe({ seq: 100 }); // 1,100 behind
    expect(far).toMatchObject({ ok: true, catchUp: { events: 0, tooFarBehind: true } });
    const near = await c.subscribe({ seq: 700 }); // exactly 500 behind
    expect(near).toMatchObject({ ok: true, catchUp: { events: 500, tooFarBehind: false } });
    await c.until((x) => x.events().length === 500, '500 replayed events');
    await c.flush();
    expect(c.events().length).toBe(500);
    expect(c.events().map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => 701 + i));
  });
});

describe('subscribe is rate-limited per socket', () => {
  it('a burst of 10 is answered; the next is refused with the wait, and a new token comes after the refill', async () => {
    h = await withHistory(10, { socketLimits: { subscribeRefillMs: 300 } });
    const c = new TestClient(h.url, { token: h.tokens.viewer });
    clients.push(c);
    const acks = await Promise.all(Array.from({ length: 12 }, () => c.subscribe({ seq: 0 })));
    expect(acks.filter((a) => a.ok).length).toBe(10);
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBe(2);
    expect(refused[0]).toEqual({ ok: false, error: expect.stringMatching(/^too many subscribe requests: try again in \d+ s$/) });
    // each allowed request replayed 10 events; refused ones nothing
    await c.flush();
    expect(c.events().length).toBe(100);
    await new Promise((r) => setTimeout(r, 400));
    expect((await c.subscribe({})).ok).toBe(true);
  });

  it('TokenBucket: burst, then one per refill interval', () => {
    let t = 0;
    const b = new TokenBucket(2, 1000, () => t);
    expect([b.take(), b.take()]).toEqual([0, 0]);
    expect(b.take()).toBe(1000);
    t = 500;
    expect(b.take()).toBe(500);
    t = 1000;
    expect(b.take()).toBe(0);
    expect(b.take()).toBeGreaterThan(0);
  });
});

describe('a client that stops reading is disconnected', () => {
  it('once more than the buffer bound waits for it, instead of the server buffering without limit', async () => {
    h = await withHistory(1000, { socketLimits: { subscribeBurst: 10_000, maxBufferedBytes: 256 * 1024 } });
    const c = new TestClient(h.url, { token: h.tokens.viewer });
    clients.push(c);
    await c.subscribe({});
    expect(h.server.io.sockets.sockets.size).toBe(1);
    // stop reading: the TCP socket under the websocket is paused, writes still go out
    const tcp = (c.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    tcp.pause();
    // each request asks for a 500-event replay (~130 KB): 200 of them is far beyond what the kernel buffers
    for (let i = 0; i < 200; i++) c.socket.emit('subscribe', { seq: 500 });
    for (let i = 0; i < 500 && h.server.io.sockets.sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(h.server.io.sockets.sockets.size).toBe(0);
  });
});

describe('sockets per identity are capped', () => {
  it('the cap is enforced at the handshake (also for a burst), names the variable, and frees up on close', async () => {
    h = await withHistory(0, {}, { maxSocketsPerIdentity: 3 });
    const burst = Array.from({ length: 6 }, () => new TestClient(h!.url, { token: h!.tokens.viewer }));
    clients.push(...burst);
    const results = await Promise.allSettled(burst.map(connected));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect((refused.reason as Error).message).toMatch(/too many open connections for token test-viewer \(limit 3\).*QUORATE_MAX_SOCKETS_PER_IDENTITY/);
    // another identity is not affected
    const other = new TestClient(h.url, { token: h.tokens.operator });
    clients.push(other);
    await connected(other);
    // closing one lets one more in
    burst.find((c) => c.socket.connected)!.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = new TestClient(h.url, { token: h.tokens.viewer });
    clients.push(again);
    await connected(again);
    const more = new TestClient(h.url, { token: h.tokens.viewer });
    clients.push(more);
    await expect(connected(more)).rejects.toThrow(/too many open connections/);
  });
});

describe('a session socket ends with its session', () => {
  it('is disconnected by the server when the session expires, and cannot come back', async () => {
    h = await withHistory(0, {}, { sessionTtlMs: 1500 });
    const s = await signIn(h.url, '/api/v1/auth/setup', 'admin', 'correct horse battery');
    const c = new TestClient(h.url, { headers: { cookie: s.cookie } });
    clients.push(c);
    await connected(c);
    const reason = await new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    expect((await sessionFetch(`${h.url}/api/v1/auth/state`, s)).ok).toBe(true);
    const again = new TestClient(h.url, { headers: { cookie: s.cookie } });
    clients.push(again);
    await expect(connected(again)).rejects.toThrow('unauthorized');
  });
});
