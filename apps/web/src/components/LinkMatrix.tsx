// Links: one node × node matrix per link number. Each cell says connected/down in a symbol + word,
// coloured by the cluster's thresholds (green at or under the warn mark, amber above it, orange above the
// bad mark or the loss limit) and marked ▲ degraded while a link-degraded event is open for the pair; the
// title has the numbers. A click on a cell opens the pair's trend chart. Scrolls sideways on small screens
// (inside its own box: `relative`, so the screen-reader words cannot escape it and widen the page).
// From 9 nodes on it is a heatmap: one link at a time (a selector), cells coloured with only a symbol
// showing (the figures are in the words, the title and the chart a tap opens), and a 'problems only' view
// listing the pairs that are not green with their figures in plain text. Cells are memoized by what they
// show: a patch that changes one latency re-renders one cell, not the matrix.
import { memo, useState } from 'react';
import type { ClusterSnapshot, LinkObservation } from '@quorate/model';
import { Field } from './form/Field';
import { DEFAULT_LINK_THRESHOLDS, type LinkThresholds } from '../api/links';
import { linkNumbers } from '../lib/cluster';
import { formatMs } from '../lib/format';
import { linkLevel, pairLinkId } from '../lib/link-health';
import { StaleTag } from './StaleTag';

interface Look {
  text: string;
  cls: string;
  word: string;
  state: 'none' | 'off' | 'down' | 'stale' | 'degraded' | 'bad' | 'slow' | 'good';
}

