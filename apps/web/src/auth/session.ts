// The session as the page knows it: one query (/auth/state), updated by sign-in, sign-out and any 401.
import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { fetchAuthState } from '../api/auth';
import { queryKeys } from '../api/keys';
import { retryUnlessClientError } from '../api/http';
import type { AuthState, Role, SessionUser, SignedIn } from '../api/types';
import { existingSocket } from '../live/socket';

export const authQuery = queryOptions<AuthState>({
  queryKey: queryKeys.auth,
  queryFn: fetchAuthState,
  staleTime: Infinity,
  gcTime: Infinity,
  // the BFF may still be starting: keep asking, with backoff
  retry: retryUnlessClientError(1000),
  retryDelay: (n) => Math.min(5000, 500 * 2 ** n) * (0.5 + Math.random()),
});

export function useSessionUser(): SessionUser | null {
  return useQuery(authQuery).data?.user ?? null;
}

export function useRole(): Role | null {
  return useSessionUser()?.role ?? null;
}

/** everything but the session state is per user: drop it, and close the socket of the old session */
function forgetUserData(qc: QueryClient): void {
  existingSocket()?.disconnect();
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.auth[0] });
}

export function signedIn(qc: QueryClient, r: SignedIn): void {
  forgetUserData(qc);
  qc.setQueryData<AuthState>(queryKeys.auth, { setupRequired: false, user: r.user, csrfToken: r.csrfToken });
}

export function signedOut(qc: QueryClient): void {
  forgetUserData(qc);
  qc.setQueryData<AuthState>(queryKeys.auth, (old) => ({ setupRequired: old?.setupRequired ?? false, user: null, csrfToken: null }));
}

/** a 401 or a refused socket: the session is gone. Ask the server whether to show login or setup. */
export function sessionLost(qc: QueryClient): void {
  if (!qc.getQueryData<AuthState>(queryKeys.auth)?.user) return;
  signedOut(qc);
  void qc.invalidateQueries({ queryKey: queryKeys.auth });
}
