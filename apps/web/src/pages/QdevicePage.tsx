// Set up or remove a QDevice (issue 16) — what `pvecm qdevice setup <host>` does, guided: the qnetd host and
// the algorithm explained (ffsplit for even node counts; lms, or any QDevice on an odd count, only forced, with
// Proxmox's warning), every pre-flight check up front (each node's corosync-qdevice, TCP 5403 to qnetd from every
// node, all online, no QDevice yet), quorum before → after, the steps; then the change as a live task and the
// proof (the QDevice's vote counted). Removal is the same page when one is configured; it asks the cluster name.
// Everything but the typed confirmation lives in the URL, so a reload resumes the page.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { dryRunQdevice, qdeviceKeys, runQdevice, type QdeviceAsk } from '../api/qdevice';
import { ClusterPicker, lacks } from '../components/join/ClusterPicker';
import { failing, Preflight } from '../components/join/Preflight';
import { QuorumChange } from '../components/join/QuorumChange';
import { StepHeading } from '../components/join/StepHeading';
import { TaskLog, usePageTask, verifiedLine } from '../components/join/TaskLog';
import { ErrorBox, Field } from '../components/form';
import { useSelection } from '../lib/selection';
import { useMirror } from '../lib/useMirror';
import { qdeviceSearch, type QdeviceSearch } from '../routes/qdevice-search';

export const ALGORITHMS = {
  ffsplit: 'ffsplit — one vote to the larger half of a split; for an even node count (2, 4, …). Proxmox’s recommended setup.',
  lms: 'lms — N−1 votes, so one node that still reaches qnetd keeps quorum alone. Proxmox discourages it: if qnetd fails no node may fail, and HA recovery can overload the survivor.',
} as const;

