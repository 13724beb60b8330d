// Shapes of the accounts / history / audit / operations REST API: the shared zod types of @quorate/model
// (auth.ts, operations.ts). Types only: importing any value from those modules would pull their
// top-level zod schemas (and zod) into the initial bundle; the BFF validates.
import type { Role } from '@quorate/model';

export type {
  AuditPage,
  AuditRecord,
  AuditResult,
  AuthState,
  CreatedToken,
  DryRunResponse,
  ExpectedVotesPlan,
  ExpectedVotesRequest,
  HistoryPage,
  OperationResponse,
  OperationTask,
  RetentionSettings,
  RetentionUpdate,
  Role,
  SessionUser,
  SignedIn,
  TokenRecord,
  UserRecord,
} from '@quorate/model';

/** the same list as the model's Role.options, without pulling zod into the page */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

// same order as the model's hasRole (auth.ts), which cannot be imported without zod
const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return role !== null && role !== undefined && rank[role] >= rank[needed];
}
