// Storage grouped shared/local: type, content, usage bars with % and bytes, per-node active state.
import { storageStateWord, type ClusterSnapshot, type Storage } from '@quorate/model';
import { formatBytes, percent } from '../lib/format';
import { Icon } from './Icon';
import { StaleTag } from './StaleTag';

type OnNode = Storage['nodes'][number];

function UsageBar({ used, total, label, stale }: { used: number; total: number; label: string; stale: boolean }) {
  const pct = percent(used, total);
  const color = stale ? 'bg-slate-400' : pct >= 90 ? 'bg-red-600' : pct >= 75 ? 'bg-amber-500' : 'bg-sky-600';
  return (
    <div className="flex min-w-0 items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuenow={Math.round(pct)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuetext={`${Math.round(pct)}% used, ${formatBytes(used)} of ${formatBytes(total)}`}
        className="h-2.5 w-24 shrink-0 overflow-hidden rounded-full bg-slate-200 sm:w-36 dark:bg-slate-700"
      >
        <div className={`h-full ${color}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="whitespace-nowrap text-xs tabular-nums">
        <strong>{Math.round(pct)}%</strong> · {formatBytes(used)} of {formatBytes(total)}
      </span>
    </div>
  );
}

function NodeChip({ n }: { n: OnNode }) {
  const state = storageStateWord(n);
  const cls =
    state === 'active'
      ? 'border-emerald-600 text-emerald-800 dark:text-emerald-300'
      : state === 'inactive'
        ? 'border-red-600 text-red-800 dark:text-red-300'
        : 'border-slate-400 text-slate-500';
  return (
    <span className={`inline-flex items-center gap-1 rounded border px-1.5 text-xs ${cls}`}>
      <Icon name={state === 'active' ? 'ok' : state === 'inactive' ? 'bad' : 'unknown'} className="size-3" />
      {n.node} {state}
    </span>
  );
}

function StorageRow({ st, stale }: { st: Storage; stale: boolean }) {
  // shared storage reports the same figures on every node: show one bar, from a node that has it active
  const ref = st.nodes.find((n) => n.active && n.totalBytes > 0) ?? st.nodes[0];
  return (
    <li className="border-b border-slate-200 py-2 last:border-0 dark:border-slate-800" data-testid={`storage-${st.id}`}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-bold">{st.id}</span>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {st.type} · {st.content.join(', ') || 'no content'}
        </span>
      </div>
      {st.shared ? (
        <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
          {ref && <UsageBar used={ref.usedBytes} total={ref.totalBytes} label={`${st.id} usage`} stale={stale} />}
          <span className="flex flex-wrap gap-1">
            {st.nodes.map((n) => (
              <NodeChip key={n.node} n={n} />
            ))}
          </span>
        </div>
      ) : (
        <ul className="mt-1 space-y-1">
          {st.nodes.map((n) => (
            <li key={n.node} className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <NodeChip n={n} />
              <UsageBar used={n.usedBytes} total={n.totalBytes} label={`${st.id} on ${n.node} usage`} stale={stale} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function StoragePanel({ s, stale }: { s: ClusterSnapshot; stale: boolean }) {
  if (s.storage === null) {
    return (
      <section aria-labelledby="storage-title" className="panel" data-testid="storage">
        <h2 id="storage-title" className="panel-title">
          Storage
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">Storage: not provided by this source.</p>
      </section>
    );
  }
  const shared = s.storage.filter((x) => x.shared);
  const local = s.storage.filter((x) => !x.shared);
  return (
    <section aria-labelledby="storage-title" className={`panel ${stale ? 'grayscale' : ''}`} data-testid="storage">
      <h2 id="storage-title" className="panel-title">
        Storage
        {stale && <StaleTag />}
      </h2>
      <div className="grid gap-4 lg:grid-cols-2">
        {(
          [
            ['shared', shared],
            ['local', local],
          ] as const
        ).map(([kind, items]) => (
          <div key={kind} data-testid={`storage-group-${kind}`}>
            <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-500">
              {kind} ({items.length})
            </h3>
            {items.length ? (
              <ul>
                {items.map((st) => (
                  <StorageRow key={st.id} st={st} stale={stale} />
                ))}
              </ul>
            ) : (
              <p className="py-2 text-sm text-slate-500">none</p>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
