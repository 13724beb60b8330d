import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterEvent, SnapshotPatch } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import type { EventStore } from '../event-store';
import { Mirror, newMirrorCounters, type Revision } from './mirror';

const CLUSTER = 'c1';
const base = sampleSnapshot();
const ev = (seq: number): ClusterEvent =>
  ({ seq, clusterId: CLUSTER, at: 1_000 + seq, severity: 'info', message: `e${seq}`, body: { type: 'node-joined', nodeId: 1, name: 'n1' } }) as unknown as ClusterEvent;
const patch = (baseRev: number): SnapshotPatch => ({ baseRev, rev: baseRev + 1, set: { observedAt: base.observedAt + baseRev } });

/** the shared store as far as the mirror reads it: events 1..committed */
function storeOf(committed: () => number): EventStore & { reads: number } {
  const s = {
    reads: 0,
    append: () => Promise.reject(new Error('a mirror never appends')),
    firstSeq: async () => 1,
    async since(seq: number, limit: number) {
      s.reads++;
      const events: ClusterEvent[] = [];
      for (let q = seq + 1; q <= committed() && events.length < limit; q++) events.push(ev(q));
      return { events, next: events.at(-1)?.seq ?? seq };
    },
    async lastSeq() {
      return committed();
    },
  };
  return s;
}

function record(m: Mirror) {
  const seen = { events: [] as number[], patches: [] as number[], snapshots: [] as number[] };
  m.on('event', (e: ClusterEvent) => seen.events.push(e.seq));
  m.on('patch', (p: { patch: SnapshotPatch }) => seen.patches.push(p.patch.rev));
  m.on('snapshot', (s: { rev: number }) => seen.snapshots.push(s.rev));
  return seen;
}

afterEach(() => vi.useRealTimers());