function cellLook(o: LinkObservation | undefined, stale: boolean, t: LinkThresholds, degraded: boolean): Look {
  if (!o) return { text: '?', word: 'no data', cls: 'text-slate-500', state: 'none' };
  if (!o.enabled) return { text: 'off', word: 'disabled', cls: 'text-slate-500 bg-slate-100 dark:bg-slate-800', state: 'off' };
  if (!o.connected) return { text: '✕ down', word: 'disconnected', cls: stale ? 'text-slate-500' : 'bg-red-100 text-red-900 font-semibold dark:bg-red-950 dark:text-red-200', state: 'down' };
  const lat = o.latencyAvgMs;
  const figure = lat === null ? 'up' : formatMs(lat);
  if (stale) return { text: `✓ ${figure}`, word: 'connected (last known)', cls: 'text-slate-500', state: 'stale' };
  if (degraded)
    return {
      text: `▲ ${figure}`,
      word: 'connected, degraded',
      cls: 'bg-amber-200 text-amber-950 font-semibold ring-2 ring-inset ring-amber-600 dark:bg-amber-900 dark:text-amber-50 dark:ring-amber-400',
      state: 'degraded',
    };
  const level = linkLevel(lat, o.lossPct, t);
  if (level === 'bad') return { text: `✓ ${figure}`, word: 'connected, above the bad mark', cls: 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-200', state: 'bad' };
  if (level === 'slow') return { text: `✓ ${figure}`, word: 'connected, slow', cls: 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200', state: 'slow' };
  return { text: `✓ ${figure}`, word: 'connected', cls: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200', state: 'good' };
}

function tooltip(from: string, to: string, link: number, o: LinkObservation | undefined, word: string): string {
  if (!o) return `${from} → ${to} link${link}: no data`;
  return [
    `${from} → ${to} link${link}: ${word}`,
    `latency avg ${formatMs(o.latencyAvgMs)} / max ${formatMs(o.latencyMaxMs)}`,
    `loss ${o.lossPct === null ? '?' : `${o.lossPct} %`}`,
    `down ${o.downCount}×`,
  ].join('\n');
}

export interface LinkMatrixProps {
  s: ClusterSnapshot;
  stale: boolean;
  /** the cluster's link thresholds (the defaults until they are known) */
  thresholds?: LinkThresholds;
  /** pairs and links with a link-degraded open (lib/link-health.ts pairLinkId) */
  degraded?: ReadonlySet<string>;
  /** a click on a pair's cell: its trend chart (absent: cells are not buttons, e.g. a `?sample=` page) */
  onOpenPair?: (a: number, b: number, link: number) => void;
}

const NONE: ReadonlySet<string> = new Set();
/** from this many nodes on, the heatmap */
export const HEATMAP_FROM_NODES = 9;
const PROBLEM_STATES: ReadonlySet<Look['state']> = new Set(['down', 'degraded', 'bad', 'slow', 'none']);
const SYMBOL: Record<Look['state'], string> = { none: '?', off: '–', down: '✕', stale: '✓', degraded: '▲', bad: '✓', slow: '✓', good: '✓' };

interface CellProps {
  from: number;
  to: number;
  link: number;
  text: string;
  word: string;
  cls: string;
  state: Look['state'];
  title: string;
  testId: string;
  chartName: string;
  heat: boolean;
  onOpenPair: LinkMatrixProps['onOpenPair'];
}

/** one pair's cell; re-rendered only when what it shows changes */
const Cell = memo(function Cell({ from, to, link, text, word, cls, state, title, testId, chartName, heat, onOpenPair }: CellProps) {
  const content = heat ? (
    <>
      <span aria-hidden="true">{SYMBOL[state]}</span>
      <span className="sr-only">{text ? `${text} ${word}` : word}</span>
    </>
  ) : (
    <>
      {text}
      <span className="sr-only"> {word}</span>
    </>
  );
  const size = heat ? 'size-6 max-sm:size-11 p-0' : 'px-1.5 py-1';
  return (
    <td
      className={`relative whitespace-nowrap rounded text-center tabular-nums ${heat ? 'min-w-6 max-sm:min-w-11' : 'min-w-16'} ${cls} ${onOpenPair ? '' : size}`}
      title={title}
      data-testid={testId}
      data-link-state={state}
    >
      {onOpenPair ? (
        <button type="button" className={`w-full cursor-pointer rounded hover:underline ${size}`} aria-haspopup="dialog" onClick={() => onOpenPair(from, to, link)}>
          {content}
          <span className="sr-only"> — chart of {chartName}</span>
        </button>
      ) : (
        content
      )}
    </td>
  );
});

interface Pair {
  from: ClusterSnapshot['nodes'][number];
  to: ClusterSnapshot['nodes'][number];
  link: number;
  o: LinkObservation | undefined;
  look: Look;
}

export function LinkMatrix({ s, stale, thresholds = DEFAULT_LINK_THRESHOLDS, degraded = NONE, onOpenPair }: LinkMatrixProps) {
  const links = linkNumbers(s);
  const nodes = s.nodes;
  const heat = nodes.length >= HEATMAP_FROM_NODES;
  // 'all' links side by side for small clusters; one at a time for large ones
  const [chosen, setChosen] = useState<'all' | number | null>(null);
  const [problemsOnly, setProblemsOnly] = useState(false);
  const view = chosen !== null && (chosen === 'all' || links.includes(chosen)) ? chosen : heat ? (links[0] ?? 'all') : 'all';
  const shown = view === 'all' ? links : [view];
  // the shown links' reports in an n × n grid each: one pass over the reports, no map (a 32-node × 8-link
  // snapshot has 7,936 of them, and a patch comes every 100 ms)
  const at = new Map(nodes.map((node, i) => [node.id, i]));
  const grid = new Map(shown.map((l) => [l, new Array<LinkObservation | undefined>(nodes.length * nodes.length)]));
  for (const o of s.links) {
    const cells = grid.get(o.link);
    const i = at.get(o.from);
    const j = at.get(o.to);
    if (cells && i !== undefined && j !== undefined) cells[i * nodes.length + j] = o;
  }
  const pairs = (l: number): Pair[][] =>
    nodes.map((from, i) =>
      nodes.map((to, j) => {
        const o = grid.get(l)?.[i * nodes.length + j];
        return { from, to, link: l, o, look: cellLook(o, stale, thresholds, degraded.has(pairLinkId(from.id, to.id, l))) };
      }),
    );
  const grids = shown.map((l) => [l, pairs(l)] as const);
  const problems = problemsOnly ? grids.flatMap(([, rows]) => rows.flat().filter((p) => p.from.id !== p.to.id && PROBLEM_STATES.has(p.look.state))) : [];
  return (
    <section aria-labelledby="links-title" className={`panel min-w-0 ${stale ? 'grayscale' : ''}`} data-testid="link-matrix">
      <h2 id="links-title" className="panel-title">
        Links <span className="text-sm font-normal text-slate-500">(rows: the reporting node · columns: its peer)</span>
        {stale && <StaleTag />}
      </h2>
      {links.length === 0 && <p className="text-sm">No links reported by this source.</p>}
      {(links.length > 1 || heat) && (
        <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
          {links.length > 1 && (
            <Field label="Show" layout="inline">
              <select
                className="field max-sm:min-h-11"
                value={String(view)}
                onChange={(e) => setChosen(e.target.value === 'all' ? 'all' : Number(e.target.value))}
                data-testid="link-select"
              >
                <option value="all">all links</option>
                {links.map((l) => (
                  <option key={l} value={l}>
                    link{l}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="problems only" layout="check" className="items-center max-sm:min-h-11">
            <input type="checkbox" className="max-sm:size-5" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} data-testid="link-problems-only" />
          </Field>
        </div>
      )}
      {problemsOnly ? (
        problems.length === 0 ? (
          <p className="text-sm" data-testid="link-problems">
            No problems on {view === 'all' ? 'any link' : `link${view}`}: every pair is connected and green.
          </p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="link-problems">
            {problems.map((p) => {
              const line = (
                <>
                  <strong>
                    {p.from.name} → {p.to.name}
                  </strong>{' '}
                  link{p.link}: <span className={`rounded px-1 ${p.look.cls}`}>{p.look.text}</span> {p.look.word}
                  {p.o && p.o.enabled && (
                    <span className="text-slate-600 dark:text-slate-400">
                      {' '}
                      · max {formatMs(p.o.latencyMaxMs)} · loss {p.o.lossPct === null ? '?' : `${p.o.lossPct} %`} · down {p.o.downCount}×
                    </span>
                  )}
                </>
              );
              return (
                <li key={`${p.link}-${p.from.id}-${p.to.id}`} data-testid="link-problem">
                  {onOpenPair ? (
                    <button type="button" className="text-left hover:underline max-sm:min-h-11" aria-haspopup="dialog" onClick={() => onOpenPair(p.from.id, p.to.id, p.link)}>
                      {line}
                    </button>
                  ) : (
                    line
                  )}
                </li>
              );
            })}
          </ul>
        )
      ) : (
        <div className="flex flex-wrap gap-4">
          {grids.map(([l, rows]) => (
            <div key={l} className="min-w-0 max-w-full">
              <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label={`link${l} matrix, scrolls sideways`}>
                <table className="border-separate border-spacing-0.5 text-xs" data-testid={`link-matrix-${l}`}>
                  <caption className="pb-1 text-left text-sm font-semibold">link{l}</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="relative px-1 text-left font-normal text-slate-500">
                        <span className="sr-only">from \ to</span>
                      </th>
                      {nodes.map((n) => (
                        <th key={n.id} scope="col" className={heat ? 'px-0 align-bottom font-semibold [writing-mode:vertical-rl] rotate-180' : 'px-1.5 font-semibold'}>
                          {n.name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row, i) => {
                      const from = nodes[i];
                      if (!from) return null;
                      return (
                        <tr key={from.id}>
                          <th scope="row" className="whitespace-nowrap pr-1.5 text-right font-semibold">
                            {from.name}
                          </th>
                          {row.map((p) =>
                            p.from.id === p.to.id ? (
                              <td key={p.to.id} className={`text-center text-slate-400 ${heat ? '' : 'px-1.5 py-1'}`} aria-label="same node">
                                —
                              </td>
                            ) : (
                              <Cell
                                key={p.to.id}
                                from={p.from.id}
                                to={p.to.id}
                                link={l}
                                // heatmap: the state only (figures are a tap away in the chart, and the problem list has
                                // them), so a cell re-renders when its state changes, not with every latency tick
                                text={heat ? '' : p.look.text}
                                word={p.look.word}
                                cls={p.look.cls}
                                state={p.look.state}
                                title={heat ? `${p.from.name} → ${p.to.name} link${l}: ${p.look.word}` : tooltip(p.from.name, p.to.name, l, p.o, p.look.word)}
                                testId={`link-cell-${l}-${p.from.name}-${p.to.name}`}
                                chartName={`${p.from.name}–${p.to.name} link${l}`}
                                heat={heat}
                                onOpenPair={onOpenPair}
                              />
                            ),
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </div>
          ))}
        </div>
      )}
      <p className="mt-2 text-xs text-slate-500">
        ✓ connected with average latency · ▲ degraded (a link-degraded event is open) · ✕ down · off{heat ? ' (–)' : ''} = disabled · ? = no report. Green up to{' '}
        {formatMs(thresholds.warnLatencyMs)}, amber above it, orange above {formatMs(thresholds.badLatencyMs)} or {thresholds.lossPct} % loss (this cluster's
        thresholds). {onOpenPair ? 'Tap a cell for its latency and loss over time' : 'A cell\'s title has max latency, loss and down count'}
        {heat ? '; "problems only" lists the pairs that are not green with their figures.' : '; hover it for max latency, loss and down count.'}
      </p>
    </section>
  );
}
