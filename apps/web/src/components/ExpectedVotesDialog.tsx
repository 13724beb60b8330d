// Guarded `pvecm expected N`: shows the arithmetic (the BFF's dry-run plan: figures before and after),
// asks for confirmation, and wants the cluster name typed whenever the plan says so: on the recovery path
// (not quorate: the split-brain risk) and when the change lowers the failure tolerance (e.g. expected 5 on
// a healthy 3-node cluster: it can lose no node afterwards). After the run it shows the task log and
// result; the hero behind it updates live.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { failureTolerance } from '@quorate/model';
import { queryKeys } from '../api/keys';
import { planExpectedVotes, setExpectedVotes } from '../api/operations';
import { fetchTask, isRunning } from '../api/tasks';
import type { ExpectedVotesPlan, Task, TaskAccepted } from '../api/types';
import { useSnapshot } from '../live/useClusterLive';
import { missingNodes } from '../lib/cluster';
import { formatDateTime, listNames, plural } from '../lib/format';
import { ErrorBox, Field, SubmitButton } from './form';
import { Icon } from './Icon';

interface Props {
  clusterId: string;
  onClose: () => void;
}

type Figures = ExpectedVotesPlan['before'];
const ENDED_WORD: Record<Task['status'], string> = { running: 'Running', ok: 'Done', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted' };
const state = (f: Figures) => (f.quorate ? 'QUORATE' : 'NOT QUORATE');

function PlanTable({ plan }: { plan: ExpectedVotesPlan }) {
  const { before: b, after: a } = plan;
  const row = (label: string, x: ReactNode, y: ReactNode, changed: boolean) => (
    <tr>
      <th scope="row" className="py-0.5 pr-4 text-left font-normal">
        {label}
      </th>
      <td className="px-2 text-right tabular-nums">{x}</td>
      <td className="px-1 text-center text-slate-500" aria-hidden="true">
        →
      </td>
      <td className={`px-2 text-right tabular-nums ${changed ? 'font-bold' : ''}`}>{y}</td>
    </tr>
  );
  return (
    <table className="text-sm" data-testid="ev-plan">
      <thead className="sr-only">
        <tr>
          <th>figure</th>
          <th>now</th>
          <th />
          <th>after</th>
        </tr>
      </thead>
      <tbody>
        {row('expected votes', b.expectedVotes, a.expectedVotes, a.expectedVotes !== b.expectedVotes)}
        {row('votes needed (quorum)', b.quorum, a.quorum, a.quorum !== b.quorum)}
        {row('votes present', b.totalVotes, a.totalVotes, false)}
        {row('state', state(b), state(a), a.quorate !== b.quorate)}
        {row('nodes it can lose', b.nodesCanLose, a.nodesCanLose, a.nodesCanLose !== b.nodesCanLose)}
      </tbody>
    </table>
  );
}

export default function ExpectedVotesDialog({ clusterId, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const entry = useSnapshot(clusterId);
  const s = entry?.snapshot;
  // offer the model's last-resort value while not quorate, else the current expected votes
  const [value, setValue] = useState(() => {
    const q = s?.quorum;
    if (!s || !q) return '1';
    return String(q.quorate ? q.expectedVotes : (failureTolerance(s)?.expectedVotesToRestore ?? Math.max(1, q.totalVotes)));
  });
  // until the plan says otherwise, the situation at opening decides the guard
  const [quorateAtOpen] = useState(() => s?.quorum?.quorate ?? false);
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

  // the BFF's dry run: what would happen, nothing done. Asked again when the value or the quorum changes.
  const quorumKey = s?.quorum ? `${s.quorum.totalVotes}/${s.quorum.expectedVotes}/${s.quorum.quorum}` : 'none';
  const dry = useQuery({
    queryKey: queryKeys.expectedVotesPlan(clusterId, n, quorumKey),
    queryFn: () => planExpectedVotes(clusterId, n),
    enabled: valid && s !== undefined,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const plan = dry.data?.plan;
  const needsName = plan ? plan.needsClusterName : !quorateAtOpen;
  // the split-brain warning belongs to the recovery path; otherwise the typed name guards lost tolerance
  const recovery = plan ? plan.recovery : !quorateAtOpen;

  const run = useMutation<TaskAccepted>({
    mutationFn: () => setExpectedVotes(clusterId, { expectedVotes: n, confirm: true, ...(needsName ? { clusterName: typedName.trim() } : {}) }),
  });
  // 202: the task runs on the server; the socket's `task` messages update this query, polling backs them up
  const accepted = run.data?.task;
  const followed = useQuery({
    queryKey: queryKeys.task(accepted?.id ?? ''),
    queryFn: () => fetchTask(accepted?.id ?? ''),
    enabled: accepted !== undefined,
    ...(accepted ? { initialData: accepted } : {}),
    refetchInterval: (query) => (isRunning(query.state.data) ? 1000 : false),
    // an ended task does not change: never asked for again
    staleTime: (query) => (isRunning(query.state.data) ? 0 : Infinity),
  });

  if (!s) return null;
  const q = s.quorum;
  const missing = missingNodes(s).map((x) => x.name);
  const confirmed = needsName ? typedName.trim() === name : understood;
  const canRun = valid && plan !== undefined && !dry.isFetching && confirmed && !run.isPending && !run.data;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canRun) run.mutate();
  };

  const task = accepted ? (followed.data ?? accepted) : undefined;
  const running = task?.status === 'running';
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
              <Field
                label="New expected votes"
                layout="inline"
                after={
                  <span className="text-sm text-slate-600 dark:text-slate-400">
                    runs <code>pvecm expected {valid ? n : '…'}</code> on {s.observer?.name ?? 'the observer node'}
                  </span>
                }
              >
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
              </Field>

              <section aria-label="What it would do" className="rounded-md border border-slate-200 p-3 dark:border-slate-700" data-testid="ev-dry-run" aria-live="polite">
                <h3 className="mb-1 text-sm font-semibold">
                  What it would do <span className="font-normal text-slate-500">(the server’s dry run: nothing changes yet)</span>
                </h3>
                {!valid ? (
                  <p className="text-sm">Enter a whole number of at least 1.</p>
                ) : dry.error ? (
                  <p className="text-sm font-semibold text-red-800 dark:text-red-300" data-testid="ev-refusal">
                    Refused: {dry.error.message}
                  </p>
                ) : !plan ? (
                  <p className="text-sm text-slate-600 dark:text-slate-400">asking the server…</p>
                ) : (
                  <div className={dry.isFetching ? 'opacity-60' : ''}>
                    <PlanTable plan={plan} />
                    <p className="mt-1 text-sm font-semibold" data-testid="ev-outcome" data-quorate={plan.after.quorate}>
                      {plan.after.totalVotes} present {plan.after.quorate ? '≥' : '<'} {plan.after.quorum} needed: this side{' '}
                      {plan.after.quorate ? (plan.before.quorate ? 'stays QUORATE' : 'becomes QUORATE again') : 'stays NOT QUORATE'}.
                    </p>
                  </div>
                )}
              </section>

              {plan?.risk && !needsName && (
                <p className="rounded-md border border-amber-600 bg-amber-50 p-2 text-sm text-amber-950 dark:bg-amber-950/60 dark:text-amber-50" data-testid="ev-note">
                  {plan.risk}
                </p>
              )}
              {!needsName ? (
                <Field
                  layout="check"
                  label={
                    <>
                      I want to change the expected votes of the running cluster <strong>{name}</strong>. It changes how many votes are needed
                      for quorum until the configuration or membership changes again.
                    </>
                  }
                >
                  <input type="checkbox" className="mt-1" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="ev-confirm" />
                </Field>
              ) : (
                <div
                  className="rounded-md border-2 border-red-700 bg-red-50 p-3 text-sm text-red-950 dark:border-red-400 dark:bg-red-950/60 dark:text-red-50"
                  data-testid="ev-risk"
                  data-kind={recovery ? 'split-brain' : 'tolerance'}
                >
                  {recovery ? (
                    <>
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
                      {plan?.risk && (
                        <details className="mt-1 text-xs">
                          <summary className="cursor-pointer">The server’s full warning</summary>
                          <p className="mt-1">{plan.risk}</p>
                        </details>
                      )}
                    </>
                  ) : (
                    <>
                      <p className="flex items-center gap-1.5 text-base font-bold">
                        <Icon name="warn" className="size-5" /> The cluster becomes more fragile
                      </p>
                      <p className="mt-1" data-testid="ev-risk-text">
                        {plan?.risk}
                      </p>
                    </>
                  )}
                  <Field
                    className="mt-2"
                    labelClassName="mb-1 block font-semibold"
                    label={
                      <>
                        Type the cluster name <code className="select-all">{name}</code> to confirm
                      </>
                    }
                  >
                    <input
                      className="input text-slate-900 dark:text-slate-100"
                      value={typedName}
                      onChange={(e) => setTypedName(e.target.value)}
                      autoComplete="off"
                      spellCheck={false}
                      aria-invalid={typedName !== '' && typedName.trim() !== name}
                      data-testid="ev-cluster-name"
                    />
                  </Field>
                </div>
              )}
              <ErrorBox error={run.error} testId="ev-error" />
            </>
          )}

          {task && (
            <section aria-label="Result" data-testid="ev-result" data-result={task.status} aria-live="polite">
              <p
                className={`flex items-center gap-1.5 text-lg font-bold ${
                  running ? '' : task.status === 'ok' ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'
                }`}
              >
                {!running && <Icon name={task.status === 'ok' ? 'ok' : 'bad'} className="size-5" />}
                {running ? `Running pvecm expected ${n}…` : task.status === 'ok' ? `Expected votes set to ${n}` : ENDED_WORD[task.status]}
              </p>
              {!running && task.status !== 'ok' && task.message && (
                <p className="text-sm font-semibold text-red-800 dark:text-red-300" data-testid="ev-task-message">
                  {task.message}
                </p>
              )}
              <p className="text-sm text-slate-600 dark:text-slate-400">
                task {task.id} · started {formatDateTime(task.startedAt)}
                {task.endedAt !== null && <> · finished {formatDateTime(task.endedAt)}</>}
              </p>
              <h3 className="mt-2 text-sm font-semibold">Task log ({plural(task.log.length, 'line')})</h3>
              <pre className="mt-1 max-h-60 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-2 text-xs text-slate-100" data-testid="ev-task-log">
                {task.log.map((l) => l.line).join('\n')}
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
              <SubmitButton pending={run.isPending} pendingLabel="Running…" disabled={!canRun} className="btn btn-danger" testId="ev-submit">
                {valid ? `Set expected votes to ${n}` : 'Set expected votes'}
              </SubmitButton>
            </>
          )}
        </div>
      </form>
    </dialog>
  );
}
