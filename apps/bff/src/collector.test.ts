import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { applyPatch, canonicalize, stateRoot, type ClusterEvent, type PatchMessage, type SnapshotMessage } from '@quorate/model';
import { Collector } from './collector';
import { MemoryEventStore } from './event-store';
import { FakeSource, fakeSnapshot } from './testing/fake-source';

function setup(opts: { firstRev?: number; patchCapacity?: number } = {}) {
  const source = new FakeSource('c1');
  const collector = new Collector({ source, store: new MemoryEventStore('c1'), logger: pino({ level: 'silent' }), firstRev: opts.firstRev ?? 1, ...opts });
  const out: { snapshot: SnapshotMessage[]; patch: PatchMessage[]; event: ClusterEvent[]; dropped: string[] } = { snapshot: [], patch: [], event: [], dropped: [] };
  collector.on('snapshot', (m) => out.snapshot.push(m));
  collector.on('patch', (m) => out.patch.push(m));
  collector.on('event', (m) => out.event.push(m));
  collector.on('dropped', (m) => out.dropped.push(m));
  return { source, collector, out };
}

describe('Collector', () => {
  it('first observation is a snapshot at firstRev; changes are patches rev+1 that rebuild the snapshot', async () => {
    const { source, collector, out } = setup({ firstRev: 7 });
    await collector.start();
    expect(out.snapshot.map((s) => s.rev)).toEqual([7]);
    source.applyFault({ action: 'stop', nodes: ['pve3'] });
    source.applyFault({ action: 'heal' });
    expect(out.patch.map((p) => [p.patch.baseRev, p.patch.rev])).toEqual([
      [7, 8],
      [8, 9],
    ]);
    let s = out.snapshot[0]!.snapshot;
    for (const p of out.patch) s = applyPatch(s, p.patch);
    expect(s).toEqual(canonicalize(source.current()!));
    expect(collector.current()!.rev).toBe(9);
  });

  it('defaults firstRev to the start time so a restarted BFF never matches an old rev', () => {
    const before = Date.now();
    const c = new Collector({ source: new FakeSource('c2'), store: new MemoryEventStore('c2'), logger: pino({ level: 'silent' }) });
    c.ingest(fakeSnapshot('c2', ['pve1'], new Set(['pve1']), 1));
    expect(c.current()!.rev).toBeGreaterThanOrEqual(before);
  });

  it('continues a chain it is given (a takeover): the first observation is a patch against it, its rev jumps to firstRev', async () => {
    const { source, collector, out } = setup({ firstRev: 5_000 });
    // what the browsers hold: the former holder's rev 120, a state the source has moved on from
    const held = { rev: 120, snapshot: canonicalize(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], new Set(['pve1', 'pve2']), 1)) };
    collector.continueFrom(held);
    expect(collector.current()).toEqual(held);
    // the source holds a state before it starts (as a sim does: its state when it was built)
    const beforeStart = 1_600_000_000_000;
    source.push(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], new Set(['pve1']), beforeStart));
    await collector.start();
    // what the source held before it started (a sim: its state when it was built) is not sent: the browsers
    // have a state already, and that one would reach them as old as the takeover took; what it observes
    // once started is
    expect(out.snapshot).toEqual([]);
    expect(out.patch.map((p) => p.patch.set.observedAt)).toEqual([source.current()!.observedAt]);
    expect(source.current()!.observedAt).not.toBe(beforeStart);
    source.applyFault({ action: 'stop', nodes: ['pve3'] });
    expect(out.patch.map((p) => [p.patch.baseRev, p.patch.rev])).toEqual([
      [120, 5_000],
      [5_000, 5_001],
    ]);
    let s = held.snapshot;
    for (const p of out.patch) s = applyPatch(s, p.patch);
    expect(s).toEqual(canonicalize(source.current()!));
    // a browser at 120 resumes with the patches; one at a rev of the former holder this chain never had starts over
    expect(collector.resume(120)!.map((p) => p.rev)).toEqual([5_000, 5_001]);
    expect(collector.resume(121)).toBeNull();
    // once observing, a chain is not replaced
    collector.continueFrom({ rev: 1, snapshot: held.snapshot });
    expect(collector.current()!.rev).toBe(5_001);
  });

  it('an observation that only moves telemetry shares its predecessor\'s state (derived facts are not worked out again)', async () => {
    const { source, collector } = setup();
    await collector.start();
    const first = collector.current()!.snapshot;
    const now = source.current()!;
    source.push({ ...now, observedAt: now.observedAt + 1000, links: now.links.map((l, i) => (i === 0 ? { ...l, latencyAvgMs: (l.latencyAvgMs ?? 0) + 5 } : l)) });
    const second = collector.current()!.snapshot;
    expect(second).not.toBe(first);
    expect(stateRoot(second)).toBe(first);
    source.applyFault({ action: 'stop', nodes: ['pve3'] });
    expect(stateRoot(collector.current()!.snapshot)).toBe(collector.current()!.snapshot);
  });

  it('an unchanged observation makes no patch and no rev', async () => {
    const { source, collector, out } = setup();
    await collector.start();
    source.push(source.current());
    expect(out.patch).toEqual([]);
    expect(collector.current()!.rev).toBe(1);
  });

  it('numbers diff events with seq and emits them', async () => {
    const { source, collector, out } = setup();
    await collector.start();
    source.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    await collector.idle();
    expect(out.event.length).toBeGreaterThan(0);
    expect(out.event.map((e) => e.seq)).toEqual(out.event.map((_, i) => i + 1));
    expect(out.event.some((e) => e.body.type === 'quorum-lost')).toBe(true);
    expect(await collector.store.lastSeq()).toBe(out.event.length);
  });

  it('drops an invalid snapshot (logged, counted), keeps the last good one and keeps going', async () => {
    const { source, collector, out } = setup();
    await collector.start();
    const good = collector.current();
    expect(() => source.push({ clusterId: 'c1', nodes: 'nope' })).not.toThrow();
    expect(() => source.push(null)).not.toThrow();
    expect(() => source.push(fakeSnapshot('other', ['pve1'], new Set(['pve1']), 1))).not.toThrow();
    expect(out.dropped).toEqual(['invalid', 'invalid', 'wrong cluster']);
    expect(collector.droppedSnapshots).toBe(3);
    expect(collector.current()).toEqual(good);
    source.observe();
    expect(out.patch).toHaveLength(1);
  });

  it('resume: [] at the newest rev, patches within the window, null when too old or ahead', async () => {
    const { source, collector } = setup({ patchCapacity: 2 });
    expect(collector.resume(0)).toBeNull();
    await collector.start();
    for (let i = 0; i < 4; i++) source.observe();
    expect(collector.current()!.rev).toBe(5);
    expect(collector.resume(5)).toEqual([]);
    expect(collector.resume(3)!.map((p) => p.rev)).toEqual([4, 5]);
    expect(collector.resume(2)).toBeNull();
    expect(collector.resume(6)).toBeNull();
  });

  it('subscribes to its source once, and unsubscribes on stop', async () => {
    const { source, collector } = setup();
    await collector.start();
    await collector.start();
    expect(source.subscribeCalls).toBe(1);
    await collector.stop();
    expect(source.listenerCount()).toBe(0);
    expect(source.started).toBe(false);
  });
});

