// The signed-in page: header, live cache for the chosen cluster, and the page the hash names.
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchClusters, queryKeys } from './live/api';
import { useClusterLive, useSnapshot } from './live/useClusterLive';
import { retryUnlessClientError } from './api/http';
import { roleAtLeast } from './api/types';
import { useRole } from './auth/session';
import { useRoute, useSearchParam } from './lib/route';
import { Header } from './components/Header';
import { QuorumAnnouncer } from './components/QuorumAnnouncer';
import { FreshnessNotice } from './components/FreshnessNotice';
import { Overview } from './pages/Overview';

// secondary pages: their own chunks
const HistoryPage = lazy(() => import('./pages/HistoryPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const AccountPage = lazy(() => import('./pages/AccountPage'));

function selectCluster(id: string): void {
  const url = new URL(location.href);
  url.searchParams.set('cluster', id);
  history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function NeedsRole({ role }: { role: string }) {
  return (
    <section className="panel" data-testid="needs-role">
      <h2 className="panel-title">Not available</h2>
      <p>This page needs the role {role}. Ask an admin.</p>
    </section>
  );
}

export function Dashboard() {
  const qc = useQueryClient();
  const route = useRoute();
  const role = useRole();
  // ?sample=quorate|lost|warning|partition: static snapshots for looking at layouts without a BFF
  const sample = useSearchParam('sample');
  const wanted = useSearchParam('cluster');

  const clusters = useQuery({
    queryKey: [...queryKeys.clusters, sample],
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

  const q = entry?.snapshot.quorum;
  useEffect(() => {
    const name = entry?.snapshot.cluster.name ?? 'Quorate';
    const state = !entry ? '' : q === null || q === undefined ? 'UNKNOWN · ' : q.quorate ? '' : 'NOT QUORATE · ';
    document.title = `${state}${name} — Quorate`;
  }, [entry, q]);

  const loading = <p className="p-4">Loading…</p>;
  let page;
  switch (route) {
    case 'history':
      page = <HistoryPage clusterId={clusterId} />;
      break;
    case 'audit':
      page = roleAtLeast(role, 'admin') ? <AuditPage clusterId={clusterId} /> : <NeedsRole role="admin" />;
      break;
    case 'admin':
      page = roleAtLeast(role, 'admin') ? <AdminPage /> : <NeedsRole role="admin" />;
      break;
    case 'account':
      page = <AccountPage />;
      break;
    default:
      page = null;
  }

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        Skip to content
      </a>
      <Header entry={entry} clusters={list} clusterId={clusterId} onSelectCluster={selectCluster} route={route} sample={sample} />
      <QuorumAnnouncer entry={entry} />
      <FreshnessNotice />
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-3 pb-12 pt-3 sm:px-6 sm:pt-5">
        {page ? (
          <Suspense fallback={loading}>{page}</Suspense>
        ) : (
          <Overview
            clusterId={clusterId}
            entry={entry}
            clustersError={clusters.error}
            clusterSource={list.find((c) => c.id === clusterId)?.source ?? null}
            capabilities={list.find((c) => c.id === clusterId)?.capabilities ?? null}
            sample={sample !== null}
          />
        )}
      </main>
    </div>
  );
}
