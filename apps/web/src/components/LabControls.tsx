// Fault injection for the simulated cluster (POST /api/v1/sim/faults). Shows the BFF's 400 errors as sent.
import { useState, type FormEvent, type ReactNode, memo } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { ClusterSnapshot, SimFault } from '@quorate/model';
import { HttpError } from '../api/http';
import { postFault } from '../api/sim';
import { linkNumbers } from '../lib/cluster';
import { ErrorBox } from './form/ErrorBox';
import { Field } from './form/Field';

function describeFault(f: SimFault): string {
  switch (f.action) {
    case 'stop':
    case 'shutdown':
    case 'start':
      return `${f.action} ${f.nodes.join(', ')}`;
    case 'link-down':
    case 'link-up':
      return `${f.action} ${f.node} ${f.link === undefined ? 'all links' : `link${f.link}`}`;
    case 'partition':
      return `partition ${f.groups.map((g) => `[${g.join(', ')}]`).join(' | ')}`;
    case 'link-quality':
      return `link quality ${f.node} ${f.link === undefined ? 'all links' : `link${f.link}`}: ${f.latencyMs} ms, ${f.lossPct} % loss, ${f.jitterMs} ms jitter`;
    case 'heal':
      return 'heal everything';
    case 'scenario':
      return `scenario ${f.name}`;
  }
}

function Fieldset({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="rounded border border-slate-200 p-2 dark:border-slate-700">
      <legend className="px-1 text-sm font-semibold">{legend}</legend>
      <div className="flex flex-wrap items-end gap-2">{children}</div>
    </fieldset>
  );
}


