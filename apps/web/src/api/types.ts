// Shapes of the accounts / history / audit / operations REST API, as agreed with the BFF.
// TODO(shared): switch to the zod-inferred types of @quorate/model (auth.ts, operations.ts) once they land.
import type { ClusterEvent } from '@quorate/model';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return role !== null && role !== undefined && rank[role] >= rank[needed];
}

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface AuthState {
  setupRequired: boolean;
  user: SessionUser | null;
  csrfToken: string | null;
}

export interface SignedIn {
  user: SessionUser;
  csrfToken: string;
}

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  createdAt: number;
  updatedAt: number;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  createdBy: string | null;
  /** from the environment (QUORATE_API_TOKEN): cannot be revoked here */
  static: boolean;
}

export interface CreatedToken {
  id: string;
  token: string;
}

export interface Retention {
  eventsMaxAgeDays: number;
  eventsMaxCount: number;
  auditMaxAgeDays: number;
}

export interface HistoryPage {
  events: ClusterEvent[];
  total: number;
}

export type AuditResult = 'ok' | 'refused' | 'failed';

export interface AuditRecord {
  id: number;
  at: number;
  actor: { kind: 'user' | 'token' | 'system'; id: string; name: string };
  role: Role;
  operation: string;
  clusterId: string | null;
  params: unknown;
  confirmed: boolean;
  result: AuditResult;
  message: string;
  taskLog?: string[];
}

export interface AuditPage {
  records: AuditRecord[];
  total: number;
}

export interface OperationTask {
  id: string;
  operation: string;
  startedAt: number;
  finishedAt: number | null;
  result: 'ok' | 'failed' | string;
  log: string[];
}

export interface OperationResponse {
  ok: true;
  task: OperationTask;
}

export interface ExpectedVotesRequest {
  expectedVotes: number;
  confirm: true;
  clusterName?: string;
  dryRun?: boolean;
}
