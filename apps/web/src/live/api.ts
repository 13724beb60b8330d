// REST calls to the BFF (same origin) and the query keys of the live cache.
import type { ClusterEvent, ClusterList, ClusterSnapshot, EventsPage, SimFault } from '@quorate/model';
import { request } from '../api/http';

export interface SnapshotEntry {
  rev: number;
  snapshot: ClusterSnapshot;
  /** local clock when the last snapshot or patch arrived: ages survive server clock skew */
  receivedAt: number;
}

export const queryKeys = {
  clusters: ['clusters'] as const,
  snapshot: (clusterId: string) => ['snapshot', clusterId] as const,
  events: (clusterId: string) => ['events', clusterId] as const,
  history: (filter: object) => ['history', filter] as const,
  audit: (filter: object) => ['audit', filter] as const,
};

/** The live feed keeps the newest events only; the history page pages through REST. */
export const FEED_LIMIT = 200;

export { HttpError } from '../api/http';

const getJson = <T>(url: string) => request<T>(url);

export function fetchClusters(): Promise<ClusterList> {
  return getJson<ClusterList>('/api/v1/clusters');
}

export function fetchEventsPage(clusterId: string, since: number, limit: number): Promise<EventsPage> {
  const q = new URLSearchParams({ cluster: clusterId, since: String(since), limit: String(limit) });
  return getJson<EventsPage>(`/api/v1/events?${q}`);
}

/** The newest events for the feed: REST pages forward from `since`, keeping the tail. */
export async function fetchRecentEvents(clusterId: string): Promise<ClusterEvent[]> {
  const limit = 1000;
  let since = 0;
  let all: ClusterEvent[] = [];
  for (let page = 0; page < 20; page++) {
    const res = await fetchEventsPage(clusterId, since, limit);
    all = all.concat(res.events).slice(-FEED_LIMIT);
    if (res.events.length < limit || res.next <= since) break;
    since = res.next;
  }
  return all;
}

export function postFault(clusterId: string, fault: SimFault): Promise<{ ok: true }> {
  return request(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, { method: 'POST', body: fault });
}

/** merge newest-first, dedupe by seq, cap the length */
export function mergeEvents(current: readonly ClusterEvent[] | undefined, incoming: readonly ClusterEvent[]): ClusterEvent[] {
  const bySeq = new Map<number, ClusterEvent>();
  for (const e of current ?? []) bySeq.set(e.seq, e);
  for (const e of incoming) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, FEED_LIMIT);
}
