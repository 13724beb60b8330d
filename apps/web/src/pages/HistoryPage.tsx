// The stored timeline of one cluster, newest first: filter by type and severity, page through it.
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { EventType, Severity } from '@quorate/model';
import { fetchHistory, type HistoryFilter } from '../api/admin';
import { queryKeys } from '../live/api';
import { EventLine } from '../components/EventRow';
import { Pager } from '../components/Pager';

const PAGE = 50;

const TYPES: Record<EventType, string> = {
  'quorum-lost': 'quorum lost',
  'quorum-regained': 'quorum regained',
  'node-left': 'node left',
  'node-joined': 'node joined',
  'node-unreachable-warning': 'early warning',
  'node-unreachable-cleared': 'early warning cleared',
  'expected-votes-changed': 'expected votes changed',
  'link-down': 'link down',
  'link-up': 'link up',
  'partition-changed': 'partition',
  'observer-changed': 'observer changed',
  'config-version-changed': 'config version changed',
  'storage-state-changed': 'storage state',
};
const SEVERITIES: Severity[] = ['critical', 'warning', 'info'];

export default function HistoryPage({ clusterId }: { clusterId: string | null }) {
  const [type, setType] = useState('');
  const [severity, setSeverity] = useState('');
  const [offset, setOffset] = useState(0);
  const filter: HistoryFilter = { cluster: clusterId ?? '', type, severity, limit: PAGE, offset };
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
          <a href="#/" className="btn">
            ← Overview
          </a>
        </div>
      </div>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-xs">
          <span className="mb-0.5 text-slate-600 dark:text-slate-400">Type</span>
          <select
            className="field"
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setOffset(0);
            }}
            data-testid="history-type"
          >
            <option value="">all types</option>
            {Object.entries(TYPES).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs">
          <span className="mb-0.5 text-slate-600 dark:text-slate-400">Severity</span>
          <select
            className="field"
            value={severity}
            onChange={(e) => {
              setSeverity(e.target.value);
              setOffset(0);
            }}
            data-testid="history-severity"
          >
            <option value="">all severities</option>
            {SEVERITIES.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <Pager offset={offset} limit={PAGE} total={total} shown={events.length} onOffset={setOffset} testId="history-pager" />
      </div>
      {q.error && <p className="text-red-700 dark:text-red-300">Could not load the history: {q.error.message}</p>}
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
