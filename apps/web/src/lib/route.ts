// Hash routes: #/ overview, #/history (also #/events), #/audit, #/admin, #/account.
import { useSyncExternalStore } from 'react';

export type Route = 'overview' | 'history' | 'audit' | 'admin' | 'account';

export function readRoute(): Route {
  const h = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  if (h === 'events' || h === 'history') return 'history';
  if (h === 'audit' || h === 'admin' || h === 'account') return h;
  return 'overview';
}

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      window.addEventListener('hashchange', l);
      return () => window.removeEventListener('hashchange', l);
    },
    readRoute,
  );
}

export function useSearchParam(name: string): string | null {
  const search = useSyncExternalStore(
    (l) => {
      window.addEventListener('popstate', l);
      return () => window.removeEventListener('popstate', l);
    },
    () => location.search,
  );
  return new URLSearchParams(search).get(name);
}
