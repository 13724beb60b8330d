import { lazy, Suspense, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchClusters, queryKeys } from './live/api';
import { useClusterLive, useSnapshot } from './live/useClusterLive';
import { Header } from './components/Header';
import { QuorumAnnouncer } from './components/QuorumAnnouncer';
import { Overview } from './pages/Overview';

// secondary page: its own chunk
const EventsPage = lazy(() => import('./pages/EventsPage'));

type Route = 'overview' | 'events';

function readRoute(): Route {
  return location.hash.startsWith('#/events') ? 'events' : 'overview';
}
function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      window.addEventListener('hashchange', l);
      return () => window.removeEventListener('hashchange', l);
    },
    readRoute,
  );
}
function useSearchParam(name: string): string | null {
  const search = useSyncExternalStore(
    (l) => {
      window.addEventListener('popstate', l);
      return () => window.removeEventListener('popstate', l);
    },
    () => location.search,
  );
  return new URLSearchParams(search).get(name);
}

function selectCluster(id: string): void {
  const url = new URL(location.href);
  url.searchParams.set('cluster', id);
  history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function App() {
  const qc = useQueryClient();
  const route = useRoute();
  // ?sample=quorate|lost|warning|partition: static snapshots for looking at layouts without a BFF
  const sample = useSearchParam('sample');
  const wanted = useSearchParam('cluster');

  const clusters = useQuery({
    queryKey: [...queryKeys.clusters, sample],
    queryFn: sample ? () => import('./sample/samples').then((m) => m.seedSample(qc, sample)) : fetchClusters,
    staleTime: Infinity,
    retry: (n) => n < 1000, // the BFF may still be starting: keep trying (backoff below)
    retryDelay: (n) => Math.min(5000, 500 * 2 ** n) * (0.5 + Math.random()),
  });

  const list = useMemo(() => clusters.data?.clusters ?? [], [clusters.data]);
  const clusterId = useMemo(() => {
    if (!list.length) return null;
    return (list.find((c) => c.id === wanted) ?? list.find((c) => c.default) ?? list[0])?.id ?? null;
  }, [list, wanted]);

  useClusterLive(sample ? null : clusterId);
  const entry = useSnapshot(clusterId);

  const q = entry?.snapshot.quorum;
  useEffect(() => {
    const name = entry?.snapshot.cluster.name ?? 'Quorate';
    const state = !entry ? '' : q === null || q === undefined ? 'UNKNOWN · ' : q.quorate ? '' : 'NOT QUORATE · ';
    document.title = `${state}${name} — Quorate`;
  }, [entry, q]);

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        Skip to content
      </a>
      <Header
        entry={entry}
        clusters={list}
        clusterId={clusterId}
        onSelectCluster={selectCluster}
        route={route}
        sample={sample}
      />
      <QuorumAnnouncer entry={entry} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-3 pb-12 pt-3 sm:px-6 sm:pt-5">
        {route === 'events' ? (
          <Suspense fallback={<p className="p-4">Loading the event history…</p>}>
            <EventsPage clusterId={clusterId} />
          </Suspense>
        ) : (
          <Overview
            clusterId={clusterId}
            entry={entry}
            clustersError={clusters.error}
            clusterSource={list.find((c) => c.id === clusterId)?.source ?? null}
            sample={sample !== null}
          />
        )}
      </main>
    </div>
  );
}
