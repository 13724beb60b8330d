// Operator: the delivery log — who was told what and when, the reply, or why nothing was sent (silenced,
// acknowledged, damped); newest first, filtered by channel and outcome (in the URL), paged, kept fresh.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { alertKeys, fetchChannelNames, fetchDeliveries, type DeliveryFilter } from '../../api/alerts';
import { ErrorBox, FilterSelect } from '../form';
import { Pager } from '../Pager';
import { DELIVERY_OUTCOMES, type AlertsSearch } from './alerts-search';
import { DeliveryRow } from './DeliveryRow';
import { DataTable } from '../DataTable';

const PAGE = 50;
export const DELIVERY_REFRESH_MS = 5_000;

export function DeliveryLog() {
  const { channel, outcome, offset = 0 } = useSearch({ from: '/alerts' });
  const navigate = useNavigate({ from: '/alerts' });
  const setFilter = (patch: Partial<AlertsSearch>) => void navigate({ search: (prev) => ({ ...prev, ...patch, offset: undefined }), replace: true });
  const setOffset = (next: number) => void navigate({ search: (prev) => ({ ...prev, offset: next || undefined }) });
  const filter: DeliveryFilter = { channel, outcome, limit: PAGE, offset };
  const q = useQuery({
    queryKey: alertKeys.deliveries(filter),
    queryFn: () => fetchDeliveries(filter),
    placeholderData: keepPreviousData,
    refetchInterval: DELIVERY_REFRESH_MS,
  });
  // every channel by name (operator: names only); a deleted one still in the log is named as the log has it
  const channels = useQuery({ queryKey: alertKeys.channelNames, queryFn: fetchChannelNames });
  const deliveries = q.data?.deliveries ?? [];
  const known = new Map<string, string>();
  for (const c of channels.data?.channels ?? []) known.set(c.id, c.name);
  for (const d of deliveries) if (!known.has(d.channelId)) known.set(d.channelId, d.channelName);
  if (channel && !known.has(channel)) known.set(channel, channel);
  const channelName = (id: string) => known.get(id) ?? id;
  return (
    <section aria-labelledby="delivery-log-title" className="panel" data-testid="delivery-log">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="delivery-log-title" className="panel-title">
          Delivery log
        </h3>
        <button type="button" className="btn" onClick={() => void q.refetch()} disabled={q.isFetching} data-testid="delivery-refresh">
          Refresh
        </button>
      </div>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <FilterSelect
          label="Channel"
          value={channel ?? ''}
          onChange={(v) => setFilter({ channel: v || undefined })}
          options={[...known].map(([value, label]) => ({ value, label }))}
          allLabel="all channels"
          testId="delivery-channel"
        />
        <FilterSelect label="Outcome" value={outcome ?? ''} onChange={(v) => setFilter({ outcome: v || undefined })} options={DELIVERY_OUTCOMES} allLabel="all outcomes" testId="delivery-outcome-filter" />
        <Pager offset={offset} limit={PAGE} total={q.data?.total ?? 0} shown={deliveries.length} onOffset={setOffset} testId="delivery-pager" />
      </div>
      <ErrorBox error={q.error} title="Could not load the delivery log" />
      {q.isPending && <p>Loading…</p>}
      {q.isSuccess && deliveries.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No deliveries match.</p>}
      {deliveries.length > 0 && (
        <DataTable columns={['When', 'Channel', 'Kind', 'Rule', 'Title', 'Outcome', 'Status', 'Detail', 'Attempts']} className={q.isPlaceholderData ? 'opacity-60' : ''}>
          {deliveries.map((d) => (
            <DeliveryRow key={d.id} d={d} channelName={channelName} />
          ))}
        </DataTable>
      )}
    </section>
  );
}
