// REST calls to the BFF (same origin) and the query keys of the live cache.
import type { ApiError, ClusterEvent, ClusterList, ClusterSnapshot, EventsPage, SimFault } from '@quorate/model';

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
  eventHistory: (clusterId: string) => ['event-history', clusterId] as const,
};

/** The live feed keeps the newest events only; the history page pages through REST. */
export const FEED_LIMIT = 200;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | null,
  ) {
    super(body?.error ?? `HTTP ${status}`);
  }
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, ...init });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* a proxy's HTML error page: keep the status */
  }
  if (!res.ok) throw new HttpError(res.status, body && typeof body === 'object' && 'error' in body ? (body as ApiError) : null);
  return body as T;
}

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
  return getJson(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(fault),
  });
}

/** merge newest-first, dedupe by seq, cap the length */
export function mergeEvents(current: readonly ClusterEvent[] | undefined, incoming: readonly ClusterEvent[]): ClusterEvent[] {
  const bySeq = new Map<number, ClusterEvent>();
  for (const e of current ?? []) bySeq.set(e.seq, e);
  for (const e of incoming) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, FEED_LIMIT);
}
