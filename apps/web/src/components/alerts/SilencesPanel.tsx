// Silences and maintenance windows: the current and planned ones (viewer), added and ended early (operator).
import { useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { alertKeys, endSilence, fetchSilences, type SilenceView } from '../../api/alerts';
import { roleAtLeast } from '../../api/types';
import { useRole } from '../../auth/session';
import { formatDateTime, formatDuration } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { ErrorBox } from '../form';
import { ConfirmButton } from '../admin/common';
import { RULE_LABELS } from './channel-form';
import { SilenceForm } from './SilenceForm';
import { DataTable } from '../DataTable';

function SilenceRow({ s, now, canEnd, clusterName }: { s: SilenceView; now: number; canEnd: boolean; clusterName: (id: string) => string }) {
  const qc = useQueryClient();
  const end = useMutation({ mutationFn: () => endSilence(s.id), onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.silences }) });
  const active = s.startsAt <= now;
  return (
    <tr data-testid="silence-row" data-state={active ? 'active' : 'planned'}>
      <td>
        <span className="font-semibold">{active ? 'active' : 'planned'}</span>
        <div className="text-xs text-slate-600 dark:text-slate-400">{active ? `ends in ${formatDuration(s.endsAt - now)}` : `starts in ${formatDuration(s.startsAt - now)}`}</div>
      </td>
      <td>{s.clusterId ? clusterName(s.clusterId) : 'every cluster'}</td>
      <td>{s.rule ? RULE_LABELS[s.rule] : 'every rule'}</td>
      <td className="whitespace-nowrap font-mono text-xs tabular-nums">
        {formatDateTime(s.startsAt)} –<br />
        {formatDateTime(s.endsAt)}
      </td>
      <td>
        {s.reason} <span className="text-xs text-slate-600 dark:text-slate-400">({s.createdBy})</span>
      </td>
      <td>
        {canEnd && <ConfirmButton label={active ? 'End now' : 'Cancel it'} question="End this silence?" onConfirm={() => end.mutate()} disabled={end.isPending} testId={`silence-${s.id}-end`} />}
        <ErrorBox error={end.error} />
      </td>
    </tr>
  );
}

export function SilencesPanel({ clusterName }: { clusterName: (id: string) => string }) {
  const operator = roleAtLeast(useRole(), 'operator');
  const now = useNow();
  const q = useQuery({ queryKey: alertKeys.silences, queryFn: fetchSilences, refetchInterval: 30_000 });
  const silences = (q.data?.silences ?? []).filter((s) => s.endsAt > now);
  return (
    <section aria-labelledby="silences-title" className="panel" data-testid="silences">
      <h3 id="silences-title" className="panel-title">
        Silences
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">While a silence holds, matching alerts are not sent; the delivery log says which silence held them back.</p>
      {operator && <SilenceForm />}
      <ErrorBox error={q.error} title="Could not load the silences" />
      {q.isSuccess && silences.length === 0 && <p className="mt-2 text-sm">Nothing is silenced.</p>}
      {silences.length > 0 && (
        <DataTable columns={['State', 'Cluster', 'Rule', 'Window', 'Reason']} actions="Actions" wrapClassName="mt-3">
          {silences.map((s) => (
            <SilenceRow key={s.id} s={s} now={now} canEnd={operator} clusterName={clusterName} />
          ))}
        </DataTable>
      )}
    </section>
  );
}
