import type { ClusterList } from '@quorate/model';
import type { SnapshotEntry } from '../live/api';
import { useTheme } from '../lib/theme';
import { ConnectionIndicator } from './ConnectionIndicator';
import { Icon } from './Icon';

interface Props {
  entry: SnapshotEntry | undefined;
  clusters: ClusterList['clusters'];
  clusterId: string | null;
  onSelectCluster: (id: string) => void;
  route: 'overview' | 'events';
  sample: string | null;
}

const navLink = 'rounded px-2 py-1 hover:bg-slate-200 dark:hover:bg-slate-800';

export function Header({ entry, clusters, clusterId, onSelectCluster, route, sample }: Props) {
  const [theme, toggleTheme] = useTheme();
  const s = entry?.snapshot;
  const name = s?.cluster.name ?? clusters.find((c) => c.id === clusterId)?.name ?? 'Quorate';
  return (
    <header className="border-b border-slate-200 bg-white/90 dark:border-slate-800 dark:bg-slate-900/90">
      <div className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 sm:px-6">
        <div className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <h1 className="text-lg font-bold">{name}</h1>
          {s && (
            <span className="text-sm text-slate-600 dark:text-slate-400">
              {s.observer ? <>via {s.observer.name}</> : <>no observer</>} · {s.source}
            </span>
          )}
          <span className="text-sm" aria-live="off">
            <ConnectionIndicator entry={entry} />
          </span>
          {sample && (
            <span className="rounded bg-fuchsia-100 px-1.5 text-xs font-semibold text-fuchsia-900 dark:bg-fuchsia-900 dark:text-fuchsia-100">
              sample data: {sample}
            </span>
          )}
        </div>
        <nav aria-label="Pages" className="ml-auto flex items-center gap-1 text-sm">
          <a href="#/" className={navLink} aria-current={route === 'overview' ? 'page' : undefined}>
            Overview
          </a>
          <a href="#/events" className={navLink} aria-current={route === 'events' ? 'page' : undefined}>
            Events
          </a>
          {clusters.length > 1 && (
            <label className="ml-2 flex items-center gap-1">
              <span className="sr-only sm:not-sr-only">Cluster</span>
              <select
                value={clusterId ?? ''}
                onChange={(e) => onSelectCluster(e.target.value)}
                className="rounded border border-slate-300 bg-white px-1 py-1 dark:border-slate-700 dark:bg-slate-800"
              >
                {clusters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.source})
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            onClick={toggleTheme}
            className="ml-1 inline-flex items-center gap-1 rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          >
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
            <span className="hidden sm:inline">{theme === 'dark' ? 'Light' : 'Dark'}</span>
          </button>
        </nav>
      </div>
    </header>
  );
}
