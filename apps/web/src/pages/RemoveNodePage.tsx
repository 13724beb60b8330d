// Remove a node (`pvecm delnode`) in Proxmox's documented order, as a checklist: 1 power the node off (an
// online node: the server's refusal is shown), 2 remove it here, 3 clean what stays behind (its folder in
// /etc/pve/nodes, SSH known hosts), 4 never start it again with its old configuration. The dry run shows
// quorum before and after; the cluster name is typed to run; the task log follows. A pve cluster also asks
// root@pam's password (and TOTP code), sent as `credentials` for the run only and kept in memory only.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { dryRunDelnode, joinKeys, runDelnode } from '../api/join';
import { ClusterPicker, lacks } from '../components/join/ClusterPicker';
import { needsTotp, rootCredentials } from '../components/join/pve-access';
import { QuorumChange } from '../components/join/QuorumChange';
import { RootCredentialsFields } from '../components/join/RootCredentialsFields';
import { StepHeading } from '../components/join/StepHeading';
import { TaskLog, usePageTask } from '../components/join/TaskLog';
import { ErrorBox, Field } from '../components/form';
import { useSelection } from '../lib/selection';
import { type RemoveSearch, removeSearch } from '../routes/join-search';

/** the documented order; the page marks the first step from the live state */
export const DELNODE_ORDER = [
  'Power the node off (shut it down; it must not be running)',
  'Remove it from the cluster here (pvecm delnode, run on a member)',
  'Clean what stays behind: its folder /etc/pve/nodes/<name> and its SSH known-hosts entries',
  'Never start it again with its old configuration: reinstall it, or separate it first',
] as const;

