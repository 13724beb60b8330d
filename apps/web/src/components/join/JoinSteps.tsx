// The join wizard's later steps: pre-flight, fingerprint, review, run and verify. Each gets what it shows
// from the page (pages/JoinPage.tsx), which keeps the step in the URL.
import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import type { ClusterSnapshot, Task } from '@quorate/model';
import type { JoinWizardPlan } from '../../api/join';
import { ErrorBox, Field } from '../form';
import { FingerprintBox } from '../FingerprintBox';
import { sameFingerprint } from './FingerprintCompare';
import { CheckRow, failing, Preflight, warnings } from './Preflight';
import { QuorumChange } from './QuorumChange';
import { TaskLog, verifiedLine } from './TaskLog';

const FINGERPRINT_IN_TEXT = /([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}/;

/** the member's fingerprint as its check measured it (a pve plan also names the joining node's certificate elsewhere) */
export function measuredFingerprint(plan: JoinWizardPlan | undefined): string | null {
  for (const c of plan?.checks.filter((x) => x.id === 'member-certificate') ?? []) {
    const m = FINGERPRINT_IN_TEXT.exec(c.measured);
    if (m) return m[0].toUpperCase();
  }
  return null;
}

function Nav({ onBack, next }: { onBack?: () => void; next?: React.ReactNode }) {
  return (
    <div className="mt-4 flex flex-wrap justify-between gap-2">
      {onBack ? (
        <button type="button" className="btn min-h-11" onClick={onBack}>
          Back
        </button>
      ) : (
        <span />
      )}
      {next}
    </div>
  );
}

export function PreflightStep(p: { plan: JoinWizardPlan | undefined; error: unknown; fetching: boolean; onRecheck: () => void; onBack: () => void; onNext: () => void }) {
  const blocked = !p.plan || failing(p.plan.checks).length > 0 || p.fetching;
  return (
    <div aria-busy={p.fetching}>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">The server’s dry run: it measured the cluster and the new node; nothing changes yet.</p>
      <ErrorBox error={p.error} testId="preflight-error" title="The dry run was refused" />
      {p.plan ? <Preflight checks={p.plan.checks} /> : !p.error && <p className="text-sm">Measuring…</p>}
      {p.plan && failing(p.plan.checks).length > 0 && (
        <p className="mt-2 font-semibold text-red-800 dark:text-red-300" data-testid="preflight-blocked">
          A failing check blocks the join: fix it, then Re-check.
        </p>
      )}
      <Nav
        onBack={p.onBack}
        next={
          <div className="flex flex-wrap gap-2">
            <button type="button" className="btn min-h-11" onClick={p.onRecheck} disabled={p.fetching} data-testid="preflight-recheck">
              {p.fetching ? 'Checking…' : 'Re-check'}
            </button>
            <button type="button" className="btn-primary min-h-11" disabled={blocked} onClick={p.onNext} data-testid="step-next">
              Next
            </button>
          </div>
        }
      />
    </div>
  );
}

export function FingerprintStep(p: { expected: string; measured: string | null; onBack: () => void; onNext: () => void }) {
  const [typed, setTyped] = useState('');
  const seen = p.measured ?? (typed.trim() === '' ? null : typed.trim().toUpperCase());
  const same = sameFingerprint(p.expected, seen);
  return (
    <div>
      <p className="text-sm">
        The join trusts the member’s API certificate by this fingerprint. Compare it with the member’s own: its GUI → System → Certificates, or{' '}
        <code>pvenode cert info</code> on it.
      </p>
      <div className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2">
        <FingerprintBox label="Expected (from the Join Information)" fp={p.expected} testId="fp-expected" />
        <FingerprintBox label={p.measured ? 'Measured by the server' : 'Read on the member (pasted below)'} fp={seen} testId="fp-measured" />
      </div>
      {!p.measured && (
        <Field className="mt-2" label="The member’s fingerprint, as it shows it" hint="Quorate cannot read the member’s certificate from here: paste what the member shows.">
          <input className="input min-h-11 font-mono text-xs" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} data-testid="fp-typed" />
        </Field>
      )}
      <p className={`mt-2 font-semibold ${same ? '' : 'text-red-800 dark:text-red-300'}`} data-testid="fp-verdict" data-same={same}>
        {seen === null ? 'Nothing to compare with yet.' : same ? '✓ The same fingerprint.' : '✕ They differ: do not join through this member until you know why.'}
      </p>
      <Nav
        onBack={p.onBack}
        next={
          <button type="button" className="btn-primary min-h-11" disabled={!same} onClick={p.onNext} data-testid="step-next">
            Next: review
          </button>
        }
      />
    </div>
  );
}

