// Incidents (model incidents.ts): one cause, one entry. The list comes from REST; the socket's `incident`
// messages keep it live (live/useClusterLive.ts), and a resubscribe reloads it.
import type { Incident, IncidentChange, IncidentList } from '@quorate/model';
import { request } from './http';

/** the feed shows the newest; the history keeps every event */
export const INCIDENT_LIMIT = 100;

export function fetchIncidents(clusterId: string): Promise<IncidentList> {
  const q = new URLSearchParams({ cluster: clusterId, limit: String(INCIDENT_LIMIT) });
  return request<IncidentList>(`/api/v1/incidents?${q}`);
}

/** how far an incident has got: a reopened one has more events, a closed one beats its open copy */
const progress = (i: Incident) => i.eventCount * 2 + (i.endedAt === null ? 0 : 1);

/**
 * A fetched list merged with what the socket delivered while it was on its way: per id, the copy that has
 * got further (more events, or closed); an incident the fetch did not have is kept only when the socket
 * brought it during the fetch (`arrivedDuringFetch`), so one the server no longer knows does not linger.
 */
export function mergeIncidents(cached: IncidentList | undefined, fetched: IncidentList, arrivedDuringFetch: (i: Incident) => boolean): IncidentList {
  const byId = new Map(fetched.incidents.map((i) => [i.id, i]));
  for (const c of cached?.incidents ?? []) {
    const f = byId.get(c.id);
    if (arrivedDuringFetch(c) && (!f || progress(c) > progress(f))) byId.set(c.id, c);
  }
  const incidents = [...byId.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, INCIDENT_LIMIT);
  return { incidents };
}

/** an `incident` message applied to the cached list: replaced by id, or added; newest first, bounded */
export function applyIncidentChange(old: IncidentList | undefined, msg: IncidentChange): IncidentList {
  const rest = (old?.incidents ?? []).filter((i) => i.id !== msg.incident.id);
  const incidents: Incident[] = [msg.incident, ...rest].sort((a, b) => b.startedAt - a.startedAt).slice(0, INCIDENT_LIMIT);
  return { incidents };
}
