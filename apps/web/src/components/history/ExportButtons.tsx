// "Export CSV" / "Export JSON": every event that matches the filters (not just this page), fetched page by
// page from the API (lib/export-history.ts) and handed to the browser as a file. Says how far it got, and
// when the bound cut the file short.
import { useEffect, useRef, useState } from 'react';
import { fetchHistory, type HistoryFilter } from '../../api/admin';
import { errorText } from '../../api/http';
import { eventsCsv, eventsJson, exportFileName } from '../../lib/export-csv';
import { collectHistory, downloadText, EXPORT_MAX } from '../../lib/export-history';

type Kind = 'csv' | 'json';
type State =
  | { s: 'idle' }
  | { s: 'running'; kind: Kind; done: number; total: number }
  | { s: 'done'; kind: Kind; count: number; total: number; cut: boolean }
  | { s: 'failed'; kind: Kind; error: string };

const n = (x: number) => x.toLocaleString();

export function ExportButtons({ filter }: { filter: Omit<HistoryFilter, 'limit' | 'offset'> }) {
  const [state, setState] = useState<State>({ s: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  // another filter: the last result was about the old one
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    abort.current?.abort();
    setState({ s: 'idle' });
  }, [filterKey]);

  async function run(kind: Kind) {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setState({ s: 'running', kind, done: 0, total: 0 });
    try {
      const r = await collectHistory(filter, fetchHistory, {
        signal: ctl.signal,
        onProgress: (done, total) => setState({ s: 'running', kind, done, total }),
      });
      if (ctl.signal.aborted) return;
      const text = kind === 'csv' ? eventsCsv(r.events) : eventsJson(r.events);
      const type = kind === 'csv' ? 'text/csv;charset=utf-8' : 'application/json';
      downloadText(exportFileName(filter.cluster, kind, Date.now()), type, text);
      setState({ s: 'done', kind, count: r.events.length, total: r.total, cut: r.cut });
    } catch (err) {
      if (ctl.signal.aborted) return;
      setState({ s: 'failed', kind, error: errorText(err) });
    }
  }

  const running = state.s === 'running';
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="history-export">
      <button type="button" className="btn" onClick={() => void run('csv')} disabled={running || !filter.cluster} data-testid="history-export-csv">
        {running && state.kind === 'csv' ? 'Exporting…' : 'Export CSV'}
      </button>
      <button type="button" className="btn" onClick={() => void run('json')} disabled={running || !filter.cluster} data-testid="history-export-json">
        {running && state.kind === 'json' ? 'Exporting…' : 'Export JSON'}
      </button>
      {running && (
        <button
          type="button"
          className="btn"
          onClick={() => {
            abort.current?.abort();
            setState({ s: 'idle' });
          }}
        >
          Cancel
        </button>
      )}
      <span role="status" className="text-xs text-slate-600 dark:text-slate-400" data-testid="history-export-status">
        {state.s === 'running' && (state.total ? `${n(state.done)} of ${n(state.total)} events…` : 'starting…')}
        {state.s === 'done' &&
          (state.cut
            ? `Exported the newest ${n(state.count)} of ${n(state.total)} events (${state.kind.toUpperCase()}): a file holds at most ${n(EXPORT_MAX)}; narrow the range for the rest.`
            : `Exported ${n(state.count)} ${state.count === 1 ? 'event' : 'events'} (${state.kind.toUpperCase()}).`)}
      </span>
      {state.s === 'failed' && (
        <span role="alert" className="text-xs font-semibold text-red-800 dark:text-red-300" data-testid="history-export-error">
          The export failed: {state.error}
        </span>
      )}
    </div>
  );
}
