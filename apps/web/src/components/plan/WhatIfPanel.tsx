// What-if (issue 15): pick nodes, node-links and the QDevice to fail; the BFF predicts every partition by the
// votequorum rules (POST /whatif) and this shows the result in one sentence, each partition (nodes, votes,
// quorate or not, why, the mode), the QDevice's vote, what the prediction assumes, and the smallest failure
// that loses quorum — for the cluster as it is (with a button that puts it into the picker) and, on top of
// the picks, how much more it takes.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ClusterSnapshot } from '@quorate/model';
import { errorText, retryUnlessClientError } from '../../api/http';
import { fetchWhatIf, whatifKeys, type PredictedPartition, type WhatIfFailures, type WhatIfResponse } from '../../api/whatif';
import { listNames, plural } from '../../lib/format';
import { Icon } from '../Icon';
import { FailurePicker } from './FailurePicker';
import { hasPicks, NO_FAILURES } from './picks';
import { MODE_WORDS, reasonBeyondVotes, resultSentence } from './plan-text';

interface Props {
  clusterId: string;
  s: ClusterSnapshot;
  scene: string;
  picks: WhatIfFailures;
  /** picks in the URL that this cluster does not have (dropped), in words */
  ignored: readonly string[];
  onChange: (next: WhatIfFailures) => void;
  onReboot?: (node: string) => void;
}

function useWhatIf(clusterId: string, fail: WhatIfFailures, scene: string, enabled = true) {
  return useQuery({
    queryKey: whatifKeys.whatIf(clusterId, fail, scene),
    queryFn: () => fetchWhatIf(clusterId, fail),
    enabled,
    retry: retryUnlessClientError(3),
    staleTime: 5_000,
    placeholderData: keepPreviousData,
  });
}

export function WhatIfPanel({ clusterId, s, scene, picks, ignored, onChange, onReboot }: Props) {
  const picked = hasPicks(picks);
  // the cluster as it is: its own smallest failure (and the result while nothing is picked)
  const base = useWhatIf(clusterId, NO_FAILURES, scene);
  const asked = useWhatIf(clusterId, picks, scene, picked);
  const q = picked ? asked : base;
  const r = q.data;
  const stalePick = picked && q.isPlaceholderData;
  return (
    <section aria-labelledby="whatif-title" className="panel min-w-0" data-testid="whatif">
      <h2 id="whatif-title" className="panel-title">
        What if…
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Pick what fails; the prediction follows Corosync’s votequorum rules on the cluster as it is now. Nothing is changed. The picks are in the address: share it
        to share the plan.
      </p>
      {ignored.length > 0 && (
        <p className="mb-2 text-sm text-amber-900 dark:text-amber-200" data-testid="whatif-ignored">
          Left out of the address’s plan (not in this cluster): {listNames([...ignored])}.
        </p>
      )}
      <div className="flex flex-col gap-4 lg:grid lg:grid-cols-[minmax(0,24rem)_minmax(0,1fr)] lg:items-start">
        <FailurePicker s={s} picks={picks} onChange={onChange} onReboot={onReboot} />
        <div className="min-w-0" aria-live="polite" aria-busy={q.isFetching}>
          {q.error && !stalePick ? (
            <p className="font-semibold text-red-800 dark:text-red-300" data-testid="whatif-error">
              Could not predict: {errorText(q.error)}
            </p>
          ) : !r ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Predicting…</p>
          ) : (
            <div className={stalePick || (picked && asked.isPending) ? 'opacity-60' : ''}>
              <Result r={r} picked={picked} />
            </div>
          )}
          <SmallestFailure base={base.data} picks={picks} onApply={onChange} />
        </div>
      </div>
    </section>
  );
}

