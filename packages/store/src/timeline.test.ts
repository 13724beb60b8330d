import { describe, expect, it } from 'vitest';
import { KEYFRAME_EVERY_MS, KEYFRAME_EVERY_PATCHES, canonicalize, makePatch, type ClusterSnapshot } from '@quorate/model';
import { sampleSnapshot } from '../../model/src/testing/arbitraries';
import { createTimelineStore } from './timeline';
import { useStores } from './testing';

const t = useStores();
const T0 = 1_700_000_000_000;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** the state at step i: a latency that moves every step, pve3 offline from 50 to 59 */
function stateAt(i: number, at = T0 + i * 1000): ClusterSnapshot {
  const s = clone(sampleSnapshot({ observedAt: at }));
  s.links[0]!.latencyAvgMs = 0.2 + (i % 50) / 100;
  if (i >= 50 && i < 60) {
    s.nodes[2]!.state = 'offline';
    s.quorum = { ...s.quorum!, totalVotes: 2, members: [1, 2] };
  }
  return s;
}

function open() {
  const store = t.open();
  const corrupt: unknown[] = [];
  return { store, tl: createTimelineStore(store.db, (r) => corrupt.push(r)), corrupt };
}

/** records steps [from, to) as one chain starting at rev `first` (a baseline at `from`) */
function recordRun(tl: ReturnType<typeof createTimelineStore>, from: number, to: number, first = 1000, at: (i: number) => number = (i) => T0 + i * 1000): ClusterSnapshot[] {
  const snaps: ClusterSnapshot[] = [];
  let prev: ClusterSnapshot | null = null;
  for (let i = from; i < to; i++) {
    const s = stateAt(i, at(i));
    const rev = first + i - from;
    if (!prev) tl.record('c1', { rev, baseRev: null, snapshot: s });
    else tl.record('c1', { rev, baseRev: rev - 1, patch: makePatch(prev, s, rev - 1, rev)!, snapshot: s });
    snaps.push(s);
    prev = s;
  }
  return snaps;
}

