// Gap-free resume on an asynchronous store (issue 17): the catch-up is read from the store after the socket
// joined the room, so live events may reach the client before the caught-up ones. Every seq arrives exactly
// once; the client orders them by seq (web live/cache.ts mergeEvents).
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterEvent } from '@quorate/model';
import type { EventStore } from './event-store';
import { StoreEventStore } from './persistence/store-events';
import { settle, simCluster, startFake, type Harness } from './testing/harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** the store's events, with reads that take their time while `slow` is set */
function slowReads(inner: EventStore, state: { slow: boolean; reads: number }): EventStore {
  const wait = () => new Promise((r) => setTimeout(r, state.slow ? 150 : 0));
  return {
    append: (drafts, alsoCommit) => inner.append(drafts, alsoCommit),
    since: async (seq, limit) => {
      state.reads++;
      await wait();
      return inner.since(seq, limit);
    },
    lastSeq: () => inner.lastSeq(),
    firstSeq: async () => {
      await wait();
      return inner.firstSeq();
    },
  };
}

describe('resume while the store answers slowly', () => {
  it('events emitted during a slow catch-up: every seq exactly once, none missed', async () => {
    const state = { slow: false, reads: 0 };
    h = await startFake([simCluster('c1', 'c1', true)], { createEventStore: (id, store) => slowReads(new StoreEventStore(store, id), state) });
    const src = h.sources.get('c1')!;
    const cycle = () => {
      src.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
      src.applyFault({ action: 'start', nodes: ['pve2', 'pve3'] });
    };
    for (let i = 0; i < 3; i++) cycle();
    await settle(h.server);
    const collector = h.server.collectors.get('c1')!;
    const before = collector.emittedSeq();
    expect(before).toBeGreaterThan(5);

    state.slow = true;
    const c = h.client();
    const ack = c.subscribe({ seq: 0 });
    // while the catch-up is being read: more changes, their events emitted live to the room
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 3; i++) {
      cycle();
      await settle(h.server);
    }
    const last = collector.emittedSeq();
    expect(last).toBeGreaterThan(before);
    expect(await ack).toMatchObject({ ok: true, catchUp: { events: before, tooFarBehind: false } });
    await c.until((x) => x.events().length >= last, 'every event');
    await c.flush();

    const arrived = c.events().map((e: ClusterEvent) => e.seq);
    // the race was real: live events came before the caught-up ones
    expect(arrived[0]).toBeGreaterThan(before);
    expect(state.reads).toBeGreaterThan(0);
    // each seq once, none missing
    expect(new Set(arrived).size).toBe(arrived.length);
    expect([...arrived].sort((a, b) => a - b)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  it('a catch-up of many pages is read page by page up to what was emitted at the join', async () => {
    const state = { slow: false, reads: 0 };
    h = await startFake([simCluster('c1', 'c1', true)], { createEventStore: (id, store) => slowReads(new StoreEventStore(store, id), state) });
    const src = h.sources.get('c1')!;
    for (let i = 0; i < 12; i++) {
      src.applyFault({ action: 'stop', nodes: ['pve3'] });
      src.applyFault({ action: 'start', nodes: ['pve3'] });
    }
    await settle(h.server);
    const l0 = h.server.collectors.get('c1')!.emittedSeq();
    expect(l0).toBeGreaterThan(100);
    const c = h.client();
    expect(await c.subscribe({ seq: 0 })).toMatchObject({ ok: true, catchUp: { events: l0, tooFarBehind: false } });
    await c.flush();
    expect(c.events().map((e) => e.seq)).toEqual(Array.from({ length: l0 }, (_, i) => i + 1));
    expect(state.reads).toBeGreaterThan(1);
  });
});

describe('resume ahead of what this replica emitted', () => {
  it('a client that already holds events this feed has not emitted yet gets each later seq once, none twice', async () => {
    // appends commit, then wait at the gate: the store is ahead of what the room was sent, as a mirror is
    // behind the lease holder a client watched through before a failover
    let gate: Promise<void> | null = null;
    let open = () => {};
    h = await startFake([simCluster('c1', 'c1', true)], {
      createEventStore: (id, store) => {
        const inner = new StoreEventStore(store, id);
        return {
          append: async (drafts, alsoCommit) => {
            const stored = await inner.append(drafts, alsoCommit);
            if (gate) await gate;
            return stored;
          },
          since: (seq, limit) => inner.since(seq, limit),
          lastSeq: () => inner.lastSeq(),
          firstSeq: () => inner.firstSeq(),
        };
      },
    });
    const src = h.sources.get('c1')!;
    src.applyFault({ action: 'stop', nodes: ['pve3'] });
    await settle(h.server);
    const collector = h.server.collectors.get('c1')!;
    const emitted = collector.emittedSeq();
    expect(emitted).toBeGreaterThan(0);

    gate = new Promise((r) => (open = r));
    src.applyFault({ action: 'start', nodes: ['pve3'] });
    const store = collector.store;
    for (let i = 0; i < 100 && (await store.lastSeq()) === emitted; i++) await new Promise((r) => setTimeout(r, 10));
    const held = await store.lastSeq();
    expect(held).toBeGreaterThan(emitted);
    expect(collector.emittedSeq()).toBe(emitted);

    // the client already has everything up to `held`
    const c = h.client();
    expect(await c.subscribe({ seq: held })).toMatchObject({ ok: true, catchUp: { events: 0, tooFarBehind: false } });
    gate = null;
    open();
    await settle(h.server);
    expect(collector.emittedSeq()).toBe(held);
    // and then more: these it must get
    src.applyFault({ action: 'stop', nodes: ['pve2'] });
    await settle(h.server);
    const last = collector.emittedSeq();
    expect(last).toBeGreaterThan(held);
    await c.until((x) => x.events().length >= last - held, 'the events after the held ones');
    await c.flush();
    expect(c.events().map((e) => e.seq)).toEqual(Array.from({ length: last - held }, (_, i) => held + i + 1));
  });
});
