// Create a cluster from standalone nodes (`pvecm create`, then `pvecm add` for the others): a short wizard —
// name and nodes, the server's plan (the quorum the new cluster will have), run with the live log. Only
// where the cluster's source has the create capability.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { dryRunCreate, fetchJoinCandidates, joinKeys, runCreate, type CreateAsk } from '../api/join';
import { ClusterPicker, lacks } from '../components/join/ClusterPicker';
import { CreateApiNodes, EMPTY_ROW, type ApiNodeErrors, type ApiNodeRow } from '../components/join/CreateApiNodes';
import { ClusterNameRule, nameIssue } from '../components/join/names';
import { joinerAccess, judgeApiNodes } from '../components/join/pve-access';
import { QuorumChange } from '../components/join/QuorumChange';
import { StepHeading } from '../components/join/StepHeading';
import { TaskLog, usePageTask } from '../components/join/TaskLog';
import { ErrorBox, Field } from '../components/form';
import { useSelection } from '../lib/selection';
import { formatList, parseList, type CreateSearch, type CreateStep, createSearch } from '../routes/join-search';

const TITLE: Record<CreateStep, string> = { name: 'Name and nodes', plan: 'Plan', run: 'Run' };

export default function CreateClusterPage() {
  const search = createSearch.parse(useSearch({ from: '/create' }));
  const navigate = useNavigate({ from: '/create' });
  const { clusterId, clusters, entry } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  const why = lacks(cluster, 'create', 'create clusters');
  const id = clusterId ?? '';
  const step: CreateStep = search.step ?? 'name';
  const chosen = (search.nodes ?? '').split(',').filter(Boolean);
  const [name, setName] = useState(search.name ?? '');
  const [picked, setPicked] = useState<string[]>(chosen);
  const [tried, setTried] = useState(false);
  const pve = cluster?.source === 'pve';
  const urls = parseList(search.urls, chosen.length);
  const fps = parseList(search.fps, chosen.length);
  // pve: the rows as typed (address and fingerprint also in the URL; passwords and codes only here)
  const [rows, setRows] = useState<ApiNodeRow[]>(() =>
    chosen.length > 0 ? chosen.map((name, i) => ({ ...EMPTY_ROW, name, url: urls[i]!, fingerprint: fps[i]! })) : [{ ...EMPTY_ROW, name: entry?.snapshot?.nodes[0]?.name ?? '' }],
  );
  const [rowErrors, setRowErrors] = useState<ApiNodeErrors[]>([]);
  const go = (patch: Partial<CreateSearch>) => void navigate({ search: (prev: CreateSearch) => ({ ...prev, ...patch }) });

  const candidates = useQuery({ queryKey: joinKeys.candidates(id), queryFn: () => fetchJoinCandidates(id), enabled: why === null, retry: false });
  const byName = new Map((candidates.data?.candidates ?? []).map((c) => [c.name, c]));
  const joinerOf = (i: number, name: string) => {
    const r = rows[i];
    if (!pve || !r || r.name.trim() !== name || r.password === '') return {};
    const j = joinerAccess({ url: urls[i]!, fingerprint: fps[i]!, password: r.password, otp: r.otp }, { requireFingerprint: true });
    return j.ok ? { joiner: j.value } : {};
  };
  const ask: CreateAsk = {
    clusterName: search.name ?? '',
    nodes: chosen.map((n, i) => ({ name: n, ...(byName.get(n)?.addresses.length ? { addresses: byName.get(n)!.addresses } : {}), ...joinerOf(i, n) })),
  };
  // pve after a reload: the passwords are gone, and without them the server cannot reach the nodes
  const secretsGone = pve && ask.nodes.some((n) => n.joiner === undefined);
  const dry = useQuery({
    queryKey: joinKeys.createPlan(id, ask),
    queryFn: () => dryRunCreate(id, ask),
    enabled: why === null && step === 'plan' && candidates.data !== undefined && !secretsGone,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const run = useMutation({
    mutationFn: () => runCreate(id, ask),
    onSuccess: (r) => {
      accept(r.task);
      go({ step: 'run', task: r.task.id });
    },
  });
  const { task, error: taskError, accept } = usePageTask(search.task);
  const nameErr = name.trim() === '' ? 'Type the new cluster’s name.' : nameIssue(ClusterNameRule, name);
  const nodesErr = pve ? null : picked.length === 0 ? 'Pick at least one node: the first creates the cluster, the others join it.' : null;

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
            if (pve) {
              const judged = judgeApiNodes(rows);
              setRowErrors(judged.ok ? [] : judged.errors);
              if (nameErr || !judged.ok) return;
              const names = judged.nodes.map((n) => n.name);
              go({ step: 'plan', name: name.trim(), nodes: names.join(','), urls: formatList(judged.nodes.map((n) => n.joiner.url)), fps: formatList(judged.nodes.map((n) => n.joiner.fingerprint ?? '')) });
              return;
            }
            if (!nameErr && !nodesErr) go({ step: 'plan', name: name.trim(), nodes: picked.join(',') });
          }}
          noValidate
        >
          <Field label="Cluster name" hint="Letters, digits and inner hyphens; at most 15 characters" error={tried ? nameErr : null}>
            <input className="input min-h-11" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} data-testid="create-name" />
          </Field>
          {pve ? (
            <CreateApiNodes rows={rows} onChange={setRows} errors={rowErrors} />
          ) : (
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
          )}
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
          {secretsGone && (
            <p className="text-sm font-semibold" role="note" data-testid="create-password-forgotten">
              The root@pam passwords are gone (after a reload: they are kept in memory only). Go Back and type them again.
            </p>
          )}
          <ErrorBox error={dry.error} testId="create-refusal" title="Refused" />
          {dry.data && <QuorumChange before={null} after={dry.data.plan.after} testId="create-quorum" />}
          <ErrorBox error={run.error} />
          <div className="flex flex-wrap justify-between gap-2">
            <button type="button" className="btn min-h-11" onClick={() => go({ step: 'name' })}>
              Back
            </button>
            <button type="button" className="btn-primary min-h-11" disabled={!dry.data || run.isPending || secretsGone} onClick={() => run.mutate()} data-testid="create-run">
              {run.isPending ? 'Starting…' : `Create ${ask.clusterName}`}
            </button>
          </div>
        </div>
      ) : (
        <TaskLog task={task} error={taskError} title={`Create ${search.name ?? ''}`} testId="create-task" />
      )}
    </section>
  );
}
