// One event of the history: its number (seq), when (date, time and zone), how bad, what happened, and the
// incident it is part of with that incident's duration. New rows (live) are marked for a moment.
import type { ClusterEvent, Incident } from '@quorate/model';
import { useNow } from '../../lib/useNow';
import { EventTime, SeverityLabel } from '../EventRow';
import { incidentDuration } from './incidents';

function OpenDuration({ incident }: { incident: Incident }) {
  return <>{incidentDuration(incident, useNow())}</>;
}

/** how long the incident lasted; an open one counts up (only those tick: the clock re-renders them alone) */
export function IncidentDuration({ incident }: { incident: Incident }) {
  return (
    <span className="tabular-nums" data-testid="incident-duration">
      {incident.endedAt === null ? <OpenDuration incident={incident} /> : incidentDuration(incident, incident.endedAt)}
    </span>
  );
}

export function HistoryRow({ e, incident, fresh }: { e: ClusterEvent; incident?: Incident; fresh: boolean }) {
  return (
    <li
      data-testid="history-event"
      data-seq={e.seq}
      data-type={e.body.type}
      data-severity={e.severity}
      data-new={fresh || undefined}
      className={`flex flex-wrap items-baseline gap-x-2 border-b border-slate-100 px-1 py-1.5 last:border-0 dark:border-slate-800 ${
        fresh ? 'animate-slide-in bg-sky-50 dark:bg-sky-950' : ''
      } ${e.severity === 'critical' ? 'font-semibold' : ''}`}
    >
      <span className="w-14 shrink-0 text-right font-mono text-xs tabular-nums text-slate-600 dark:text-slate-400" title="event number (seq)">
        #{e.seq}
      </span>
      <EventTime at={e.at} withDate />
      <SeverityLabel severity={e.severity} />
      <span className="min-w-0 flex-1 basis-48">
        {fresh && <span className="mr-1 rounded bg-sky-700 px-1 text-xs font-semibold text-white">new</span>}
        {e.message}
        {incident && (
          <span className="ml-2 inline-block text-xs font-normal text-slate-600 dark:text-slate-400" data-testid="history-event-incident" data-incident={incident.id}>
            part of: {incident.title} — <IncidentDuration incident={incident} />
            {incident.endedAt === null && ', ongoing'}
          </span>
        )}
      </span>
    </li>
  );
}