export default function QdevicePage() {
  const search = qdeviceSearch.parse(useSearch({ from: '/qdevice' }));
  const navigate = useNavigate({ from: '/qdevice' });
  const { clusterId, clusters, entry } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  const why = lacks(cluster, 'qdevice', 'change its QDevice');
  const s = entry?.snapshot;
  const id = clusterId ?? '';
  const current = s?.qdevice ?? null;
  const go = (patch: Partial<QdeviceSearch>) => void navigate({ search: (prev: QdeviceSearch) => ({ ...prev, ...patch }) });
  // the radio and the box show a pick at once (the URL follows a moment later)
  const [algorithm, pickAlgorithm] = useMirror(search.algorithm ?? 'ffsplit', (a) => go({ algorithm: a }));
  const [force, pickForce] = useMirror(search.force === '1', (f) => go({ force: f ? '1' : undefined }));
  const [host, setHost] = useState(search.host ?? '');
  const [confirmed, setConfirmed] = useState(false);
  const [typed, setTyped] = useState('');
  const { task, error: taskError, accept } = usePageTask(search.task);
  // a task's action is its own (its params); before one runs, the live QDevice decides
  const taskAction = task?.params.action === 'remove' ? 'remove' : task?.params.action === 'setup' ? 'setup' : null;
  const shown = (search.task ? taskAction : null) ?? (current ? 'remove' : 'setup');
  const ask: QdeviceAsk = shown === 'remove' ? { action: 'remove' } : { action: 'setup', host: search.host, algorithm: search.algorithm ?? 'ffsplit', ...(search.force ? { force: true } : {}) };
  const count = s?.nodes.length ?? 0;
  const name = s?.cluster.name ?? cluster?.name ?? '';

  // asked again when the membership or the QDevice changes (a node back online turns a failed check into a pass)
  const situation = `${s?.nodes.map((n) => n.state).join(',') ?? '-'}/${current?.host ?? 'none'}`;
  const dry = useQuery({
    queryKey: qdeviceKeys.plan(id, ask, situation),
    queryFn: () => dryRunQdevice(id, ask),
    enabled: why === null && search.task === undefined && (shown === 'remove' || search.host !== undefined),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const plan = dry.data?.plan;
  const blocked = plan ? failing(plan.checks).length > 0 : true;
  const run = useMutation({
    mutationFn: () => runQdevice(id, ask, shown === 'remove' ? typed.trim() : undefined),
    onSuccess: (r) => {
      accept(r.task);
      go({ task: r.task.id });
    },
  });
  const phase = search.task ? 'run' : plan ? 'plan' : 'ask';
  const canRun = !blocked && !run.isPending && (shown === 'remove' ? typed.trim() === name : confirmed);

  return (
    <section className="panel mx-auto w-full max-w-3xl min-w-0" aria-labelledby="qdevice-title" data-testid="qdevice-page">
      <StepHeading step={`${shown}-${phase}`} id="qdevice-title">
        {shown === 'remove' ? 'Remove the QDevice' : 'Set up a QDevice'}
      </StepHeading>
      <div className="space-y-3">
        <ClusterPicker clusters={clusters} clusterId={clusterId} cap="qdevice" onPick={(c) => void navigate({ search: (prev: QdeviceSearch) => ({ ...prev, cluster: c, task: undefined }) })} />
        {why !== null ? (
          <p className="font-semibold" data-testid="qdevice-unavailable">
            {why}
          </p>
        ) : (
          <>
            <p className="text-sm" data-testid="qdevice-now">
              {current
                ? `Now: a QDevice (${current.algorithm}) at ${current.host ?? 'its host'} with ${current.votes} vote${current.votes === 1 ? '' : 's'}, ${current.state}${current.castsVote ? ', its vote counted' : ', its vote NOT counted'}.`
                : `Now: no QDevice. ${count} node${count === 1 ? '' : 's'}${count % 2 === 0 && count > 0 ? ': an even count, which a QDevice makes safe against an even split' : count > 0 ? ': an odd count, which needs no QDevice (Proxmox discourages one)' : ''}.`}
            </p>
            {shown === 'setup' && !search.task && (
              <form
                className="space-y-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  const h = host.trim();
                  if (h) go({ host: h });
                }}
                data-testid="qdevice-ask"
              >
                <Field label="qnetd host" hint="The external host running corosync-qnetd (apt install corosync-qnetd), reachable from every node on TCP 5403. A name or an address.">
                  <input className="input min-h-11" value={host} onChange={(e) => setHost(e.target.value)} placeholder="qnetd.example.org" autoComplete="off" spellCheck={false} data-testid="qdevice-host" />
                </Field>
                <fieldset className="space-y-1">
                  <legend className="text-sm font-semibold">Algorithm</legend>
                  {(['ffsplit', 'lms'] as const).map((a) => (
                    <label key={a} className="flex items-start gap-2 text-sm">
                      <input type="radio" name="algorithm" className="mt-1" checked={algorithm === a} onChange={() => pickAlgorithm(a)} data-testid={`qdevice-algorithm-${a}`} />
                      <span>{ALGORITHMS[a]}</span>
                    </label>
                  ))}
                </fieldset>
                {(count % 2 === 1 || algorithm === 'lms') && (
                  <label className="flex items-start gap-2 text-sm">
                    <input type="checkbox" className="mt-1" checked={force} onChange={(e) => pickForce(e.target.checked)} data-testid="qdevice-force" />
                    <span>Force it (Proxmox’s --force): I know {count % 2 === 1 ? 'a QDevice on an odd node count' : 'lms'} is discouraged.</span>
                  </label>
                )}
                <button type="submit" className="btn min-h-11" disabled={host.trim() === ''} data-testid="qdevice-check">
                  Check
                </button>
              </form>
            )}
            {phase !== 'run' && (
              <>
                <ErrorBox error={dry.error} testId="qdevice-refusal" title="Refused" />
                {dry.isFetching && !plan && <p className="text-sm">Checking every node…</p>}
                {plan && (
                  <div className="space-y-3" data-testid="qdevice-plan">
                    <Preflight checks={plan.checks} />
                    <div className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
                      <h3 className="text-sm font-semibold">Quorum before → after</h3>
                      <QuorumChange before={plan.before} after={plan.after} testId="qdevice-quorum" />
                    </div>
                    <div>
                      <h3 className="text-sm font-semibold">What it does, in order</h3>
                      <ol className="list-decimal space-y-0.5 pl-6 text-sm break-words" data-testid="qdevice-steps">
                        {plan.steps.map((l) => (
                          <li key={l}>{l}</li>
                        ))}
                      </ol>
                    </div>
                    <form
                      className="space-y-2"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (canRun) run.mutate();
                      }}
                    >
                      {shown === 'remove' ? (
                        <Field label={<>Type the cluster name <code className="select-all">{name}</code> to confirm</>}>
                          <input className="input min-h-11" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} data-testid="qdevice-cluster-name" />
                        </Field>
                      ) : (
                        <label className="flex items-start gap-2 text-sm">
                          <input type="checkbox" className="mt-1" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="qdevice-confirm" />
                          <span>
                            Write the QDevice into corosync.conf on every node and reload Corosync ({plan.sentence}).
                          </span>
                        </label>
                      )}
                      <ErrorBox error={run.error} testId="qdevice-run-error" />
                      <button type="submit" className={`btn min-h-11 ${shown === 'remove' ? 'btn-danger' : 'btn-primary'}`} disabled={!canRun} data-testid="qdevice-run">
                        {run.isPending ? 'Starting…' : shown === 'remove' ? 'Remove the QDevice' : `Set up the QDevice at ${plan.host}`}
                      </button>
                      {blocked && <p className="text-sm font-semibold">Fix what failed first: nothing runs while a check fails.</p>}
                    </form>
                  </div>
                )}
              </>
            )}
            {phase === 'run' && (
              <>
                <TaskLog task={task} error={taskError} title={shown === 'remove' ? 'Remove the QDevice' : 'Set up the QDevice'} testId="qdevice-task" />
                {task?.status === 'ok' && (
                  <div className="rounded-md border border-emerald-700 p-3 text-sm" data-testid="qdevice-verified">
                    <p className="font-semibold">{verifiedLine(task) ?? 'Done.'}</p>
                    {s?.quorum && (
                      <p data-testid="qdevice-verified-live">
                        Live now: {s.quorum.totalVotes} of {s.quorum.expectedVotes} votes, {s.quorum.quorum} needed, {s.quorum.quorate ? 'QUORATE' : 'NOT QUORATE'}
                        {s.qdevice ? `; QDevice ${s.qdevice.state}, ${s.qdevice.castsVote ? 'its vote counted' : 'its vote not counted'}` : '; no QDevice'}.
                      </p>
                    )}
                  </div>
                )}
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
