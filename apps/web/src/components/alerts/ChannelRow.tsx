// One alert channel in the list: what it is, which clusters and rules, its fallback, on or off; Edit, Send test
// (the outcome inline) and Delete (asked once more).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { alertKeys, deleteChannel, testChannel, type ChannelView } from '../../api/alerts';
import { ErrorBox } from '../form';
import { ConfirmButton } from '../admin/common';
import { RULE_LABELS, TYPE_LABELS } from './channel-form';
import { RULE_IDS } from './channel-rules';
import { TestResult } from './TestResult';

export function ChannelRow({ channel, channels, clusterName, onEdit }: { channel: ChannelView; channels: readonly ChannelView[]; clusterName: (id: string) => string; onEdit: () => void }) {
  const qc = useQueryClient();
  const test = useMutation({
    mutationFn: () => testChannel(channel.id),
    onSettled: () => qc.invalidateQueries({ queryKey: alertKeys.deliveriesAll }),
  });
  const remove = useMutation({
    mutationFn: () => deleteChannel(channel.id),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.channels }),
  });
  const on = RULE_IDS.filter((r) => channel.rules?.[r]?.on ?? true);
  const off = RULE_IDS.filter((r) => !on.includes(r));
  const fallback = channel.fallback ? (channels.find((c) => c.id === channel.fallback)?.name ?? channel.fallback) : null;
  const testId = `channel-${channel.id}`;
  return (
    <tr data-testid="channel-row" data-channel={channel.name} data-type={channel.type}>
      <td>
        <span className="font-semibold">{channel.name}</span>
        <div className="text-xs text-slate-600 dark:text-slate-400">{TYPE_LABELS[channel.type]}</div>
      </td>
      <td>{channel.clusters == null ? 'all' : channel.clusters.map(clusterName).join(', ') || 'none'}</td>
      <td title={off.length ? `off: ${off.map((r) => RULE_LABELS[r]).join(', ')}` : undefined}>
        {off.length === 0 ? `all ${RULE_IDS.length}` : `${on.length} of ${RULE_IDS.length}`}
        {off.length > 0 && <div className="text-xs text-slate-600 dark:text-slate-400">off: {off.map((r) => RULE_LABELS[r]).join(', ')}</div>}
      </td>
      <td>{fallback ?? '—'}</td>
      <td>{channel.enabled ? 'yes' : <span className="font-semibold">no (off)</span>}</td>
      <td className="min-w-64">
        <div className="flex flex-wrap gap-1">
          <button type="button" className="btn" onClick={onEdit} data-testid={`${testId}-edit`} aria-label={`Edit ${channel.name}`}>
            Edit
          </button>
          <button type="button" className="btn" disabled={test.isPending} onClick={() => test.mutate()} data-testid={`${testId}-test`} aria-label={`Send a test to ${channel.name}`}>
            Send test
          </button>
          <ConfirmButton label="Delete" question={`Delete ${channel.name}?`} onConfirm={() => remove.mutate()} disabled={remove.isPending} testId={`${testId}-delete`} />
        </div>
        <TestResult delivery={test.data?.delivery} error={test.error} pending={test.isPending} testId={`${testId}-test-result`} />
        <ErrorBox error={remove.error} title="Not deleted" />
      </td>
    </tr>
  );
}
