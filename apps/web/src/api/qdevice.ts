// The QDevice change (issue 16), operator role: a guarded operation (dry run → plan → confirm → task). The dry
// run always answers with the pre-flight; a run is refused (409) while a check fails. Types only from the model.
import type { QdevicePlan, TaskAccepted } from '@quorate/model';
import { request } from './http';

const url = (clusterId: string) => `/api/v1/operations/qdevice?cluster=${encodeURIComponent(clusterId)}`;

export interface QdeviceAsk {
  action: 'setup' | 'remove';
  host?: string;
  algorithm?: 'ffsplit' | 'lms';
  force?: boolean;
}

export type QdeviceWizardPlan = QdevicePlan & { refusal: string | null };

export function dryRunQdevice(clusterId: string, ask: QdeviceAsk): Promise<{ ok: true; dryRun: true; plan: QdeviceWizardPlan }> {
  return request(url(clusterId), { method: 'POST', body: { ...ask, dryRun: true } });
}

/** removal lowers what the cluster can lose: the cluster name typed */
export function runQdevice(clusterId: string, ask: QdeviceAsk, clusterName?: string): Promise<TaskAccepted> {
  return request<TaskAccepted>(url(clusterId), { method: 'POST', body: { ...ask, ...(clusterName !== undefined ? { clusterName } : {}), confirm: true } });
}

export const qdeviceKeys = {
  plan: (clusterId: string, ask: QdeviceAsk, situation: string) => ['qdevice-plan', clusterId, ask, situation] as const,
};
