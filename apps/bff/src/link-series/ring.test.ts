import { describe, expect, it } from 'vitest';
import type { PairLinkSample } from '@quorate/model';
import { LinkRing, RING_BYTES_PER_PAIR_LINK, RING_SECONDS } from './ring';

const T0 = 1_700_000_040_000; // a whole minute
const sample = (latencyMs: number | null, lossPct: number | null = 0, over: Partial<PairLinkSample> = {}): PairLinkSample => ({
  a: 1,
  b: 2,
  link: 0,
  connected: latencyMs !== null || lossPct !== null,
  latencyMs,
  maxMs: latencyMs,
  lossPct,
  ...over,
});

describe('LinkRing', () => {
  it('keeps one point a second per pair and link; a second seen twice keeps the worse figures', () => {
    const ring = new LinkRing();
    ring.record([sample(0.3), sample(0.4, 0, { link: 1 })], T0);
    ring.record([sample(80, 1)], T0 + 1000);
    ring.record([sample(20, 5)], T0 + 1500);
    expect(ring.points(2, 1, 0)).toEqual([
      { t: T0, avgMs: expect.closeTo(0.3, 3), maxMs: expect.closeTo(0.3, 3), lossPct: 0, lossMaxPct: 0 },
      { t: T0 + 1000, avgMs: 80, maxMs: 80, lossPct: 5, lossMaxPct: 5 },
    ]);
    expect(ring.points(1, 2, 1)).toHaveLength(1);
    expect(ring.points(1, 3, 0)).toEqual([]);
    expect(ring.pairLinks()).toEqual([
      { a: 1, b: 2, link: 0 },
      { a: 1, b: 2, link: 1 },
    ]);
  });

  it('skipped seconds and a disconnected link are gaps, not zeros', () => {
    const ring = new LinkRing();
    ring.record([sample(1)], T0);
    ring.record([sample(null, null)], T0 + 1000);
    ring.record([sample(3)], T0 + 5000);
    expect(ring.points(1, 2, 0).map((p) => [p.t - T0, p.avgMs])).toEqual([
      [0, 1],
      [5000, 3],
    ]);
  });

  it('holds the last hour only: older seconds are overwritten, a pair-link silent for an hour is dropped', () => {
    const ring = new LinkRing();
    for (let s = 0; s < RING_SECONDS + 10; s++) ring.record([sample(s % 100)], T0 + s * 1000);
    const pts = ring.points(1, 2, 0);
    expect(pts).toHaveLength(RING_SECONDS);
    expect(pts[0]!.t).toBe(T0 + 10_000);
    expect(ring.bytes()).toBe(RING_BYTES_PER_PAIR_LINK);
    ring.record([sample(1, 0, { a: 3, b: 4 })], T0 + (2 * RING_SECONDS + 20) * 1000);
    expect(ring.points(1, 2, 0)).toEqual([]);
    expect(ring.forgetStale()).toBe(1);
    expect(ring.bytes()).toBe(RING_BYTES_PER_PAIR_LINK);
  });

  it('buckets: avg and max over the seconds, aligned to the step', () => {
    const ring = new LinkRing();
    for (let s = 0; s < 20; s++) ring.record([sample(s < 10 ? 1 : 3, s === 12 ? 10 : 0)], T0 + s * 1000);
    expect(ring.points(1, 2, 0, 10)).toEqual([
      { t: T0, avgMs: 1, maxMs: 1, lossPct: 0, lossMaxPct: 0 },
      { t: T0 + 10_000, avgMs: 3, maxMs: 3, lossPct: 1, lossMaxPct: 10 },
    ]);
  });

  it('a minute: every pair-link with data in it, avg/max of latency and loss', () => {
    const ring = new LinkRing();
    for (let s = 0; s < 70; s++) ring.record([sample(s < 30 ? 1 : 81, s < 30 ? 0 : 2), ...(s < 60 ? [] : [sample(1, 0, { b: 3 })])], T0 + s * 1000);
    expect(ring.minute(T0)).toEqual([{ a: 1, b: 2, link: 0, t: T0, avgMs: 41, maxMs: 81, lossPct: 1, lossMaxPct: 2 }]);
    expect(ring.minute(T0 + 60_000).map((r) => `${r.a}-${r.b}`)).toEqual(['1-2', '1-3']);
  });

  it('a clock that goes back more than a minute starts the ring afresh', () => {
    const ring = new LinkRing();
    ring.record([sample(1)], T0 + 600_000);
    ring.record([sample(2)], T0);
    expect(ring.points(1, 2, 0).map((p) => p.avgMs)).toEqual([2]);
  });
});
