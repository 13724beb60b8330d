// Guarded `pvecm expected N`: shows the arithmetic (local, and the BFF's dry run), asks for confirmation,
// and while the cluster is not quorate explains the split-brain risk and wants the cluster name typed.
// After the run it shows the task log and result; the hero behind it updates live.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { failureTolerance } from '@quorate/model';
import { setExpectedVotes } from '../api/operations';
import type { OperationResponse } from '../api/types';
import { useSnapshot } from '../live/useClusterLive';
import { missingNodes } from '../lib/cluster';
import { previewExpectedVotes, suggestedExpectedVotes } from '../lib/expected-votes';
import { formatDateTime, listNames, plural } from '../lib/format';
import { ErrorBox } from './AuthShell';
import { Icon } from './Icon';

interface Props {
  clusterId: string;
  onClose: () => void;
}

export default function ExpectedVotesDialog({ clusterId, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const entry = useSnapshot(clusterId);
  const s = entry?.snapshot;
  // the situation when the dialog opened decides the guard: it must not relax while the user types
  const [wasQuorate] = useState(() => s?.quorum?.quorate ?? false);
  const [value, setValue] = useState(() => (s ? String(suggestedExpectedVotes(s, failureTolerance(s)?.expectedVotesToRestore ?? null)) : '1'));
  const [typedName, setTypedName] = useState('');
  const [understood, setUnderstood] = useState(false);

  // modal: focus kept inside, Escape closes. No close() on cleanup: removing the element closes it, and a
  // close event from StrictMode's double effect would unmount the dialog at once.
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const n = Number(value);
  const valid = value.trim() !== '' && Number.isInteger(n) && n >= 1;
  const name = s?.cluster.name ?? '';

  // the BFF's dry run: what would happen (no change). Re-asked when the value changes.
  const dry = useQuery({
    queryKey: ['expected-votes-dry-run', clusterId, n],
    queryFn: () => setExpectedVotes(clusterId, { expectedVotes: n, confirm: true, dryRun: true, clusterName: name }),
    enabled: valid && s !== undefined,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });

  const run = useMutation<OperationResponse>({
    mutationFn: () =>
      setExpectedVotes(clusterId, { expectedVotes: n, confirm: true, ...(wasQuorate ? {} : { clusterName: typedName.trim() }) }),
  });

  if (!s) return null;
  const q = s.quorum;
  const preview = valid ? previewExpectedVotes(s, n) : null;
  const missing = missingNodes(s).map((x) => x.name);
  const nameOk = wasQuorate || typedName.trim() === name;
  const confirmed = wasQuorate ? understood : nameOk;
  const canRun = valid && confirmed && !run.isPending && !run.data;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canRun) run.mutate();
  };

  const task = run.data?.task;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      data-testid="expected-votes-dialog"
      className="m-auto w-[min(44rem,calc(100vw-1.5rem))] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <form onSubmit={submit} className="flex max-h-[90vh] flex-col">
        <div className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id={titleId} className="text-xl font-bold">
            Set expected votes <span className="text-base font-normal text-slate-500">(pvecm expected)</span>
          </h2>
          <p className="mt-0.5 text-sm" data-testid="ev-current">
            {name}: {q ? (
              <>
                <strong className={q.quorate ? '' : 'text-red-700 dark:text-red-300'}>{q.quorate ? 'QUORATE' : 'NOT QUORATE'}</strong> ·{' '}
                <span className="tabular-nums">
                  {q.totalVotes} of {q.expectedVotes} votes present, {q.quorum} needed
                </span>
              </>
            ) : (
              'quorum unknown'
            )}
            {s.observer && <> · seen from {s.observer.name}</>}
          </p>
        </div>

        <div className="flex-1 space-y-3 overflow-y-auto px-4 py-3">
          {!task && (
            <>
              <label className="flex flex-wrap items-center gap-2">
                <span className="font-semibold">New expected votes</span>
                <input
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  className="input w-24 tabular-nums"
                  value={value}
                  onChange={(e) => setValue(e.target.value)}
                  data-testid="ev-input"
                  autoFocus
                />
                <code className="text-sm">pvecm expected {valid ? n : '…'}</code>
              </label>

              <section aria-label="Arithmetic" className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700" data-testid="ev-arithmetic">
                <h3 className="mb-1 font-semibold">What it would do</h3>
                {!valid ? (
                  <p>Enter a whole number of at least 1.</p>
                ) : preview ? (
                  <>
                    <p className="tabular-nums">
                      expected {q?.expectedVotes ?? '?'} → <strong>{n}</strong> · votes needed{' '}
                      {preview.twoNode ? (
                        <>1 (two_node)</>
                      ) : (
                        <>
                          ⌊{n}/2⌋ + 1 = <strong>{preview.quorum}</strong>
                        </>
                      )}{' '}
                      · present <strong>{preview.present}</strong>
                    </p>
                    {preview.refusal ? (
                      <p className="mt-1 font-semibold text-red-800 dark:text-red-300">Corosync would refuse: {preview.refusal}</p>
                    ) : (
                      <p className="mt-1 font-semibold" data-testid="ev-outcome" data-quorate={preview.quorate}>
                        {preview.quorate ? (
                          <>
                            {preview.present} ≥ {preview.quorum}: this side {q?.quorate ? 'stays' : 'becomes'} QUORATE
                            {q?.quorate ? '' : ' again'}.
                          </>
                        ) : (
                          <>
                            {preview.present} &lt; {preview.quorum}: this side stays NOT QUORATE.
                          </>
                        )}
                      </p>
                    )}
                  </>
                ) : (
                  <p>No node could be asked: the arithmetic is unknown.</p>
                )}
                <div className="mt-2 border-t border-slate-200 pt-2 dark:border-slate-700" data-testid="ev-dry-run" aria-live="polite">
                  <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">Server check (dry run)</span>
                  {dry.isFetching && <p className="text-slate-600 dark:text-slate-400">asking the server…</p>}
                  {dry.error && !dry.isFetching && <p className="text-red-800 dark:text-red-300">{dry.error.message}</p>}
                  {dry.data && !dry.isFetching && (
                    <ul className="font-mono text-xs">
                      {dry.data.task.log.map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                    </ul>
                  )}
                </div>
              </section>

              {wasQuorate ? (
                <label className="flex items-start gap-2 text-sm">
                  <input type="checkbox" className="mt-1" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="ev-confirm" />
                  <span>
                    I want to change the expected votes of the running cluster <strong>{name}</strong>. It changes how many votes are needed
                    for quorum until the configuration or membership changes again.
                  </span>
                </label>
              ) : (
                <div
                  className="rounded-md border-2 border-red-700 bg-red-50 p-3 text-sm text-red-950 dark:border-red-400 dark:bg-red-950/60 dark:text-red-50"
                  data-testid="ev-risk"
                >
                  <p className="flex items-center gap-1.5 text-base font-bold">
                    <Icon name="warn" className="size-5" /> Split-brain risk: the last resort
                  </p>
                  <ul className="mt-1 list-disc space-y-0.5 pl-5">
                    <li>
                      Do this <strong>only if {missing.length ? listNames(missing) : 'the missing nodes'} {missing.length === 1 ? 'is' : 'are'} certainly off</strong>{' '}
                      (powered down or fenced) and stay off.
                    </li>
                    <li>
                      If they are running on their own, <strong>both sides could write <code>/etc/pve</code></strong> and start the same guests: the
                      cluster configuration diverges and has to be repaired by hand.
                    </li>
                    <li>Prefer bringing the nodes back. When they return, check that they rejoin this side.</li>
                  </ul>
                  <label className="mt-2 block">
                    <span className="font-semibold">
                      Type the cluster name <code className="select-all">{name}</code> to confirm
                    </span>
                    <input
                      className="input mt-1 text-slate-900 dark:text-slate-100"
                      value={typedName}
                      onChange={(e) => setTypedName(e.target.value)}
                      autoComplete="off"
                      spellCheck={false}
                      aria-invalid={typedName !== '' && !nameOk}
                      data-testid="ev-cluster-name"
                    />
                  </label>
                </div>
              )}
              <ErrorBox error={run.error} testId="ev-error" />
            </>
          )}

          {task && (
            <section aria-label="Result" data-testid="ev-result" data-result={task.result}>
              <p className={`flex items-center gap-1.5 text-lg font-bold ${task.result === 'ok' ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}>
                <Icon name={task.result === 'ok' ? 'ok' : 'bad'} className="size-5" />
                {task.result === 'ok' ? `Expected votes set to ${n}` : `Failed: ${task.result}`}
              </p>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                task {task.id} · started {formatDateTime(task.startedAt)}
                {task.finishedAt !== null && <> · finished {formatDateTime(task.finishedAt)}</>}
              </p>
              <h3 className="mt-2 text-sm font-semibold">Task log ({plural(task.log.length, 'line')})</h3>
              <pre className="mt-1 max-h-60 overflow-auto rounded bg-slate-950 p-2 text-xs text-slate-100" data-testid="ev-task-log">
                {task.log.join('\n')}
              </pre>
              <p className="mt-2 text-sm" data-testid="ev-now">
                Now:{' '}
                {q ? (
                  <strong>
                    {q.quorate ? 'QUORATE' : 'NOT QUORATE'} · {q.totalVotes} of {q.expectedVotes} votes, {q.quorum} needed
                  </strong>
                ) : (
                  'quorum unknown'
                )}
              </p>
            </section>
          )}
        </div>

        <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 px-4 py-3 dark:border-slate-800">
          {task ? (
            <button type="button" className="btn" onClick={() => ref.current?.close()} data-testid="ev-close" autoFocus>
              Close
            </button>
          ) : (
            <>
              <button type="button" className="btn" onClick={() => ref.current?.close()} data-testid="ev-cancel">
                Cancel
              </button>
              <button type="submit" className="btn btn-danger" disabled={!canRun} data-testid="ev-submit">
                {run.isPending ? 'Running…' : valid ? `Set expected votes to ${n}` : 'Set expected votes'}
              </button>
            </>
          )}
        </div>
      </form>
    </dialog>
  );
}
