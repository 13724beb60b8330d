// Links: one node × node matrix per link number. Each cell says connected/down in a symbol + word,
// coloured by the cluster's thresholds (green at or under the warn mark, amber above it, orange above the
// bad mark or the loss limit) and marked ▲ degraded while a link-degraded event is open for the pair; the
// title has the numbers. A click on a cell opens the pair's trend chart. Scrolls sideways on small screens.
import type { ClusterSnapshot, LinkObservation } from '@quorate/model';
import { DEFAULT_LINK_THRESHOLDS, type LinkThresholds } from '../api/links';
import { linkIndex, linkKey, linkNumbers } from '../lib/cluster';
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

export function LinkMatrix({ s, stale, thresholds = DEFAULT_LINK_THRESHOLDS, degraded = NONE, onOpenPair }: LinkMatrixProps) {
  const links = linkNumbers(s);
  const index = linkIndex(s.links);
  const nodes = s.nodes;
  return (
    <section aria-labelledby="links-title" className={`panel ${stale ? 'grayscale' : ''}`} data-testid="link-matrix">
      <h2 id="links-title" className="panel-title">
        Links <span className="text-sm font-normal text-slate-500">(rows: the reporting node · columns: its peer)</span>
        {stale && <StaleTag />}
      </h2>
      {links.length === 0 && <p className="text-sm">No links reported by this source.</p>}
      <div className="flex flex-wrap gap-4">
        {links.map((l) => (
          <div key={l} className="min-w-0 max-w-full">
            <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`link${l} matrix, scrolls sideways`}>
              <table className="border-separate border-spacing-0.5 text-xs" data-testid={`link-matrix-${l}`}>
                <caption className="pb-1 text-left text-sm font-semibold">link{l}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="px-1 text-left font-normal text-slate-500">
                      <span className="sr-only">from \ to</span>
                    </th>
                    {nodes.map((n) => (
                      <th key={n.id} scope="col" className="px-1.5 font-semibold">
                        {n.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {nodes.map((from) => (
                    <tr key={from.id}>
                      <th scope="row" className="pr-1.5 text-right font-semibold">
                        {from.name}
                      </th>
                      {nodes.map((to) => {
                        if (from.id === to.id)
                          return (
                            <td key={to.id} className="px-1.5 py-1 text-center text-slate-400" aria-label="same node">
                              —
                            </td>
                          );
                        const o = index.get(linkKey(from.id, to.id, l));
                        const look = cellLook(o, stale, thresholds, degraded.has(pairLinkId(from.id, to.id, l)));
                        const content = (
                          <>
                            {look.text}
                            <span className="sr-only"> {look.word}</span>
                          </>
                        );
                        return (
                          <td
                            key={to.id}
                            className={`min-w-16 whitespace-nowrap rounded text-center tabular-nums ${look.cls} ${onOpenPair ? '' : 'px-1.5 py-1'}`}
                            title={tooltip(from.name, to.name, l, o, look.word)}
                            data-testid={`link-cell-${l}-${from.name}-${to.name}`}
                            data-link-state={look.state}
                          >
                            {onOpenPair ? (
                              <button
                                type="button"
                                className="w-full cursor-pointer rounded px-1.5 py-1 hover:underline"
                                aria-haspopup="dialog"
                                onClick={() => onOpenPair(from.id, to.id, l)}
                              >
                                {content}
                                <span className="sr-only"> — chart of {from.name}–{to.name} link{l}</span>
                              </button>
                            ) : (
                              content
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
      </div>
      <p className="mt-2 text-xs text-slate-500">
        ✓ connected with average latency · ▲ degraded (a link-degraded event is open) · ✕ down · off = disabled · ? = no report. Green up to{' '}
        {formatMs(thresholds.warnLatencyMs)}, amber above it, orange above {formatMs(thresholds.badLatencyMs)} or {thresholds.lossPct} % loss (this cluster's
        thresholds). Hover a cell for max latency, loss and down count{onOpenPair ? '; click it for its latency and loss over time' : ''}.
      </p>
    </section>
  );
}
