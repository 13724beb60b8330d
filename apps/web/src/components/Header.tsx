import type { ClusterList } from '@quorate/model';
import { useState, type MouseEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { SnapshotEntry } from '../live/cache';
import { logout } from '../api/auth';
import { roleAtLeast } from '../api/types';
import { signedOut, useSessionUser } from '../auth/session';
import { useTheme } from '../lib/theme';
import { ConnectionIndicator } from './ConnectionIndicator';
import { ClusterSwitcher } from './ClusterSwitcher';
import { Brand } from './BrandMark';
import { Icon } from './Icon';

interface Props {
  entry: SnapshotEntry | undefined;
  clusters: ClusterList['clusters'];
  clusterId: string | null;
  onSelectCluster: (id: string) => void;
  sample: string | null;
}

/** the current page (aria-current="page", set by Link): a tinted, underlined tab, so not by colour alone.
 * On a phone (below 640 px) the header is one row: the cluster's name, the connection and a Menu button that
 * opens the pages as a list; tap targets there are 44 px high. */
const navLink =
  'rounded px-2 py-1 max-sm:flex max-sm:min-h-11 max-sm:items-center hover:bg-slate-200 dark:hover:bg-slate-800 aria-[current=page]:bg-slate-200 aria-[current=page]:font-semibold aria-[current=page]:underline aria-[current=page]:decoration-2 aria-[current=page]:underline-offset-4 dark:aria-[current=page]:bg-slate-800';
// active: ?cluster= and ?sample= do not make another page
const active = { includeSearch: false } as const;

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
  const [menuOpen, setMenuOpen] = useState(false);
  // a link or button in the phone menu closes it (the page changes, or the action is done)
  const closeOnAction = (e: MouseEvent<HTMLElement>) => {
    if (e.target instanceof Element && e.target.closest('a,button')) setMenuOpen(false);
  };
  return (
    <header className="relative border-b border-slate-200 bg-white/90 dark:border-slate-800 dark:bg-slate-900/90">
      <div className="mx-auto flex max-w-[1600px] items-center gap-x-4 gap-y-1 px-3 py-1 sm:flex-wrap sm:px-6 sm:py-2">
        <div className="flex min-w-0 flex-1 items-baseline gap-x-2 gap-y-0.5 sm:flex-none sm:flex-wrap">
          <span className="hidden self-center sm:contents">
            <Brand className="self-center border-r border-slate-300 pr-2 text-sm dark:border-slate-700" />
          </span>
          <h1 className="min-w-0 truncate text-lg font-bold">{name}</h1>
          {s && (
            <span className="hidden text-sm text-slate-600 sm:inline dark:text-slate-400">
              {s.observer ? <>via {s.observer.name}</> : <>no observer</>} · {s.source}
            </span>
          )}
          <span className="shrink-0 text-sm" aria-live="off">
            <ConnectionIndicator entry={entry} />
          </span>
          {sample && (
            <span className="rounded bg-fuchsia-100 px-1.5 text-xs font-semibold text-fuchsia-900 dark:bg-fuchsia-900 dark:text-fuchsia-100">
              sample data: {sample}
            </span>
          )}
        </div>
        {/* beside the name (on a phone: a 44 px button before Menu), not in the menu: switching is one tap away */}
        {clusters.length > 1 && (
          <ClusterSwitcher
            clusters={clusters}
            clusterId={clusterId}
            onSelect={onSelectCluster}
            footer={
              <Link to="/clusters" className={`${navLink} flex font-semibold`} activeOptions={active} data-testid="cluster-switcher-all">
                All clusters →
              </Link>
            }
          />
        )}
        <button
          type="button"
          className="ml-auto inline-flex min-h-11 min-w-11 shrink-0 items-center justify-center rounded border border-slate-300 px-2 text-sm font-semibold sm:hidden dark:border-slate-700"
          aria-expanded={menuOpen}
          aria-controls="pages-nav"
          onClick={() => setMenuOpen((o) => !o)}
          data-testid="menu-toggle"
        >
          Menu
        </button>
        <nav
          id="pages-nav"
          aria-label="Pages"
          onClick={closeOnAction}
          className={`${menuOpen ? 'flex' : 'hidden'} ml-auto items-center gap-1 text-sm max-sm:absolute max-sm:right-2 max-sm:top-full max-sm:z-40 max-sm:mt-1 max-sm:w-64 max-sm:flex-col max-sm:items-stretch max-sm:rounded-lg max-sm:border max-sm:border-slate-200 max-sm:bg-white max-sm:p-2 max-sm:shadow-lg sm:flex sm:flex-wrap dark:max-sm:border-slate-700 dark:max-sm:bg-slate-900`}
        >
          <Link to="/" className={navLink} activeOptions={{ ...active, exact: true }} data-testid="nav-overview">
            Overview
          </Link>
          {clusters.length > 1 && (
            <Link to="/clusters" className={navLink} activeOptions={active} data-testid="nav-clusters">
              All clusters
            </Link>
          )}
          <Link to="/history" className={navLink} activeOptions={active} data-testid="nav-history">
            History
          </Link>
          <Link to="/timeline" className={navLink} activeOptions={active} data-testid="nav-timeline">
            Time travel
          </Link>
          <Link to="/alerts" className={navLink} activeOptions={active} data-testid="nav-alerts">
            Alerts
          </Link>
          <Link to="/plan" className={navLink} activeOptions={active} data-testid="nav-plan">
            Plan
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
          <button
            type="button"
            onClick={toggleTheme}
            className="ml-1 inline-flex items-center gap-1 rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 max-sm:ml-0 max-sm:min-h-11 dark:border-slate-700 dark:hover:bg-slate-800"
            aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          >
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
            <span className="max-sm:hidden">{theme === 'dark' ? 'Light' : 'Dark'}</span>
            <span className="sm:hidden">{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
          </button>
          {user && (
            <span className="flex items-center gap-1 border-slate-300 max-sm:flex-col max-sm:items-stretch sm:ml-1 sm:border-l sm:pl-2 dark:border-slate-700">
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
