// Links: one node × node matrix per link number. Each cell says connected/down in a symbol + word,
// coloured by latency; the title has the numbers. Scrolls sideways on small screens.
import type { ClusterSnapshot, LinkObservation } from '@quorate/model';
import { linkIndex, linkKey, linkNumbers } from '../lib/cluster';
import { formatMs } from '../lib/format';
import { StaleTag } from './StaleTag';

function cellLook(o: LinkObservation | undefined, stale: boolean): { text: string; cls: string; word: string } {
  if (!o) return { text: '?', word: 'no data', cls: 'text-slate-400' };
  if (!o.enabled) return { text: 'off', word: 'disabled', cls: 'text-slate-500 bg-slate-100 dark:bg-slate-800' };
  if (!o.connected) return { text: '✕ down', word: 'disconnected', cls: stale ? 'text-slate-500' : 'bg-red-100 text-red-900 font-semibold dark:bg-red-950 dark:text-red-200' };
  const lat = o.latencyAvgMs;
  const lossy = (o.lossPct ?? 0) > 0;
  const text = `✓ ${lat === null ? 'up' : formatMs(lat)}`;
  if (stale) return { text, word: 'connected (last known)', cls: 'text-slate-500' };
  if (lossy || (lat !== null && lat >= 50)) return { text, word: 'connected, degraded', cls: 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-200' };
  if (lat !== null && lat >= 5) return { text, word: 'connected, slow', cls: 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200' };
  return { text, word: 'connected', cls: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200' };
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

export function LinkMatrix({ s, stale }: { s: ClusterSnapshot; stale: boolean }) {
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
                        const look = cellLook(o, stale);
                        return (
                          <td
                            key={to.id}
                            className={`min-w-16 whitespace-nowrap rounded px-1.5 py-1 text-center tabular-nums ${look.cls}`}
                            title={tooltip(from.name, to.name, l, o, look.word)}
                          >
                            {look.text}
                            <span className="sr-only"> {look.word}</span>
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
        ✓ connected with average latency · ✕ down · off = disabled · ? = no report. Green &lt; 5 ms, amber &lt; 50 ms, orange ≥ 50 ms or packet loss. Hover a cell for max latency, loss and down count.
      </p>
    </section>
  );
}
