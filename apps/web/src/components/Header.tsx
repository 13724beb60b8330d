import type { ClusterList } from '@quorate/model';
import { useEffect } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useRouterState } from '@tanstack/react-router';
import type { SnapshotEntry } from '../live/cache';
import { logout } from '../api/auth';
import { roleAtLeast } from '../api/types';
import { signedOut, useSessionUser } from '../auth/session';
import { useTheme } from '../lib/theme';
import { ConnectionIndicator } from './ConnectionIndicator';
import { Field } from './form/Field';
import { Brand } from './BrandMark';
import { Icon } from './Icon';

interface Props {
  entry: SnapshotEntry | undefined;
  clusters: ClusterList['clusters'];
  clusterId: string | null;
  onSelectCluster: (id: string) => void;
  sample: string | null;
}

// the current page (aria-current="page", set by Link): a tinted, underlined tab, so not by colour alone
const navLink =
  'rounded px-2 py-1 hover:bg-slate-200 dark:hover:bg-slate-800 aria-[current=page]:bg-slate-200 aria-[current=page]:font-semibold aria-[current=page]:underline aria-[current=page]:decoration-2 aria-[current=page]:underline-offset-4 dark:aria-[current=page]:bg-slate-800';
// active: ?cluster= and ?sample= do not make another page
const active = { includeSearch: false } as const;

/** each page's name in the tab title; the overview's title is the cluster's health (HealthSignals) */
const PAGE_TITLES: Record<string, string> = {
  '/history': 'History',
  '/audit': 'Audit',
  '/admin': 'Admin',
  '/account': 'Your account',
};

/**
 * "History — lab-cluster — Quorate" while a page other than the overview is open. The health signal owns
 * the overview's title and writes it when the health changes: a title it writes meanwhile is kept, to be
 * put back when the page is left, and the page's own title stays.
 */
function usePageTitle(path: string, clusterName: string): void {
  const page = path === '/' ? null : (PAGE_TITLES[path.replace(/\/+$/, '')] ?? 'No such page');
  useEffect(() => {
    if (page === null) return;
    const own = [page, clusterName, 'Quorate'].filter(Boolean).join(' — ');
    let base = document.title;
    document.title = own;
    const watch = new MutationObserver(() => {
      if (document.title === own) return;
      base = document.title;
      document.title = own;
    });
    watch.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => {
      watch.disconnect();
      if (document.title === own) document.title = base;
    };
  }, [page, clusterName]);
}

export function Header({ entry, clusters, clusterId, onSelectCluster, sample }: Props) {
  const [theme, toggleTheme] = useTheme();
  const qc = useQueryClient();
  const user = useSessionUser();
  // signed out locally even when the server cannot be reached: the session cookie expires on its own
  const out = useMutation({ mutationFn: logout, onSettled: () => signedOut(qc) });
  const admin = roleAtLeast(user?.role, 'admin');
  const s = entry?.snapshot;
  // a source that could not read a node yet may still name the cluster: '' is no name
  const clusterName = s?.cluster.name || clusters.find((c) => c.id === clusterId)?.name || '';
  const name = clusterName || 'Quorate';
  usePageTitle(useRouterState({ select: (r) => r.location.pathname }), clusterName.trim());
  return (
    <header className="border-b border-slate-200 bg-white/90 dark:border-slate-800 dark:bg-slate-900/90">
      <div className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 sm:px-6">
        <div className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <Brand className="self-center border-r border-slate-300 pr-2 text-sm dark:border-slate-700" />
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
        <nav aria-label="Pages" className="ml-auto flex flex-wrap items-center gap-1 text-sm">
          <Link to="/" className={navLink} activeOptions={{ ...active, exact: true }} data-testid="nav-overview">
            Overview
          </Link>
          <Link to="/history" className={navLink} activeOptions={active} data-testid="nav-history">
            History
          </Link>
          {admin && (
            <>
              <Link to="/audit" className={navLink} activeOptions={active} data-testid="nav-audit">
                Audit
              </Link>
              <Link to="/admin" className={navLink} activeOptions={active} data-testid="nav-admin">
                Admin
              </Link>
            </>
          )}
          {clusters.length > 1 && (
            <Field label="Cluster" layout="inline" className="ml-2" labelClassName="sr-only sm:not-sr-only">
              <select
                value={clusterId ?? ''}
                onChange={(e) => onSelectCluster(e.target.value)}
                className="rounded border border-slate-300 bg-white px-1 py-1 dark:border-slate-700 dark:bg-slate-800"
                data-testid="cluster-select"
              >
                {clusters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.source})
                  </option>
                ))}
              </select>
            </Field>
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
          {user && (
            <span className="flex items-center gap-1 border-slate-300 sm:ml-1 sm:border-l sm:pl-2 dark:border-slate-700">
              <Link
                to="/account"
                className={navLink}
                activeOptions={active}
                title="Your account: change the password"
                data-testid="current-user"
                data-role={user.role}
              >
                {user.username} <span className="text-xs text-slate-600 dark:text-slate-400">({user.role})</span>
              </Link>
              <button type="button" className={navLink} onClick={() => out.mutate()} disabled={out.isPending} data-testid="logout">
                Sign out
              </button>
            </span>
          )}
        </nav>
      </div>
    </header>
  );
}
