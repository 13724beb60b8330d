import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotMessage, applyPatch, canonicalize } from '@quorate/model';
import { settle, simCluster, startFake, TestClient, type Harness } from './testing/harness';

let h: Harness | null = null;
const clients: TestClient[] = [];
const client = (): TestClient => {
  const c = new TestClient(h!.url, { token: h!.tokens.viewer });
  clients.push(c);
  return c;
};
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h?.close();
  h = null;
});

describe('socket gateway', () => {
  it('subscribe: a snapshot, then patches with consecutive revs that rebuild the source snapshot', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const src = h.sources.get('lab-cluster')!;
    const c = client();
    expect(await c.subscribe({})).toEqual({ ok: true, clusterId: 'lab-cluster', resumed: 'snapshot' });
    await c.until((x) => x.snapshots().length === 1, 'snapshot');
    const first = SnapshotMessage.parse(c.snapshots()[0]);

    src.applyFault({ action: 'stop', nodes: ['pve3'] });
    src.applyFault({ action: 'stop', nodes: ['pve2'] });
    src.applyFault({ action: 'heal' });
    await c.until((x) => x.patches().length === 3, '3 patches');

    const revs = c.patches().map((p) => [p.patch.baseRev, p.patch.rev]);
    expect(revs).toEqual([
      [first.rev, first.rev + 1],
      [first.rev + 1, first.rev + 2],
      [first.rev + 2, first.rev + 3],
    ]);
    let state = first.snapshot;
    for (const p of c.patches()) state = applyPatch(state, p.patch);
    expect(state).toEqual(canonicalize(src.current()!));
    expect(c.received[0]!.type).toBe('snapshot');
  });

  it('two clients share one collector: the source is subscribed once and both get the same patches', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const src = h.sources.get('lab-cluster')!;
    const [a, b] = [client(), client()];
    await Promise.all([a.subscribe({}), b.subscribe({ clusterId: 'lab-cluster' })]);
    src.applyFault({ action: 'stop', nodes: ['pve2'] });
    await a.until((x) => x.patches().length === 1, 'patch on a');
    await b.until((x) => x.patches().length === 1, 'patch on b');
    expect(src.subscribeCalls).toBe(1);
    expect(src.listenerCount()).toBe(1);
    expect(a.patches()).toEqual(b.patches());
    const metrics = await (await h.api('/metrics')).text();
    expect(metrics).toMatch(/^quorate_socket_clients\{cluster="lab-cluster"\} 2$/m);
  });

  it('reconnect with rev resumes with exactly the missed patches', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const src = h.sources.get('lab-cluster')!;
    const a = client();
    await a.subscribe({});
    src.applyFault({ action: 'stop', nodes: ['pve3'] });
    await a.until((x) => x.patches().length === 1, 'first patch');
    const held = a.patches()[0]!.patch.rev;
    a.close();

    src.applyFault({ action: 'stop', nodes: ['pve2'] });
    src.applyFault({ action: 'start', nodes: ['pve2'] });
    const b = client();
    expect(await b.subscribe({ rev: held })).toEqual({ ok: true, clusterId: 'lab-cluster', resumed: 'patches' });
    await b.until((x) => x.patches().length === 2, 'missed patches');
    expect(b.patches().map((p) => p.patch.baseRev)).toEqual([held, held + 1]);
    expect(b.snapshots()).toEqual([]);
    // and live patches follow without a gap
    src.applyFault({ action: 'heal' });
    await b.until((x) => x.patches().length === 3, 'live patch');
    expect(b.patches()[2]!.patch.baseRev).toBe(held + 2);
  });

  it('rev already current resumes with nothing to send', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const rev = h.server.collectors.get('lab-cluster')!.current()!.rev;
    const c = client();
    expect(await c.subscribe({ rev })).toMatchObject({ ok: true, resumed: 'patches' });
    await c.flush();
    expect(c.received).toEqual([]);
  });

  it('a rev too old (or from another process) gets a fresh snapshot', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)], { patchCapacity: 3 });
    const src = h.sources.get('lab-cluster')!;
    const start = h.server.collectors.get('lab-cluster')!.current()!.rev;
    for (let i = 0; i < 6; i++) src.observe();
    const c = client();
    expect(await c.subscribe({ rev: start })).toMatchObject({ ok: true, resumed: 'snapshot' });
    await c.until((x) => x.snapshots().length === 1, 'snapshot');
    expect(c.snapshots()[0]!.rev).toBe(start + 6);
    expect(c.patches()).toEqual([]);

    const d = client();
    expect(await d.subscribe({ rev: start + 1000 })).toMatchObject({ ok: true, resumed: 'snapshot' });
    // within the window: patches
    const e = client();
    expect(await e.subscribe({ rev: start + 3 })).toMatchObject({ ok: true, resumed: 'patches' });
    await e.until((x) => x.patches().length === 3, 'patches in window');
  });

  it('seq resume sends exactly the missed events, in order, then live ones without duplicates', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const src = h.sources.get('lab-cluster')!;
    const store = h.server.collectors.get('lab-cluster')!.store;
    src.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    await settle(h.server);
    const held = await store.lastSeq();
    expect(held).toBeGreaterThan(0);
    src.applyFault({ action: 'heal' });
    await settle(h.server);
    const missed = (await store.since(held, 1000)).events.map((e) => e.seq);
    expect(missed.length).toBeGreaterThan(0);

    const c = client();
    await c.subscribe({ seq: held });
    await c.until((x) => x.events().length === missed.length, 'missed events');
    expect(c.events().map((e) => e.seq)).toEqual(missed);
    src.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    await settle(h.server);
    const last = await store.lastSeq();
    expect(last).toBeGreaterThan(held + missed.length);
    await c.until((x) => x.events().at(-1)?.seq === last, 'live events');
    await c.flush();
    const seqs = c.events().map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: last - held }, (_, i) => held + 1 + i));
  });

  it('the ack says how many missed events follow, or that the client is too far behind', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const src = h.sources.get('lab-cluster')!;
    const store = h.server.collectors.get('lab-cluster')!.store;
    src.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    src.applyFault({ action: 'heal' });
    await settle(h.server);
    const last = await store.lastSeq();
    expect(last).toBeGreaterThan(2);
    const c = client();
    expect(await c.subscribe({ seq: last - 2 })).toMatchObject({ ok: true, catchUp: { events: 2, tooFarBehind: false } });
    await c.until((x) => x.events().length === 2, 'two missed events');
    expect(await client().subscribe({ seq: last })).toMatchObject({ ok: true, catchUp: { events: 0, tooFarBehind: false } });
    // a seq from another data directory (ahead of this store)
    const ahead = client();
    expect(await ahead.subscribe({ seq: last + 50 })).toMatchObject({ ok: true, catchUp: { events: 0, tooFarBehind: true } });
    // events the client missed were pruned: it must reload the timeline from REST
    await h.server.store.events.prune({ maxEvents: 1 });
    const behind = client();
    expect(await behind.subscribe({ seq: 0 })).toMatchObject({ ok: true, catchUp: { events: 0, tooFarBehind: true } });
    expect(await client().subscribe({ seq: last - 1 })).toMatchObject({ ok: true, catchUp: { events: 1, tooFarBehind: false } });
    await ahead.flush();
    await behind.flush();
    expect(ahead.events()).toEqual([]);
    expect(behind.events()).toEqual([]);
    // without seq there is no catchUp
    expect(await client().subscribe({})).not.toHaveProperty('catchUp');
  });

  it('without seq no history is replayed', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    h.sources.get('lab-cluster')!.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    const c = client();
    await c.subscribe({});
    await c.flush();
    expect(c.events()).toEqual([]);
    expect(c.snapshots()).toHaveLength(1);
  });

  it.each([
    ['not an object', 'lab-cluster', /invalid subscribe request/],
    ['negative rev', { rev: -1 }, /rev/],
    ['rev not a number', { rev: 'x' }, /rev/],
    ['empty cluster id', { clusterId: '' }, /clusterId/],
    ['unknown cluster', { clusterId: 'ghost' }, /unknown cluster 'ghost'/],
  ])('bad subscribe (%s) gets an error ack and joins nothing', async (_n, req, message) => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)]);
    const c = client();
    const ack = await c.subscribe(req);
    expect(ack.ok).toBe(false);
    expect(ack.ok === false && ack.error).toMatch(message);
    h.sources.get('lab-cluster')!.observe();
    await c.flush();
    expect(c.received).toEqual([]);
  });

  it('switching clusters leaves the old room', async () => {
    h = await startFake([simCluster('a', 'a', true), simCluster('b')]);
    const c = client();
    await c.subscribe({ clusterId: 'a' });
    await c.subscribe({ clusterId: 'b' });
    await c.until((x) => x.snapshots().length === 2, 'two snapshots');
    expect(c.snapshots().map((s) => s.clusterId)).toEqual(['a', 'b']);
    h.sources.get('a')!.observe();
    h.sources.get('b')!.observe();
    await c.until((x) => x.patches().length >= 1, 'patch');
    await c.flush();
    expect(c.patches().map((p) => p.clusterId)).toEqual(['b']);
  });

  it('subscribing before the first observation delivers the first snapshot when it comes', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab', true)], {}, { observeOnStart: false });
    const c = client();
    expect(await c.subscribe({ rev: 5 })).toMatchObject({ ok: true, resumed: 'snapshot' });
    await c.flush();
    expect(c.received).toEqual([]);
    h.sources.get('lab-cluster')!.observe();
    await c.until((x) => x.snapshots().length === 1, 'first snapshot');
    expect(c.snapshots()[0]!.rev).toBe(1);
  });
});
