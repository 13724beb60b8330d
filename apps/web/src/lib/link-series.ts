// A link's series for the chart: columns with a null row where the data has a gap (so the line breaks
// there), and the figures in words for those who cannot see the canvas. Pure.
import type { LinkSeriesPoint, LinkSeriesRange, LinkThresholds } from '../api/links';
import { formatDuration, formatMs, plural } from './format';

/** a step wider than this many resolutions is a gap (the ring's seconds may jitter a little) */
const GAP_FACTOR = 1.5;

export interface Columns {
  /** ms since the epoch */
  t: number[];
  avg: (number | null)[];
  max: (number | null)[];
  loss: (number | null)[];
  gaps: number;
}

/** the points as columns, oldest first, with one all-null row inside each gap */
export function toColumns(points: readonly LinkSeriesPoint[], resolutionMs: number): Columns {
  const c: Columns = { t: [], avg: [], max: [], loss: [], gaps: 0 };
  let prev: number | null = null;
  for (const p of points) {
    if (prev !== null && p.t - prev > resolutionMs * GAP_FACTOR) {
      c.t.push(prev + resolutionMs);
      c.avg.push(null);
      c.max.push(null);
      c.loss.push(null);
      c.gaps++;
    }
    c.t.push(p.t);
    c.avg.push(p.avgMs);
    c.max.push(p.maxMs);
    c.loss.push(p.lossMaxPct ?? p.lossPct);
    prev = p.t;
  }
  return c;
}

export interface SeriesStats {
  points: number;
  /** lowest average latency */
  minMs: number | null;
  /** mean of the averages */
  meanMs: number | null;
  /** highest maximum latency */
  maxMs: number | null;
  /** highest loss */
  lossMaxPct: number | null;
  /** how long the average was above the bad mark (points × resolution) */
  badMs: number;
  gaps: number;
}

export function seriesStats(points: readonly LinkSeriesPoint[], resolutionMs: number, t: LinkThresholds): SeriesStats {
  let minMs: number | null = null;
  let maxMs: number | null = null;
  let lossMaxPct: number | null = null;
  let sum = 0;
  let n = 0;
  let bad = 0;
  for (const p of points) {
    if (p.avgMs !== null) {
      minMs = minMs === null ? p.avgMs : Math.min(minMs, p.avgMs);
      sum += p.avgMs;
      n++;
      if (p.avgMs > t.badLatencyMs) bad++;
    }
    const top = p.maxMs ?? p.avgMs;
    if (top !== null) maxMs = maxMs === null ? top : Math.max(maxMs, top);
    const loss = p.lossMaxPct ?? p.lossPct;
    if (loss !== null) lossMaxPct = lossMaxPct === null ? loss : Math.max(lossMaxPct, loss);
  }
  return { points: points.length, minMs, meanMs: n ? sum / n : null, maxMs, lossMaxPct, badMs: bad * resolutionMs, gaps: toColumns(points, resolutionMs).gaps };
}

export const RANGE_WORDS: Record<LinkSeriesRange, string> = { hour: 'the last hour', week: 'the last week' };

const pct = (v: number) => `${Math.round(v * 10) / 10} %`;

/** the chart in words: "pve1–pve2 link 0, the last hour (1 s steps, 612 points): latency 0.2 ms at least, …" */
export function summaryText(label: string, range: LinkSeriesRange, resolutionMs: number, s: SeriesStats, t: LinkThresholds): string {
  const when = RANGE_WORDS[range];
  if (s.points === 0) return `${label}: no data in ${when}.`;
  const step = resolutionMs >= 60_000 ? `${resolutionMs / 60_000} min steps` : `${resolutionMs / 1000} s steps`;
  const parts = [`${label}, ${when} (${step}, ${plural(s.points, 'point')}):`];
  if (s.meanMs === null) parts.push('no latency reported.');
  else {
    const above =
      s.badMs > 0 ? `above the bad mark (${formatMs(t.badLatencyMs)}) for ${formatDuration(s.badMs)}` : `never above the bad mark (${formatMs(t.badLatencyMs)})`;
    parts.push(`latency ${formatMs(s.minMs)} at least, ${formatMs(s.meanMs)} on average, ${formatMs(s.maxMs)} at most; ${above}.`);
  }
  parts.push(s.lossMaxPct === null ? 'Loss not reported.' : s.lossMaxPct > 0 ? `Loss up to ${pct(s.lossMaxPct)}.` : 'No loss.');
  if (s.gaps > 0) parts.push(`${plural(s.gaps, 'gap')} without data.`);
  return parts.join(' ');
}
