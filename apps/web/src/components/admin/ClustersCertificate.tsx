// "The certificate changed": a node presents another certificate than the pinned one, so Quorate stopped
// sending the token there. Both fingerprints side by side (monospace, in groups, so a difference is easy to
// find), what can cause it, and — for a cluster added here — "Trust the new certificate" after the admin
// types the cluster's name. QUORATE_CLUSTERS clusters are changed in the configuration instead.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ClusterList } from '@quorate/model';
import { fetchClusterDetail, patchCluster } from '../../api/clusters';
import { queryKeys } from '../../api/keys';
import { ErrorBox, Field } from '../form';
import { FingerprintBox } from '../FingerprintBox';
import { trustedApi } from './ClustersEditSchema';

export function ClustersCertificate({ cluster, sample }: { cluster: ClusterList['clusters'][number]; sample: string | null }) {
  const qc = useQueryClient();
  const detail = useQuery({ queryKey: queryKeys.clusterDetail(cluster.id), queryFn: () => fetchClusterDetail(cluster.id), refetchInterval: 10_000 });
  const [typed, setTyped] = useState('');
  const cert = detail.data?.health?.certificate;
  const trust = useMutation({
    mutationFn: () => patchCluster(cluster.id, { api: trustedApi(detail.data!, cert!.url, cert!.presented) }),
    onSuccess: (d) => {
      qc.setQueryData(queryKeys.clusterDetail(d.id), d);
      void qc.invalidateQueries({ queryKey: queryKeys.clusters(sample) });
    },
  });
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!cert) return null;
  const p = `cluster-certificate-${cluster.id}`;
  return (
    <section className="mt-2 rounded border-2 border-red-700 bg-red-50 p-3 text-sm text-red-950 dark:border-red-400 dark:bg-red-950/60 dark:text-red-50" aria-labelledby={`${p}-title`} data-testid={p}>
      <h4 id={`${p}-title`} className="font-semibold">
        <span aria-hidden="true">✕ </span>
        The certificate changed: {cluster.name}
      </h4>
      <p className="mt-1">
        {cert.url} presents another certificate than the one pinned, so Quorate stopped sending the token to it. Either the node was re-installed or its
        certificate renewed — or someone is in the middle. Compare the presented fingerprint with the node’s own (the node’s GUI → System → Certificates, or
        <code className="font-mono"> pvenode cert info</code>) before trusting it.
      </p>
      <div className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2">
        <FingerprintBox label="Pinned (trusted until now)" fp={cert.pinned} testId={`${p}-pinned`} />
        <FingerprintBox label="Presented now" fp={cert.presented} testId={`${p}-presented`} />
      </div>
      {cluster.origin === 'config' ? (
        <p className="mt-2 font-semibold">This cluster comes from QUORATE_CLUSTERS: put the new fingerprint there and restart Quorate.</p>
      ) : (
        <form
          className="mt-2 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === cluster.name) trust.mutate();
          }}
        >
          <Field label={`Type ${cluster.name} to confirm`} layout="compact">
            <input className="field" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid={`${p}-confirm`} />
          </Field>
          <button type="submit" className="btn btn-danger min-h-11" disabled={typed !== cluster.name || trust.isPending} data-testid={`${p}-trust`}>
            {trust.isPending ? 'Trusting…' : 'Trust the new certificate'}
          </button>
          <ErrorBox error={trust.error} />
        </form>
      )}
    </section>
  );
}
