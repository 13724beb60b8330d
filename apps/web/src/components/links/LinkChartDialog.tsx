// Link trends (issue 10 §3), a click away from the matrix or a node: one pair's link over the last hour
// (1 s) or week (1 min) — average and maximum latency, loss, the cluster's warn and bad marks as dashed
// lines — or every link of one node over the last hour. Its own chunk with uPlot and its CSS. The canvas
// is not readable, so the figures are also said in words (min/average/max, time above the bad mark, loss,
// gaps) and, behind "Show data", as a table.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { errorText } from '../../api/http';
import { queryKeys } from '../../api/keys';
import { fetchLinkSeries, fetchNodeLinkSeries, type LinkSeries, type LinkSeriesPage, type LinkSeriesRange, type LinkThresholds } from '../../api/links';
import { formatDateTime, formatMs } from '../../lib/format';
import { seriesStats, summaryText, toColumns, type SeriesStats } from '../../lib/link-series';
import { LinkChart, type ChartLine } from './LinkChart';

export type ChartTarget = { kind: 'pair'; a: number; b: number; link: number } | { kind: 'node'; node: string };

interface Props {
  clusterId: string;
  target: ChartTarget;
  thresholds: LinkThresholds;
  /** a node's name by id, for the title before the data is there */
  nameOf: (id: number) => string;
  onClose: () => void;
}

/** the table shows at most this many rows (the newest): the chart and the summary cover the rest */
export const TABLE_ROWS = 600;

const COLORS = {
  avg: ['#0369a1', '#7dd3fc'],
  max: ['#7c3aed', '#c4b5fd'],
  loss: ['#be123c', '#fb7185'],
  warn: ['#b45309', '#fbbf24'],
  bad: ['#b91c1c', '#f87171'],
} as const;
/** one colour per link of a node (light, dark), repeated beyond ten */
const PALETTE: readonly (readonly [string, string])[] = [
  ['#0369a1', '#7dd3fc'],
  ['#15803d', '#86efac'],
  ['#7c3aed', '#c4b5fd'],
  ['#c2410c', '#fdba74'],
  ['#be185d', '#f9a8d4'],
  ['#0f766e', '#5eead4'],
  ['#4d7c0f', '#bef264'],
  ['#1d4ed8', '#93c5fd'],
  ['#a16207', '#fde047'],
  ['#6d28d9', '#ddd6fe'],
];

const pairLabel = (aName: string, bName: string, link: number) => `${aName}–${bName} link ${link}`;
const pct = (v: number | null) => (v === null ? '?' : `${Math.round(v * 10) / 10} %`);
const refetchMs = (range: LinkSeriesRange) => (range === 'hour' ? 5_000 : 60_000);

function thresholdLines(t: readonly number[], th: LinkThresholds): ChartLine[] {
  return [
    { label: `warn (${formatMs(th.warnLatencyMs)})`, values: t.map(() => th.warnLatencyMs), scale: 'ms', color: COLORS.warn, width: 1, dash: [6, 4] },
    { label: `bad (${formatMs(th.badLatencyMs)})`, values: t.map(() => th.badLatencyMs), scale: 'ms', color: COLORS.bad, width: 1, dash: [2, 3] },
  ];
}

function RangeToggle({ range, onChange }: { range: LinkSeriesRange; onChange: (r: LinkSeriesRange) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex gap-1">
      {(['hour', 'week'] as const).map((r) => (
        <button key={r} type="button" className={`btn ${range === r ? 'bg-sky-100 dark:bg-sky-900' : ''}`} aria-pressed={range === r} onClick={() => onChange(r)} data-testid={`link-chart-range-${r}`}>
          {r === 'hour' ? 'Last hour' : 'Last week'}
        </button>
      ))}
    </div>
  );
}

function DataToggle({ shown, onToggle, controls }: { shown: boolean; onToggle: () => void; controls: string }) {
  return (
    <button type="button" className="btn" aria-expanded={shown} aria-controls={controls} onClick={onToggle} data-testid="link-chart-show-data">
      {shown ? 'Hide data' : 'Show data'}
    </button>
  );
}

