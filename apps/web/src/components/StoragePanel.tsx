// Storage grouped shared/local, one row per storage: type, content, usage (shared: the one figure; local: the
// sum and the fullest node, each node in a disclosure), and per-node state as dots with the states in words.
// A node whose storage cannot be asked (pve: the node is offline) is "unknown (node offline)", never 0 bytes.
import { memo } from 'react';
import { storageStateWord, type ClusterSnapshot, type Storage } from '@quorate/model';
import { formatBytes, percent } from '../lib/format';
import { Icon } from './Icon';
import { StaleTag } from './StaleTag';

type OnNode = Storage['nodes'][number];

/** a node's state in words; unknown says why (the only cause the model has for it) */
function stateWords(n: OnNode): string {
  const w = storageStateWord(n);
  return w === 'unknown' ? 'unknown (node offline)' : w;
}

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

const DOT: Record<string, string> = {
  active: 'bg-emerald-600 dark:bg-emerald-400',
  inactive: 'bg-red-600 dark:bg-red-400',
};

/** one dot per node (the picture), and the states in words (the values: never only a hover) */
function NodeStates({ nodes, stale }: { nodes: OnNode[]; stale: boolean }) {
  const words = nodes.map((n) => [n.node, stateWords(n)] as const);
  const active = words.filter(([, w]) => w === 'active').length;
  const other = words.filter(([, w]) => w !== 'active');
  return (
    <span className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-xs" data-testid="storage-nodes">
      <span aria-hidden="true" className="inline-flex max-w-full flex-wrap gap-0.5">
        {words.map(([node, w]) => (
          <span key={node} title={`${node}: ${w}`} className={`inline-block size-2.5 rounded-sm ${stale ? 'bg-slate-400' : (DOT[w] ?? 'border border-slate-400')}`} />
        ))}
      </span>
      <span>
        <span className="inline-flex items-center gap-1">
          <Icon name={other.length ? 'warn' : 'ok'} className="size-3" />
          {active} of {nodes.length} active
        </span>
        {other.length > 0 && <> · {other.map(([node, w]) => `${node} ${w}`).join(', ')}</>}
      </span>
    </span>
  );
}

/** memoized: a patch keeps an unchanged storage's object (model applyPatch), so its row is skipped */
const StorageRow = memo(function StorageRow({ st, stale }: { st: Storage; stale: boolean }) {
  // shared storage reports the same figures on every node: one bar, from a node that has it active;
  // local storage: the sum over the nodes that report it, the fullest node named, each node in a disclosure
  const known = st.nodes.filter((n) => !n.unknown);
  const ref = known.find((n) => n.active && n.totalBytes > 0) ?? known[0];
  const reporting = known.filter((n) => n.totalBytes > 0);
  const used = reporting.reduce((a, n) => a + n.usedBytes, 0);
  const total = reporting.reduce((a, n) => a + n.totalBytes, 0);
  const fullest = reporting.reduce<OnNode | undefined>((m, n) => (!m || percent(n.usedBytes, n.totalBytes) > percent(m.usedBytes, m.totalBytes) ? n : m), undefined);
  return (
    <li className="border-b border-slate-200 py-2 last:border-0 dark:border-slate-800" data-testid={`storage-${st.id}`}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-bold">{st.id}</span>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {st.type} · {st.content.join(', ') || 'no content'}
        </span>
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1">
        {known.length === 0 && st.nodes.length > 0 ? (
          <span className="text-xs" data-testid="storage-unknown">
            usage unknown (node offline)
          </span>
        ) : st.shared
          ? ref && <UsageBar used={ref.usedBytes} total={ref.totalBytes} label={`${st.id} usage`} stale={stale} />
          : total > 0 && (
              <>
                <UsageBar used={used} total={total} label={`${st.id} usage, all nodes`} stale={stale} />
                {fullest && st.nodes.length > 1 && (
                  <span className="text-xs">
                    fullest: {fullest.node} <strong>{Math.round(percent(fullest.usedBytes, fullest.totalBytes))}%</strong>
                  </span>
                )}
              </>
            )}
        <NodeStates nodes={st.nodes} stale={stale} />
      </div>
      {!st.shared && st.nodes.length > 1 && (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer text-sky-700 max-sm:flex max-sm:min-h-11 max-sm:items-center dark:text-sky-300">per node</summary>
          <ul className="mt-1 grid gap-x-4 gap-y-0.5 sm:grid-cols-2">
            {st.nodes.map((n) => (
              <li key={n.node} className="tabular-nums">
                <span className="font-semibold">{n.node}</span> {stateWords(n)}
                {!n.unknown && n.totalBytes > 0 && (
                  <>
                    {' '}
                    · {Math.round(percent(n.usedBytes, n.totalBytes))}% · {formatBytes(n.usedBytes)} of {formatBytes(n.totalBytes)}
                  </>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
});

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
