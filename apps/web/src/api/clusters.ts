// The clusters the BFF watches and their stored events (REST; the live snapshot comes over the socket).
import type { ClusterDetail, ClusterEvent, ClusterList, EventsPage } from '@quorate/model';
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
  /** passed, but with something the admin should know (e.g. VM.Audit missing: guests are not counted) */
  warning?: boolean;
  message: string;
}

/** the answer of POST /api/v1/clusters/test: nothing was stored; the secret is never in it */
export interface ConnectResult {
  ok: boolean;
  steps: ConnectStep[];
  /** what to compare and accept: nothing pinned yet, or a mismatch */
  certificate?: { url: string; fingerprint: string; subject: string; issuer: string; validTo: string };
  summary?: {
    clusterName: string;
    nodes: number;
    quorate: boolean;
    /** each node and its address (cluster/status): one SSH row per node is prefilled from it */
    nodeList?: { name: string; ip: string | null }[];
  };
  /** when the entry has `ssh`: each node tried over SSH; `hostKey` is what it presented (to compare and accept) */
  ssh?: SshNodeResult[];
}

export interface SshNodeResult {
  name: string;
  host: string;
  ok: boolean;
  message: string;
  hostKey?: string;
}

/** Quorate's own SSH key (GET /api/v1/ssh-key): its public half, to put in each node's authorized_keys */
export interface SshPublicKey {
  publicKey: string;
  fingerprint: string;
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

/** the entry as stored (secrets by name only) and its source's health (a changed certificate) */
export function fetchClusterDetail(id: string): Promise<ClusterDetail> {
  return request<ClusterDetail>(`/api/v1/clusters/${encodeURIComponent(id)}`);
}

/** a new name, or settings merged onto the stored ones (an `api` block without a secret keeps the stored one) */
export function patchCluster(id: string, patch: Record<string, unknown>): Promise<ClusterDetail> {
  return request<ClusterDetail>(`/api/v1/clusters/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
}

export function fetchSshKey(): Promise<SshPublicKey> {
  return request<SshPublicKey>('/api/v1/ssh-key');
}
