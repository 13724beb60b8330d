// @vitest-environment happy-dom
// The all-clusters page in a router, fed the header's cluster list through SelectionContext (as Dashboard
// does): worst first, then by name; a count per health at the top; votes "2 of 3 (2 needed)" and nodes "3/3";
// the last change as "3 min ago" with the absolute time in its title; the filter (name or id, in the URL);
// sorting by name and by the last change (aria-sort); a row opens its cluster's dashboard; a new list (the
// socket's `clusters` message) re-orders the rows and the counts without a request of its own.
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterList, ClusterState } from '@quorate/model';
import { formatDateTime } from '../lib/format';
import { SelectionContext } from '../lib/selection';
import { clustersSearch } from '../routes/clusters-search';
import { rootSearch } from '../routes/search';
import { parseSearch, stringifySearch } from '../routes/serialize';
import { frozenClock, words } from '../test/component';
import ClustersPage from './ClustersPage';

type Summary = ClusterList['clusters'][number];
const NOW = Date.parse('2025-11-25T21:41:07Z');
frozenClock(NOW);

function cluster(id: string, name: string, health: ClusterState['health'], agoMs: number | null, extra: Partial<ClusterState> = {}): Summary {
  return {
    id,
    name,
    source: 'sim',
    default: false,
    origin: 'runtime',
    capabilities: [],
    state: {
      health,
      source: health === 'unknown' ? 'down' : 'ok',
      votes: health === 'lost' ? { total: 1, expected: 3, quorum: 2 } : health === 'degraded' ? { total: 2, expected: 3, quorum: 2 } : { total: 3, expected: 3, quorum: 2 },
      nodes: health === 'lost' ? { online: 1, total: 3 } : health === 'degraded' ? { online: 2, total: 3 } : { online: 3, total: 3 },
      ...(agoMs === null ? {} : { since: NOW - agoMs }),
      ...extra,
    },
  };
}

const MIN = 60_000;
const CLUSTERS: Summary[] = [
  cluster('fra-1', 'Frankfurt 1', 'healthy', 50 * MIN),
  cluster('ams-2', 'Amsterdam', 'lost', 3 * MIN),
  cluster('par-10', 'site 10', 'healthy', 2 * MIN),
  cluster('par-2', 'site 2', 'healthy', 90 * MIN),
  cluster('lon-1', 'London', 'degraded', 20 * MIN),
  cluster('osl-1', 'Oslo', 'unknown', null, { votes: null, nodes: null }),
  cluster('ber-1', 'Berlin', 'lost', 7 * MIN),
  cluster('zrh-1', 'Zurich', 'healthy', 5 * MIN),
];

let setList: (l: Summary[]) => void = () => undefined;
let asked: string[] = [];

beforeEach(() => {
  asked = [];
  // the page must not ask the BFF for anything: the list is the header's
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url);
    return new Response('{}', { status: 404 });
  });
});
afterEach(() => vi.unstubAllGlobals());

function Layout({ initial }: { initial: Summary[] }) {
  const [clusters, set] = useState(initial);
  setList = (l) => act(() => set(l));
  return (
    <SelectionContext.Provider value={{ clusterId: 'fra-1', clusters, clustersError: null, entry: undefined, sample: null }}>
      <Outlet />
    </SelectionContext.Provider>
  );
}

function Dashboard() {
  const { cluster: id } = useSearch({ strict: false });
  return <p data-testid="dashboard">dashboard of {id}</p>;
}

function open(url = '/clusters', list = CLUSTERS) {
  const root = createRootRoute({ validateSearch: rootSearch, component: () => <Layout initial={list} /> });
  const page = createRoute({ getParentRoute: () => root, path: 'clusters', validateSearch: (raw: Record<string, unknown>) => raw, component: ClustersPage });
  const overview = createRoute({ getParentRoute: () => root, path: '/', component: Dashboard });
  const router = createRouter({ routeTree: root.addChildren([page, overview]), history: createMemoryHistory({ initialEntries: [url] }), parseSearch, stringifySearch });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, user: userEvent.setup() };
}

const rowIds = () => screen.getAllByTestId(/^clusters-row-/).map((r) => r.dataset.testid!.replace('clusters-row-', ''));
/** the counts as they read beside their marks */
const countsText = () =>
  within(screen.getByTestId('clusters-counts'))
    .getAllByTestId(/^clusters-count-/)
    .map((c) => c.lastChild?.textContent)
    .join(' · ');
const header = (name: string) => screen.getByRole('columnheader', { name: new RegExp(`^${name}`) });

