// Guarded operations on a cluster (operator role). The BFF validates, audits and runs them as a task.
import { request } from './http';
import type { ExpectedVotesRequest, OperationResponse } from './types';

export function setExpectedVotes(clusterId: string, body: ExpectedVotesRequest): Promise<OperationResponse> {
  return request<OperationResponse>(`/api/v1/operations/expected-votes?cluster=${encodeURIComponent(clusterId)}`, {
    method: 'POST',
    body,
  });
}