describe('timeline store', () => {
  it('rebuilds every recorded moment exactly, across keyframes, and nothing before the oldest', () => {
    const { tl } = open();
    const n = KEYFRAME_EVERY_PATCHES * 2 + 50;
    const snaps = recordRun(tl, 0, n);
    // a keyframe at the start and every KEYFRAME_EVERY_PATCHES patches after it
    expect(tl.size('c1')).toMatchObject({ keyframes: 3, patches: n - 3 });
    for (const i of [0, 1, 49, 50, 55, 60, KEYFRAME_EVERY_PATCHES, KEYFRAME_EVERY_PATCHES + 1, n - 1]) {
      const got = tl.at('c1', T0 + i * 1000 + 500)!;
      expect(got.snapshot).toEqual(canonicalize(snaps[i]!));
      expect(got.rev).toBe(1000 + i);
      expect(got.at).toBe(T0 + i * 1000);
    }
    expect(tl.at('c1', T0 - 1)).toBeNull();
    expect(tl.at('other', T0 + 5000)).toBeNull();
    expect(tl.oldest('c1')).toBe(T0);
    expect(tl.newest('c1')).toBe(T0 + (n - 1) * 1000);
  });

  it('writes a keyframe after KEYFRAME_EVERY_MS of a quiet cluster, and at every new chain', () => {
    const { tl } = open();
    // a change every 5 minutes: a keyframe every 3 changes (15 min)
    recordRun(tl, 0, 7, 1, (i) => T0 + i * 5 * 60_000);
    expect(KEYFRAME_EVERY_MS).toBe(15 * 60_000);
    expect(tl.size('c1')).toMatchObject({ keyframes: 3, patches: 4 });
    // a new chain (a restart: new revs, a baseline) starts with a keyframe
    const s = stateAt(100, T0 + 3_600_000);
    expect(tl.record('c1', { rev: 50_000, baseRev: null, snapshot: s })).toBe('keyframe');
    expect(tl.at('c1', T0 + 3_600_000)!.rev).toBe(50_000);
    // a patch that does not follow the span becomes a keyframe too
    const s2 = stateAt(101, T0 + 3_601_000);
    expect(tl.record('c1', { rev: 50_005, baseRev: 50_004, patch: makePatch(s, s2, 50_004, 50_005)!, snapshot: s2 })).toBe('keyframe');
    expect(tl.at('c1', T0 + 3_601_000)!.snapshot).toEqual(canonicalize(s2));
  });

  it('marks: every change in a short range, transitions flagged; a long range thinned', () => {
    const { tl } = open();
    recordRun(tl, 0, 100);
    const r = tl.marks('c1', T0 + 40_000, T0 + 70_000);
    expect(r.truncated).toBe(false);
    expect(r.marks.map((m) => m.at)).toEqual(Array.from({ length: 31 }, (_, i) => T0 + (40 + i) * 1000));
    expect(r.marks.filter((m) => m.transition).map((m) => m.at)).toEqual([T0 + 50_000, T0 + 60_000]);
    const lost = r.marks.find((m) => m.at === T0 + 55_000)!;
    expect(lost).toMatchObject({ quorate: true, nodesOnline: 2, state: 'degraded', severity: 'warning' });
    const thin = tl.marks('c1', T0, T0 + 100_000, 10);
    expect(thin.truncated).toBe(true);
    expect(thin.marks).toHaveLength(10);
    expect(thin.marks.filter((m) => m.transition).map((m) => m.at)).toEqual(expect.arrayContaining([T0 + 50_000, T0 + 60_000]));
  });

  it('prunes whole spans by age: a kept patch always has its keyframe; the oldest moment moves to a keyframe', () => {
    const { tl } = open();
    const n = KEYFRAME_EVERY_PATCHES * 3 + 10;
    const snaps = recordRun(tl, 0, n);
    // a span is its keyframe and KEYFRAME_EVERY_PATCHES patches: the second keyframe is change number 201
    const k1 = T0 + (KEYFRAME_EVERY_PATCHES + 1) * 1000;
    // a cut inside the second span: the first goes, the second (covering the cut) stays
    expect(tl.prune({ before: k1 + 5000 })).toBe(1);
    expect(tl.oldest('c1')).toBe(k1);
    expect(tl.at('c1', k1 - 1)).toBeNull();
    expect(tl.at('c1', k1 + 5000)!.snapshot).toEqual(canonicalize(snaps[KEYFRAME_EVERY_PATCHES + 6]!));
    expect(tl.size('c1')).toMatchObject({ keyframes: 3, patches: n - 4 - KEYFRAME_EVERY_PATCHES });
    // nothing more to do at the same cut
    expect(tl.prune({ before: k1 + 5000 })).toBe(0);
    // the newest span is never dropped, and recording goes on in it
    expect(tl.prune({ before: T0 + 10 * n * 1000 })).toBe(2);
    expect(tl.size('c1').keyframes).toBe(1);
    const s = stateAt(n, T0 + n * 1000);
    expect(tl.record('c1', { rev: 1000 + n, baseRev: 999 + n, patch: makePatch(snaps[n - 1]!, s, 999 + n, 1000 + n)!, snapshot: s })).toBe('patch');
    expect(tl.at('c1', T0 + n * 1000)!.snapshot).toEqual(canonicalize(s));
  });

  it('prunes whole spans beyond the size cap, newest kept', () => {
    const { tl } = open();
    recordRun(tl, 0, KEYFRAME_EVERY_PATCHES * 4);
    const { bytes } = tl.size('c1');
    expect(bytes).toBeGreaterThan(0);
    // room for about two spans of four
    expect(tl.prune({ maxBytesPerCluster: Math.floor(bytes / 2) + 1 })).toBeGreaterThanOrEqual(2);
    const after = tl.size('c1');
    expect(after.bytes).toBeLessThanOrEqual(Math.floor(bytes / 2) + 1);
    expect(after.keyframes).toBeGreaterThanOrEqual(1);
    // whatever is kept rebuilds from its keyframe
    const oldest = tl.oldest('c1')!;
    expect(tl.at('c1', oldest)).not.toBeNull();
    expect(tl.at('c1', oldest - 1)).toBeNull();
    // a cap below one span keeps the newest span
    tl.prune({ maxBytesPerCluster: 1 });
    expect(tl.size('c1').keyframes).toBe(1);
  });

  it('a store without the open span (a restart) starts with a keyframe', () => {
    const { store, tl } = open();
    const snaps = recordRun(tl, 0, 5);
    const again = createTimelineStore(store.db, () => undefined);
    const s = stateAt(5);
    expect(again.record('c1', { rev: 1005, baseRev: 1004, patch: makePatch(snaps[4]!, s, 1004, 1005)!, snapshot: s })).toBe('keyframe');
    expect(again.at('c1', T0 + 5000)!.snapshot).toEqual(canonicalize(s));
    expect(again.at('c1', T0 + 4000)!.snapshot).toEqual(canonicalize(snaps[4]!));
  });

  it('a corrupt keyframe is reported and refused, not passed off as the past', () => {
    const { store, tl, corrupt } = open();
    recordRun(tl, 0, 3);
    store.db.prepare('UPDATE timeline_keyframe_data SET data = ?').run(Buffer.from('not deflated'));
    expect(() => tl.at('c1', T0 + 2000)).toThrow(/cannot be read/);
    expect(corrupt).toHaveLength(1);
  });
});
