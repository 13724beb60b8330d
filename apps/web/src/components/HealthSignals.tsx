// The cluster's health where the page is not looked at: the tab title and favicon on every page, and the
// notification / beep (when turned on) when quorum is lost while the tab is in the background. Its own
// chunk: the model's health rules stay out of the initial bundle.
import { useEffect, useRef } from 'react';
import { clusterHealth, type HealthState } from '@quorate/model';
import type { SnapshotEntry } from '../live/cache';
import { isLossToAlert, raiseQuorumLost } from '../lib/alerts';
import { faviconHref, showHealth, signalState } from '../lib/health-signal';
import { missingNodes } from '../lib/cluster';
import { useFreshness } from './ConnectionIndicator';

interface Props {
  clusterId: string | null;
  entry: SnapshotEntry | undefined;
  /** the cluster's name from the list, until a snapshot names it */
  listName: string;
}

export default function HealthSignals({ clusterId, entry, listName }: Props) {
  const { freshness } = useFreshness(entry);
  const s = entry?.snapshot;
  const health: HealthState | null = s ? clusterHealth(s).state : null;
  const shown = health === null ? null : signalState(health, freshness === 'live');
  const name = s?.cluster.name || listName;

  useEffect(() => showHealth(shown, name), [shown, name]);
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
