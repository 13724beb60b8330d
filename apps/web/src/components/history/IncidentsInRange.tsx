// The incidents going on at some moment of the range shown, each with its duration ("pve7 unreachable —
// 8 s"); a button narrows the history to its time, a link replays it in time travel (the cluster as it was
// when it started). The events stay rows of their own below.
import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import type { Incident } from '@quorate/model';
import { formatDateTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { SeverityLabel } from '../EventRow';
import { IncidentDuration } from './HistoryRow';
import { incidentsInRange, type TimeRange } from './incidents';

const FIRST = 5;

export function IncidentsInRange({
  incidents: every,
  range,
  onShow,
  clusterId,
}: {
  /** the cluster's incidents (the newest, as the API keeps them) */
  incidents: readonly Incident[];
  range: TimeRange;
  /** narrow the history to [from, to) — to undefined: still going */
  onShow: (from: number, to: number | undefined) => void;
  /** the cluster the incidents are of (the replay link's) */
  clusterId?: string | undefined;
}) {
  const [all, setAll] = useState(false);
  const incidents = incidentsInRange(every, range, useNow());
  if (!incidents.length) return null;
  const shown = all ? incidents : incidents.slice(0, FIRST);
  return (
    <section aria-labelledby="history-incidents-title" className="mb-3 rounded border border-slate-200 p-2 dark:border-slate-700" data-testid="history-incidents">
      <h3 id="history-incidents-title" className="mb-1 text-sm font-semibold">
        Incidents in this range ({incidents.length})
      </h3>
      <ul className="text-sm">
        {shown.map((i) => {
          const open = i.endedAt === null;
          return (
            <li
              key={i.id}
              className="flex flex-wrap items-baseline gap-x-2 py-1"
              data-testid="history-incident"
              data-incident={i.id}
              data-open={open}
            >
              <time dateTime={new Date(i.startedAt).toISOString()} className="shrink-0 font-mono text-xs tabular-nums text-slate-600 dark:text-slate-400">
                {formatDateTime(i.startedAt)}
              </time>
              <SeverityLabel severity={i.severity} />
              <span className="min-w-0 flex-1 basis-48">
                {i.title} — <IncidentDuration incident={i} />
                {open && <span className="ml-1 rounded bg-amber-100 px-1 text-xs font-semibold text-amber-900 dark:bg-amber-900 dark:text-amber-100">ongoing</span>}
                <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">
                  ({i.eventCount} {i.eventCount === 1 ? 'event' : 'events'})
                </span>
              </span>
              <button
                type="button"
                className="rounded px-1 text-xs text-sky-700 underline underline-offset-2 dark:text-sky-300"
                onClick={() => onShow(i.startedAt, i.endedAt === null ? undefined : i.endedAt + 1)}
              >
                show its time<span className="sr-only">: {i.title}</span>
              </button>
              <Link
                to="/timeline"
                search={{ cluster: clusterId, t: i.startedAt }}
                className="rounded px-1 text-xs text-sky-700 underline underline-offset-2 dark:text-sky-300"
                data-testid="history-incident-replay"
              >
                replay<span className="sr-only">: {i.title}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      {incidents.length > FIRST && (
        <button type="button" className="mt-1 text-xs text-sky-700 underline underline-offset-2 dark:text-sky-300" onClick={() => setAll((a) => !a)} aria-expanded={all}>
          {all ? 'show fewer' : `show all ${incidents.length}`}
        </button>
      )}
    </section>
  );
}
