// Full event history, paged forward from REST (oldest first within the loaded range, shown newest first).
import { useInfiniteQuery } from '@tanstack/react-query';
import { fetchEventsPage, queryKeys } from '../live/api';
import { EventLine } from '../components/EventRow';

const PAGE = 100;

export default function EventsPage({ clusterId }: { clusterId: string | null }) {
  const q = useInfiniteQuery({
    queryKey: queryKeys.eventHistory(clusterId ?? ''),
    queryFn: ({ pageParam }) => fetchEventsPage(clusterId!, pageParam, PAGE),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.events.length < PAGE ? undefined : last.next),
    enabled: clusterId !== null,
  });
  const events = (q.data?.pages.flatMap((p) => p.events) ?? []).slice().reverse();
  return (
    <section aria-labelledby="history-title" className="panel" data-testid="event-history">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="history-title" className="panel-title">
          Event history
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
      {q.error && <p className="text-red-700 dark:text-red-300">Could not load events: {q.error.message}</p>}
      {q.isPending && clusterId && <p>Loading…</p>}
      <p className="text-sm text-slate-500">{events.length} events loaded, newest first.</p>
      <ol className="text-sm">
        {events.map((e) => (
          <EventLine key={e.seq} e={e} />
        ))}
      </ol>
      {q.hasNextPage && (
        <button type="button" className="btn mt-2" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {q.isFetchingNextPage ? 'Loading…' : 'Load newer events'}
        </button>
      )}
    </section>
  );
}
