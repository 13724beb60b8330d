// Admin: the clusters Quorate watches — those of QUORATE_CLUSTERS (read-only here), those added at runtime
// (editable, removable; their history is kept) — each with its state, a changed certificate to look at and
// trust, and the form that connects a Proxmox VE cluster. The list is the header's (GET /api/v1/clusters,
// kept current by the socket's `clusters` message; polled here too, for a source whose state changed
// without a new snapshot).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchClusters, removeCluster } from '../../api/clusters';
import { queryKeys } from '../../api/keys';
import type { ClusterList } from '@quorate/model';
import { useSelection } from '../../lib/selection';
import { StateMark, healthOf } from '../ClusterSwitcher';
import { ErrorBox } from '../form';
import { ConfirmButton } from './common';
import { ClustersCertificate } from './ClustersCertificate';
import { ClustersConnect } from './ClustersConnect';
import { ClustersEdit } from './ClustersEdit';

type Summary = ClusterList['clusters'][number];

function ClusterRow({ c, sample, editing, onEdit }: { c: Summary; sample: string | null; editing: boolean; onEdit: (on: boolean) => void }) {
  const qc = useQueryClient();
  const remove = useMutation({ mutationFn: () => removeCluster(c.id), onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.clusters(sample) }) });
  const editable = c.origin === 'runtime' && c.source === 'pve';
  return (
    <tr data-testid={`cluster-row-${c.id}`}>
      <td>
        <StateMark health={healthOf(c)} showWord />
        {c.state?.source === 'down' && <span className="block text-xs text-slate-600 dark:text-slate-400">source down</span>}
      </td>
      <td className="font-mono">{c.id}</td>
      <td className="font-semibold">{c.name}</td>
      <td>{c.source}</td>
      <td>{c.origin === 'config' ? 'configuration' : 'added here'}</td>
      <td>{c.default ? 'yes' : ''}</td>
      <td>
        {c.origin === 'runtime' ? (
          <span className="inline-flex flex-wrap gap-1">
            {editable && (
              <button type="button" className="btn" aria-expanded={editing} onClick={() => onEdit(!editing)} data-testid={`cluster-edit-${c.id}-open`}>
                Edit
              </button>
            )}
            <ConfirmButton label="Remove" question={`Remove ${c.name}? Its history is kept.`} onConfirm={() => remove.mutate()} testId={`cluster-remove-${c.id}`} />
            <ErrorBox error={remove.error} />
          </span>
        ) : (
          <span className="text-xs text-slate-600 dark:text-slate-400">read-only: defined in QUORATE_CLUSTERS, change it there</span>
        )}
      </td>
    </tr>
  );
}

export function ClustersPanel() {
  const { clusters, clustersError, sample } = useSelection();
  // while this panel is open, the list is also polled: a source can go down without a snapshot to announce it
  useQuery({ queryKey: queryKeys.clusters(sample), queryFn: fetchClusters, refetchInterval: 10_000, enabled: sample === null });
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section aria-labelledby="clusters-title" className="panel" data-testid="admin-clusters">
      <h3 id="clusters-title" className="panel-title">
        Clusters
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        Clusters from the configuration (QUORATE_CLUSTERS) are read-only here: change them there. Clusters added here are watched at once and can be edited;
        removing one stops watching it and keeps its history.
      </p>
      <ErrorBox error={clustersError} />
      <div className="overflow-x-auto">
        <table className="data-table">
          <thead>
            <tr>
              <th>State</th>
              <th>Id</th>
              <th>Name</th>
              <th>Source</th>
              <th>From</th>
              <th>Default</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => (
              <ClusterRow key={c.id} c={c} sample={sample} editing={editing === c.id} onEdit={(on) => setEditing(on ? c.id : null)} />
            ))}
          </tbody>
        </table>
      </div>
      {/* below the table, not in a row of it: the table scrolls sideways on a phone, these must not */}
      {clusters
        .filter((c) => c.state?.certificateChanged)
        .map((c) => (
          <ClustersCertificate key={c.id} cluster={c} sample={sample} />
        ))}
      {editing !== null && clusters.some((c) => c.id === editing) && <ClustersEdit key={editing} id={editing} sample={sample} onDone={() => setEditing(null)} />}
      <ClustersConnect sample={sample} />
    </section>
  );
}
