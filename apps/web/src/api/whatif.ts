// What-if, "can I reboot it now?" and the design advisor (issue 15), all viewer: POST /api/v1/whatif with the
// failures to predict (the CSRF header comes with every POST, api/http.ts), GET /api/v1/whatif/reboot and
// GET /api/v1/advisor on the cluster's current snapshot; and the cluster's failed tasks (GET /api/v1/tasks) for
// the plan page's troubleshooting. Types only from the model (its zod schemas stay out of the page).
import type { AdvisorResponse, RebootResponse, TaskPage, WhatIfLinkFailure, WhatIfResponse } from '@quorate/model';
import { query, request } from './http';

export type { AdvisorCheck, AdvisorResponse, AdvisorStatus, PredictedPartition, SmallestFailure, WhatIfLinkFailure, WhatIfResponse } from '@quorate/model';

/** what to fail, as POST /whatif takes it */
export interface WhatIfFailures {
  nodes: string[];
  links: WhatIfLinkFailure[];
  qdevice: boolean;
}

/**
 * GET /whatif/reboot. `haGuests` (the HA guests that would move: "vm:100") comes from newer BFFs only:
 * absent or null says nothing.
 */
export type RebootAnswer = Omit<RebootResponse, 'haGuests'> & { haGuests?: string[] | null };

const withCluster = (path: string, clusterId: string, extra: Record<string, string> = {}) => `/api/v1/${path}${query({ cluster: clusterId, ...extra })}`;

export const fetchWhatIf = (clusterId: string, fail: WhatIfFailures) => request<WhatIfResponse>(withCluster('whatif', clusterId), { method: 'POST', body: { fail } });

export const fetchReboot = (clusterId: string, node: string) => request<RebootAnswer>(withCluster('whatif/reboot', clusterId, { node }));

export const fetchAdvisor = (clusterId: string) => request<AdvisorResponse>(withCluster('advisor', clusterId));

/** how many failed tasks the troubleshooting panel asks for (newest first) */
export const FAILED_TASKS_LIMIT = 5;
export const fetchFailedTasks = (clusterId: string) => request<TaskPage>(`/api/v1/tasks${query({ cluster: clusterId, status: 'failed', limit: FAILED_TASKS_LIMIT })}`);

/**
 * The plan page's TanStack Query keys (the same shape rules as api/keys.ts). `scene` is the snapshot's shape
 * that a prediction depends on (components/plan/scene.ts): a new one asks again, a latency that moved does not.
 */
export const whatifKeys = {
  whatIf: (clusterId: string, fail: WhatIfFailures, scene: string) => ['whatif', clusterId, fail, scene] as const,
  reboot: (clusterId: string, node: string, scene: string) => ['whatif-reboot', clusterId, node, scene] as const,
  advisor: (clusterId: string, scene: string) => ['advisor', clusterId, scene] as const,
  failedTasks: (clusterId: string) => ['tasks-failed', clusterId] as const,
};
