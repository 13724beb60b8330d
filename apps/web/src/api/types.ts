// Shapes of the accounts / history / audit / operations REST API: the shared zod types of @quorate/model
// (auth.ts, operations.ts). Types only: importing any value from those modules would pull their
// top-level zod schemas (and zod) into the initial bundle; the BFF validates. (hasRole comes from the
// model's zod-free roles.ts.)
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
  Task,
  TaskAccepted,
  TaskMessage,
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

/** the model's hasRole (roles.ts has no zod): one rule for the BFF and the page */
export { hasRole as roleAtLeast } from '@quorate/model';
