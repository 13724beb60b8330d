// Live event feed, newest first. Only events that arrive while the page is open slide in.
import { useRef } from 'react';
import type { ClusterEvent } from '@quorate/model';
import { EventLine } from './EventRow';
import { Link } from '@tanstack/react-router';

const SHOWN = 15;

export function EventFeed({ events, loading, error }: { events: readonly ClusterEvent[]; loading: boolean; error: Error | null }) {
  // seqs present at first paint (or the REST page) do not animate
  const known = useRef<Set<number> | null>(null);
  const shown = events.slice(0, SHOWN);
  if (known.current === null && !loading) known.current = new Set(events.map((e) => e.seq));
  const baseline = known.current;
  return (
    <section aria-labelledby="events-title" className="panel" data-testid="event-feed">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="events-title" className="panel-title">
          Events
        </h2>
        <Link to="/history" className="rounded px-1 text-sm text-sky-700 underline underline-offset-2 dark:text-sky-300">
          History →
        </Link>
      </div>
      {error && <p className="text-sm text-red-700 dark:text-red-300">Could not load earlier events: {error.message}</p>}
      {loading && !events.length && <p className="text-sm text-slate-500">Loading events…</p>}
      {!loading && !events.length && <p className="text-sm text-slate-500">No events yet. Changes in membership, quorum, links and storage show up here.</p>}
      <ol className="text-sm" aria-label="newest first">
        {shown.map((e) => (
          <EventLine key={e.seq} e={e} fresh={baseline !== null && !baseline.has(e.seq)} />
        ))}
      </ol>
    </section>
  );
}
