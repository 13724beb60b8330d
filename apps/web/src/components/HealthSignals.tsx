// The cluster's health where the page is not looked at: the tab title (the page's name off the overview) and
// the favicon on every page, and the notification / beep (when turned on) when quorum is lost while the tab is
// in the background. Its own chunk: the model's health rules stay out of the initial bundle.
import { useEffect, useRef } from 'react';
import { clusterHealth, type HealthState } from '@quorate/model';
import type { SnapshotEntry } from '../live/cache';
import { isLossToAlert, raiseQuorumLost } from '../lib/alerts';
import { faviconHref, pageTitle, showHealth, signalState } from '../lib/health-signal';
import { missingNodes } from '../lib/cluster';
import { useFreshness } from './ConnectionIndicator';

interface Props {
  clusterId: string | null;
  entry: SnapshotEntry | undefined;
  /** the cluster's name from the list, until a snapshot names it */
  listName: string;
  /** the open page's path: off the overview the title names the page */
  path?: string;
}

export default function HealthSignals({ clusterId, entry, listName, path = '/' }: Props) {
  const { freshness } = useFreshness(entry);
  const s = entry?.snapshot;
  const health: HealthState | null = s ? clusterHealth(s).state : null;
  const shown = health === null ? null : signalState(health, freshness === 'live');
  const name = s?.cluster.name || listName;

  // the one writer of the tab title: the health on the overview, the page's name elsewhere
  const page = pageTitle(path);
  useEffect(() => showHealth(shown, name, document, page), [shown, name, page]);
  // back to the plain brand when the dashboard goes (sign-out)
  useEffect(() => () => showHealth(null, ''), []);

  const prev = useRef<{ clusterId: string | null; state: HealthState | null }>({ clusterId: null, state: null });
  useEffect(() => {
    const before = prev.current.clusterId === clusterId ? prev.current.state : null;
    prev.current = { clusterId, state: health };
    if (!s || health === null || !isLossToAlert(before, health, document.hidden)) return;
    const q = s.quorum;
    const missing = missingNodes(s).map((n) => n.name);
    const detail = q ? `${q.totalVotes} of ${q.expectedVotes} votes, ${q.quorum} needed${missing.length ? ` (missing ${missing.join(', ')})` : ''}` : '';
    raiseQuorumLost(name, detail, faviconHref('lost'));
    // only a change of state alerts; the figures are read at that moment
  }, [health, clusterId]);

  return null;
}
