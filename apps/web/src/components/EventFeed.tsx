// Live feed, newest first: one entry per incident (model incidents.ts — "pve7 unreachable from all 15 peers
// on both links — 8 s"), which opens to its events, and the events that belong to no incident. Open
// incidents lead. Only what arrives while the page is open slides in. The history keeps every event.
import { useRef } from 'react';
import { Link } from '@tanstack/react-router';
import type { ClusterEvent, Incident } from '@quorate/model';
import { formatDuration } from '../lib/format';
import { useNow } from '../lib/useNow';
import { EventLine, EventTime, SeverityLabel } from './EventRow';

const SHOWN = 15;

type Entry = { kind: 'incident'; at: number; incident: Incident } | { kind: 'event'; at: number; event: ClusterEvent };

/** top-level entries: incidents, and events in none of them; open incidents first, then newest first */
export function feedEntries(events: readonly ClusterEvent[], incidents: readonly Incident[]): Entry[] {
  const inIncident = new Set(incidents.flatMap((i) => i.eventSeqs));
  const entries: Entry[] = [
    ...incidents.map((incident): Entry => ({ kind: 'incident', at: incident.endedAt ?? incident.startedAt, incident })),
    ...events.filter((e) => !inIncident.has(e.seq)).map((event): Entry => ({ kind: 'event', at: event.at, event })),
  ];
  const open = (e: Entry) => (e.kind === 'incident' && e.incident.endedAt === null ? 1 : 0);
  return entries.sort((a, b) => open(b) - open(a) || b.at - a.at);
}

function IncidentEntry({ incident, events, fresh }: { incident: Incident; events: readonly ClusterEvent[]; fresh: boolean }) {
  const now = useNow();
  const open = incident.endedAt === null;
  const ms = (incident.endedAt ?? now) - incident.startedAt;
  // whole seconds: "8 s", not "8.0 s" (a tenth of a second says nothing about an outage)
  const duration = ms < 10_000 ? `${Math.max(0, Math.round(ms / 1000))} s` : formatDuration(ms);
  const mine = new Set(incident.eventSeqs);
  const own = events.filter((e) => mine.has(e.seq));
  const notLoaded = incident.eventCount - own.length;
  return (
    <li
      data-testid="incident"
      data-cause={incident.cause}
      data-open={open}
      className={`border-b border-slate-100 py-1.5 last:border-0 dark:border-slate-800 ${fresh ? 'animate-slide-in' : ''}`}
    >
      <details>
        <summary className="flex cursor-pointer list-none flex-wrap items-baseline gap-x-2 [&::-webkit-details-marker]:hidden">
          <EventTime at={incident.startedAt} />
          <SeverityLabel severity={incident.severity} />
          <span className={`min-w-0 flex-1 basis-48 ${incident.severity === 'critical' ? 'font-semibold' : ''}`}>
            {incident.title} — <span className="tabular-nums">{duration}</span>
            {open ? <span className="ml-1 rounded bg-amber-100 px-1 text-xs font-semibold text-amber-900 dark:bg-amber-900 dark:text-amber-100">ongoing</span> : null}
            <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">
              ({incident.eventCount} {incident.eventCount === 1 ? 'event' : 'events'})
            </span>
          </span>
        </summary>
        <ol className="mt-1 ml-3 border-l border-slate-200 pl-2 dark:border-slate-700" aria-label={`events of: ${incident.title}`}>
          {own.map((e) => (
            <EventLine key={e.seq} e={e} />
          ))}
          {notLoaded > 0 && (
            <li className="py-1 text-xs text-slate-600 dark:text-slate-400">
              {notLoaded} more in the{' '}
              <Link to="/history" className="text-sky-700 underline underline-offset-2 dark:text-sky-300">
                history
              </Link>
            </li>
          )}
        </ol>
      </details>
    </li>
  );
}

export function EventFeed({
  events,
  incidents = [],
  loading,
  error,
}: {
  events: readonly ClusterEvent[];
  incidents?: readonly Incident[];
  loading: boolean;
  error: Error | null;
}) {
  // entries present at first paint (or the REST page) do not animate
  const known = useRef<Set<string> | null>(null);
  const entries = feedEntries(events, incidents).slice(0, SHOWN);
  const keyOf = (e: Entry) => (e.kind === 'incident' ? `i:${e.incident.id}` : `e:${e.event.seq}`);
  if (known.current === null && !loading) known.current = new Set(feedEntries(events, incidents).map(keyOf));
  const baseline = known.current;
  const fresh = (e: Entry) => baseline !== null && !baseline.has(keyOf(e));
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
      {loading && !events.length && <p className="text-sm text-slate-600 dark:text-slate-400">Loading events…</p>}
      {!loading && !events.length && !incidents.length && (
        <p className="text-sm text-slate-600 dark:text-slate-400">No events yet. Changes in membership, quorum, links and storage show up here.</p>
      )}
      <ol className="text-sm" aria-label="newest first">
        {entries.map((e) =>
          e.kind === 'incident' ? (
            <IncidentEntry key={keyOf(e)} incident={e.incident} events={events} fresh={fresh(e)} />
          ) : (
            <EventLine key={keyOf(e)} e={e.event} fresh={fresh(e)} />
          ),
        )}
      </ol>
    </section>
  );
}
