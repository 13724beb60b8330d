// The join's pre-flight as the BFF measured it: each check with a mark AND a word (pass / warning / FAIL,
// never colour alone), what was measured, why it matters and the fix. A failing check blocks the wizard;
// a warning does not (the review restates it).
import type { JoinCheck } from '@quorate/model';
import { Icon, type IconName } from '../Icon';

const LOOK: Record<JoinCheck['status'], { icon: IconName; word: string; box: string }> = {
  pass: { icon: 'ok', word: 'pass', box: 'border-slate-200 dark:border-slate-700' },
  warn: { icon: 'warn', word: 'warning', box: 'border-amber-600 bg-amber-50 dark:bg-amber-950/40' },
  fail: { icon: 'bad', word: 'FAIL', box: 'border-red-700 bg-red-50 dark:border-red-400 dark:bg-red-950/40' },
};

export const failing = (checks: readonly JoinCheck[]) => checks.filter((c) => c.status === 'fail');
export const warnings = (checks: readonly JoinCheck[]) => checks.filter((c) => c.status === 'warn');

export function CheckRow({ c }: { c: JoinCheck }) {
  const look = LOOK[c.status];
  return (
    <li className={`rounded-md border p-2 text-sm ${look.box}`} data-testid={`check-${c.id}`} data-status={c.status}>
      <p className="flex flex-wrap items-center gap-1.5 font-semibold">
        <Icon name={look.icon} className="size-5" />
        <span className="uppercase tracking-wide" data-testid="check-word">
          {look.word}
        </span>
        <span>{c.title}</span>
      </p>
      <p className="mt-0.5 break-words">
        <span className="font-semibold">Measured: </span>
        {c.measured}
      </p>
      {c.status !== 'pass' && (
        <>
          <p className="mt-0.5 break-words">
            <span className="font-semibold">Why it matters: </span>
            {c.why}
          </p>
          {c.fix && (
            <p className="mt-0.5 break-words">
              <span className="font-semibold">Fix: </span>
              {c.fix}
            </p>
          )}
        </>
      )}
    </li>
  );
}

export function Preflight({ checks }: { checks: readonly JoinCheck[] }) {
  const fails = failing(checks).length;
  const warns = warnings(checks).length;
  // problems first: the admin reads what blocks before what passed
  const order = { fail: 0, warn: 1, pass: 2 } as const;
  const sorted = [...checks].sort((a, b) => order[a.status] - order[b.status]);
  return (
    <div data-testid="preflight">
      <p className="font-semibold" data-testid="preflight-summary">
        {checks.length - fails - warns} passed · {warns} {warns === 1 ? 'warning' : 'warnings'} · {fails} failed
        {fails > 0 ? ' — fix what failed, then Re-check' : ''}
      </p>
      <ul className="mt-2 space-y-2">
        {sorted.map((c) => (
          <CheckRow key={c.id} c={c} />
        ))}
      </ul>
    </div>
  );
}
