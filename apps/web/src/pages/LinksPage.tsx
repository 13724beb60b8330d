// Change the cluster's Corosync links (issue 16) — the hand edit of /etc/pve/corosync.conf, guided: the links
// as they are (each node's address, how many pairs are connected), then one change — add a link (an address
// for every node), remove one, move a node's address, a link's priority, the link mode — checked first (the
// edit Corosync accepts, every node online, each new address probed from every member with its UDP port, no
// pair of nodes cut), shown as the corosync.conf diff with config_version bumped, run as a live task that
// proves the result (or puts the previous configuration back). The change lives in the URL.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import type { ClusterSnapshot, LinkChange } from '@quorate/model';
import { dryRunLinks, fetchLinkInterfaces, linksKeys, runLinks } from '../api/link-change';
import { ClusterPicker, lacks } from '../components/join/ClusterPicker';
import { failing, Preflight } from '../components/join/Preflight';
import { StepHeading } from '../components/join/StepHeading';
import { TaskLog, usePageTask, verifiedLine } from '../components/join/TaskLog';
import { ErrorBox, Field } from '../components/form';
import { useSelection } from '../lib/selection';
import { formatAddrs, LINK_KINDS, linksSearch, parseAddrs, type LinkKind, type LinksSearch } from '../routes/links-search';
import { useMirror } from '../lib/useMirror';

const KIND_WORDS: Record<LinkKind, string> = {
  'add-link': 'Add a link',
  'remove-link': 'Remove a link',
  'set-address': 'Change a node’s address',
  'set-priority': 'Change a link’s priority',
  'set-link-mode': 'Change the link mode',
};

/** the links the nodes have addresses on (the model's snapshotLinks, copied: importing it here pulls zod into the first load, +12 KB) */
const linksOf = (s: ClusterSnapshot | undefined) => [...new Set((s?.nodes ?? []).flatMap((n) => n.addresses.map((a) => a.link)))].sort((a, b) => a - b);

/** the change the search describes, or null while something is missing */
export function changeOf(q: LinksSearch, nodes: readonly string[]): LinkChange | null {
  const link = q.link === undefined ? undefined : Number(q.link);
  switch (q.kind) {
    case 'add-link': {
      const addrs = parseAddrs(q.addrs);
      if (link === undefined || nodes.some((n) => !addrs.some((a) => a.node === n))) return null;
      const priority = q.priority !== undefined && /^\d{1,3}$/.test(q.priority) ? Number(q.priority) : undefined;
      return { kind: 'add-link', link, addresses: nodes.map((n) => addrs.find((a) => a.node === n)!), ...(priority !== undefined ? { priority } : {}) };
    }
    case 'remove-link':
      return link === undefined ? null : { kind: 'remove-link', link };
    case 'set-address':
      return link === undefined || !q.node || !q.address ? null : { kind: 'set-address', node: q.node, link, address: q.address };
    case 'set-priority':
      return link === undefined || q.priority === undefined || !/^\d{1,3}$/.test(q.priority) ? null : { kind: 'set-priority', link, priority: Number(q.priority) };
    case 'set-link-mode':
      return q.mode ? { kind: 'set-link-mode', mode: q.mode } : null;
    default:
      return null;
  }
}

