// The gate: first run → create the admin account; no session → login; else the live dashboard.
import { lazy, Suspense, useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { setUnauthorizedHandler } from './api/http';
import { authQuery, sessionLost } from './auth/session';
import { Dashboard } from './Dashboard';
import { LoginPage } from './pages/LoginPage';
import { AuthShell } from './components/AuthShell';

// seen once per installation: its own chunk
const SetupPage = lazy(() => import('./pages/SetupPage'));

export function App() {
  const qc = useQueryClient();
  const auth = useQuery(authQuery);

  useEffect(() => {
    setUnauthorizedHandler(() => sessionLost(qc));
    return () => setUnauthorizedHandler(null);
  }, [qc]);

  // ?sample=…: static layouts without a BFF, no session needed
  if (new URLSearchParams(location.search).has('sample')) return <Dashboard />;
  if (!auth.data) {
    return (
      <AuthShell title="Quorate">
        <p data-testid="auth-waiting" className="text-sm">
          {auth.error ? `The server cannot be reached yet (${auth.error.message}); retrying.` : 'Connecting to the server…'}
        </p>
      </AuthShell>
    );
  }
  if (auth.data.setupRequired) {
    return (
      <Suspense fallback={<AuthShell title="Quorate">Loading…</AuthShell>}>
        <SetupPage />
      </Suspense>
    );
  }
  if (!auth.data.user) return <LoginPage />;
  // keyed by user: nothing of one session's page state survives into the next
  return <Dashboard key={auth.data.user.id} />;
}