export default function RemoveNodePage() {
  const search = removeSearch.parse(useSearch({ from: '/remove' }));
  const navigate = useNavigate({ from: '/remove' });
  const { clusterId, clusters, entry } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  const why = lacks(cluster, 'delnode', 'remove nodes');
  const s = entry?.snapshot;
  const id = clusterId ?? '';
  const node = search.node ?? '';
  const target = s?.nodes.find((n) => n.name === node);
  const [typed, setTyped] = useState('');
  const pve = cluster?.source === 'pve';
  const [root, setRoot] = useState({ password: '', otp: '' });
  const [tried, setTried] = useState(false);
  const creds = pve ? rootCredentials(root.password, root.otp) : null;
  const go = (patch: Partial<RemoveSearch>) => void navigate({ search: (prev: RemoveSearch) => ({ ...prev, ...patch }) });

  // asked again when the node's state or the quorum changes (powering it off turns the refusal into a plan)
  const situation = `${target?.state ?? 'none'}/${s?.quorum?.totalVotes ?? '-'}/${s?.quorum?.expectedVotes ?? '-'}`;
  const dry = useQuery({
    queryKey: joinKeys.delnodePlan(id, node, situation),
    queryFn: () => dryRunDelnode(id, node),
    enabled: why === null && node !== '' && search.task === undefined,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const plan = dry.data?.plan;
  const name = s?.cluster.name ?? cluster?.name ?? '';
  const run = useMutation({
    mutationFn: () => runDelnode(id, node, typed.trim(), creds?.ok ? creds.value : undefined),
    onSuccess: (r) => {
      accept(r.task);
      go({ task: r.task.id });
    },
  });
  const { task, error: taskError, accept } = usePageTask(search.task);
  const totpAsked = pve && needsTotp([run.error instanceof Error ? run.error.message : null, task?.message, ...(task?.log.map((l) => l.line) ?? [])]);
  const poweredOff = target !== undefined && target.state !== 'online';
  const done = [poweredOff, task?.status === 'ok', false, false];
  const phase = search.task ? 'run' : node ? 'plan' : 'pick';

  return (
    <section className="panel mx-auto w-full max-w-3xl min-w-0" aria-labelledby="remove-title" data-testid="remove-page">
      <StepHeading step={phase} id="remove-title">
        Remove a node{node ? `: ${node}` : ''}
      </StepHeading>
      <div className="space-y-3">
        <ClusterPicker clusters={clusters} clusterId={clusterId} cap="delnode" onPick={(c) => void navigate({ search: (prev: RemoveSearch) => ({ ...prev, cluster: c, node: undefined }) })} />
        {why !== null ? (
          <p className="font-semibold" data-testid="remove-unavailable">
            {why}
          </p>
        ) : (
          <>
            <Field label="Node">
              <select className="input min-h-11" value={node} onChange={(e) => go({ node: e.target.value || undefined, task: undefined })} data-testid="remove-node" disabled={search.task !== undefined}>
                <option value="">Choose a node…</option>
                {(s?.nodes ?? []).map((n) => (
                  <option key={n.name} value={n.name}>
                    {n.name} — {n.state}
                  </option>
                ))}
              </select>
            </Field>
            <ol className="list-decimal space-y-1 pl-6 text-sm" data-testid="delnode-order" aria-label="The documented order">
              {DELNODE_ORDER.map((line, i) => (
                <li key={i} data-done={done[i]}>
                  {done[i] ? <span className="font-semibold">done: </span> : i === 0 && target?.state === 'online' ? <span className="font-semibold">to do first: </span> : null}
                  {line.replace('<name>', node || '<name>')}
                </li>
              ))}
            </ol>
            {target?.state === 'online' && (
              <p className="text-sm font-semibold" data-testid="remove-online">
                {node} is online. Shut it down first (on the node: <code>poweroff</code>); this page asks again when it goes offline.
              </p>
            )}
            {phase === 'plan' && (
              <>
                <ErrorBox error={dry.error} testId="remove-refusal" title="Refused" />
                {plan && (
                  <div className="space-y-3" data-testid="remove-plan">
                    <div className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
                      <h3 className="text-sm font-semibold">Quorum before → after</h3>
                      <QuorumChange before={plan.before} after={plan.after} testId="remove-quorum" />
                    </div>
                    <div>
                      <h3 className="text-sm font-semibold">Afterwards, by hand</h3>
                      <ul className="list-disc space-y-0.5 pl-5 text-sm break-words" data-testid="remove-afterwards">
                        {plan.afterwards.map((l) => (
                          <li key={l}>{l}</li>
                        ))}
                      </ul>
                    </div>
                    <form
                      className="space-y-2"
                      onSubmit={(e) => {
                        e.preventDefault();
                        setTried(true);
                        if (typed.trim() === name && (!creds || creds.ok)) run.mutate();
                      }}
                    >
                      {pve && (
                        <RootCredentialsFields
                          where={name}
                          password={root.password}
                          otp={root.otp}
                          onChange={(patch) => setRoot((r) => ({ ...r, ...patch }))}
                          errors={tried && creds && !creds.ok ? creds.errors : {}}
                          totpAsked={totpAsked}
                          testId="remove-root"
                        />
                      )}
                      <Field label={<>Type the cluster name <code className="select-all">{name}</code> to confirm</>}>
                        <input className="input min-h-11" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} data-testid="remove-cluster-name" />
                      </Field>
                      <ErrorBox error={run.error} testId="remove-run-error" />
                      <button type="submit" className="btn btn-danger min-h-11" disabled={typed.trim() !== name || run.isPending} data-testid="remove-run">
                        {run.isPending ? 'Starting…' : `Remove ${node}`}
                      </button>
                    </form>
                  </div>
                )}
              </>
            )}
            {phase === 'run' && <TaskLog task={task} error={taskError} title={`Remove ${node}`} testId="remove-task" />}
            {phase === 'run' && totpAsked && task?.status === 'failed' && (
              <p className="text-sm" data-testid="remove-totp-again">
                root@pam has TOTP: choose the node again and give a fresh code with the password.
              </p>
            )}
          </>
        )}
      </div>
    </section>
  );
}