function CurrentLinks({ s }: { s: ClusterSnapshot }) {
  const links = linksOf(s);
  const pairs = (l: number) => new Set(s.links.filter((x) => x.link === l && x.connected).map((x) => [x.from, x.to].sort((a, b) => a - b).join('-'))).size;
  const n = s.nodes.filter((x) => x.state === 'online').length;
  const all = (n * (n - 1)) / 2;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="links-now">
        <caption className="sr-only">The cluster’s Corosync links now</caption>
        <thead>
          <tr className="text-left">
            <th scope="col" className="pr-3">Node</th>
            {links.map((l) => (
              <th key={l} scope="col" className="pr-3">
                link {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.nodes.map((node) => (
            <tr key={node.name}>
              <th scope="row" className="pr-3 text-left font-semibold">
                {node.name}
              </th>
              {links.map((l) => (
                <td key={l} className="pr-3 font-mono whitespace-nowrap">
                  {node.addresses.find((a) => a.link === l)?.address ?? '—'}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row" className="pr-3 text-left font-normal">
              connected pairs
            </th>
            {links.map((l) => (
              <td key={l} className="pr-3" data-testid={`links-connected-${l}`}>
                {pairs(l)} of {all}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function Diff({ text }: { text: string }) {
  // the unified diff's header (--- / +++ / ===) is left out: the hunks are what changes
  const lines = text.split('\n').filter((l) => !/^(={3,}|-{3} |\+{3} |Index:)/.test(l));
  return (
    <pre className="max-h-96 overflow-auto rounded bg-slate-950 p-2 text-xs text-slate-100" data-testid="links-diff" aria-label="corosync.conf: the change">
      {lines.map((l, i) => (
        <div key={i} className={l.startsWith('+') ? 'bg-emerald-900/60' : l.startsWith('-') ? 'bg-red-900/60' : l.startsWith('@@') ? 'text-sky-300' : ''}>
          {l || ' '}
        </div>
      ))}
    </pre>
  );
}

export default function LinksPage() {
  const search = linksSearch.parse(useSearch({ from: '/links' }));
  const navigate = useNavigate({ from: '/links' });
  const { clusterId, clusters, entry } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  const why = lacks(cluster, 'links', 'change its Corosync links');
  const s = entry?.snapshot;
  const id = clusterId ?? '';
  const nodes = (s?.nodes ?? []).map((n) => n.name);
  const links = linksOf(s);
  const free = [0, 1, 2, 3, 4, 5, 6, 7].filter((l) => !links.includes(l));
  const go = (patch: Partial<LinksSearch>) => void navigate({ search: (prev: LinksSearch) => ({ ...prev, ...patch }) });
  const [typed, setTyped] = useState('');
  const [addrs, setAddrs] = useState<Record<string, string>>(() => Object.fromEntries(parseAddrs(search.addrs).map((a) => [a.node, a.address])));
  const { task, error: taskError, accept } = usePageTask(search.task);
  const change = changeOf(search, nodes);
  const situation = `${s?.nodes.map((n) => n.state).join(',') ?? '-'}/${s?.cluster.configVersion ?? '-'}`;
  const dry = useQuery({
    queryKey: linksKeys.plan(id, change ?? { kind: 'set-link-mode', mode: 'passive' }, situation),
    queryFn: () => dryRunLinks(id, change!),
    enabled: why === null && change !== null && search.task === undefined,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const plan = dry.data?.plan;
  // each node's addresses, for the new link's fields (those already on a link left out)
  const ifaces = useQuery({ queryKey: linksKeys.interfaces(id), queryFn: () => fetchLinkInterfaces(id), enabled: why === null && (search.kind === 'add-link' || search.kind === 'set-address'), staleTime: 30_000 });
  const usedBy = (n: string) => new Set((s?.nodes.find((x) => x.name === n)?.addresses ?? []).map((a) => a.address));
  const offer = (n: string) => (ifaces.data?.nodes[n] ?? []).filter((a) => !usedBy(n).has(a));
  const name = s?.cluster.name ?? cluster?.name ?? '';
  const blocked = plan ? failing(plan.checks).length > 0 : true;
  const run = useMutation({
    mutationFn: () => runLinks(id, change!, typed.trim()),
    onSuccess: (r) => {
      accept(r.task);
      go({ task: r.task.id });
    },
  });
  // the radio shows the pick at once (the URL follows a moment later)
  const [kind, pickKind] = useMirror(search.kind, (k) => go({ kind: k, link: undefined, node: undefined, address: undefined, priority: undefined, mode: undefined }));
  const phase = search.task ? 'run' : plan ? 'plan' : 'ask';
  const linkSelect = (choices: number[], label: string) => (
    <Field label={label}>
      <select className="input min-h-11" value={search.link ?? ''} onChange={(e) => go({ link: (e.target.value || undefined) as LinksSearch['link'] })} data-testid="links-link">
        <option value="">Choose…</option>
        {choices.map((l) => (
          <option key={l} value={String(l)}>
            link {l}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <section className="panel mx-auto w-full max-w-3xl min-w-0" aria-labelledby="links-title" data-testid="links-page">
      <StepHeading step={`${kind ?? 'none'}-${phase}`} id="links-title">
        Corosync links{kind ? `: ${KIND_WORDS[kind].toLowerCase()}` : ''}
      </StepHeading>
      <div className="space-y-3">
        <ClusterPicker clusters={clusters} clusterId={clusterId} cap="links" onPick={(c) => void navigate({ search: (prev: LinksSearch) => ({ ...prev, cluster: c, task: undefined }) })} />
        {why !== null ? (
          <p className="font-semibold" data-testid="links-unavailable">
            {why}
          </p>
        ) : (
          <>
            {s && <CurrentLinks s={s} />}
            {!search.task && (
              <form
                className="space-y-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (kind === 'add-link') go({ addrs: formatAddrs(nodes.map((n) => ({ node: n, address: addrs[n] ?? '' }))) });
                }}
                data-testid="links-ask"
              >
                <fieldset className="flex flex-wrap gap-x-4 gap-y-1">
                  <legend className="text-sm font-semibold">Change</legend>
                  {LINK_KINDS.map((k) => (
                    <label key={k} className="flex items-center gap-1.5 text-sm">
                      <input type="radio" name="kind" checked={kind === k} onChange={() => pickKind(k)} data-testid={`links-kind-${k}`} />
                      {KIND_WORDS[k]}
                    </label>
                  ))}
                </fieldset>
                {(kind === 'add-link' || kind === 'set-address') &&
                  nodes.map((n) => (
                    <datalist key={n} id={`links-ifaces-${n}`}>
                      {offer(n).map((a) => (
                        <option key={a} value={a} />
                      ))}
                    </datalist>
                  ))}
                {kind === 'add-link' && (
                  <>
                    {linkSelect(free, 'New link')}
                    {nodes.map((n) => (
                      <Field key={n} label={`${n}’s address on the new link`} layout="compact" hint={offer(n).length > 0 ? `its interfaces: ${offer(n).join(', ')}` : undefined}>
                        <input
                          className="input min-h-11 font-mono"
                          value={addrs[n] ?? ''}
                          onChange={(e) => setAddrs((a) => ({ ...a, [n]: e.target.value }))}
                          placeholder={offer(n)[0] ?? '10.20.20.1'}
                          list={`links-ifaces-${n}`}
                          autoComplete="off"
                          spellCheck={false}
                          data-testid={`links-addr-${n}`}
                        />
                      </Field>
                    ))}
                    <Field label="knet_link_priority (optional, 0–255; in passive mode the highest carries the traffic)" layout="compact">
                      <input className="input min-h-11 w-28" inputMode="numeric" value={search.priority ?? ''} onChange={(e) => go({ priority: e.target.value || undefined })} data-testid="links-priority" />
                    </Field>
                    <button type="submit" className="btn min-h-11" data-testid="links-check">
                      Check
                    </button>
                  </>
                )}
                {kind === 'remove-link' && linkSelect(links, 'Link to remove')}
                {kind === 'set-address' && (
                  <>
                    <Field label="Node">
                      <select className="input min-h-11" value={search.node ?? ''} onChange={(e) => go({ node: e.target.value || undefined })} data-testid="links-node">
                        <option value="">Choose…</option>
                        {nodes.map((n) => (
                          <option key={n} value={n}>
                            {n}
                          </option>
                        ))}
                      </select>
                    </Field>
                    {linkSelect(links, 'Link')}
                    <Field label="New address">
                      <input
                        className="input min-h-11 font-mono"
                        defaultValue={search.address ?? ''}
                        onBlur={(e) => go({ address: e.target.value.trim() || undefined })}
                        list={search.node ? `links-ifaces-${search.node}` : undefined}
                        autoComplete="off"
                        spellCheck={false}
                        data-testid="links-address"
                      />
                    </Field>
                  </>
                )}
                {kind === 'set-priority' && (
                  <>
                    {linkSelect(links, 'Link')}
                    <Field label="knet_link_priority (0–255; the highest carries the traffic in passive mode)">
                      <input className="input min-h-11 w-28" inputMode="numeric" defaultValue={search.priority ?? ''} onBlur={(e) => go({ priority: e.target.value.trim() || undefined })} data-testid="links-priority" />
                    </Field>
                  </>
                )}
                {kind === 'set-link-mode' && (
                  <Field label="link_mode">
                    <select className="input min-h-11" value={search.mode ?? ''} onChange={(e) => go({ mode: (e.target.value || undefined) as LinksSearch['mode'] })} data-testid="links-mode">
                      <option value="">Choose…</option>
                      <option value="passive">passive — the highest-priority working link carries the traffic (Proxmox’s default)</option>
                      <option value="active">active — every link at once</option>
                      <option value="rr">rr — round robin</option>
                    </select>
                  </Field>
                )}
              </form>
            )}
            {phase !== 'run' && change !== null && (
              <>
                <ErrorBox error={dry.error} testId="links-refusal" title="Refused" />
                {dry.isFetching && !plan && <p className="text-sm">Reading corosync.conf and probing from every node…</p>}
                {plan && (
                  <div className="space-y-3" data-testid="links-plan">
                    <p className="font-semibold" data-testid="links-sentence">
                      {plan.sentence}
                    </p>
                    <Preflight checks={plan.checks} />
                    {plan.diff && (
                      <div>
                        <h3 className="text-sm font-semibold">corosync.conf, before → after</h3>
                        <Diff text={plan.diff} />
                      </div>
                    )}
                    <form
                      className="space-y-2"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (!blocked && typed.trim() === name) run.mutate();
                      }}
                    >
                      <Field label={<>Type the cluster name <code className="select-all">{name}</code> to confirm</>}>
                        <input className="input min-h-11" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} data-testid="links-cluster-name" />
                      </Field>
                      <ErrorBox error={run.error} testId="links-run-error" />
                      <button type="submit" className="btn btn-primary min-h-11" disabled={blocked || typed.trim() !== name || run.isPending} data-testid="links-run">
                        {run.isPending ? 'Starting…' : 'Write it on every node and reload Corosync'}
                      </button>
                      {blocked && <p className="text-sm font-semibold">Fix what failed first: nothing runs while a check fails.</p>}
                    </form>
                  </div>
                )}
              </>
            )}
            {phase === 'run' && (
              <>
                <TaskLog task={task} error={taskError} title="Change the links" testId="links-task" />
                {task?.status === 'ok' && (
                  <p className="rounded-md border border-emerald-700 p-3 text-sm font-semibold" data-testid="links-verified">
                    {verifiedLine(task) ?? 'Done.'}
                  </p>
                )}
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
