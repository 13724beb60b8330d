// A change to the Corosync links (issue 16), operator role: a guarded operation (dry run → plan and the
// corosync.conf diff → the cluster name typed → task). Types only from the model.
import type { LinkChange, LinkPlan, TaskAccepted } from '@quorate/model';
import { request } from './http';

const url = (clusterId: string) => `/api/v1/operations/links?cluster=${encodeURIComponent(clusterId)}`;

export type LinksWizardPlan = LinkPlan & { diff: string | null; refusal: string | null };

export function dryRunLinks(clusterId: string, change: LinkChange): Promise<{ ok: true; dryRun: true; plan: LinksWizardPlan }> {
  return request(url(clusterId), { method: 'POST', body: { change, dryRun: true } });
}

export function runLinks(clusterId: string, change: LinkChange, clusterName: string): Promise<TaskAccepted> {
  return request<TaskAccepted>(url(clusterId), { method: 'POST', body: { change, clusterName, confirm: true } });
}

/** each node's addresses a new link could use (global scope, not loopback) */
export function fetchLinkInterfaces(clusterId: string): Promise<{ nodes: Record<string, string[]> }> {
  return request(`/api/v1/link-interfaces?cluster=${encodeURIComponent(clusterId)}`);
}

export const linksKeys = {
  interfaces: (clusterId: string) => ['link-interfaces', clusterId] as const,
  plan: (clusterId: string, change: LinkChange, situation: string) => ['links-plan', clusterId, change, situation] as const,
};