function LabControls({ clusterId, snapshot }: { clusterId: string; snapshot: ClusterSnapshot }) {
  const names = snapshot.nodes.map((n) => n.name);
  const links = linkNumbers(snapshot);
  const [picked, setPicked] = useState<string[]>([]);
  const [linkNode, setLinkNode] = useState('');
  const [link, setLink] = useState('all');
  const [groups, setGroups] = useState<Record<string, string>>({});
  const [latency, setLatency] = useState('50');
  const [loss, setLoss] = useState('0');
  const [jitter, setJitter] = useState('0');
  const [scenario, setScenario] = useState<'rolling-failure' | 'flapping-link' | 'split-brain'>('rolling-failure');

  const m = useMutation({ mutationFn: (f: SimFault) => postFault(clusterId, f) });
  const send = (f: SimFault) => m.mutate(f);
  const node = linkNode || names[0] || '';
  const linkArg = link === 'all' ? undefined : Number(link);
  const togglePicked = (n: string) => setPicked((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p, n]));

  const partition = (e: FormEvent) => {
    e.preventDefault();
    const byGroup = new Map<string, string[]>();
    for (const n of names) {
      const g = groups[n] ?? '1';
      byGroup.set(g, [...(byGroup.get(g) ?? []), n]);
    }
    send({ action: 'partition', groups: [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, ns]) => ns) });
  };

  const err = m.error;
  return (
    <section aria-labelledby="lab-title" className="panel border-dashed" data-testid="lab-controls">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="lab-title" className="panel-title">
          Lab controls <span className="text-sm font-normal text-slate-500">(simulated cluster)</span>
        </h2>
        <button type="button" className="btn" onClick={() => send({ action: 'heal' })} disabled={m.isPending} data-testid="lab-heal">
          Heal everything
        </button>
      </div>

      <div aria-live="polite" className="min-h-6 text-sm">
        {m.isPending && <p>Sending {m.variables ? describeFault(m.variables) : ''}…</p>}
        {m.isSuccess && m.variables && (
          <p className="text-emerald-800 dark:text-emerald-300" data-testid="lab-accepted">
            Accepted: {describeFault(m.variables)}. The page updates when the cluster notices.
          </p>
        )}
      </div>
      {err && (
        <div className="mb-2">
          <ErrorBox error={err} testId="lab-error" title={`Rejected${err instanceof HttpError ? ` (HTTP ${err.status})` : ''}`} />
        </div>
      )}

      <div className="flex flex-col gap-2">
        <Fieldset legend="Nodes">
          <div className="flex flex-wrap gap-2" role="group" aria-label="Pick nodes">
            {names.map((n) => (
              <Field key={n} label={n} layout="check">
                <input type="checkbox" className="mt-1" checked={picked.includes(n)} onChange={() => togglePicked(n)} data-testid={`lab-pick-${n}`} />
              </Field>
            ))}
          </div>
          <button type="button" className="btn btn-danger" onClick={() => send({ action: 'stop', nodes: picked })} data-testid="lab-stop" title="crash: peers notice after the detection delay">
            Stop (crash)
          </button>
          <button type="button" className="btn" onClick={() => send({ action: 'shutdown', nodes: picked })} data-testid="lab-shutdown" title="clean leave: peers notice at once">
            Shut down
          </button>
          <button type="button" className="btn" onClick={() => send({ action: 'start', nodes: picked })} data-testid="lab-start">
            Start
          </button>
        </Fieldset>

        <Fieldset legend="Link">
          <Field layout="compact" label="Node">
            <select className="field" value={node} onChange={(e) => setLinkNode(e.target.value)}>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </Field>
          <Field layout="compact" label="Link">
            <select className="field" value={link} onChange={(e) => setLink(e.target.value)}>
              <option value="all">all links</option>
              {links.map((l) => (
                <option key={l} value={l}>
                  link{l}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" className="btn btn-danger" onClick={() => send({ action: 'link-down', node, link: linkArg })}>
            Link down
          </button>
          <button type="button" className="btn" onClick={() => send({ action: 'link-up', node, link: linkArg })}>
            Link up
          </button>
        </Fieldset>

        <Fieldset legend="Link quality (node and link above)">
          <Field layout="compact" label="Latency ms">
            <input className="field w-20" type="number" min={0} value={latency} onChange={(e) => setLatency(e.target.value)} />
          </Field>
          <Field layout="compact" label="Loss %">
            <input className="field w-16" type="number" min={0} max={100} value={loss} onChange={(e) => setLoss(e.target.value)} />
          </Field>
          <Field layout="compact" label="Jitter ms">
            <input className="field w-20" type="number" min={0} value={jitter} onChange={(e) => setJitter(e.target.value)} />
          </Field>
          <button
            type="button"
            className="btn"
            onClick={() => send({ action: 'link-quality', node, link: linkArg, latencyMs: Number(latency), lossPct: Number(loss), jitterMs: Number(jitter) })}
          >
            Apply quality
          </button>
        </Fieldset>

        <form onSubmit={partition}>
          <Fieldset legend="Partition">
            {names.map((n) => (
              <Field key={n} layout="compact" label={n}>
                <select className="field" value={groups[n] ?? '1'} onChange={(e) => setGroups((g) => ({ ...g, [n]: e.target.value }))}>
                  <option value="1">group 1</option>
                  <option value="2">group 2</option>
                  <option value="3">group 3</option>
                </select>
              </Field>
            ))}
            <button type="submit" className="btn btn-danger">
              Partition
            </button>
          </Fieldset>
        </form>

        <Fieldset legend="Scenario">
          <Field layout="compact" label="Name">
            <select className="field" value={scenario} onChange={(e) => setScenario(e.target.value as typeof scenario)}>
              <option value="rolling-failure">rolling failure</option>
              <option value="flapping-link">flapping link</option>
              <option value="split-brain">split brain</option>
            </select>
          </Field>
          <button type="button" className="btn" onClick={() => send({ action: 'scenario', name: scenario })}>
            Run scenario
          </button>
        </Fieldset>
      </div>
    </section>
  );
}

/** the controls name nodes and links only: a patch that moves latencies does not re-render them */
const sameShape = (a: { clusterId: string; snapshot: ClusterSnapshot }, b: { clusterId: string; snapshot: ClusterSnapshot }) =>
  a.clusterId === b.clusterId && a.snapshot.nodes === b.snapshot.nodes && linkNumbers(a.snapshot).join() === linkNumbers(b.snapshot).join();

export default memo(LabControls, sameShape);
