// The join's first step: which node joins which cluster. Choose one of the cluster's spare candidates, or
// type a node's name, or paste the Proxmox GUI's "Join Information" (Datacenter → Cluster → Join
// Information): decoded here at once (the model's decodeJoinInfo), every way it can be wrong in words.
import { useState } from 'react';
import type { JoinInfoResult } from '@quorate/model';
import { decodeJoinInfo } from './join-info';
import type { JoinCandidate } from '../../api/join';
import { Field } from '../form';
import { FingerprintBox } from '../FingerprintBox';
import { OwnJoinInfo } from './OwnJoinInfo';
import { nameIssue, NodeNameRule } from './names';

export interface SourceValue {
  node: string;
  info: string | undefined;
  /** addresses from a chosen candidate */
  links?: { link: number; address: string }[];
}

/** the decoded blob, and whether it belongs to the chosen cluster */
export function blobVerdict(info: string | undefined, clusterName: string | null): { result: JoinInfoResult | null; otherCluster: string | null } {
  if (info === undefined || info.trim() === '') return { result: null, otherCluster: null };
  const result = decodeJoinInfo(info);
  const otherCluster = result.ok && clusterName !== null && result.info.clusterName !== clusterName ? result.info.clusterName : null;
  return { result, otherCluster };
}

export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Choose a candidate or type the new node’s name.';
  return nameIssue(NodeNameRule, name);
}

interface Props {
  initial: SourceValue;
  /** the chosen cluster: its own Join Information is offered to copy */
  clusterId: string | null;
  clusterName: string | null;
  candidates: JoinCandidate[] | undefined;
  candidatesError: unknown;
  onNext: (v: SourceValue) => void;
}

export function SourceStep({ initial, clusterId, clusterName, candidates, candidatesError, onNext }: Props) {
  const [name, setName] = useState(initial.node);
  const [info, setInfo] = useState(initial.info ?? '');
  const [tried, setTried] = useState(false);
  const { result, otherCluster } = blobVerdict(info, clusterName);
  const nameErr = nameProblem(name);
  const blobErr = result && !result.ok ? result.error : otherCluster ? `This join information is cluster “${otherCluster}”’s, not “${clusterName}”’s: choose that cluster above, or copy the information from a member of this one.` : null;
  const ok = nameErr === null && blobErr === null;

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!ok) return;
        const chosen = candidates?.find((c) => c.name === name.trim());
        onNext({ node: name.trim(), info: info.trim() === '' ? undefined : info.trim(), ...(chosen ? { links: chosen.addresses } : {}) });
      }}
    >
      <fieldset>
        <legend className="font-semibold">The new node</legend>
        {candidates && candidates.length > 0 ? (
          <div className="mt-1 flex flex-wrap gap-2" role="group" aria-label="Spare nodes this cluster offers">
            {candidates.map((c) => (
              <button
                key={c.name}
                type="button"
                className={`btn min-h-11 ${name === c.name ? 'ring-2 ring-sky-600' : ''}`}
                aria-pressed={name === c.name}
                onClick={() => setName(c.name)}
                data-testid={`candidate-${c.name}`}
              >
                {c.name}
                <span className="font-normal text-slate-600 dark:text-slate-400">{c.addresses.map((a) => a.address).join(', ')}</span>
              </button>
            ))}
          </div>
        ) : (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400" data-testid="no-candidates">
            {candidatesError ? 'The spare nodes could not be listed; type the name.' : candidates ? 'This cluster offers no spare nodes: type the new node’s name.' : 'Asking for spare nodes…'}
          </p>
        )}
        <Field className="mt-2" label="Node name" hint="As the node calls itself (hostname), e.g. pve4" error={tried ? nameErr : null}>
          <input className="input min-h-11" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} data-testid="join-node-name" />
        </Field>
      </fieldset>

      <Field
        label="Join Information (optional)"
        hint="From a member’s Proxmox GUI: Datacenter → Cluster → Join Information → Copy Information. It names the cluster and the member’s certificate fingerprint."
        error={blobErr}
      >
        <textarea className="input min-h-24 font-mono text-xs" value={info} onChange={(e) => setInfo(e.target.value)} spellCheck={false} data-testid="join-info" />
      </Field>
      {result?.ok && !otherCluster && (
        <div className="rounded-md border border-slate-300 p-2 text-sm dark:border-slate-700" data-testid="join-info-decoded">
          <p>
            Cluster <strong>{result.info.clusterName}</strong> · member {result.info.address} · {result.info.links.length === 1 ? 'link' : 'links'}{' '}
            {result.info.links.join(', ')}
          </p>
          <div className="mt-1">
            <FingerprintBox label="Its certificate (SHA-256)" fp={result.info.fingerprint} testId="join-info-fingerprint" />
          </div>
        </div>
      )}
      {clusterId !== null && <OwnJoinInfo clusterId={clusterId} />}
      <div className="flex justify-end">
        <button type="submit" className="btn-primary min-h-11" data-testid="step-next">
          Next: node and links
        </button>
      </div>
    </form>
  );
}
