// Link latency and loss over time (GET /api/v1/links/series) and a cluster's link thresholds
// (/api/v1/settings/links: GET for every signed-in user, PUT/DELETE admin). Types only from the model.
import type { LinkSeriesPage, LinkSeriesRange, LinkSettings, LinkThresholds, LinkThresholdsUpdate, NodeLinkSeriesPage } from '@quorate/model';
import { query, request } from './http';

export type { LinkSeries, LinkSeriesPage, LinkSeriesPoint, LinkSeriesRange, LinkSettings, LinkThresholds, LinkThresholdsUpdate, NodeLinkSeriesPage } from '@quorate/model';

/**
 * The model's defaultLinkThresholds (Proxmox VE's guidance: warn above 5 ms, bad above 10 ms or sustained
 * loss), copied so the page does not import the model's zod module; links.test.ts keeps the two equal.
 */
export const DEFAULT_LINK_THRESHOLDS: LinkThresholds = { warnLatencyMs: 5, badLatencyMs: 10, lossPct: 1, sustainMs: 10_000, recoverMs: 30_000 };

/** one pair (node ids, either order) and link: the last hour at 1 s, or the week at 1 minute */
export const fetchLinkSeries = (clusterId: string, a: number, b: number, link: number, range: LinkSeriesRange) =>
  request<LinkSeriesPage>(`/api/v1/links/series${query({ cluster: clusterId, a, b, link, range })}`);

/** every pair and link of one node, the last hour */
export const fetchNodeLinkSeries = (clusterId: string, node: string) =>
  request<NodeLinkSeriesPage>(`/api/v1/links/series${query({ cluster: clusterId, node })}`);

export const fetchLinkSettings = (clusterId: string) => request<LinkSettings>(`/api/v1/settings/links${query({ cluster: clusterId })}`);
export const saveLinkThresholds = (clusterId: string, update: LinkThresholdsUpdate) =>
  request<LinkSettings>(`/api/v1/settings/links${query({ cluster: clusterId })}`, { method: 'PUT', body: update });
export const resetLinkThresholds = (clusterId: string) => request<LinkSettings>(`/api/v1/settings/links${query({ cluster: clusterId })}`, { method: 'DELETE' });
