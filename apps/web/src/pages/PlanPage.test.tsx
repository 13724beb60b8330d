// @vitest-environment happy-dom
// The plan page in a router over a fake BFF that answers with the model's own whatIf, smallestFailure and
// adviseCluster: the picks come from the URL (validated; names the cluster lacks are left out and said) and
// go to POST /whatif; ticking a node puts it into the URL and predicts again; the smallest failure fills the
// picker; the advisor lists its checks worst first with a count; troubleshooting says "nothing" on a healthy
// cluster and "/etc/pve is read-only" once quorum is lost; a sample page does not ask the server.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider } from '@tanstack/react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adviseCluster, smallestFailure, whatIf, type ClusterList, type ClusterSnapshot, type Role, type Task, type WhatIfFailures } from '@quorate/model';
import { queryKeys } from '../api/keys';
import { planSearch } from '../components/plan/plan-search';
import { SelectionContext } from '../lib/selection';
import { rootSearch } from '../routes/search';
import { parseSearch, stringifySearch } from '../routes/serialize';
import { entryOf, healthy, without } from '../test/component';
import PlanPage from './PlanPage';

type Call = { url: string; method: string; body: { fail: WhatIfFailures } | null };

function server(s: ClusterSnapshot, { tasks = [] as Task[], role = 'viewer' as Role } = {}) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const c: Call = { url, method: init.method ?? 'GET', body: init.body ? (JSON.parse(String(init.body)) as Call['body']) : null };
      calls.push(c);
      const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });
      const path = url.split('?')[0];
      if (path === '/api/v1/whatif') {
        const fail = c.body!.fail;
        return json({ clusterId: 'lab', observedAt: s.observedAt, ...whatIf(s, fail), smallestFailure: smallestFailure(s, fail) });
      }
      if (path === '/api/v1/advisor') return json({ clusterId: 'lab', observedAt: s.observedAt, ...adviseCluster(s) });
      if (path === '/api/v1/tasks') return json({ tasks, total: tasks.length });
      if (path === '/api/v1/auth/state') return json({ setupRequired: false, user: { id: 'u1', username: 'someone', role }, csrfToken: 'csrf' });
      if (path === '/api/v1/incidents') return json({ incidents: [] });
      if (path === '/api/v1/events') return json({ events: [], next: 0 });
      return json({ error: 'not here' }, 404);
    }),
  );
  return calls;
}
afterEach(() => vi.unstubAllGlobals());

const CLUSTERS: ClusterList['clusters'] = [{ id: 'lab', name: 'lab', source: 'sim', default: true, origin: 'config', capabilities: ['faults', 'expectedVotes'] }];

function open(url: string, s: ClusterSnapshot, sample: string | null = null) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(queryKeys.snapshot('lab'), entryOf(s));
  const root = createRootRoute({
    validateSearch: rootSearch,
    component: () => (
      <SelectionContext.Provider value={{ clusterId: 'lab', clusters: CLUSTERS, clustersError: null, entry: qc.getQueryData(queryKeys.snapshot('lab')), sample }}>
        <Outlet />
      </SelectionContext.Provider>
    ),
  });
  const plan = createRoute({ getParentRoute: () => root, path: 'plan', validateSearch: planSearch, component: PlanPage });
  const overview = createRoute({ getParentRoute: () => root, path: '/', component: () => <p>overview</p> });
  const join = createRoute({ getParentRoute: () => root, path: 'join', component: () => <p>join</p> });
  const router = createRouter({ routeTree: root.addChildren([plan, overview, join]), history: createMemoryHistory({ initialEntries: [url] }), parseSearch, stringifySearch });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, user: userEvent.setup() };
}

const whatifBodies = (calls: Call[]) => calls.filter((c) => c.url.startsWith('/api/v1/whatif')).map((c) => c.body!.fail);
const NONE: WhatIfFailures = { nodes: [], links: [], qdevice: false };