describe('the all-clusters page', () => {
  it('worst first (lost, degraded, unknown, healthy), then by name with numbers in order; a count per health', async () => {
    open();
    await screen.findByTestId('clusters-page');
    expect(rowIds()).toEqual(['ams-2', 'ber-1', 'lon-1', 'osl-1', 'fra-1', 'par-2', 'par-10', 'zrh-1']);
    expect(header('State')).toHaveAttribute('aria-sort', 'ascending');
    expect(header('Cluster')).toHaveAttribute('aria-sort', 'none');
    // the counts: worst first, the zeros left out, each word beside its number
    const counts = screen.getByTestId('clusters-counts');
    expect(within(counts).getByTestId('clusters-count-lost')).toHaveTextContent(/✕.*2 lost/);
    expect(countsText()).toBe('2 lost · 1 degraded · 1 unknown · 4 healthy');
    expect(screen.getByRole('heading', { name: 'All clusters (8)' })).toBeInTheDocument();
    expect(asked).toEqual([]);
  });

  it('each row: the state as a shape and a word, name and id, votes, nodes online, source, last change', async () => {
    open();
    const lost = await screen.findByTestId('clusters-row-ams-2');
    const cells = within(lost).getAllByRole('cell').map((c) => words(c));
    expect(cells[0]).toBe('✕ quorum lost');
    expect(cells[1]).toMatch(/^Amsterdam ams-2/);
    expect(cells.slice(2)).toEqual(['1 of 3 (2 needed)', '1/3', 'ok sim', '3 min ago']);
    // nothing known: said, not blank
    const oslo = within(screen.getByTestId('clusters-row-osl-1')).getAllByRole('cell').map((c) => words(c));
    expect(oslo[0]).toBe('? unknown');
    expect(oslo.slice(2)).toEqual(['not known', '?', 'down sim', 'not known']);
  });

  it('the last change is relative, with the absolute time in its title', async () => {
    open();
    const time = within(await screen.findByTestId('clusters-row-ber-1')).getByText('7 min ago');
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('title', formatDateTime(NOW - 7 * MIN));
    expect(time).toHaveAttribute('dateTime', new Date(NOW - 7 * MIN).toISOString());
    expect(within(screen.getByTestId('clusters-row-par-2')).getByText('1 h 30 min ago')).toBeInTheDocument();
  });

  it('filters by name or id as you type, in the URL; the counts stay those of all clusters', async () => {
    const { router, user } = open();
    const filter = await screen.findByRole('searchbox', { name: 'Filter by name or id' });
    await user.type(filter, 'par');
    expect(rowIds()).toEqual(['par-2', 'par-10']);
    expect(screen.getByTestId('clusters-shown')).toHaveTextContent('2 of 8 match');
    expect(router.state.location.search).toMatchObject({ q: 'par' });
    await user.clear(filter);
    await user.type(filter, 'AMSTER');
    expect(rowIds()).toEqual(['ams-2']);
    expect(screen.getByTestId('clusters-count-healthy')).toHaveTextContent('4 healthy');
    await user.type(filter, 'x');
    expect(screen.queryAllByTestId(/^clusters-row-/)).toHaveLength(0);
    expect(screen.getByText('No cluster matches “AMSTERx”.')).toBeInTheDocument();
  });

  it('a filter in the URL is applied on load', async () => {
    open('/clusters?q=site');
    await screen.findByTestId('clusters-page');
    expect(screen.getByRole('searchbox')).toHaveValue('site');
    expect(rowIds()).toEqual(['par-2', 'par-10']);
  });

  it('sorts by name (A to Z, then Z to A) and by the last change (newest first); aria-sort follows', async () => {
    const { router, user } = open();
    await screen.findByTestId('clusters-page');
    await user.click(within(header('Cluster')).getByRole('button'));
    expect(rowIds()).toEqual(['ams-2', 'ber-1', 'fra-1', 'lon-1', 'osl-1', 'par-2', 'par-10', 'zrh-1']);
    expect(header('Cluster')).toHaveAttribute('aria-sort', 'ascending');
    expect(header('State')).toHaveAttribute('aria-sort', 'none');
    await user.click(within(header('Cluster')).getByRole('button'));
    expect(rowIds()[0]).toBe('zrh-1');
    expect(header('Cluster')).toHaveAttribute('aria-sort', 'descending');
    expect(clustersSearch.parse(router.state.location.search)).toMatchObject({ sort: 'name', dir: 'desc' });

    await user.click(within(header('Last change')).getByRole('button'));
    // newest first; the one whose change is not known last
    expect(rowIds()).toEqual(['par-10', 'ams-2', 'zrh-1', 'ber-1', 'lon-1', 'fra-1', 'par-2', 'osl-1']);
    expect(header('Last change')).toHaveAttribute('aria-sort', 'descending');
    await user.click(within(header('Last change')).getByRole('button'));
    expect(rowIds()).toEqual(['par-2', 'fra-1', 'lon-1', 'ber-1', 'zrh-1', 'ams-2', 'par-10', 'osl-1']);

    // back to worst first: the default, so the URL carries no order
    await user.click(within(header('State')).getByRole('button'));
    expect(rowIds()[0]).toBe('ams-2');
    expect(router.state.location.search).toEqual({});
  });

  it("a press on a row, or on its name, opens that cluster's dashboard", async () => {
    const { router, user } = open();
    const row = await screen.findByTestId('clusters-row-lon-1');
    expect(within(row).getByRole('link', { name: 'London' })).toHaveAttribute('href', '/?cluster=lon-1');
    await user.click(within(row).getAllByRole('cell')[4]!);
    expect(await screen.findByTestId('dashboard')).toHaveTextContent('dashboard of lon-1');
    expect(router.state.location.pathname).toBe('/');
  });

  it('live: a new list re-orders the rows and the counts', async () => {
    open();
    await screen.findByTestId('clusters-page');
    setList(CLUSTERS.map((c) => (c.id === 'zrh-1' ? cluster('zrh-1', 'Zurich', 'lost', 0) : c)));
    expect(rowIds().slice(0, 3)).toEqual(['ams-2', 'ber-1', 'zrh-1']);
    expect(screen.getByTestId('clusters-count-lost')).toHaveTextContent('3 lost');
    expect(screen.getByTestId('clusters-row-zrh-1').querySelector('time')).toHaveTextContent('0.0 s ago');
    expect(asked).toEqual([]);
  });

  it('100 clusters: every one listed, "2 lost · 5 degraded · 93 healthy"', async () => {
    const many = Array.from({ length: 100 }, (_, i) => cluster(`c${i}`, `Cluster ${i}`, i < 2 ? 'lost' : i < 7 ? 'degraded' : 'healthy', i * MIN));
    open('/clusters', many);
    await screen.findByTestId('clusters-page');
    expect(rowIds()).toHaveLength(100);
    expect(rowIds().slice(0, 8)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect(countsText()).toBe('2 lost · 5 degraded · 93 healthy');
  });
});
