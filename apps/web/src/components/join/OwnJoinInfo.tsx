// This cluster's own Join Information, as the Proxmox GUI offers it (Datacenter → Cluster → Join
// Information): the blob to paste into a new node's GUI, a copy button, and what it says in words.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { fetchJoinInfo, joinKeys } from '../../api/join';
import { FingerprintBox } from '../FingerprintBox';

export function OwnJoinInfo({ clusterId }: { clusterId: string }) {
  const q = useQuery({ queryKey: joinKeys.joinInfo(clusterId), queryFn: () => fetchJoinInfo(clusterId), retry: false });
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  return (
    <details className="rounded-md border border-slate-300 p-2 text-sm dark:border-slate-700" data-testid="own-join-info">
      <summary className="min-h-11 cursor-pointer content-center font-semibold">This cluster’s Join Information (for another node’s GUI)</summary>
      {q.isPending ? (
        <p>Loading…</p>
      ) : q.isError || typeof q.data?.joinInformation !== 'string' || !q.data.info ? (
        <p data-testid="own-join-info-error">Not offered for this cluster{q.error ? `: ${q.error.message}` : ' (the server’s answer had no Join Information)'}.</p>
      ) : (
        <div className="mt-1 space-y-2">
          <p>
            Cluster <strong>{q.data.info.clusterName}</strong> · member {q.data.info.address} · {q.data.info.links.length === 1 ? 'link' : 'links'} {q.data.info.links.join(', ')}
          </p>
          <FingerprintBox label="Its certificate (SHA-256)" fp={q.data.info.fingerprint} testId="own-join-info-fingerprint" />
          <textarea className="input min-h-24 w-full font-mono text-xs" readOnly value={q.data.joinInformation} aria-label="Join Information" data-testid="own-join-info-blob" />
          <div className="flex items-center gap-2">
            <button
              type="button"
              className="btn min-h-11"
              onClick={() => {
                navigator.clipboard.writeText(q.data.joinInformation).then(
                  () => setCopied('ok'),
                  () => setCopied('failed'),
                );
              }}
              data-testid="own-join-info-copy"
            >
              Copy Information
            </button>
            <span role="status" className="text-xs">
              {copied === 'ok' ? 'Copied.' : copied === 'failed' ? 'The browser refused the clipboard: select the text and copy it.' : ''}
            </span>
          </div>
        </div>
      )}
    </details>
  );
}