describe('Mirror', () => {
  it('starts from the holder snapshot and the store’s last seq, then applies patches in rev order', async () => {
    const holder: Revision = { rev: 100, snapshot: base };
    const m = new Mirror({ clusterId: CLUSTER, events: storeOf(() => 7), fetchSnapshot: async () => holder });
    const seen = record(m);
    await m.start();
    expect(seen.snapshots).toEqual([100]);
    expect(m.emittedSeq()).toBe(7);
    // 102 arrives before 101: held, then both applied in order
    m.patch(patch(101));
    expect(seen.patches).toEqual([]);
    m.patch(patch(100));
    expect(seen.patches).toEqual([101, 102]);
    expect(m.current()!.rev).toBe(102);
    expect(m.current()!.snapshot.observedAt).toBe(base.observedAt + 101);
    // a duplicate is dropped
    m.patch(patch(100));
    expect(seen.patches).toEqual([101, 102]);
    expect(m.resume(100)!.map((p) => p.rev)).toEqual([101, 102]);
    expect(m.resume(103)).toBeNull();
  });

  it('a gap in the rev chain that nothing fills asks the holder again; a new holder’s higher snapshot replaces the line', async () => {
    let holder: Revision = { rev: 10, snapshot: base };
    const fetchSnapshot = vi.fn(async () => holder);
    const counters = newMirrorCounters();
    const m = new Mirror({ clusterId: CLUSTER, events: storeOf(() => 0), fetchSnapshot, counters });
    const seen = record(m);
    await m.start();
    holder = { rev: 20, snapshot: { ...base, observedAt: base.observedAt + 99 } };
    m.patch(patch(15)); // base 15 never came
    await vi.waitFor(() => expect(seen.snapshots).toEqual([10, 20]));
    expect(fetchSnapshot).toHaveBeenCalledTimes(2);
    expect(counters).toMatchObject({ patchesEarly: 1, snapshotsAsked: 2, eventGapsFilled: 0 });
    m.patch(patch(20));
    expect(m.current()!.rev).toBe(21);
    // an older line's snapshot (a late message of the former holder) is ignored
    m.snapshot({ rev: 12, snapshot: base });
    expect(m.current()!.rev).toBe(21);
  });

  it('events leave in seq order, each once, whatever order they came in', async () => {
    const m = new Mirror({ clusterId: CLUSTER, events: storeOf(() => 3), fetchSnapshot: async () => null });
    const seen = record(m);
    // one arrives before start: kept and sorted in
    m.event(ev(5));
    await m.start();
    m.event(ev(4));
    m.event(ev(4));
    m.event(ev(3)); // already in the store before start: not re-sent
    m.event(ev(6));
    expect(seen.events).toEqual([4, 5, 6]);
    expect(m.emittedSeq()).toBe(6);
  });

  it('a gap that stays open is filled from the store after the wait, in order and once', async () => {
    vi.useFakeTimers();
    let committed = 2;
    const store = storeOf(() => committed);
    const counters = newMirrorCounters();
    const m = new Mirror({ clusterId: CLUSTER, events: store, fetchSnapshot: async () => null, eventGapWaitMs: 250, counters });
    const seen = record(m);
    await m.start();
    committed = 6;
    m.event(ev(6)); // 3, 4, 5 lost on the way (committed, never delivered)
    await vi.advanceTimersByTimeAsync(200);
    expect(seen.events).toEqual([]);
    m.event(ev(4)); // one turns up late: still waiting for 3
    await vi.advanceTimersByTimeAsync(100);
    await vi.waitFor(() => expect(seen.events).toEqual([3, 4, 5, 6]));
    expect(store.reads).toBe(1);
    expect(counters.eventGapsFilled).toBe(1);
    m.event(ev(5));
    expect(seen.events).toEqual([3, 4, 5, 6]);
  });

  it('taking over from a collector here: continues after its last emitted seq and catches up what the store has', async () => {
    const m = new Mirror({ clusterId: CLUSTER, events: storeOf(() => 9), fetchSnapshot: async () => ({ rev: 5, snapshot: base, status: { health: { state: 'ok', message: null, lastObservedAt: 1 }, capabilities: ['faults'] } }) });
    const seen = record(m);
    const observed: number[] = [];
    m.on('observed', (s) => observed.push(s.observedAt));
    // the collector here had emitted up to 6; 7–9 were committed by the new holder before its messages came
    await m.start(6);
    expect(seen.events).toEqual([7, 8, 9]);
    expect(m.health().state).toBe('ok');
    expect(m.capabilities()).toEqual(['faults']);
    expect(observed).toEqual([base.observedAt]);
    m.setStatus({ health: { state: 'degraded', message: 'pve2: timeout', lastObservedAt: 2 }, capabilities: ['faults'] });
    expect(m.health().message).toBe('pve2: timeout');
    expect(observed).toHaveLength(2);
    // the holder sends no new stamp alone: the newest snapshot's time is the last observation
    expect(m.health().lastObservedAt).toBe(base.observedAt);
    m.patch({ rev: 6, baseRev: 5, set: { observedAt: base.observedAt + 5_000 } });
    expect(m.health()).toMatchObject({ state: 'degraded', lastObservedAt: base.observedAt + 5_000 });
    // before the replica leads it again: everything the store has, once
    await m.catchUpTo(9);
    m.event(ev(9));
    expect(seen.events).toEqual([7, 8, 9]);
  });

  it('close stops everything: no emits, no timers', async () => {
    vi.useFakeTimers();
    const store = storeOf(() => 1);
    const m = new Mirror({ clusterId: CLUSTER, events: store, fetchSnapshot: async () => ({ rev: 1, snapshot: base }) });
    const seen = record(m);
    await m.start();
    m.event(ev(3));
    m.close();
    await vi.advanceTimersByTimeAsync(1_000);
    m.event(ev(2));
    m.patch(patch(1));
    expect(seen.events).toEqual([]);
    expect(store.reads).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
