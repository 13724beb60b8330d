// The signed-in layout (the router's root): skip link, header, live cache for the chosen cluster, and the
// page the path names (<Outlet />). The chosen cluster is `?cluster=` (so it survives a reload), else the
// default one; the pages get it through SelectionContext.
import { lazy, Suspense, useMemo, type MouseEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Outlet, useNavigate, useRouterState, useSearch } from '@tanstack/react-router';
import { fetchClusters } from './api/clusters';
import { retryUnlessClientError } from './api/http';
import { queryKeys } from './api/keys';
import { useClusterLive, useSnapshot } from './live/useClusterLive';
import { SelectionContext, type Selection } from './lib/selection';
import { Header } from './components/Header';
import { QuorumAnnouncer } from './components/QuorumAnnouncer';
import { FreshnessNotice } from './components/FreshnessNotice';

// the tab title, favicon and quorum-lost alerts: the model's health rules, in their own chunk
const HealthSignals = lazy(() => import('./components/HealthSignals'));

/** to the main content without touching the URL (an href="#main" would be a navigation) */
function skipToMain(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  const main = document.getElementById('main');
  main?.focus();
  main?.scrollIntoView();
}

export function Dashboard() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  // ?sample=quorate|lost|warning|partition|…: static snapshots for looking at layouts without a BFF
  const { cluster: wanted, sample = null } = useSearch({ from: '__root__' });

  const clusters = useQuery({
    queryKey: queryKeys.clusters(sample),
    queryFn: sample ? () => import('./sample/samples').then((m) => m.seedSample(qc, sample)) : fetchClusters,
    staleTime: Infinity,
    retry: retryUnlessClientError(1000), // the BFF may still be starting: keep trying (backoff below)
    retryDelay: (n) => Math.min(5000, 500 * 2 ** n) * (0.5 + Math.random()),
  });

  const list = useMemo(() => clusters.data?.clusters ?? [], [clusters.data]);
  const clusterId = useMemo(() => {
    if (!list.length) return null;
    return (list.find((c) => c.id === wanted) ?? list.find((c) => c.default) ?? list[0])?.id ?? null;
  }, [list, wanted]);

  useClusterLive(sample ? null : clusterId);
  const entry = useSnapshot(clusterId);

  const listName = list.find((c) => c.id === clusterId)?.name ?? '';
  // off the overview the tab title names the page (HealthSignals writes it)
  const path = useRouterState({ select: (r) => r.location.pathname });

  // another cluster: same page, its first page of results
  const selectCluster = (id: string) => void navigate({ to: '.', search: (prev) => ({ ...prev, cluster: id, offset: undefined }) });

  const selection = useMemo<Selection>(
    () => ({ clusterId, clusters: list, clustersError: clusters.error, entry, sample }),
    [clusterId, list, clusters.error, entry, sample],
  );

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        onClick={skipToMain}
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
        data-testid="skip-link"
      >
        Skip to content
      </a>
      <Header entry={entry} clusters={list} clusterId={clusterId} onSelectCluster={selectCluster} sample={sample} />
      <QuorumAnnouncer entry={entry} />
      <Suspense fallback={null}>
        <HealthSignals clusterId={clusterId} entry={entry} listName={listName} path={path} />
      </Suspense>
      <FreshnessNotice />
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-3 pb-12 pt-3 sm:px-6 sm:pt-5">
        <SelectionContext.Provider value={selection}>
          <Outlet />
        </SelectionContext.Provider>
      </main>
    </div>
  );
}
