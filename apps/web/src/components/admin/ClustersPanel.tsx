// Admin: the clusters Quorate watches — those of QUORATE_CLUSTERS (read-only here), those added at runtime
// (removable; their history is kept) — and the form that connects a Proxmox VE cluster. The list is the
// header's (GET /api/v1/clusters, kept current by the socket's `clusters` message).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { removeCluster } from '../../api/clusters';
import { queryKeys } from '../../api/keys';
import type { ClusterList } from '@quorate/model';
import { useSelection } from '../../lib/selection';
import { ErrorBox } from '../form';
import { ConfirmButton } from './common';
import { ClustersConnect } from './ClustersConnect';

function ClusterRow({ c, sample }: { c: ClusterList['clusters'][number]; sample: string | null }) {
  const qc = useQueryClient();
  const remove = useMutation({ mutationFn: () => removeCluster(c.id), onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.clusters(sample) }) });
  return (
    <tr data-testid={`cluster-row-${c.id}`}>
      <td className="font-mono">{c.id}</td>
      <td className="font-semibold">{c.name}</td>
      <td>{c.source}</td>
      <td>{c.origin === 'config' ? 'configuration' : 'added here'}</td>
      <td>{c.default ? 'yes' : ''}</td>
      <td>
        {c.origin === 'runtime' ? (
          <>
            <ConfirmButton label="Remove" question={`Remove ${c.name}? Its history is kept.`} onConfirm={() => remove.mutate()} testId={`cluster-remove-${c.id}`} />
            <ErrorBox error={remove.error} />
          </>
        ) : (
          <span className="text-xs text-slate-600 dark:text-slate-400">read-only</span>
        )}
      </td>
    </tr>
  );
}

export function ClustersPanel() {
  const { clusters, clustersError, sample } = useSelection();
  return (
    <section aria-labelledby="clusters-title" className="panel" data-testid="admin-clusters">
      <h3 id="clusters-title" className="panel-title">
        Clusters
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        Clusters from the configuration (QUORATE_CLUSTERS) are read-only here: change them there. Clusters added here are watched at once;
        removing one stops watching it and keeps its history.
      </p>
      <ErrorBox error={clustersError} />
      <div className="overflow-x-auto">
        <table className="data-table">
          <thead>
            <tr>
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
              <ClusterRow key={c.id} c={c} sample={sample} />
            ))}
          </tbody>
        </table>
      </div>
      <ClustersConnect sample={sample} />
    </section>
  );
}
