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

/** an `incident` message applied to the cached list: replaced by id, or added; newest first, bounded */
export function applyIncidentChange(old: IncidentList | undefined, msg: IncidentChange): IncidentList {
  const rest = (old?.incidents ?? []).filter((i) => i.id !== msg.incident.id);
  const incidents: Incident[] = [msg.incident, ...rest].sort((a, b) => b.startedAt - a.startedAt).slice(0, INCIDENT_LIMIT);
  return { incidents };
}