describe('Collector isolation', () => {
  it('a throwing listener does not reach the source', async () => {
    const source = new FakeSource('c1');
    const collector = new Collector({ source, store: new MemoryEventStore('c1'), logger: pino({ level: 'silent' }), firstRev: 1 });
    collector.on('patch', () => {
      throw new Error('listener broke');
    });
    await collector.start();
    expect(() => source.observe()).not.toThrow();
    expect(collector.current()!.rev).toBe(2);
  });
});

describe('Collector baseline across restarts', () => {
  const logger = pino({ level: 'silent' });
  const up = (...names: string[]) => new Set(names);

  it('seeded with the persisted baseline, an unchanged first observation makes no events; a real change does', async () => {
    const before = fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1', 'pve2'), 1);
    const store = new MemoryEventStore('c1');
    const c = new Collector({ source: new FakeSource('c1'), store, logger, firstRev: 1, initialBaseline: before });
    c.ingest(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1', 'pve2'), 2));
    await c.idle();
    expect(await store.lastSeq()).toBe(0);
    c.ingest(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1'), 3));
    await c.idle();
    expect((await store.since(0, 100)).events.map((e) => e.body.type)).toContain('node-left');
  });

  it('without the baseline a restart would invent a change (the reason it is persisted)', async () => {
    const store = new MemoryEventStore('c1');
    const c = new Collector({ source: new FakeSource('c1'), store, logger, firstRev: 1, initialBaseline: fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1'), 1) });
    // a simulator that forgot its faults would come back with every node up
    c.ingest(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1', 'pve2', 'pve3'), 2));
    await c.idle();
    expect((await store.since(0, 100)).events.filter((e) => e.body.type === 'node-joined')).toHaveLength(2);
  });

  it('persists the new baseline with the events; a failed append keeps the old baseline so nothing is lost', async () => {
    const persisted: (boolean | undefined)[] = [];
    const store = new MemoryEventStore('c1');
    let fail = false;
    const flaky = {
      append: async (d: Parameters<MemoryEventStore['append']>[0], also?: Parameters<MemoryEventStore['append']>[1]) => {
        if (fail) throw new Error('disk full');
        return store.append(d, also);
      },
      since: store.since.bind(store),
      lastSeq: store.lastSeq.bind(store),
      firstSeq: store.firstSeq.bind(store),
    };
    const logged: string[] = [];
    const c = new Collector({
      source: new FakeSource('c1'),
      store: flaky,
      logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(line) }),
      firstRev: 1,
      persist: async (b) => void persisted.push(b.nodes.find((n) => n.name === 'pve3')?.state === 'offline'),
    });
    c.ingest(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1', 'pve2', 'pve3'), 1));
    await c.idle();
    fail = true;
    // the append is asynchronous: its failure is logged, not thrown at the source
    c.ingest(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1', 'pve2'), 2));
    await c.idle();
    expect(logged.join('\n')).toMatch(/disk full/);
    expect(c.diffBaseline()!.nodes.find((n) => n.name === 'pve3')!.state).toBe('online');
    fail = false;
    c.ingest(fakeSnapshot('c1', ['pve1', 'pve2', 'pve3'], up('pve1', 'pve2'), 3));
    await c.idle();
    expect((await store.since(0, 100)).events.map((e) => e.body.type)).toContain('node-left');
    expect(persisted).toEqual([true]);
  });
});
