// Join, create and delnode (issue 13), operator role: each a guarded operation (dry run → plan → confirm →
// task). The join's dry run always answers with its pre-flight; create and delnode dry runs answer 409 with
// the reason a run would be refused (e.g. "pve3 is online: power it off first …"). Types only from the model.
import type { Credentials, JoinerAccess, JoinPlan, LinkAddress, QuorumFigures, TaskAccepted } from '@quorate/model';
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

/** what the wizard sends (passwords and codes only in memory, for this call; joiner and credentials: pve only) */
export interface JoinAsk {
  node: { name: string; addresses?: LinkAddress[] };
  fingerprint?: string;
  joinInfo?: string;
  /** pve: the cluster member's root@pam password */
  credentials?: Credentials;
  /** pve: the joining node's own API, as root@pam */
  joiner?: JoinerAccess;
}

/** a join's ask without its secrets, for query keys: the joiner's address and certificate, and which secrets were given */
export function publicAsk(ask: JoinAsk): Omit<JoinAsk, 'credentials' | 'joiner'> & { joinerUrl?: string; joinerFingerprint?: string; given: string[] } {
  const { credentials, joiner, ...rest } = ask;
  const given = [credentials ? 'member password' : null, joiner ? 'joiner password' : null, joiner?.otp ? 'joiner TOTP' : null].filter((x): x is string => x !== null);
  return { ...rest, ...(joiner ? { joinerUrl: joiner.url, ...(joiner.fingerprint ? { joinerFingerprint: joiner.fingerprint } : {}) } : {}), given };
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

/** pve: root@pam's credentials (the API refuses delnode to tokens), for this call only */
export function runDelnode(clusterId: string, node: string, clusterName: string, credentials?: Credentials): Promise<TaskAccepted> {
  return request<TaskAccepted>(url('delnode', clusterId), { method: 'POST', body: { node, clusterName, ...(credentials ? { credentials } : {}), confirm: true } });
}

export interface CreatePlan {
  clusterName: string;
  nodes: string[];
  after: QuorumFigures;
}

export interface CreateAsk {
  clusterName: string;
  /** pve: each node's own API (joiner), its root password for this call only */
  nodes: { name: string; addresses?: LinkAddress[]; joiner?: JoinerAccess }[];
}

/** a create's ask without its secrets, for query keys */
export const publicCreateAsk = (ask: CreateAsk) => ({
  clusterName: ask.clusterName,
  nodes: ask.nodes.map(({ joiner, ...n }) => ({ ...n, ...(joiner ? { url: joiner.url, fingerprint: joiner.fingerprint ?? null, given: joiner.otp ? 'password, TOTP' : 'password' } : {}) })),
});

export function dryRunCreate(clusterId: string, ask: CreateAsk): Promise<{ ok: true; dryRun: true; plan: CreatePlan }> {
  return request(url('create', clusterId), { method: 'POST', body: { ...ask, dryRun: true } });
}

export function runCreate(clusterId: string, ask: CreateAsk): Promise<TaskAccepted> {
  return request<TaskAccepted>(url('create', clusterId), { method: 'POST', body: { ...ask, confirm: true } });
}

/** the query keys of the wizards' dry runs (never a password or code: only whether one was given) */
export const joinKeys = {
  joinPlan: (clusterId: string, ask: JoinAsk) => ['join-plan', clusterId, publicAsk(ask)] as const,
  /** the certificate a joining node presents (a dry run without its fingerprint) */
  presented: (clusterId: string, node: string, url: string) => ['join-presented', clusterId, node, url] as const,
  candidates: (clusterId: string) => ['join-candidates', clusterId] as const,
  joinInfo: (clusterId: string) => ['join-info', clusterId] as const,
  delnodePlan: (clusterId: string, node: string, quorum: string) => ['delnode-plan', clusterId, node, quorum] as const,
  createPlan: (clusterId: string, ask: CreateAsk) => ['create-plan', clusterId, publicCreateAsk(ask)] as const,
};
