// The overview: hero first, then what the source cannot see (pve), early warning, partition, nodes, HA and
// Ceph (pve, side by side), links (or why there are none), storage, events, lab controls.
// On a phone (below xl) the incident feed comes right after the hero, before the long panels (CSS order).
import { lazy, Suspense, useCallback, useLayoutEffect, useMemo, useState } from 'react';
import { revisionCommitted } from '../live/render-probe';
import type { Capability } from '@quorate/model';
import type { SnapshotEntry } from '../live/cache';
import { useConnection } from '../live/connection';
import { useEvents, useIncidents } from '../live/useClusterLive';
import { useFreshness } from '../components/ConnectionIndicator';
import { isNeverKnown, QuorumHero } from '../components/QuorumHero';
import { AlertSettings } from '../components/AlertSettings';
import { errorText } from '../api/http';
import { EarlyWarning, PartitionBanner } from '../components/Banners';
import { NodesPanel } from '../components/NodesPanel';
import { LinkMatrix } from '../components/LinkMatrix';
import { StoragePanel } from '../components/StoragePanel';
import { EventFeed } from '../components/EventFeed';
import { OperationsPanel } from '../components/OperationsPanel';
import { roleAtLeast } from '../api/types';
import { useRole } from '../auth/session';
import { useSelection } from '../lib/selection';
import { openDegradedLinks } from '../lib/link-health';
import { useLinkThresholds } from '../lib/useLinkThresholds';
import { nodeName } from '../lib/cluster';
import type { ChartTarget } from '../components/links/LinkChartDialog';
import { LinksUnavailable, linksUnavailable, UnavailableNotice } from '../components/pve/Unavailable';

// only sim clusters have it: its own chunk
const LabControls = lazy(() => import('../components/LabControls'));
// opened rarely, by operators: its own chunk
const ExpectedVotesDialog = lazy(() => import('../components/ExpectedVotesDialog'));
// link trends: uPlot and its CSS, only when a chart is opened
const LinkChartDialog = lazy(() => import('../components/links/LinkChartDialog'));
// only pve clusters with HA or Ceph have them: their own chunks
const HaPanel = lazy(() => import('../components/pve/HaPanel'));
const CephPanel = lazy(() => import('../components/pve/CephPanel'));

interface Props {
  clusterId: string | null;
  entry: SnapshotEntry | undefined;
  clustersError: Error | null;
  clusterSource: string | null;
  /** what the cluster can do (GET /clusters); null while unknown */
  capabilities: readonly Capability[] | null;
  sample: boolean;
}

