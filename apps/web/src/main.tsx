import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { applyTheme, currentTheme } from './lib/theme';
import { redirectLegacyHash } from './routes/legacy';
import { followLegacyHashLinks } from './router';
import './index.css';

// before the first paint, so a dark page does not flash white (no inline script: the BFF's CSP forbids it)
applyTheme(currentTheme());
// `/#/history` bookmarks of the hash-routed page: to the path, before the router reads the URL
redirectLegacyHash();
followLegacyHashLinks();

const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 2 } },
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
