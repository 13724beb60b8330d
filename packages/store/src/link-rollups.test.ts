import { describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { LINK_ROLLUP_KEEP_MS, type LinkRollup } from './link-rollups';
import { useStores } from './testing';

const t = useStores();
const M0 = 28_333_333 * 60_000; // a whole minute in 2023
const row = (minute: number, over: Partial<LinkRollup> = {}): LinkRollup => ({
  a: 1,
  b: 2,
  link: 0,
  minute,
  avgMs: 0.25,
  maxMs: 0.6,
  lossPct: 0,
  lossMaxPct: 0,
  ...over,
});

describe('link rollups', () => {
  it('writes a minute per pair and link and reads one pair back (either order), oldest first, figures kept', () => {
    const store = t.open();
    const minute = (m: number): LinkRollup[] => [
      row(M0 + m * 60_000, { avgMs: 80.1234, maxMs: 95.5, lossPct: 5.25, lossMaxPct: 12.5 }),
      row(M0 + m * 60_000, { link: 1 }),
      row(M0 + m * 60_000, { a: 2, b: 3, avgMs: null, maxMs: null, lossPct: null, lossMaxPct: null }),
    ];
    for (let m = 0; m < 3; m++) expect(store.linkRollups.write('c1', minute(m))).toBe(3);
    store.linkRollups.write('c2', [row(M0)]);
    const got = store.linkRollups.pair('c1', 2, 1, 0, M0, M0 + 10 * 60_000);
    expect(got.map((r) => r.minute)).toEqual([M0, M0 + 60_000, M0 + 120_000]);
    // stored as whole microseconds and parts per million
    expect(got[0]).toEqual({ a: 1, b: 2, link: 0, minute: M0, avgMs: 80.123, maxMs: 95.5, lossPct: 5.25, lossMaxPct: 12.5 });
    expect(store.linkRollups.pair('c1', 2, 3, 0, M0, M0)).toEqual([row(M0, { a: 2, b: 3, avgMs: null, maxMs: null, lossPct: null, lossMaxPct: null })]);
    expect(store.linkRollups.pair('c1', 1, 2, 0, M0 + 60_000, M0 + 60_000)).toHaveLength(1);
    expect(store.linkRollups.count('c1')).toBe(9);
    expect(store.linkRollups.count('c2')).toBe(1);
  });

  it('a minute written again replaces its rows', () => {
    const store = t.open();
    store.linkRollups.write('c1', [row(M0, { avgMs: 1 })]);
    store.linkRollups.write('c1', [row(M0, { avgMs: 2 })]);
    expect(store.linkRollups.pair('c1', 1, 2, 0, M0, M0).map((r) => r.avgMs)).toEqual([2]);
  });

  it('refuses a < b violations, part minutes and bad figures, and writes nothing of such a batch', () => {
    const store = t.open();
    expect(() => store.linkRollups.write('c1', [row(M0), row(M0, { a: 2, b: 1 })])).toThrow(StoreError);
    expect(() => store.linkRollups.write('c1', [row(M0 + 1)])).toThrow(StoreError);
    expect(() => store.linkRollups.write('c1', [row(M0, { lossPct: 101 })])).toThrow(StoreError);
    expect(() => store.linkRollups.write('', [row(M0)])).toThrow(StoreError);
    expect(store.linkRollups.count('c1')).toBe(0);
  });

  it('a read spans at most 8 days back from its end', () => {
    const store = t.open();
    const day = 86_400_000;
    store.linkRollups.write('c1', [row(M0), row(M0 + 9 * day)]);
    expect(store.linkRollups.pair('c1', 1, 2, 0, M0, M0 + 9 * day)).toHaveLength(1);
    expect(store.linkRollups.pair('c1', 1, 2, 0, M0 + 60_000, M0)).toEqual([]);
  });

  it('prune drops minutes older than a week, for every cluster', () => {
    const now = M0 + LINK_ROLLUP_KEEP_MS + 30 * 60_000;
    const store = t.open({ now: () => now });
    for (const id of ['a', 'b', 'c'])
      store.linkRollups.write(id, [row(M0), row(M0 + 29 * 60_000), row(M0 + 30 * 60_000), row(M0 + 31 * 60_000)]);
    expect(store.linkRollups.prune()).toBe(3 * 2);
    for (const id of ['a', 'b', 'c']) expect(store.linkRollups.count(id)).toBe(2);
    expect(store.linkRollups.prune()).toBe(0);
  });
});
