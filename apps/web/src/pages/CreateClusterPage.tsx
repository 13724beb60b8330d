// Create a cluster from standalone nodes (`pvecm create`, then `pvecm add` for the others): a short wizard —
// name and nodes, the server's plan (the quorum the new cluster will have), run with the live log. Only
// where the cluster's source has the create capability.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import type { Task } from '@quorate/model';
import { dryRunCreate, fetchJoinCandidates, joinKeys, runCreate, type CreateAsk } from '../api/join';
import { ClusterPicker, lacks } from '../components/join/ClusterPicker';
import { ClusterNameRule, nameIssue } from '../components/join/names';
import { QuorumChange } from '../components/join/QuorumChange';
import { StepHeading } from '../components/join/StepHeading';
import { TaskLog, useFollowedTask } from '../components/join/TaskLog';
import { ErrorBox, Field } from '../components/form';
import { useSelection } from '../lib/selection';
import type { CreateSearch, CreateStep } from '../routes/join-search';

const TITLE: Record<CreateStep, string> = { name: 'Name and nodes', plan: 'Plan', run: 'Run' };

export default function CreateClusterPage() {
  const search = useSearch({ from: '/create' });
  const navigate = useNavigate({ from: '/create' });
  const { clusterId, clusters } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  const why = lacks(cluster, 'create', 'create clusters');
  const id = clusterId ?? '';
  const step: CreateStep = search.step ?? 'name';
  const chosen = (search.nodes ?? '').split(',').filter(Boolean);
  const [name, setName] = useState(search.name ?? '');
  const [picked, setPicked] = useState<string[]>(chosen);
  const [tried, setTried] = useState(false);
  const [accepted, setAccepted] = useState<Task | undefined>(undefined);
  const go = (patch: Partial<CreateSearch>) => void navigate({ search: (prev: CreateSearch) => ({ ...prev, ...patch }) });

  const candidates = useQuery({ queryKey: joinKeys.candidates(id), queryFn: () => fetchJoinCandidates(id), enabled: why === null, retry: false });
  const byName = new Map((candidates.data?.candidates ?? []).map((c) => [c.name, c]));
  const ask: CreateAsk = { clusterName: search.name ?? '', nodes: chosen.map((n) => ({ name: n, ...(byName.get(n)?.addresses.length ? { addresses: byName.get(n)!.addresses } : {}) })) };
  const dry = useQuery({
    queryKey: joinKeys.createPlan(id, ask),
    queryFn: () => dryRunCreate(id, ask),
    enabled: why === null && step === 'plan' && candidates.data !== undefined,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const run = useMutation({
    mutationFn: () => runCreate(id, ask),
    onSuccess: (r) => {
      setAccepted(r.task);
      go({ step: 'run', task: r.task.id });
    },
  });
  const followed = useFollowedTask(search.task, accepted);
  const task = followed.data ?? (accepted?.id === search.task ? accepted : undefined);
  const nameErr = name.trim() === '' ? 'Type the new cluster’s name.' : nameIssue(ClusterNameRule, name);
  const nodesErr = picked.length === 0 ? 'Pick at least one node: the first creates the cluster, the others join it.' : null;

  return (
    <section className="panel mx-auto w-full max-w-3xl min-w-0" aria-labelledby="create-title" data-testid="create-page" data-step={step}>
      <p className="text-sm text-slate-600 dark:text-slate-400">Create a cluster · step {['name', 'plan', 'run'].indexOf(step) + 1} of 3</p>
      <StepHeading step={step} id="create-title">
        {TITLE[step]}
      </StepHeading>
      {step === 'name' && <ClusterPicker clusters={clusters} clusterId={clusterId} cap="create" onPick={(c) => void navigate({ search: (prev: CreateSearch) => ({ ...prev, cluster: c }) })} />}
      {why !== null ? (
        <p className="mt-2 font-semibold" data-testid="create-unavailable">
          {why}
        </p>
      ) : step === 'name' ? (
        <form
          className="mt-3 space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            if (!nameErr && !nodesErr) go({ step: 'plan', name: name.trim(), nodes: picked.join(',') });
          }}
        >
          <Field label="Cluster name" hint="Letters, digits and inner hyphens; at most 15 characters" error={tried ? nameErr : null}>
            <input className="input min-h-11" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} data-testid="create-name" />
          </Field>
          <fieldset>
            <legend className="font-semibold">Nodes (in order: the first creates the cluster)</legend>
            {(candidates.data?.candidates ?? []).map((c) => (
              <Field key={c.name} layout="check" label={`${c.name} (${c.addresses.map((a) => a.address).join(', ') || 'no address'})`}>
                <input
                  type="checkbox"
                  className="mt-1 size-5"
                  checked={picked.includes(c.name)}
                  onChange={(e) => setPicked((p) => (e.target.checked ? [...p, c.name] : p.filter((x) => x !== c.name)))}
                  data-testid={`create-node-${c.name}`}
                />
              </Field>
            ))}
            {candidates.data?.candidates.length === 0 && <p className="text-sm">No standalone nodes are offered here.</p>}
            <ErrorBox error={candidates.error} />
            {tried && nodesErr && <p className="text-sm font-semibold text-red-800 dark:text-red-300">{nodesErr}</p>}
          </fieldset>
          <div className="flex justify-end">
            <button type="submit" className="btn-primary min-h-11" data-testid="step-next">
              Next: plan
            </button>
          </div>
        </form>
      ) : step === 'plan' ? (
        <div className="mt-2 space-y-3">
          <p>
            Create <strong>{ask.clusterName}</strong> on {chosen[0]}
            {chosen.length > 1 ? `, then join ${chosen.slice(1).join(', ')}` : ''}.
          </p>
          <ErrorBox error={dry.error} testId="create-refusal" title="Refused" />
          {dry.data && <QuorumChange before={null} after={dry.data.plan.after} testId="create-quorum" />}
          <ErrorBox error={run.error} />
          <div className="flex flex-wrap justify-between gap-2">
            <button type="button" className="btn min-h-11" onClick={() => go({ step: 'name' })}>
              Back
            </button>
            <button type="button" className="btn-primary min-h-11" disabled={!dry.data || run.isPending} onClick={() => run.mutate()} data-testid="create-run">
              {run.isPending ? 'Starting…' : `Create ${ask.clusterName}`}
            </button>
          </div>
        </div>
      ) : (
        <TaskLog task={task} error={followed.error} title={`Create ${search.name ?? ''}`} testId="create-task" />
      )}
    </section>
  );
}