/** one pair's points, newest first, as a table */
export function PointsTable({ page, id }: { page: LinkSeriesPage; id: string }) {
  const rows = page.points.slice(-TABLE_ROWS).reverse();
  const label = pairLabel(page.aName, page.bName, page.link);
  return (
    <div id={id} className="max-h-80 overflow-auto" tabIndex={0} role="region" aria-label={`data of ${label}`}>
      <table className="data-table tabular-nums" data-testid="link-chart-table">
        <caption className="pb-1 text-left text-xs text-slate-600 dark:text-slate-400">
          {label}, newest first{page.points.length > rows.length ? ` (the newest ${rows.length} of ${page.points.length} points)` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Latency avg</th>
            <th scope="col">Latency max</th>
            <th scope="col">Loss</th>
            <th scope="col">Loss max</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.t}>
              <td className="whitespace-nowrap">{formatDateTime(p.t)}</td>
              <td>{formatMs(p.avgMs)}</td>
              <td>{formatMs(p.maxMs)}</td>
              <td>{pct(p.lossPct)}</td>
              <td>{pct(p.lossMaxPct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PairView({ clusterId, a, b, link, thresholds, nameOf, onBack }: { clusterId: string; a: number; b: number; link: number; thresholds: LinkThresholds; nameOf: (id: number) => string; onBack?: () => void }) {
  const [range, setRange] = useState<LinkSeriesRange>('hour');
  const [showData, setShowData] = useState(false);
  const summaryId = useId();
  const tableId = useId();
  const q = useQuery({
    queryKey: queryKeys.linkSeries(clusterId, Math.min(a, b), Math.max(a, b), link, range),
    queryFn: () => fetchLinkSeries(clusterId, a, b, link, range),
    refetchInterval: refetchMs(range),
    placeholderData: keepPreviousData,
  });
  const page = q.data && q.data.range === range ? q.data : undefined;
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const label = pairLabel(page?.aName ?? nameOf(lo), page?.bName ?? nameOf(hi), link);
  const columns = useMemo(() => (page ? toColumns(page.points, page.resolutionMs) : null), [page]);
  const stats: SeriesStats | null = useMemo(() => (page ? seriesStats(page.points, page.resolutionMs, thresholds) : null), [page, thresholds]);
  const lines = useMemo<ChartLine[]>(() => {
    if (!columns) return [];
    return [
      { label: 'latency avg', values: columns.avg, scale: 'ms', color: COLORS.avg, width: 2 },
      { label: 'latency max', values: columns.max, scale: 'ms', color: COLORS.max, width: 1 },
      { label: 'loss', values: columns.loss, scale: '%', color: COLORS.loss, width: 1.5 },
      ...thresholdLines(columns.t, thresholds),
    ];
  }, [columns, thresholds]);

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-base font-semibold" data-testid="link-chart-title">
          {label}
        </h3>
        <div className="flex flex-wrap gap-2">
          {onBack && (
            <button type="button" className="btn" onClick={onBack} data-testid="link-chart-back">
              ← All links of the node
            </button>
          )}
          <RangeToggle range={range} onChange={setRange} />
        </div>
      </div>
      {q.error && !page && <p className="text-sm text-red-800 dark:text-red-300">Could not load the series: {errorText(q.error)}</p>}
      {!page && !q.error && <p className="text-sm">Loading…</p>}
      {page && stats && columns && (
        <figure
          className="m-0"
          data-testid="link-chart"
          data-range={range}
          data-points={stats.points}
          data-max-ms={stats.maxMs ?? ''}
          data-loss-max-pct={stats.lossMaxPct ?? ''}
          data-gaps={stats.gaps}
          aria-describedby={summaryId}
        >
          {stats.points > 0 ? (
            <div aria-hidden="true">
              <LinkChart t={columns.t} lines={lines} testId="link-chart-canvas" />
            </div>
          ) : null}
          <figcaption id={summaryId} className="mt-1 text-sm" data-testid="link-chart-summary">
            {summaryText(label, range, page.resolutionMs, stats, thresholds)}
          </figcaption>
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            Dashed lines: this cluster's warn mark ({formatMs(thresholds.warnLatencyMs)}) and bad mark ({formatMs(thresholds.badLatencyMs)}); a break in a line is a
            time without data. Drag across the chart to zoom, double-click to zoom out.
          </p>
        </figure>
      )}
      {page && page.points.length > 0 && (
        <div className="flex flex-col gap-2">
          <div>
            <DataToggle shown={showData} onToggle={() => setShowData((x) => !x)} controls={tableId} />
          </div>
          {showData && <PointsTable page={page} id={tableId} />}
        </div>
      )}
    </div>
  );
}

interface NodeRow {
  s: LinkSeries;
  label: string;
  stats: SeriesStats;
}

function NodeView({ clusterId, node, thresholds, onPick }: { clusterId: string; node: string; thresholds: LinkThresholds; onPick: (s: LinkSeries) => void }) {
  const [showData, setShowData] = useState(false);
  const summaryId = useId();
  const tableId = useId();
  const q = useQuery({ queryKey: queryKeys.nodeLinkSeries(clusterId, node), queryFn: () => fetchNodeLinkSeries(clusterId, node), refetchInterval: refetchMs('hour') });
  const page = q.data;
  const rows = useMemo<NodeRow[]>(
    () => (page ? page.series.map((s) => ({ s, label: pairLabel(s.aName, s.bName, s.link), stats: seriesStats(s.points, page.resolutionMs, thresholds) })) : []),
    [page, thresholds],
  );
  // one time axis for all the node's links: every step any of them has, each line null where it has none
  const chart = useMemo(() => {
    if (!page) return null;
    const times = [...new Set(page.series.flatMap((s) => toColumns(s.points, page.resolutionMs).t))].sort((x, y) => x - y);
    const lines: ChartLine[] = page.series.map((s, i) => {
      const c = toColumns(s.points, page.resolutionMs);
      const at = new Map(c.t.map((t, k) => [t, c.avg[k] ?? null]));
      return { label: pairLabel(s.aName, s.bName, s.link), values: times.map((t) => at.get(t) ?? null), scale: 'ms', color: PALETTE[i % PALETTE.length]!, width: 1.5 };
    });
    return { t: times, lines: [...lines, ...thresholdLines(times, thresholds)] };
  }, [page, thresholds]);
  const worst = rows.reduce<NodeRow | null>((w, r) => (r.stats.maxMs !== null && (w === null || (w.stats.maxMs ?? -1) < r.stats.maxMs) ? r : w), null);
  const points = rows.reduce((n, r) => n + r.stats.points, 0);
  const summary = !page
    ? ''
    : rows.length === 0
      ? `${node}: no link data in the last hour.`
      : `${node}'s links, the last hour (${page.resolutionMs / 1000} s steps): ${rows.length} ${rows.length === 1 ? 'pair and link' : 'pairs and links'}` +
        (worst ? `; the highest latency ${formatMs(worst.stats.maxMs)} on ${worst.label}` : '') +
        `; ${rows.filter((r) => r.stats.badMs > 0).length} above the bad mark (${formatMs(thresholds.badLatencyMs)}) at some time. Each is listed below with its figures.`;

  return (
    <div className="flex flex-col gap-2">
      <h3 className="text-base font-semibold" data-testid="link-chart-title">
        Links of {node} <span className="font-normal text-slate-600 dark:text-slate-400">(average latency, last hour)</span>
      </h3>
      {q.error && !page && <p className="text-sm text-red-800 dark:text-red-300">Could not load the series: {errorText(q.error)}</p>}
      {!page && !q.error && <p className="text-sm">Loading…</p>}
      {page && chart && (
        <figure className="m-0" data-testid="link-chart" data-range="hour" data-points={points} data-series={rows.length} aria-describedby={summaryId}>
          {points > 0 && (
            <div aria-hidden="true">
              <LinkChart t={chart.t} lines={chart.lines} testId="link-chart-canvas" />
            </div>
          )}
          <figcaption id={summaryId} className="mt-1 text-sm" data-testid="link-chart-summary">
            {summary}
          </figcaption>
        </figure>
      )}
      {rows.length > 0 && (
        <>
          <ul className="flex flex-col gap-1 text-sm" aria-label={`links of ${node}`}>
            {rows.map((r) => (
              <li key={r.label}>
                <button type="button" className="text-left text-sky-700 underline underline-offset-2 dark:text-sky-300" onClick={() => onPick(r.s)} data-testid="link-chart-pick">
                  {r.label}
                </button>{' '}
                <span className="tabular-nums text-slate-700 dark:text-slate-300">
                  {r.stats.points === 0
                    ? 'no data'
                    : `${formatMs(r.stats.minMs)}–${formatMs(r.stats.maxMs)}, average ${formatMs(r.stats.meanMs)}, loss up to ${pct(r.stats.lossMaxPct)}`}
                </span>
              </li>
            ))}
          </ul>
          <div>
            <DataToggle shown={showData} onToggle={() => setShowData((x) => !x)} controls={tableId} />
          </div>
          {showData && (
            <div id={tableId} className="overflow-x-auto">
              <table className="data-table tabular-nums" data-testid="link-chart-table">
                <caption className="pb-1 text-left text-xs text-slate-600 dark:text-slate-400">Links of {node}, the last hour</caption>
                <thead>
                  <tr>
                    <th scope="col">Pair and link</th>
                    <th scope="col">Points</th>
                    <th scope="col">Latency min</th>
                    <th scope="col">Average</th>
                    <th scope="col">Max</th>
                    <th scope="col">Above bad</th>
                    <th scope="col">Loss max</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.label}>
                      <th scope="row" className="whitespace-nowrap font-normal">
                        {r.label}
                      </th>
                      <td>{r.stats.points}</td>
                      <td>{formatMs(r.stats.minMs)}</td>
                      <td>{formatMs(r.stats.meanMs)}</td>
                      <td>{formatMs(r.stats.maxMs)}</td>
                      <td>{Math.round(r.stats.badMs / 1000)} s</td>
                      <td>{pct(r.stats.lossMaxPct)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

export default function LinkChartDialog({ clusterId, target, thresholds, nameOf, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // a node's view can open one of its links; "back" returns to the node
  const [pair, setPair] = useState<{ a: number; b: number; link: number } | null>(target.kind === 'pair' ? target : null);

  // modal: focus kept inside, Escape closes (as ExpectedVotesDialog). No close() on cleanup: removing the
  // element closes it, and a close event from StrictMode's double effect would unmount the dialog at once.
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      data-testid="link-chart-dialog"
      className="m-auto w-[min(60rem,calc(100vw-1.5rem))] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex max-h-[90vh] flex-col">
        <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id={titleId} className="text-xl font-bold">
            Link latency and loss
          </h2>
          <button type="button" className="btn" onClick={() => ref.current?.close()} data-testid="link-chart-close">
            Close
          </button>
        </div>
        <div className="overflow-y-auto px-4 py-3">
          {pair ? (
            <PairView
              key={`${pair.a}:${pair.b}:${pair.link}`}
              clusterId={clusterId}
              {...pair}
              thresholds={thresholds}
              nameOf={nameOf}
              onBack={target.kind === 'node' ? () => setPair(null) : undefined}
            />
          ) : (
            target.kind === 'node' && <NodeView clusterId={clusterId} node={target.node} thresholds={thresholds} onPick={(s) => setPair({ a: s.a, b: s.b, link: s.link })} />
          )}
        </div>
      </div>
    </dialog>
  );
}
