// The design advisor (issue 15): the cluster's design against Corosync's and Proxmox's best practices
// (GET /advisor), a count per status at the top, then the checks worst first — failed, warnings, not checked,
// passed — each with its title and what was measured, opening to why it matters and the fix. A check the
// source has no data for reads "not checked (needs …)" in neutral grey: never green, never a pass.
import { useQuery } from '@tanstack/react-query';
import { errorText, retryUnlessClientError } from '../../api/http';
import { fetchAdvisor, whatifKeys, type AdvisorCheck, type AdvisorStatus } from '../../api/whatif';
import { Icon, type IconName } from '../Icon';
import { advisorSummary, groupChecks, STATUS_WORDS } from './plan-text';

const LOOK: Record<AdvisorStatus, { icon: IconName; cls: string; heading: string }> = {
  fail: { icon: 'bad', cls: 'text-red-800 dark:text-red-300', heading: 'Failed' },
  warn: { icon: 'warn', cls: 'text-amber-800 dark:text-amber-300', heading: 'Warnings' },
  'not-checked': { icon: 'unknown', cls: 'text-slate-600 dark:text-slate-400', heading: 'Not checked' },
  pass: { icon: 'ok', cls: 'text-emerald-800 dark:text-emerald-300', heading: 'Passed' },
};

export function StatusTag({ status }: { status: AdvisorStatus }) {
  const look = LOOK[status];
  return (
    <span className={`inline-flex shrink-0 items-center gap-1 align-[-0.15em] font-semibold ${look.cls}`}>
      <Icon name={look.icon} />
      {STATUS_WORDS[status].label}
    </span>
  );
}

export function AdvisorPanel({ clusterId, scene }: { clusterId: string; scene: string }) {
  const q = useQuery({
    queryKey: whatifKeys.advisor(clusterId, scene),
    queryFn: () => fetchAdvisor(clusterId),
    retry: retryUnlessClientError(3),
    staleTime: 30_000,
    placeholderData: (prev) => prev,
  });
  const checks = q.data?.checks ?? [];
  return (
    <section aria-labelledby="advisor-title" className="panel min-w-0" data-testid="advisor">
      <h2 id="advisor-title" className="panel-title">
        Design advisor
      </h2>
      {q.error && !q.data ? (
        <p className="font-semibold text-red-800 dark:text-red-300" data-testid="advisor-error">
          Could not load the advice: {errorText(q.error)}
        </p>
      ) : !q.data ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Checking…</p>
      ) : (
        <AdvisorChecks checks={checks} />
      )}
    </section>
  );
}

export function AdvisorChecks({ checks }: { checks: readonly AdvisorCheck[] }) {
  return (
    <>
      <p className="mb-3 text-sm font-semibold" data-testid="advisor-summary">
        {advisorSummary(checks)}
      </p>
      <div className="flex flex-col gap-3">
        {groupChecks(checks).map((g) => (
          <section key={g.status} aria-labelledby={`advisor-${g.status}`} data-testid={`advisor-group-${g.status}`}>
            <h3 id={`advisor-${g.status}`} className={`mb-1 text-sm font-semibold ${LOOK[g.status].cls}`}>
              {LOOK[g.status].heading} ({g.checks.length})
            </h3>
            <ul className="divide-y divide-slate-200 rounded border border-slate-200 dark:divide-slate-800 dark:border-slate-700">
              {g.checks.map((c) => (
                <CheckItem key={c.id} c={c} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}

function CheckItem({ c }: { c: AdvisorCheck }) {
  // what needs doing is shown at once; passes and not-checked open on demand
  const open = c.status === 'fail' || c.status === 'warn';
  return (
    <li data-testid={`advisor-check-${c.id}`} data-status={c.status} className="text-sm">
      <details open={open}>
        <summary className="cursor-pointer px-3 py-2 max-sm:min-h-11">
          <StatusTag status={c.status} /> <span className="font-semibold">{c.title}</span>
          <span className="block pl-4 text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300" data-testid="advisor-measured">
            {c.measured}
          </span>
        </summary>
        <dl className="space-y-1 px-3 pb-2 pl-7 [overflow-wrap:anywhere]">
          <div>
            <dt className="inline font-semibold">Why it matters: </dt>
            <dd className="inline">{c.why}</dd>
          </div>
          {c.fix && (
            <div>
              <dt className="inline font-semibold">{c.status === 'not-checked' ? 'To check it yourself: ' : 'Fix: '}</dt>
              <dd className="inline">{c.fix}</dd>
            </div>
          )}
        </dl>
      </details>
    </li>
  );
}
