// One line of the delivery log: when, which channel, what (kind, rule, title), how it ended (outcome, status,
// the reply or why it was not sent), attempts, and whose fallback it was.
import type { Delivery } from '../../api/alerts';
import { formatDateTime } from '../../lib/format';
import { OutcomeTag } from './OutcomeTag';

export function DeliveryRow({ d, channelName }: { d: Delivery; channelName: (id: string) => string }) {
  return (
    <tr data-testid="delivery-row" data-outcome={d.outcome} data-kind={d.kind} data-rule={d.rule ?? ''} data-channel={d.channelName}>
      <td className="whitespace-nowrap font-mono text-xs tabular-nums">{formatDateTime(d.at)}</td>
      <td>
        {d.channelName} <span className="text-xs text-slate-600 dark:text-slate-400">({d.channelType})</span>
        {d.fallbackOf && <div className="text-xs text-slate-600 dark:text-slate-400">via fallback of {channelName(d.fallbackOf)}</div>}
      </td>
      <td>{d.kind}</td>
      <td>{d.rule ? <code>{d.rule}</code> : '—'}</td>
      <td className="min-w-48">{d.title}</td>
      <td>
        <OutcomeTag outcome={d.outcome} />
      </td>
      <td className="tabular-nums" data-testid="delivery-status">
        {d.status ?? '—'}
      </td>
      <td className="min-w-48 break-words" data-testid="delivery-detail">
        {d.detail}
      </td>
      <td className="tabular-nums">{d.attempts}</td>
    </tr>
  );
}