export function ReviewStep(p: {
  node: string;
  clusterName: string;
  links: { link: number; address: string }[];
  plan: JoinWizardPlan | undefined;
  error: unknown;
  running: boolean;
  runError: unknown;
  onBack: () => void;
  onRun: () => void;
}) {
  const [sure, setSure] = useState(false);
  const warns = p.plan ? warnings(p.plan.checks) : [];
  const blocked = !p.plan || failing(p.plan.checks).length > 0;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (sure && !blocked) p.onRun();
      }}
    >
      <ErrorBox error={p.error} testId="review-error" />
      {p.plan && (
        <>
          <p>
            Join <strong>{p.node}</strong> to <strong>{p.clusterName}</strong> as node id {p.plan.nodeid}
            {p.links.length > 0 ? ` on ${p.links.map((l) => `link ${l.link} ${l.address}`).join(', ')}` : ''}.
          </p>
          <div className="mt-2 rounded-md border border-slate-300 p-3 dark:border-slate-700">
            <h3 className="text-sm font-semibold">Predicted quorum</h3>
            <QuorumChange before={p.plan.before} after={p.plan.after} testId="review-quorum" />
          </div>
          {warns.length > 0 && (
            <div className="mt-2">
              <h3 className="text-sm font-semibold">Warnings (they do not block)</h3>
              <ul className="mt-1 space-y-2" data-testid="review-warnings">
                {warns.map((c) => (
                  <CheckRow key={c.id} c={c} />
                ))}
              </ul>
            </div>
          )}
          {blocked && (
            <p className="mt-2 font-semibold text-red-800 dark:text-red-300" data-testid="review-blocked">
              A check fails now: go back to the pre-flight.
            </p>
          )}
          <Field className="mt-3" layout="check" label={<>I want {p.node} to join {p.clusterName}. Joining changes the cluster’s nodelist; undoing it means removing the node again.</>}>
            <input type="checkbox" className="mt-1 size-5" checked={sure} onChange={(e) => setSure(e.target.checked)} data-testid="review-confirm" />
          </Field>
        </>
      )}
      <ErrorBox error={p.runError} testId="run-error" title="The join was refused" />
      <Nav
        onBack={p.onBack}
        next={
          <button type="submit" className="btn-primary min-h-11" disabled={!sure || blocked || p.running} data-testid="join-run">
            {p.running ? 'Starting…' : `Join ${p.node}`}
          </button>
        }
      />
    </form>
  );
}

export function RunStep(p: { task: Task | undefined; error: unknown; onVerify: () => void; onRestart: () => void; children?: React.ReactNode }) {
  return (
    <div>
      <TaskLog task={p.task} error={p.error} title="Join" testId="join-task" />
      {p.children}
      <Nav
        next={
          p.task?.status === 'ok' ? (
            <button type="button" className="btn-primary min-h-11" onClick={p.onVerify} data-testid="step-next">
              Next: verify
            </button>
          ) : p.task && p.task.status !== 'running' ? (
            <button type="button" className="btn min-h-11" onClick={p.onRestart} data-testid="join-back-to-preflight">
              Back to the pre-flight
            </button>
          ) : undefined
        }
      />
    </div>
  );
}

export function VerifyStep({ task, node, s }: { task: Task | undefined; node: string; s: ClusterSnapshot | undefined }) {
  const line = task ? verifiedLine(task) : null;
  const n = s?.nodes.find((x) => x.name === node);
  const q = s?.quorum ?? null;
  const member = n !== undefined && n.state === 'online' && (q?.members ?? []).includes(n.id);
  return (
    <div data-testid="join-verify">
      <p className="text-sm font-semibold" data-testid="verify-task-line">
        {line ? `The task proved it: ${line}` : task ? 'The task has no “verified” line.' : 'Loading the task…'}
      </p>
      <h3 className="mt-3 text-sm font-semibold">The live cluster now</h3>
      {s ? (
        <ul className="mt-1 space-y-1 text-sm" data-testid="verify-live">
          <li data-testid="verify-node" data-ok={member}>
            {member ? '✓' : '✕'} {node}: {n ? `${n.state}, ${n.votes} ${n.votes === 1 ? 'vote' : 'votes'}${member ? ', a member' : ', not a member yet'}` : 'not in the nodelist'}
          </li>
          <li data-testid="verify-quorum" data-ok={q?.quorate === true}>
            {q?.quorate ? '✓ QUORATE' : '✕ NOT QUORATE'}
            {q && ` · ${s.nodes.length} nodes · ${q.totalVotes} of ${q.expectedVotes} votes · expected ${q.expectedVotes} · needed ${q.quorum}`}
          </li>
        </ul>
      ) : (
        <p className="text-sm">Waiting for the live snapshot…</p>
      )}
      <p className="mt-4">
        <Link to="/" className="inline-flex min-h-11 items-center text-sm text-sky-700 underline underline-offset-2 dark:text-sky-300" data-testid="verify-overview">
          Back to the overview
        </Link>
      </p>
    </div>
  );
}