function Result({ r, picked }: { r: WhatIfResponse; picked: boolean }) {
  const further = r.smallestFailure;
  return (
    <div className="flex flex-col gap-3">
      <p
        className={`flex items-start gap-2 text-lg font-bold ${r.quorate ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}
        data-testid="whatif-result"
        data-quorate={r.quorate}
      >
        <Icon name={r.quorate ? 'ok' : 'bad'} className="mt-1 size-5" />
        <span className="min-w-0 [overflow-wrap:anywhere]">{resultSentence(r)}</span>
      </p>
      {!picked && <p className="-mt-2 text-sm text-slate-600 dark:text-slate-400">Nothing picked: this is the cluster as it is now.</p>}
      {r.alreadyDown.length > 0 && (
        <p className="text-sm" data-testid="whatif-already-down">
          Down already (before anything picked fails): {listNames(r.alreadyDown)}.
        </p>
      )}
      <div>
        <h3 className="mb-1 text-sm font-semibold">Predicted {r.partitions.length === 1 ? 'membership' : `partitions (${r.partitions.length})`}</h3>
        {r.partitions.length === 0 ? (
          <p className="text-sm">No node is left running.</p>
        ) : (
          <ul className="grid gap-2 md:grid-cols-2" data-testid="whatif-partitions">
            {r.partitions.map((p) => (
              <PartitionCard key={p.nodes.join()} p={p} />
            ))}
          </ul>
        )}
      </div>
      {r.qdevice && (
        <p className="text-sm" data-testid="whatif-qdevice-words">
          {r.qdevice}
        </p>
      )}
      {picked && r.quorate && further.size > 0 && (
        <p className="text-sm" data-testid="whatif-further">
          <span className="font-semibold">On top of this:</span> {further.text}.
        </p>
      )}
      <details className="text-sm">
        <summary className="cursor-pointer py-1 text-sky-700 max-sm:min-h-11 max-sm:py-3 dark:text-sky-300">What the prediction assumes</summary>
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-700 dark:text-slate-300" data-testid="whatif-assumptions">
          {r.assumptions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

function PartitionCard({ p }: { p: PredictedPartition }) {
  const why = reasonBeyondVotes(p);
  return (
    <li
      className={`min-w-0 rounded border px-3 py-2 text-sm ${p.quorate ? 'border-emerald-600 dark:border-emerald-500' : 'border-red-600 dark:border-red-500'}`}
      data-testid="whatif-partition"
      data-quorate={p.quorate}
    >
      <p className="flex flex-wrap items-baseline gap-x-2">
        <span className={`inline-flex items-center gap-1 font-bold ${p.quorate ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}>
          <Icon name={p.quorate ? 'ok' : 'bad'} />
          {p.quorate ? 'QUORATE' : 'NOT QUORATE'}
        </span>
        <span className="tabular-nums">
          {p.votes} of {plural(p.expectedVotes, 'vote')}, {p.quorum} needed
        </span>
        {p.mode !== 'votes' && <span className="rounded bg-slate-100 px-1 text-xs font-semibold dark:bg-slate-800">{MODE_WORDS[p.mode]}</span>}
      </p>
      <p className="font-semibold [overflow-wrap:anywhere]">{listNames(p.nodes)}</p>
      {why && <p className="text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">{why}</p>}
    </li>
  );
}

function SmallestFailure({ base, picks, onApply }: { base: WhatIfResponse | undefined; picks: WhatIfFailures; onApply: (f: WhatIfFailures) => void }) {
  if (!base) return null;
  const sf = base.smallestFailure;
  const applied = sf.nodes.length > 0 && picks.links.length === 0 && !picks.qdevice && picks.nodes.length === sf.nodes.length && sf.nodes.every((n) => picks.nodes.includes(n));
  return (
    <section aria-labelledby="whatif-smallest-title" className="mt-4 rounded-md border border-slate-200 p-3 dark:border-slate-700" data-testid="whatif-smallest" data-size={sf.size}>
      <h3 id="whatif-smallest-title" className="text-sm font-semibold">
        The smallest failure that loses quorum
      </h3>
      {sf.size === 0 ? (
        <p className="text-sm">{sf.text}.</p>
      ) : (
        <>
          <p className="text-base">
            <strong data-testid="whatif-smallest-size">{plural(sf.size, 'node')}</strong>: <span data-testid="whatif-smallest-nodes">{listNames(sf.nodes)}</span>
            {!sf.exact && <span className="text-sm"> (at most: the search was capped)</span>}
          </p>
          <p className="text-sm text-slate-700 dark:text-slate-300">{sf.text}.</p>
          <button type="button" className="btn mt-2 max-sm:min-h-11" disabled={applied} onClick={() => onApply({ nodes: [...sf.nodes], links: [], qdevice: false })} data-testid="whatif-apply-smallest">
            {applied ? 'In the picker' : 'Put it in the picker'}
          </button>
        </>
      )}
    </section>
  );
}
