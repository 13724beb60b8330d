// @vitest-environment happy-dom
// The routes with a fake BFF (fetch): a page's search params are parsed by its schema (a reload of
// /history?severity=critical keeps the filter; a value that does not fit is dropped), a filter change
// writes the URL and keeps ?cluster / ?sample, /events is the history page, and old hash URLs map to paths.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import './test/component';
import { createAppRouter } from './router';
import { pageTitle } from './lib/health-signal';
import { pathForLegacyHash } from './routes/legacy';
import { historySearch } from './routes/history-search';
import { parseSearch, stringifySearch } from './routes/serialize';

/** what the page asked the fake BFF for */
let asked: URL[] = [];

beforeEach(() => {
  asked = [];
  vi.stubGlobal('fetch', async (input: string) => {
    const url = new URL(input, 'http://quorate.test');
    asked.push(url);
    const json = url.pathname === '/api/v1/auth/state' ? { setupRequired: false, user: null, csrfToken: null } : { events: [], total: 0 };
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

function open(url: string) {
  const router = createAppRouter(createMemoryHistory({ initialEntries: [url] }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

describe('routes', () => {
  it('/history?severity=critical: the filter is read from the URL and sent to the BFF; a bad value is dropped', async () => {
    const router = open('/history?sample=partition&severity=critical&type=no-such-type&offset=50');
    const severity = await screen.findByRole('combobox', { name: 'Severity' });
    expect(severity).toHaveValue('critical');
    expect(screen.getByRole('combobox', { name: 'Type' })).toHaveValue('');
    // the page judges the search (the router only casts it, so the first load carries no schema): typed, the bad type gone
    const search = historySearch.parse(router.state.matches.at(-1)?.search);
    expect(search).toMatchObject({ severity: 'critical', offset: 50 });
    expect(search.type).toBeUndefined();
    await waitFor(() => expect(asked.some((u) => u.pathname === '/api/v1/history')).toBe(true));
    const history = asked.find((u) => u.pathname === '/api/v1/history')!;
    expect(Object.fromEntries(history.searchParams)).toEqual({ cluster: 'lab', severity: 'critical', limit: '50', offset: '50' });
  });

  it('a filter change writes the URL, back to the first page, keeping ?sample', async () => {
    const router = open('/history?sample=partition&severity=critical&offset=50');
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Severity' }), 'warning');
    await waitFor(() => expect(router.state.location.search).toEqual({ sample: 'partition', severity: 'warning' }));
    expect(router.state.location.href).toBe('/history?sample=partition&severity=warning');
    expect(screen.getByRole('combobox', { name: 'Severity' })).toHaveValue('warning');
  });

  it('the header links keep ?cluster and ?sample; the current page is marked', async () => {
    open('/history?sample=partition&cluster=lab&severity=info');
    const history = await screen.findByTestId('nav-history');
    expect(history).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-overview')).not.toHaveAttribute('aria-current');
    expect(screen.getByTestId('nav-overview')).toHaveAttribute('href', '/?cluster=lab&sample=partition');
  });

  it('/events is the history page under its old name', async () => {
    const router = open('/events?sample=partition&severity=critical');
    expect(await screen.findByTestId('history-page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/history');
    expect(router.state.location.search).toMatchObject({ sample: 'partition', severity: 'critical' });
  });

  it('every page has its name in the tab title (not "No such page")', () => {
    const paths = (createAppRouter(createMemoryHistory({ initialEntries: ['/'] })).routeTree.children as unknown as { path: string }[]).map((r) => `/${r.path}`.replace(/^\/\//, '/'));
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths.filter((p) => p !== '/')) expect(pageTitle(path), path).not.toBe('No such page');
  });

  it('an unknown path says so, with the way back', async () => {
    open('/no-such-page?sample=partition');
    expect(await screen.findByTestId('not-found')).toHaveTextContent('No such page');
  });
});

describe('search params', () => {
  it('the history schema: known values kept, others dropped, offset a whole number', () => {
    expect(historySearch.parse({ severity: 'critical', type: 'link-down', offset: '100', before: '1700000000000' })).toEqual({
      severity: 'critical',
      type: 'link-down',
      offset: 100,
      before: 1700000000000,
    });
    expect(historySearch.parse({ severity: 'loud', type: 'x', offset: '-1', before: 'yesterday' })).toEqual({});
  });

  it('plain strings in and out: a numeric cluster id stays a string, empty values are left out', () => {
    expect(parseSearch('?cluster=123&severity=critical&cluster=456')).toEqual({ cluster: '123', severity: 'critical' });
    expect(stringifySearch({ cluster: '123', offset: 50, type: undefined, severity: '' })).toBe('?cluster=123&offset=50');
    expect(stringifySearch({})).toBe('');
  });

  it('old hash URLs map to their paths, the query kept', () => {
    expect(pathForLegacyHash('http://q.test/#/history')).toBe('/history');
    expect(pathForLegacyHash('http://q.test/?cluster=lab#/events')).toBe('/history?cluster=lab');
    expect(pathForLegacyHash('http://q.test/?cluster=lab#/audit?result=failed')).toBe('/audit?cluster=lab&result=failed');
    expect(pathForLegacyHash('http://q.test/#/')).toBe('/');
    expect(pathForLegacyHash('http://q.test/#/nonsense')).toBe('/');
    expect(pathForLegacyHash('http://q.test/history#main')).toBeNull();
    expect(pathForLegacyHash('http://q.test/')).toBeNull();
  });
});
