// Join, create and delnode (issue 13), operator role: each a guarded operation (dry run → plan → confirm →
// task). The join's dry run always answers with its pre-flight; create and delnode dry runs answer 409 with
// the reason a run would be refused (e.g. "pve3 is online: power it off first …"). Types only from the model.
import type { JoinPlan, LinkAddress, QuorumFigures, TaskAccepted } from '@quorate/model';
import { request } from './http';

const url = (op: 'join' | 'create' | 'delnode', clusterId: string) => `/api/v1/operations/${op}?cluster=${encodeURIComponent(clusterId)}`;

export interface JoinCandidate {
  name: string;
  addresses: LinkAddress[];
}

export function fetchJoinCandidates(clusterId: string): Promise<{ candidates: JoinCandidate[] }> {
  return request<{ candidates: JoinCandidate[] }>(`/api/v1/join-candidates?cluster=${encodeURIComponent(clusterId)}`);
}

/** the cluster's own Join Information (the Proxmox GUI's blob) to paste into another node's GUI */
export function fetchJoinInfo(clusterId: string): Promise<{ joinInformation: string; info: { clusterName: string; address: string; fingerprint: string; links: number[] } }> {
  return request(`/api/v1/join-info?cluster=${encodeURIComponent(clusterId)}`);
}

/** what the wizard sends (the password only in memory, for this call) */
export interface JoinAsk {
  node: { name: string; addresses?: LinkAddress[] };
  fingerprint?: string;
  joinInfo?: string;
  credentials?: { password: string };
}

export type JoinWizardPlan = JoinPlan & { refusal: string | null };

export function dryRunJoin(clusterId: string, ask: JoinAsk): Promise<{ ok: true; dryRun: true; plan: JoinWizardPlan }> {
  return request(url('join', clusterId), { method: 'POST', body: { ...ask, dryRun: true } });
}

export function runJoin(clusterId: string, ask: JoinAsk): Promise<TaskAccepted> {
  return request<TaskAccepted>(url('join', clusterId), { method: 'POST', body: { ...ask, confirm: true } });
}

export interface DelnodePlan {
  node: string;
  before: QuorumFigures;
  after: QuorumFigures;
  afterwards: string[];
  needsClusterName: true;
}

export function dryRunDelnode(clusterId: string, node: string): Promise<{ ok: true; dryRun: true; plan: DelnodePlan }> {
  return request(url('delnode', clusterId), { method: 'POST', body: { node, dryRun: true } });
}

export function runDelnode(clusterId: string, node: string, clusterName: string): Promise<TaskAccepted> {
  return request<TaskAccepted>(url('delnode', clusterId), { method: 'POST', body: { node, clusterName, confirm: true } });
}

export interface CreatePlan {
  clusterName: string;
  nodes: string[];
  after: QuorumFigures;
}

export interface CreateAsk {
  clusterName: string;
  nodes: { name: string; addresses?: LinkAddress[] }[];
}

export function dryRunCreate(clusterId: string, ask: CreateAsk): Promise<{ ok: true; dryRun: true; plan: CreatePlan }> {
  return request(url('create', clusterId), { method: 'POST', body: { ...ask, dryRun: true } });
}

export function runCreate(clusterId: string, ask: CreateAsk): Promise<TaskAccepted> {
  return request<TaskAccepted>(url('create', clusterId), { method: 'POST', body: { ...ask, confirm: true } });
}

/** the query keys of the wizards' dry runs (never the password: only whether one was given) */
export const joinKeys = {
  joinPlan: (clusterId: string, ask: Omit<JoinAsk, 'credentials'>, passwordGiven: boolean) => ['join-plan', clusterId, ask, passwordGiven] as const,
  candidates: (clusterId: string) => ['join-candidates', clusterId] as const,
  joinInfo: (clusterId: string) => ['join-info', clusterId] as const,
  delnodePlan: (clusterId: string, node: string, quorum: string) => ['delnode-plan', clusterId, node, quorum] as const,
  createPlan: (clusterId: string, ask: CreateAsk) => ['create-plan', clusterId, ask] as const,
};
