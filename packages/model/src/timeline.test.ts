import { describe, expect, it } from 'vitest';
import { canonicalize, makePatch } from './patching';
import type { ClusterSnapshot } from './snapshot';
import { sampleSnapshot } from './testing/arbitraries';
import {
  KEYFRAME_EVERY_JSON_BYTES,
  KEYFRAME_EVERY_MS,
  KEYFRAME_EVERY_PATCHES,
  TimelineAtQuery,
  TimelineGapError,
  TimelineQuery,
  keyframeDue,
  rebuildAt,
  thinMarks,
  timelineSummary,
  type TimelineMark,
  type TimelinePatch,
} from './timeline';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const T0 = 1_700_000_000_000;

/** a run of snapshots 1 s apart: pve3 goes offline at step 3, pve2 at 5 (quorum lost), both back at 8 */
function run(): ClusterSnapshot[] {
  const out: ClusterSnapshot[] = [];
  let s = sampleSnapshot({ observedAt: T0 });
  out.push(s);
  for (let i = 1; i <= 10; i++) {
    s = clone(s);
    s.observedAt = T0 + i * 1000;
    s.links[0]!.latencyAvgMs = 0.2 + i / 100;
    const down = i >= 8 ? [] : i >= 5 ? [2, 3] : i >= 3 ? [3] : [];
    for (const n of s.nodes) n.state = down.includes(n.id) ? 'offline' : 'online';
    s.quorum = { ...s.quorum!, members: s.nodes.filter((n) => n.state === 'online').map((n) => n.id), totalVotes: 3 - down.length, quorate: down.length < 2 };
    out.push(s);
  }
  return out;
}

function chain(snaps: ClusterSnapshot[], firstRev = 100): { keyframe: { rev: number; at: number; snapshot: ClusterSnapshot }; patches: TimelinePatch[] } {
  const patches: TimelinePatch[] = [];
  for (let i = 1; i < snaps.length; i++) {
    const patch = makePatch(snaps[i - 1]!, snaps[i]!, firstRev + i - 1, firstRev + i)!;
    patches.push({ rev: patch.rev, baseRev: patch.baseRev, at: snaps[i]!.observedAt, patch });
  }
  return { keyframe: { rev: firstRev, at: snaps[0]!.observedAt, snapshot: canonicalize(snaps[0]!) }, patches };
}

describe('rebuildAt', () => {
  it('equals the snapshot in force at every moment, between changes too', () => {
    const snaps = run();
    const { keyframe, patches } = chain(snaps);
    snaps.forEach((s, i) => {
      for (const t of [s.observedAt, s.observedAt + 999]) {
        const r = rebuildAt(keyframe, patches, t);
        expect(r.snapshot).toEqual(canonicalize(s));
        expect(r.rev).toBe(100 + i);
        expect(r.at).toBe(s.observedAt);
      }
    });
  });

  it('at the keyframe itself applies nothing; patches at or before the keyframe rev are skipped', () => {
    const snaps = run();
    const { keyframe, patches } = chain(snaps);
    expect(rebuildAt(keyframe, patches, T0).snapshot).toBe(keyframe.snapshot);
    // a mid-chain keyframe at rev 104 with the whole chain's patches
    const mid = { rev: 104, at: snaps[4]!.observedAt, snapshot: canonicalize(snaps[4]!) };
    expect(rebuildAt(mid, patches, T0 + 6000).snapshot).toEqual(canonicalize(snaps[6]!));
  });

  it('refuses a span with a hole', () => {
    const snaps = run();
    const { keyframe, patches } = chain(snaps);
    const holed = patches.filter((p) => p.rev !== 103);
    expect(() => rebuildAt(keyframe, holed, T0 + 5000)).toThrow(TimelineGapError);
    // before the hole it still answers
    expect(rebuildAt(keyframe, holed, T0 + 2000).rev).toBe(102);
  });
});

describe('timelineSummary', () => {
  it('says quorate, nodes online and the health state', () => {
    const snaps = run();
    expect(timelineSummary(snaps[0]!)).toEqual({ quorate: true, nodesOnline: 3, state: 'healthy' });
    expect(timelineSummary(snaps[3]!)).toMatchObject({ quorate: true, nodesOnline: 2, state: 'degraded' });
    expect(timelineSummary(snaps[5]!)).toEqual({ quorate: false, nodesOnline: 1, state: 'lost' });
    expect(timelineSummary({ ...snaps[0]!, quorum: null })).toMatchObject({ quorate: null, state: 'unknown' });
  });
});

