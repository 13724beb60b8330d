// The page's routes (TanStack Router, code-based): one path per page, typed search params per page
// (routes/*-search.ts), the secondary pages in their own chunks. `cluster` and `sample` ride along on every
// link. The sign-in gate (App.tsx) comes before: the router only runs for a session (or a `?sample=` page).
//
// Adding a page: a component in pages/ (default export), a createRoute below with its path, its search
// schema if it has filters (routes/<page>-search.ts, parsed by the page: the route only casts, so the
// first load carries no schema of it), and lazyRouteComponent (every page is its own chunk); add
// it to routeTree; link to it with <Link to=…>.
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Link,
  redirect,
  retainSearchParams,
  type AnyRoute,
  type AsyncRouteComponent,
  type RouterHistory,
} from '@tanstack/react-router';
import { roleAtLeast, type Role } from './api/types';
import { useRole } from './auth/session';
import { Dashboard } from './Dashboard';
import { pathForLegacyHash } from './routes/legacy';
import type { CreateSearch, JoinSearch, RemoveSearch } from './routes/join-search';
import type { QdeviceSearch } from './routes/qdevice-search';
import type { LinksSearch } from './routes/links-search';
import type { ClustersSearch } from './routes/clusters-search';
import type { TimelineSearch } from './components/timeline/timeline-search';
import { rootSearch, type RootSearch } from './routes/search';
import type { HistorySearch } from './routes/history-search';
import type { AuditSearch } from './routes/audit-search';
import { alertsSearch } from './components/alerts/alerts-search';
import type { PlanSearch } from './components/plan/plan-search';
import { parseSearch, stringifySearch } from './routes/serialize';

function NeedsRole({ role }: { role: Role }) {
  return (
    <section className="panel" data-testid="needs-role">
      <h2 className="panel-title">Not available</h2>
      <p>This page needs the role {role}. Ask an admin.</p>
    </section>
  );
}

function NotFound() {
  return (
    <section className="panel" data-testid="not-found">
      <h2 className="panel-title">No such page</h2>
      <p>
        <Link to="/" className="underline">
          Back to the overview
        </Link>
      </p>
    </section>
  );
}

function Loading() {
  return <p className="p-4">Loading…</p>;
}

/** the page for `role` and above; others get a note (the BFF refuses them anyway) */
function withRole(role: Role, Page: AsyncRouteComponent<object>) {
  function Guarded() {
    return roleAtLeast(useRole(), role) ? <Page /> : <NeedsRole role={role} />;
  }
  // the router loads the chunk before it shows the page
  Guarded.preload = Page.preload;
  return Guarded;
}

const rootRoute = createRootRoute({
  validateSearch: rootSearch,
  search: { middlewares: [retainSearchParams<RootSearch>(['cluster', 'sample'])] },
  component: Dashboard,
  notFoundComponent: NotFound,
});

const overviewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./pages/Overview'), 'OverviewPage'),
});

const historyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'history',
  // judged by the page (its schema loads with it): the first load carries only the router's cast
  validateSearch: (raw: Record<string, unknown>) => raw as HistorySearch,
  component: lazyRouteComponent(() => import('./pages/HistoryPage')),
});

/** the old name of the history page */
const eventsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'events',
  beforeLoad: () => {
    throw redirect({ to: '/history', search: true, replace: true });
  },
});

const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'audit',
  validateSearch: (raw: Record<string, unknown>) => raw as AuditSearch,
  component: withRole('admin', lazyRouteComponent(() => import('./pages/AuditPage'))),
});

/** alerting (issue 14): what is alerting now for everyone; the log, silences and channels by role */
const alertsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'alerts',
  validateSearch: alertsSearch,
  component: lazyRouteComponent(() => import('./pages/AlertsPage')),
});

/** plan (issue 15): troubleshooting, what-if (its picks in the search params) and the design advisor; viewer */
const planRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'plan',
  validateSearch: (raw: Record<string, unknown>) => raw as PlanSearch,
  component: lazyRouteComponent(() => import('./pages/PlanPage')),
});

const adminRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'admin',
  component: withRole('admin', lazyRouteComponent(() => import('./pages/AdminPage'))),
});

const accountRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'account',
  component: lazyRouteComponent(() => import('./pages/AccountPage')),
});

/** the guided join (issue 13): each step in the search params, so a reload resumes it */
const joinRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'join',
  // each wizard judges its own search params (join-search.ts loads with its page): the router only casts
  validateSearch: (raw: Record<string, unknown>) => raw as JoinSearch,
  component: withRole('operator', lazyRouteComponent(() => import('./pages/JoinPage'))),
});

const createClusterRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'create',
  validateSearch: (raw: Record<string, unknown>) => raw as CreateSearch,
  component: withRole('operator', lazyRouteComponent(() => import('./pages/CreateClusterPage'))),
});

const removeNodeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'remove',
  validateSearch: (raw: Record<string, unknown>) => raw as RemoveSearch,
  component: withRole('operator', lazyRouteComponent(() => import('./pages/RemoveNodePage'))),
});

/** set up or remove a QDevice (issue 16): host, algorithm and the running task in the search params */
const qdeviceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'qdevice',
  // judged by the page (qdeviceSearch, loaded with it): the first load carries no schema for it
  validateSearch: (raw: Record<string, unknown>) => raw as QdeviceSearch,
  component: withRole('operator', lazyRouteComponent(() => import('./pages/QdevicePage'))),
});

/** change the Corosync links (issue 16): the change and the running task in the search params */
const linksRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'links',
  // judged by the page (linksSearch, loaded with it): the first load carries no schema for it
  validateSearch: (raw: Record<string, unknown>) => raw as LinksSearch,
  component: withRole('operator', lazyRouteComponent(() => import('./pages/LinksPage'))),
});

/** time travel (issue 15): the moment and the window in the search params (judged by the page), so a link shares a moment */
const timelineRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'timeline',
  validateSearch: (raw: Record<string, unknown>) => raw as TimelineSearch,
  component: lazyRouteComponent(() => import('./pages/TimelinePage')),
});

/** every cluster at a glance (issue 17): the filter and the order in the search params (judged by the page) */
const clustersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'clusters',
  validateSearch: (raw: Record<string, unknown>) => raw as ClustersSearch,
  component: lazyRouteComponent(() => import('./pages/ClustersPage')),
});

export const routeTree = rootRoute.addChildren([
  overviewRoute,
  clustersRoute,
  historyRoute,
  eventsRoute,
  auditRoute,
  alertsRoute,
  planRoute,
  adminRoute,
  accountRoute,
  joinRoute,
  createClusterRoute,
  removeNodeRoute,
  qdeviceRoute,
  linksRoute,
  timelineRoute,
]);

/** a router over the browser's URL, or (tests) over the history given */
export function createAppRouter(history?: RouterHistory) {
  return createRouter({
    routeTree,
    history,
    parseSearch,
    stringifySearch,
    defaultPendingComponent: Loading,
    defaultPreload: 'intent',
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}

let router: AppRouter | null = null;
/** the page's one router, made on first use (after routes/legacy.ts has rewritten an old hash URL) */
export function appRouter(): AppRouter {
  router ??= createAppRouter();
  return router;
}

/**
 * Start loading the chunks of the page the URL names (every page is its own chunk, the overview too), so
 * they arrive while the sign-in state is still being asked for rather than after it.
 */
export function preloadCurrentPage(): void {
  const r = appRouter();
  for (const m of r.matchRoutes(r.latestLocation)) {
    const route = (r.routesById as Record<string, AnyRoute>)[m.routeId];
    if (route) void r.loadRouteChunk(route)?.catch(() => undefined);
  }
}

/** an old `#/page` link followed inside the open page (a hash change, no reload): to its path as well */
export function followLegacyHashLinks(): void {
  window.addEventListener('hashchange', () => {
    const to = pathForLegacyHash(location.href);
    if (to !== null) appRouter().history.replace(to);
  });
}
