// Guarded operations on a cluster (operator role). The BFF validates, audits and runs them as a task.
import { request } from './http';
import type { DryRunResponse, ExpectedVotesRequest, TaskAccepted } from './types';

const url = (clusterId: string) => `/api/v1/operations/expected-votes?cluster=${encodeURIComponent(clusterId)}`;

/** run it: needs confirm, and the typed cluster name on the recovery path. 202: it runs as a task (api/tasks.ts) */
export function setExpectedVotes(clusterId: string, body: ExpectedVotesRequest & { confirm: true }): Promise<TaskAccepted> {
  return request<TaskAccepted>(url(clusterId), { method: 'POST', body: { ...body, dryRun: false } });
}

/** what would happen (the BFF's plan: figures before/after, risk, whether the name must be typed); changes nothing */
export function planExpectedVotes(clusterId: string, expectedVotes: number): Promise<DryRunResponse> {
  return request<DryRunResponse>(url(clusterId), { method: 'POST', body: { expectedVotes, dryRun: true } });
}
