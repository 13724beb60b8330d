// Admin: the alert channels — the list, add and edit (one form at a time), test and delete.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { alertKeys, fetchChannels, type ChannelView } from '../../api/alerts';
import { useSelection } from '../../lib/selection';
import { ErrorBox } from '../form';
import { ChannelForm } from './ChannelForm';
import { ChannelRow } from './ChannelRow';
import { DataTable } from '../DataTable';

/** null: no form; 'new': adding; else the channel being edited */
type Editing = null | 'new' | ChannelView;

export function ChannelsPanel() {
  const { clusters } = useSelection();
  const q = useQuery({ queryKey: alertKeys.channels, queryFn: fetchChannels });
  const [editing, setEditing] = useState<Editing>(null);
  const channels = q.data?.channels ?? [];
  const clusterName = (id: string) => clusters.find((c) => c.id === id)?.name ?? id;
  return (
    <section aria-labelledby="alert-channels-title" className="panel" data-testid="alert-channels">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="alert-channels-title" className="panel-title">
          Channels
        </h3>
        {editing === null && (
          <button type="button" className="btn" onClick={() => setEditing('new')} data-testid="channel-add">
            Add a channel
          </button>
        )}
      </div>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        Where alerts go: one message when an incident opens and one when it closes. Secrets are stored encrypted and never shown again.
      </p>
      {editing !== null && (
        <ChannelForm key={editing === 'new' ? 'new' : editing.id} channel={editing === 'new' ? null : editing} channels={channels} onDone={() => setEditing(null)} />
      )}
      <ErrorBox error={q.error} title="Could not load the channels" />
      {q.isPending && <p>Loading…</p>}
      {q.isSuccess && channels.length === 0 && editing === null && <p className="text-sm">No channel yet: nothing leaves this page. Add one to be told when quorum is lost.</p>}
      {channels.length > 0 && (
        <DataTable columns={['Channel', 'Clusters', 'Rules on', 'Fallback', 'Enabled']} actions="Actions" wrapClassName="mt-2">
          {channels.map((c) => (
            <ChannelRow key={c.id} channel={c} channels={channels} clusterName={clusterName} onEdit={() => setEditing(c)} />
          ))}
        </DataTable>
      )}
    </section>
  );
}
