// A link's series for the chart: gaps become null rows, the figures in words.
import { describe, expect, it } from 'vitest';
import type { LinkSeriesPoint } from '../api/links';
import { DEFAULT_LINK_THRESHOLDS as T } from '../api/links';
import { seriesStats, summaryText, toColumns } from './link-series';

const p = (t: number, avgMs: number | null, lossPct: number | null = 0, maxMs = avgMs): LinkSeriesPoint => ({ t, avgMs, maxMs, lossPct, lossMaxPct: lossPct });

describe('toColumns', () => {
  it('one null row inside each step wider than the resolution; a jitter of half a step is no gap', () => {
    const c = toColumns([p(0, 1), p(1000, 2), p(2400, 3), p(9000, 4)], 1000);
    expect(c.t).toEqual([0, 1000, 2400, 3400, 9000]);
    expect(c.avg).toEqual([1, 2, 3, null, 4]);
    expect(c.loss).toEqual([0, 0, 0, null, 0]);
    expect(c.gaps).toBe(1);
  });

  it('loss: the highest of the step when there is one', () => {
    const c = toColumns([{ t: 0, avgMs: 1, maxMs: 2, lossPct: 1, lossMaxPct: 4 }], 60_000);
    expect(c.loss).toEqual([4]);
  });
});

describe('seriesStats and summaryText', () => {
  it('min, mean, max, loss, time above the bad mark and gaps, in words', () => {
    const points = [p(0, 0.4), p(1000, 0.6), p(2000, 80, 5, 85), p(3000, 80, 0), p(10_000, 0.5)];
    const s = seriesStats(points, 1000, T);
    expect(s).toEqual({ points: 5, minMs: 0.4, meanMs: 32.3, maxMs: 85, lossMaxPct: 5, badMs: 2000, gaps: 1 });
    expect(summaryText('pve1–pve2 link 0', 'hour', 1000, s, T)).toBe(
      'pve1–pve2 link 0, the last hour (1 s steps, 5 points): latency 0.4 ms at least, 32 ms on average, 85 ms at most; above the bad mark (10 ms) for 2.0 s. Loss up to 5 %. 1 gap without data.',
    );
  });

  it('a calm week; no data; no figures', () => {
    const calm = seriesStats([p(0, 0.3), p(60_000, 0.5)], 60_000, T);
    expect(summaryText('pve1–pve3 link 1', 'week', 60_000, calm, T)).toBe(
      'pve1–pve3 link 1, the last week (1 min steps, 2 points): latency 0.3 ms at least, 0.4 ms on average, 0.5 ms at most; never above the bad mark (10 ms). No loss.',
    );
    expect(summaryText('pve1–pve3 link 1', 'hour', 1000, seriesStats([], 1000, T), T)).toBe('pve1–pve3 link 1: no data in the last hour.');
    expect(summaryText('x', 'hour', 1000, seriesStats([p(0, null, null)], 1000, T), T)).toBe('x, the last hour (1 s steps, 1 point): no latency reported. Loss not reported.');
  });
});
