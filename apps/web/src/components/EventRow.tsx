import type { ClusterEvent, Severity } from '@quorate/model';
import { formatClock, formatDateTime } from '../lib/format';
import { Icon, type IconName } from './Icon';

const sev: Record<Severity, { icon: IconName; cls: string; word: string }> = {
  critical: { icon: 'bad', cls: 'text-red-700 dark:text-red-300', word: 'critical' },
  warning: { icon: 'warn', cls: 'text-amber-700 dark:text-amber-300', word: 'warning' },
  info: { icon: 'info', cls: 'text-sky-700 dark:text-sky-300', word: 'info' },
};

export function SeverityLabel({ severity }: { severity: Severity }) {
  const s = sev[severity];
  return (
    <span className={`inline-flex w-20 shrink-0 items-center gap-1 text-xs font-semibold uppercase ${s.cls}`}>
      <Icon name={s.icon} />
      {s.word}
    </span>
  );
}

export function EventTime({ at, withDate = false }: { at: number; withDate?: boolean }) {
  return (
    <time dateTime={new Date(at).toISOString()} title={formatDateTime(at)} className="shrink-0 font-mono text-xs tabular-nums text-slate-600 dark:text-slate-400">
      {withDate ? formatDateTime(at) : formatClock(at)}
    </time>
  );
}

export function EventLine({ e, fresh, withDate }: { e: ClusterEvent; fresh?: boolean; withDate?: boolean }) {
  return (
    <li
      data-seq={e.seq}
      data-type={e.body.type}
      className={`flex flex-wrap items-baseline gap-x-2 border-b border-slate-100 py-1.5 last:border-0 dark:border-slate-800 ${
        fresh ? 'animate-slide-in' : ''
      } ${e.severity === 'critical' ? 'font-semibold' : ''}`}
    >
      <EventTime at={e.at} withDate={withDate} />
      <SeverityLabel severity={e.severity} />
      <span className="min-w-0 flex-1 basis-48">{e.message}</span>
    </li>
  );
}
