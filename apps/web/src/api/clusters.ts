// The clusters the BFF watches and their stored events (REST; the live snapshot comes over the socket).
import type { ClusterEvent, ClusterList, EventsPage } from '@quorate/model';
import { request } from './http';

/** The live feed keeps the newest events only; the history page pages through REST. */
export const FEED_LIMIT = 200;

export function fetchClusters(): Promise<ClusterList> {
  return request<ClusterList>('/api/v1/clusters');
}

export function fetchEventsPage(clusterId: string, since: number, limit: number): Promise<EventsPage> {
  const q = new URLSearchParams({ cluster: clusterId, since: String(since), limit: String(limit) });
  return request<EventsPage>(`/api/v1/events?${q}`);
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

/** a cluster entry as POST /api/v1/clusters takes it (the kind's settings flat beside the common fields) */
export type ClusterEntry = { id: string; name?: string; source: string } & Record<string, unknown>;

/** one step of POST /api/v1/clusters/test, in words */
export interface ConnectStep {
  name: string;
  ok: boolean;
  message: string;
}

/** the answer of POST /api/v1/clusters/test: nothing was stored; the secret is never in it */
export interface ConnectResult {
  ok: boolean;
  steps: ConnectStep[];
  /** what to compare and accept: nothing pinned yet, or a mismatch */
  certificate?: { url: string; fingerprint: string; subject: string; issuer: string; validTo: string };
  summary?: { clusterName: string; nodes: number; quorate: boolean };
}

export function testCluster(entry: ClusterEntry): Promise<ConnectResult> {
  return request<ConnectResult>('/api/v1/clusters/test', { method: 'POST', body: entry });
}

export function addCluster(entry: ClusterEntry): Promise<{ id: string }> {
  return request<{ id: string }>('/api/v1/clusters', { method: 'POST', body: entry });
}

export function removeCluster(id: string): Promise<{ ok: boolean }> {
  return request<{ ok: boolean }>(`/api/v1/clusters/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