describe('keyframeDue', () => {
  it('after KEYFRAME_EVERY_PATCHES patches or KEYFRAME_EVERY_MS', () => {
    expect(keyframeDue(KEYFRAME_EVERY_PATCHES - 1, T0, T0 + 1000)).toBe(false);
    expect(keyframeDue(KEYFRAME_EVERY_PATCHES, T0, T0 + 1000)).toBe(true);
    expect(keyframeDue(3, T0, T0 + KEYFRAME_EVERY_MS - 1)).toBe(false);
    expect(keyframeDue(3, T0, T0 + KEYFRAME_EVERY_MS)).toBe(true);
    expect(keyframeDue(3, T0, T0 + 1000, KEYFRAME_EVERY_JSON_BYTES - 1)).toBe(false);
    expect(keyframeDue(3, T0, T0 + 1000, KEYFRAME_EVERY_JSON_BYTES)).toBe(true);
  });
});

describe('thinMarks', () => {
  const mark = (i: number, transition = false): TimelineMark => ({ at: T0 + i, rev: i, quorate: true, nodesOnline: 3, state: 'healthy', transition });
  it('keeps all under the cap', () => {
    const marks = Array.from({ length: 10 }, (_, i) => mark(i));
    expect(thinMarks(marks, 10)).toEqual({ marks, truncated: false });
  });
  it('keeps every transition, then spreads the rest, oldest first', () => {
    const marks = Array.from({ length: 1000 }, (_, i) => mark(i, i % 100 === 7));
    const r = thinMarks(marks, 50);
    expect(r.truncated).toBe(true);
    expect(r.marks).toHaveLength(50);
    expect(r.marks.filter((m) => m.transition)).toHaveLength(10);
    expect(r.marks.map((m) => m.rev)).toEqual([...r.marks.map((m) => m.rev)].sort((a, b) => a - b));
    expect(new Set(r.marks.map((m) => m.rev)).size).toBe(50);
    // spread: the first and the last tenth both have marks
    expect(r.marks.some((m) => m.rev < 100 && !m.transition)).toBe(true);
    expect(r.marks.some((m) => m.rev > 900 && !m.transition)).toBe(true);
  });
  it('the newest transitions when even they are too many', () => {
    const marks = Array.from({ length: 100 }, (_, i) => mark(i, true));
    expect(thinMarks(marks, 10).marks.map((m) => m.rev)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
  });
});

describe('queries', () => {
  it('coerce the query strings; refuse a reversed or too long range', () => {
    expect(TimelineQuery.parse({ cluster: 'c1', from: '10', to: '20' })).toEqual({ cluster: 'c1', from: 10, to: 20 });
    expect(TimelineQuery.safeParse({ from: '20', to: '10' }).success).toBe(false);
    expect(TimelineQuery.safeParse({ from: '0', to: String(40 * 86_400_000) }).success).toBe(false);
    expect(TimelineQuery.safeParse({ from: '1', to: '2', x: '1' }).success).toBe(false);
    expect(TimelineAtQuery.parse({ t: '5' })).toEqual({ t: 5 });
    expect(TimelineAtQuery.safeParse({ t: 'soon' }).success).toBe(false);
    expect(TimelineAtQuery.safeParse({}).success).toBe(false);
  });
});

describe('stored patch form', () => {
  it('round-trips link upserts through columns, smaller', async () => {
    const { encodeStoredPatch, decodeStoredPatch } = await import('./timeline');
    const a = sampleSnapshot({ nodes: 5, links: 2 });
    const b = clone(a);
    b.observedAt += 1000;
    b.links.forEach((l, i) => {
      l.latencyAvgMs = i % 3 === 0 ? null : 0.1 + i / 1000;
      l.latencyMaxMs = 0.9 + i;
      l.lossPct = i % 2 ? 0 : 12.5;
      l.connected = i % 5 !== 0;
      l.enabled = i % 7 !== 0;
      l.downCount = i;
    });
    b.links.pop();
    const patch = makePatch(a, b, 1, 2)!;
    const stored = encodeStoredPatch(patch);
    expect(stored.L).toBeDefined();
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(patch).length / 2);
    expect(decodeStoredPatch(JSON.parse(JSON.stringify(stored)))).toEqual(patch);
    // a patch without links, or with link fields it does not know, stays as it is
    const plain = makePatch(a, { ...a, observedAt: a.observedAt + 1 }, 1, 2)!;
    expect(encodeStoredPatch(plain)).toBe(plain);
    const odd = { ...patch, links: { upsert: [{ ...patch.links!.upsert[0]!, extra: 1 }], remove: [] } };
    expect(decodeStoredPatch(encodeStoredPatch(odd as never))).toEqual(odd);
  });
});
