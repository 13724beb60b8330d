// The stored timeline of one cluster, newest first: filter by type, severity and time, page through it.
// The filters live in the URL (`/history?severity=critical&offset=50`): a reload or a shared link shows
// the same list.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { fetchHistory, type HistoryFilter } from '../api/admin';
import { errorText } from '../api/http';
import { queryKeys } from '../api/keys';
import { useSelection } from '../lib/selection';
import { EVENT_TYPE_LABELS, SEVERITIES, type HistorySearch } from '../routes/search';
import { EventLine } from '../components/EventRow';
import { Field, FilterSelect } from '../components/form';
import { Pager } from '../components/Pager';

const PAGE = 50;
const TYPE_OPTIONS = Object.entries(EVENT_TYPE_LABELS).map(([value, label]) => ({ value: value as keyof typeof EVENT_TYPE_LABELS, label }));

/** ms since the epoch ↔ the value of a datetime-local input (local time, to the minute) */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(value: string): number | undefined {
  const ms = value ? new Date(value).getTime() : NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export default function HistoryPage() {
  const { clusterId } = useSelection();
  const { type, severity, before, offset = 0 } = useSearch({ from: '/history' });
  const navigate = useNavigate({ from: '/history' });
  // a new filter starts at the newest page
  const setFilter = (patch: Partial<HistorySearch>) => void navigate({ search: (prev) => ({ ...prev, ...patch, offset: undefined }) });
  const setOffset = (next: number) => void navigate({ search: (prev) => ({ ...prev, offset: next || undefined }) });

  const filter: HistoryFilter = { cluster: clusterId ?? '', type, severity, before, limit: PAGE, offset };
  const q = useQuery({
    queryKey: queryKeys.history(filter),
    queryFn: () => fetchHistory(filter),
    enabled: clusterId !== null,
    placeholderData: keepPreviousData,
  });
  const events = q.data?.events ?? [];
  const total = q.data?.total ?? 0;
  return (
    <section aria-labelledby="history-title" className="panel" data-testid="history-page">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="history-title" className="panel-title">
          History
        </h2>
        <div className="flex gap-2">
          <button type="button" className="btn" onClick={() => void q.refetch()} disabled={q.isFetching}>
            Refresh
          </button>
          <Link to="/" className="btn">
            ← Overview
          </Link>
        </div>
      </div>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <FilterSelect label="Type" value={type ?? ''} onChange={(v) => setFilter({ type: v || undefined })} options={TYPE_OPTIONS} allLabel="all types" testId="history-type" />
        <FilterSelect
          label="Severity"
          value={severity ?? ''}
          onChange={(v) => setFilter({ severity: v || undefined })}
          options={SEVERITIES}
          allLabel="all severities"
          testId="history-severity"
        />
        <Field label="Before" layout="compact">
          <input
            type="datetime-local"
            className="field"
            value={before === undefined ? '' : toLocalInput(before)}
            onChange={(e) => setFilter({ before: fromLocalInput(e.target.value) })}
            data-testid="history-before"
          />
        </Field>
        <Pager offset={offset} limit={PAGE} total={total} shown={events.length} onOffset={setOffset} testId="history-pager" />
      </div>
      {q.error && <p className="text-red-700 dark:text-red-300">Could not load the history: {errorText(q.error)}</p>}
      {q.isPending && clusterId && <p>Loading…</p>}
      {!q.isPending && !events.length && <p className="text-sm text-slate-500">No events match.</p>}
      <ol className={`text-sm ${q.isPlaceholderData ? 'opacity-60' : ''}`} aria-label="newest first" data-testid="history-events">
        {events.map((e) => (
          <EventLine key={e.seq} e={e} withDate />
        ))}
      </ol>
    </section>
  );
}
