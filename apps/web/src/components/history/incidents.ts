// The incidents (model incidents.ts) beside the history's rows: which overlap the range shown, which one an
// event belongs to, how long each lasted. Pure. The rows stay one per event; an incident only labels them.
import type { Incident } from '@quorate/model';
import { formatDuration } from '../../lib/format';

export interface TimeRange {
  /** from (ms, inclusive); none: from the start */
  after?: number;
  /** to (ms, exclusive); none: until now */
  before?: number;
}

/** the incidents that were going on at some moment of the range (an open one lasts until `now`), newest first */
export function incidentsInRange(incidents: readonly Incident[], range: TimeRange, now: number): Incident[] {
  return incidents
    .filter((i) => i.startedAt < (range.before ?? Infinity) && (i.endedAt ?? now) >= (range.after ?? -Infinity))
    .sort((a, b) => b.startedAt - a.startedAt);
}

/** event seq → the incident it belongs to */
export function incidentBySeq(incidents: readonly Incident[]): Map<number, Incident> {
  const bySeq = new Map<number, Incident>();
  for (const i of incidents) for (const seq of i.eventSeqs) bySeq.set(seq, i);
  return bySeq;
}

/** "8 s", "3 min", "2 h 5 min": whole seconds below 10 s (a tenth of a second says nothing about an outage) */
export function incidentDuration(incident: Incident, now: number): string {
  const ms = (incident.endedAt ?? now) - incident.startedAt;
  return ms < 10_000 ? `${Math.max(0, Math.round(ms / 1000))} s` : formatDuration(ms);
}