describe('the plan page', () => {
  it('nothing picked: the cluster as it is, and its smallest failure (3 of 5)', async () => {
    const calls = server(healthy({ nodes: 5 }));
    open('/plan', healthy({ nodes: 5 }));
    expect(await screen.findByText('Quorum holds: pve1, pve2, pve3, pve4 and pve5 hold 5 of 5 votes, 3 needed')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('whatif-smallest')).toHaveAttribute('data-size', '3'));
    expect(screen.getByTestId('whatif-smallest-nodes')).toHaveTextContent('pve3, pve4 and pve5');
    expect(whatifBodies(calls)).toEqual([NONE]);
    expect(calls.find((c) => c.url.startsWith('/api/v1/whatif'))?.url).toBe('/api/v1/whatif?cluster=lab');
  });

  it("the URL's picks are predicted; ticking a node adds it to the URL and predicts again", async () => {
    const s = healthy({ nodes: 5 });
    const calls = server(s);
    const { router, user } = open('/plan?fail=pve4,pve5', s);
    const result = await screen.findByTestId('whatif-result');
    await waitFor(() => expect(result).toHaveTextContent('Quorum holds: pve1, pve2 and pve3 hold 3 of 5 votes, 3 needed'));
    expect(screen.getByTestId('whatif-node-pve4')).toBeChecked();
    expect(screen.getByTestId('whatif-further')).toHaveTextContent('On top of this: losing pve3 alone loses quorum.');
    await user.click(screen.getByTestId('whatif-node-pve3'));
    await waitFor(() => expect(screen.getByTestId('whatif-result')).toHaveTextContent('Quorum is lost: pve1 and pve2 hold 2 of 5 votes, 3 needed'));
    expect(router.state.location.search).toMatchObject({ fail: 'pve4,pve5,pve3' });
    // in the cluster's order, whatever the click order
    expect(whatifBodies(calls)).toContainEqual({ nodes: ['pve3', 'pve4', 'pve5'], links: [], qdevice: false });
  });

  it('names the URL has that the cluster lacks are left out and said; a bad value is no pick', async () => {
    const s = healthy({ nodes: 3 });
    const calls = server(s);
    open('/plan?fail=pve9,pve2&links=pve1:5&qdevice=1', s);
    expect(await screen.findByTestId('whatif-ignored')).toHaveTextContent('Left out of the address’s plan (not in this cluster): pve9, pve1 link 5 and the QDevice (this cluster has none).');
    await waitFor(() => expect(whatifBodies(calls)).toContainEqual({ nodes: ['pve2'], links: [], qdevice: false }));
  });

  it('a link picked in the disclosure: pve1 cut off on both links', async () => {
    const s = healthy({ nodes: 5 });
    server(s);
    const { user, router } = open('/plan', s);
    await screen.findByTestId('whatif-result');
    await user.click(screen.getByTestId('whatif-link-pve1-0'));
    await user.click(screen.getByTestId('whatif-link-pve1-1'));
    await waitFor(() => expect(screen.getByTestId('whatif-result')).toHaveTextContent('Quorum holds: pve2, pve3, pve4 and pve5 hold 4 of 5 votes, 3 needed; pve1 is cut off without quorum'));
    expect(router.state.location.search).toMatchObject({ links: 'pve1:0,pve1:1' });
    expect(screen.getAllByTestId('whatif-partition')).toHaveLength(2);
  });

  it('"Put it in the picker" applies the smallest failure; Clear empties the picker and the URL', async () => {
    const s = healthy({ nodes: 5 });
    server(s);
    const { user, router } = open('/plan', s);
    const apply = await screen.findByTestId('whatif-apply-smallest');
    await user.click(apply);
    await waitFor(() => expect(screen.getByTestId('whatif-result')).toHaveAttribute('data-quorate', 'false'));
    expect(router.state.location.search).toMatchObject({ fail: 'pve3,pve4,pve5' });
    expect(screen.getByTestId('whatif-apply-smallest')).toHaveTextContent('In the picker');
    await user.click(screen.getByTestId('whatif-clear'));
    await waitFor(() => expect(screen.getByTestId('whatif-result')).toHaveAttribute('data-quorate', 'true'));
    expect(router.state.location.search.fail).toBeUndefined();
  });

  it('the advisor: the count, then the checks worst first; not checked is grey and never counted as passed', async () => {
    server(healthy({ nodes: 4 }));
    open('/plan', healthy({ nodes: 4 }));
    const summary = await screen.findByTestId('advisor-summary');
    const checks = adviseCluster(healthy({ nodes: 4 })).checks;
    const n = (st: string) => checks.filter((c) => c.status === st).length;
    expect(summary).toHaveTextContent(`0 failed · ${n('warn')} warning${n('warn') === 1 ? '' : 's'} · ${n('not-checked')} not checked · ${n('pass')} passed`);
    const groups = screen.getAllByTestId(/^advisor-group-/).map((g) => g.dataset.testid);
    expect(groups).toEqual(['advisor-group-warn', 'advisor-group-not-checked', 'advisor-group-pass']);
    const even = screen.getByTestId('advisor-check-qdevice-even-nodes');
    expect(even).toHaveAttribute('data-status', 'warn');
    expect(even).toHaveTextContent('4 nodes (even) and no QDevice');
    expect(within(even).getByText(/^Fix:/)).toBeInTheDocument();
    const clock = screen.getByTestId('advisor-check-clock-skew');
    expect(clock).toHaveAttribute('data-status', 'not-checked');
    expect(within(clock).getByTestId('advisor-measured')).toHaveTextContent(/^not checked \(needs /);
    expect(within(screen.getByTestId('advisor-group-not-checked')).queryByText('passed')).toBeNull();
    expect(within(clock).getByText('not checked').closest('span')).toHaveClass('text-slate-600');
  });

  it('troubleshooting: one line when all is well', async () => {
    server(healthy());
    open('/plan', healthy());
    expect(await screen.findByTestId('trouble-none')).toHaveTextContent(/^Nothing to troubleshoot now: quorate/);
  });

  it('troubleshooting, quorum lost: the votes missing and the last-resort recovery', async () => {
    const s = without(healthy(), [2, 3], { quorate: false });
    server(s);
    open('/plan', s);
    const t = await screen.findByTestId('trouble-quorum');
    expect(t).toHaveTextContent('/etc/pve is read-only because quorum is lost');
    expect(t).toHaveTextContent('1 of 3 votes present, 2 needed: 1 vote missing (pve2 and pve3 are not in this membership)');
    expect(screen.queryByTestId('trouble-none')).toBeNull();
  });

  it('troubleshooting, a node down while quorate: the margin it took', async () => {
    const s = without(healthy(), [3], {});
    server(s);
    open('/plan', s);
    expect(await screen.findByTestId('trouble-nodes-down')).toHaveTextContent(
      'pve3 is not in the membership: quorum holds with 2 of 3 votes, 2 needed — no vote to spare: one more failure loses quorum.',
    );
  });

  it('troubleshooting, a join failed an hour ago: what it said, and (for an operator) its checks and its log', async () => {
    const s = healthy();
    const task: Task = {
      id: 'task_00000000000000aa',
      operation: 'join',
      clusterId: 'lab',
      status: 'failed',
      startedAt: Date.now() - 3_700_000,
      endedAt: Date.now() - 3_600_000,
      actor: { kind: 'user', id: 'u1', name: 'someone' },
      params: { node: 'pve4' },
      message: 'pve4: the Corosync port (UDP 5405) is blocked',
      log: [],
    };
    server(s, { tasks: [task], role: 'operator' });
    // the plan's own picks stay on the plan page
    open('/plan?fail=pve2', s);
    const t = await screen.findByTestId('trouble-task');
    expect(t).toHaveTextContent('join failed 1 h ago: pve4: the Corosync port (UDP 5405) is blocked');
    const checks = await within(t).findByRole('link', { name: 'the join’s checks for pve4' });
    expect(checks.getAttribute('href')).toBe('/join?step=preflight&node=pve4');
    expect(within(t).getByRole('link', { name: 'its log' }).getAttribute('href')).toBe('/join?step=run&node=pve4&task=task_00000000000000aa');
  });

  it('a sample page asks the server nothing', async () => {
    const calls = server(healthy());
    open('/plan?sample=quorate', healthy(), 'quorate');
    expect(await screen.findByTestId('plan-sample')).toBeInTheDocument();
    expect(calls.filter((c) => !c.url.startsWith('/api/v1/auth/'))).toEqual([]);
  });
});