export function Overview({ clusterId, entry, clustersError, clusterSource, capabilities, sample }: Props) {
  const { events, loading, error } = useEvents(sample ? null : clusterId);
  const incidents = useIncidents(sample ? null : clusterId);
  const thresholds = useLinkThresholds(sample ? null : clusterId);
  const degraded = useMemo(() => openDegradedLinks(events, incidents), [events, incidents]);
  // the trend charts need the server's series: not on `?sample=` pages
  const [chart, setChart] = useState<ChartTarget | null>(null);
  const charts = !sample && clusterId !== null;
  // stable: the matrix's memoized cells keep it across patches
  const openPair = useCallback((a: number, b: number, link: number) => setChart({ kind: 'pair', a, b, link }), []);
  const openNode = useCallback((node: string) => setChart({ kind: 'node', node }), []);
  const { freshness, age } = useFreshness(entry);
  const conn = useConnection();
  // viewers get no operation buttons and no lab controls at all (the BFF refuses them anyway)
  const role = useRole();
  const operator = roleAtLeast(role, 'operator') && !sample && clusterId !== null;
  const admin = roleAtLeast(role, 'admin') && !sample;
  const [votesOpen, setVotesOpen] = useState(false);
  const rev = entry?.rev;
  useLayoutEffect(() => {
    if (rev !== undefined) revisionCommitted();
  }, [rev]);

  if (!entry) {
    return (
      <section aria-labelledby="wait-title" className="panel" data-testid="waiting">
        <h2 id="wait-title" className="panel-title">
          Waiting for the first snapshot…
        </h2>
        <p className="text-sm">
          {clustersError
            ? `The cluster list could not be loaded (${errorText(clustersError)}); retrying.`
            : conn.error
              ? `Connection: ${conn.error}; retrying.`
              : 'Connecting to the server.'}
        </p>
      </section>
    );
  }

  const s = entry.snapshot;
  // nothing known yet (no node could ever be asked): the panels show the configured nodes, not a "last known" state
  const neverKnown = isNeverKnown(entry);
  // not live, or no node could be asked: every figure below is a last known one
  const stale = !neverKnown && (freshness !== 'live' || s.observer === null);
  // no operation while quorum is unknown: its arithmetic needs the figures
  const votesAction = operator && canSetVotesOn(capabilities) && s.quorum !== null;
  // lab controls where the cluster takes faults; before the list is known, a simulated cluster does
  const sim = capabilities ? capabilities.includes('faults') : (clusterSource ?? s.source) === 'sim';
  const noLinks = linksUnavailable(s);
  return (
    <div className="flex flex-col gap-3 sm:gap-4">
      <QuorumHero
        entry={entry}
        events={events}
        freshness={freshness}
        age={age}
        onSetExpectedVotes={votesAction ? () => setVotesOpen(true) : undefined}
      />
      <UnavailableNotice s={s} admin={admin} />
      <EarlyWarning s={s} />
      <PartitionBanner s={s} />
      <div className="flex flex-col gap-3 sm:gap-4 xl:grid xl:grid-cols-[minmax(0,1fr)_26rem] xl:grid-rows-[auto_1fr] xl:items-start">
        <div className="order-2 flex min-w-0 flex-col gap-3 sm:gap-4 xl:order-none xl:col-start-1 xl:row-span-2 xl:row-start-1">
          <NodesPanel s={s} stale={stale} onOpenLinks={charts ? openNode : undefined} />
          {(s.ha || s.ceph) && (
            <div className="grid gap-3 sm:gap-4 lg:grid-cols-2 lg:items-start">
              <Suspense fallback={null}>
                {s.ha && <HaPanel s={s} stale={stale} />}
                {s.ceph && <CephPanel s={s} stale={stale} />}
              </Suspense>
            </div>
          )}
          {noLinks ? (
            <LinksUnavailable why={noLinks} />
          ) : (
            <LinkMatrix s={s} stale={stale} thresholds={thresholds} degraded={degraded} onOpenPair={charts ? openPair : undefined} />
          )}
          <StoragePanel s={s} stale={stale} />
        </div>
        <div className="order-1 min-w-0 xl:order-none xl:col-start-2 xl:row-start-1">
          <EventFeed events={events} incidents={incidents} loading={loading} error={error} />
        </div>
        <div className="order-3 flex min-w-0 flex-col gap-3 sm:gap-4 xl:order-none xl:col-start-2 xl:row-start-2">
          {votesAction && <OperationsPanel s={s} onSetExpectedVotes={() => setVotesOpen(true)} />}
          {sim && clusterId && operator && (
            <Suspense fallback={<p className="panel text-sm">Loading lab controls…</p>}>
              <LabControls clusterId={clusterId} snapshot={s} />
            </Suspense>
          )}
          <AlertSettings />
        </div>
      </div>
      {chart && clusterId && (
        <Suspense fallback={null}>
          <LinkChartDialog clusterId={clusterId} target={chart} thresholds={thresholds} nameOf={(id) => nodeName(s, id)} onClose={() => setChart(null)} />
        </Suspense>
      )}
      {votesOpen && clusterId && (
        <Suspense fallback={null}>
          <ExpectedVotesDialog clusterId={clusterId} onClose={() => setVotesOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

/** before the cluster list is known, assume the action is there (the BFF refuses it otherwise) */
function canSetVotesOn(capabilities: readonly Capability[] | null): boolean {
  return capabilities ? capabilities.includes('expectedVotes') : true;
}

/** the `/` route: the overview of the chosen cluster */
export function OverviewPage() {
  const { clusterId, clusters, clustersError, entry, sample } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  return (
    <Overview
      clusterId={clusterId}
      entry={entry}
      clustersError={clustersError}
      clusterSource={cluster?.source ?? null}
      capabilities={cluster?.capabilities ?? null}
      sample={sample !== null}
    />
  );
}
