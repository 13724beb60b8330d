// The gate: first run → create the admin account; no session → login; else the router (Dashboard and its
// pages). Auth comes before routes: a page's URL is kept through sign-in, and shown once signed in.
import { lazy, Suspense, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { setUnauthorizedHandler } from './api/http';
import { UNREACHABLE_AFTER_MS, waitingText } from './lib/waiting';
import { authQuery, sessionLost } from './auth/session';
import { AuthShell } from './components/AuthShell';
import { loadSocket } from './live/socket';
import { appRouter, preloadCurrentPage } from './router';

// seen once per installation: its own chunk
const SetupPage = lazy(() => import('./pages/SetupPage'));
// not seen by a signed-in user coming back: its own chunk (with the form library)
const LoginPage = lazy(() => import('./pages/LoginPage'));

const isSample = () => new URLSearchParams(location.search).has('sample');

/** true once `ms` have passed since mount */
function useAfter(ms: number): boolean {
  const [passed, setPassed] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setPassed(true), ms);
    return () => clearTimeout(t);
  }, [ms]);
  return passed;
}

function Waiting({ children }: { children: string }) {
  return (
    <AuthShell title="Quorate">
      <p data-testid="auth-waiting" className="text-sm">
        {children}
      </p>
    </AuthShell>
  );
}

export function App() {
  const qc = useQueryClient();
  const auth = useQuery(authQuery);
  const late = useAfter(UNREACHABLE_AFTER_MS);

  useEffect(() => {
    setUnauthorizedHandler(() => sessionLost(qc));
    return () => setUnauthorizedHandler(null);
  }, [qc]);
  // the page's chunk and the socket library load alongside the sign-in state, not after it
  useEffect(() => {
    preloadCurrentPage();
    if (!isSample()) void loadSocket().catch(() => undefined);
  }, []);

  // ?sample=…: static layouts without a BFF, no session needed
  if (isSample()) return <RouterProvider router={appRouter()} />;
  if (!auth.data) {
    // the query keeps retrying (failureReason is the last failure, error only after the last retry)
    return <Waiting>{waitingText(auth.error ?? auth.failureReason, late)}</Waiting>;
  }
  if (!auth.data.user) {
    return (
      <Suspense fallback={<Waiting>Loading…</Waiting>}>
        {auth.data.setupRequired ? <SetupPage /> : <LoginPage />}
      </Suspense>
    );
  }
  // keyed by user: nothing of one session's page state survives into the next
  return <RouterProvider key={auth.data.user.id} router={appRouter()} />;
}
