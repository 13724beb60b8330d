// The stored timeline of one cluster, newest first, one row per event with its number (seq): filter by
// type, severity and a date range, page through it, export all that matches (CSV, JSON). The filters live
// in the URL (`/history?severity=critical&after=…&offset=50`): a reload or a shared link shows the same
// list. The newest page follows new events live; the incidents of the range are listed with their
// duration, and each row says which one it is part of.
import { useMemo } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { fetchHistory, type HistoryFilter } from '../api/admin';
import { errorText } from '../api/http';
import { queryKeys } from '../api/keys';
import { formatZone } from '../lib/format';
import { useSelection } from '../lib/selection';
import { EVENT_TYPE_LABELS, SEVERITIES, type HistorySearch, historySearch } from '../routes/history-search';
import { FilterSelect } from '../components/form';
import { Pager } from '../components/Pager';
import { DateRange } from '../components/history/DateRange';
import { ExportButtons } from '../components/history/ExportButtons';
import { HistoryRow } from '../components/history/HistoryRow';
import { IncidentsInRange } from '../components/history/IncidentsInRange';
import { incidentBySeq } from '../components/history/incidents';
import { useCachedIncidents, useFreshKeys, useRefetchOnNewEvents } from '../components/history/useLiveHistory';

const PAGE = 50;
const TYPE_OPTIONS = Object.entries(EVENT_TYPE_LABELS).map(([value, label]) => ({ value: value as keyof typeof EVENT_TYPE_LABELS, label }));

export default function HistoryPage() {
  const { clusterId } = useSelection();
  const { type, severity, before, after, offset = 0 } = historySearch.parse(useSearch({ from: '/history' }));
  const navigate = useNavigate({ from: '/history' });
  // a new filter starts at the newest page
  const setFilter = (patch: Partial<HistorySearch>) => void navigate({ search: (prev) => ({ ...prev, ...patch, offset: undefined }) });
  const setOffset = (next: number) => void navigate({ search: (prev) => ({ ...prev, offset: next || undefined }) });

  const cluster = clusterId ?? '';
  const filter: HistoryFilter = { cluster, type, severity, before, after, limit: PAGE, offset };
  const q = useQuery({
    queryKey: queryKeys.history(filter),
    queryFn: () => fetchHistory(filter),
    enabled: clusterId !== null,
    placeholderData: keepPreviousData,
  });
  const events = q.data?.events ?? [];
  const total = q.data?.total ?? 0;

  // the newest page of an open-ended range follows the cluster
  const live = offset === 0 && before === undefined && clusterId !== null;
  useRefetchOnNewEvents(clusterId, live, () => void q.refetch());
  const keys = useMemo(() => (q.isPlaceholderData ? undefined : q.data?.events.map((e) => `${e.clusterId}#${e.seq}`)), [q.data, q.isPlaceholderData]);
  const fresh = useFreshKeys(keys, JSON.stringify({ cluster, type, severity, before, after, offset }), live);

  const cached = useCachedIncidents(clusterId);
  const incidents = useMemo(() => cached.filter((i) => i.clusterId === cluster), [cached, cluster]);
  const bySeq = useMemo(() => incidentBySeq(incidents), [incidents]);

  const zone = formatZone(Date.now());
  return (
    <section aria-labelledby="history-title" className="panel" data-testid="history-page">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="history-title" className="panel-title">
          History
        </h2>
        <div className="flex flex-wrap gap-2">
          <ExportButtons filter={{ cluster, type, severity, before, after }} />
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
        <DateRange after={after} before={before} zone={zone} onChange={setFilter} />
        <Pager offset={offset} limit={PAGE} total={total} shown={events.length} onOffset={setOffset} testId="history-pager" />
      </div>
      <p className="mb-2 text-xs text-slate-600 dark:text-slate-400" data-testid="history-live">
        {live ? 'Live: new events appear at the top as they happen.' : 'Not live (a range with an end, or an older page): Refresh for what is new.'} Times
        in {zone}.
      </p>
      <IncidentsInRange incidents={incidents} range={{ after, before }} onShow={(from, to) => setFilter({ after: from, before: to })} clusterId={clusterId ?? undefined} />
      {q.error && <p className="text-red-700 dark:text-red-300">Could not load the history: {errorText(q.error)}</p>}
      {q.isPending && clusterId && <p>Loading…</p>}
      {!q.isPending && !events.length && <p className="text-sm text-slate-500">No events match.</p>}
      <ol className={`text-sm ${q.isPlaceholderData ? 'opacity-60' : ''}`} aria-label="events, newest first" data-testid="history-events">
        {events.map((e) => (
          <HistoryRow key={`${e.clusterId}#${e.seq}`} e={e} incident={bySeq.get(e.seq)} fresh={fresh.has(`${e.clusterId}#${e.seq}`)} />
        ))}
      </ol>
    </section>
  );
}
