// What is alerting now (every signed-in user): each open alert with its severity, cluster, since when, and
// who acknowledged it; an operator acknowledges (no more reminders for it).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { acknowledgeAlert, alertKeys, fetchOpenAlerts, type OpenAlert } from '../../api/alerts';
import { roleAtLeast } from '../../api/types';
import { useRole } from '../../auth/session';
import { formatAgo, formatDateTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { ErrorBox } from '../form';
import { Icon } from '../Icon';
import { RULE_LABELS } from './channel-form';

export const OPEN_REFRESH_MS = 5_000;

const SEVERITY = {
  critical: { cls: 'text-red-800 dark:text-red-300', icon: 'bad' },
  warning: { cls: 'text-amber-800 dark:text-amber-300', icon: 'warn' },
  info: { cls: 'text-slate-700 dark:text-slate-300', icon: 'info' },
} as const;

function AlertItem({ a, now, canAck, clusterName }: { a: OpenAlert; now: number; canAck: boolean; clusterName: (id: string) => string }) {
  const qc = useQueryClient();
  const ack = useMutation({ mutationFn: () => acknowledgeAlert(a.key), onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.open }) });
  const sev = SEVERITY[a.severity];
  return (
    <li className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-100 py-2 last:border-0 dark:border-slate-800" data-testid="open-alert" data-rule={a.rule} data-acked={a.acknowledged ? 'true' : 'false'}>
      <div className="min-w-0">
        <p className="font-semibold">
          <span className={`mr-1 inline-flex items-center gap-1 uppercase ${sev.cls}`}>
            <Icon name={sev.icon} />
            {a.severity}
          </span>
          {a.title}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {clusterName(a.clusterId)} · {RULE_LABELS[a.rule]} · since <time dateTime={new Date(a.startedAt).toISOString()}>{formatDateTime(a.startedAt)}</time> ({formatAgo(a.startedAt, now)})
        </p>
      </div>
      <div className="text-sm">
        {a.acknowledged ? (
          <span data-testid="open-alert-acked">
            acknowledged by {a.acknowledged.by}, {formatAgo(a.acknowledged.at, now)}
          </span>
        ) : canAck ? (
          <button type="button" className="btn" disabled={ack.isPending} onClick={() => ack.mutate()} data-testid="open-alert-ack" aria-label={`Acknowledge: ${a.title}`}>
            Acknowledge
          </button>
        ) : (
          <span>not acknowledged</span>
        )}
        <ErrorBox error={ack.error} title="Not acknowledged" />
      </div>
    </li>
  );
}

export function OpenAlertsPanel({ clusterName }: { clusterName: (id: string) => string }) {
  const canAck = roleAtLeast(useRole(), 'operator');
  const now = useNow();
  const q = useQuery({ queryKey: alertKeys.open, queryFn: fetchOpenAlerts, refetchInterval: OPEN_REFRESH_MS });
  const alerts = [...(q.data?.alerts ?? [])].sort((x, y) => y.startedAt - x.startedAt);
  return (
    <section aria-labelledby="open-alerts-title" className="panel" data-testid="open-alerts">
      <h3 id="open-alerts-title" className="panel-title">
        Alerting now {q.isSuccess && <span className="text-base font-normal text-slate-600 dark:text-slate-400">({alerts.length})</span>}
      </h3>
      <ErrorBox error={q.error} title="Could not load what is alerting" />
      {q.isPending && <p>Loading…</p>}
      {q.isSuccess && alerts.length === 0 && (
        <p className="flex items-center gap-1 text-sm" data-testid="open-alerts-none">
          <Icon name="ok" /> Nothing is alerting.
        </p>
      )}
      {alerts.length > 0 && (
        <ul>
          {alerts.map((a) => (
            <AlertItem key={a.key} a={a} now={now} canAck={canAck} clusterName={clusterName} />
          ))}
        </ul>
      )}
      {canAck && alerts.some((a) => !a.acknowledged) && <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Acknowledging stops the reminders; the message when it ends is still sent.</p>}
    </section>
  );
}
