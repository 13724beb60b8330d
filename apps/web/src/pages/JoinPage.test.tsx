// @vitest-environment happy-dom
// The join and remove pages in a router over a fake BFF (fetch): the password goes to the server in the
// request body only — never into the URL or storage — and a reload past the node step says it is gone;
// removing a node follows Proxmox's order (an online node: the server's refusal, power off first; an
// offline one: quorum before and after, what to clean, the cluster name typed before the run).
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider } from '@tanstack/react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterList, ClusterSnapshot, Task } from '@quorate/model';
import { queryKeys } from '../api/keys';
import { SelectionContext } from '../lib/selection';
import { joinSearch, removeSearch } from '../routes/join-search';
import { rootSearch } from '../routes/search';
import { parseSearch, stringifySearch } from '../routes/serialize';
import { entryOf, healthy, without } from '../test/component';
import JoinPage from './JoinPage';
import RemoveNodePage from './RemoveNodePage';

const SECRET = 'hunter2-very-secret';
type Call = { url: string; method: string; body: Record<string, unknown> | null };
type Reply = { status: number; json: unknown };

function server(answer: (c: Call) => Reply) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const c = { url, method: init.method ?? 'GET', body: init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : null };
      calls.push(c);
      const r = answer(c);
      return new Response(JSON.stringify(r.json), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
});

const CLUSTERS: ClusterList['clusters'] = [{ id: 'lab', name: 'lab', source: 'sim', default: true, origin: 'config', capabilities: ['faults', 'expectedVotes', 'join', 'create', 'delnode'] }];
const figures = (expectedVotes: number, quorum: number, totalVotes: number, nodesCanLose: number) => ({ expectedVotes, quorum, totalVotes, quorate: true, nodesCanLose });

function open(url: string, s: ClusterSnapshot) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  qc.setQueryData(queryKeys.snapshot('lab'), entryOf(s));
  const root = createRootRoute({
    validateSearch: rootSearch,
    component: () => (
      <SelectionContext.Provider value={{ clusterId: 'lab', clusters: CLUSTERS, clustersError: null, entry: qc.getQueryData(queryKeys.snapshot('lab')), sample: null }}>
        <Outlet />
      </SelectionContext.Provider>
    ),
  });
  const join = createRoute({ getParentRoute: () => root, path: 'join', validateSearch: joinSearch, component: JoinPage });
  const remove = createRoute({ getParentRoute: () => root, path: 'remove', validateSearch: removeSearch, component: RemoveNodePage });
  const router = createRouter({ routeTree: root.addChildren([join, remove]), history: createMemoryHistory({ initialEntries: [url] }), parseSearch, stringifySearch });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, user: userEvent.setup() };
}

const joinPlanReply: Reply = {
  status: 200,
  json: {
    ok: true,
    dryRun: true,
    plan: {
      checks: [{ id: 'name-unique', status: 'pass', title: 'The name is free', measured: 'no member is called pve4', why: 'w', fix: null }],
      canJoin: true,
      nodeid: 4,
      before: figures(3, 2, 3, 1),
      after: figures(4, 3, 4, 1),
      refusal: null,
    },
  },
};

describe('the join wizard: the password', () => {
  it('goes to the server in the body only: never into the URL or storage; after a reload the page says it is gone', async () => {
    const calls = server((c) =>
      c.url.startsWith('/api/v1/join-candidates') ? { status: 200, json: { candidates: [{ name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }] }] } } : joinPlanReply,
    );
    const { router, user } = open('/join?cluster=lab', healthy({ nodes: 3 }));
    expect(await screen.findByRole('heading', { name: 'Which node joins' })).toHaveFocus();
    await user.click(await screen.findByTestId('candidate-pve4'));
    await user.click(screen.getByTestId('step-next'));
    // the node step: the candidate's address prefilled on the link, the heading focused
    expect(await screen.findByRole('heading', { name: 'Node and links' })).toHaveFocus();
    expect(screen.getByRole('textbox', { name: 'Link 0 address' })).toHaveValue('198.18.0.14');
    await user.type(screen.getByLabelText(/^Password of root@pam/), SECRET);
    await user.click(screen.getByTestId('step-next'));
    await screen.findByTestId('check-name-unique');
    const href = router.state.location.href;
    expect(href).toContain('step=preflight');
    expect(href).toContain('node=pve4');
    expect(href).toContain('links=0%3A198.18.0.14');
    expect(href).not.toContain(SECRET);
    expect(window.location.href).not.toContain(SECRET);
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(SECRET);
    const dry = calls.find((c) => c.url === '/api/v1/operations/join?cluster=lab');
    expect(dry?.body).toEqual({ node: { name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }] }, credentials: { password: SECRET }, dryRun: true });
    expect(calls.every((c) => !c.url.includes(SECRET))).toBe(true);
  });

  it('a reload at the pre-flight starts with an empty password and says so', async () => {
    const calls = server(() => joinPlanReply);
    open('/join?cluster=lab&step=preflight&node=pve4&links=0:198.18.0.14', healthy({ nodes: 3 }));
    expect(await screen.findByTestId('password-forgotten')).toHaveTextContent('the password is empty');
    await screen.findByTestId('check-name-unique');
    expect(calls[0]?.body).not.toHaveProperty('credentials');
  });
});

describe('remove a node: the documented order', () => {
  it('an online node: power it off first — the checklist says so and the server’s refusal is shown; no run', async () => {
    const refusal = 'pve3 is online: power it off first (Proxmox’s order: shut the node down, then remove it), so it does not come back with the old configuration';
    const calls = server(() => ({ status: 409, json: { error: refusal } }));
    open('/remove?cluster=lab&node=pve3', healthy({ nodes: 3 }));
    const order = await screen.findByTestId('delnode-order');
    expect(within(order).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'to do first: Power the node off (shut it down; it must not be running)',
      'Remove it from the cluster here (pvecm delnode, run on a member)',
      'Clean what stays behind: its folder /etc/pve/nodes/pve3 and its SSH known-hosts entries',
      'Never start it again with its old configuration: reinstall it, or separate it first',
    ]);
    expect(await screen.findByTestId('remove-refusal')).toHaveTextContent(refusal);
    expect(screen.queryByTestId('remove-run')).not.toBeInTheDocument();
    expect(calls.map((c) => c.body)).toEqual([{ node: 'pve3', dryRun: true }]);
  });

  it('an offline node: quorum before → after, what to clean, and the run only once the cluster name is typed', async () => {
    const s = without(healthy({ nodes: 3 }), [3], { quorate: true });
    const task: Task = {
      id: 'task_9',
      operation: 'delnode',
      clusterId: 'lab',
      status: 'running',
      startedAt: Date.now(),
      endedAt: null,
      actor: { kind: 'user', id: 'u1', name: 'alice' },
      params: {},
      message: null,
      log: [{ at: Date.now(), line: 'removing pve3' }],
    };
    const calls = server((c) =>
      c.url.startsWith('/api/v1/tasks/')
        ? { status: 200, json: task }
        : c.body?.dryRun
          ? {
              status: 200,
              json: {
                ok: true,
                dryRun: true,
                plan: { node: 'pve3', before: figures(3, 2, 2, 0), after: figures(2, 2, 2, 0), afterwards: ['on a member: rm -r /etc/pve/nodes/pve3', 'on every member: ssh-keygen -R pve3'], needsClusterName: true },
              },
            }
          : { status: 202, json: { ok: true, task } },
    );
    const { router, user } = open('/remove?cluster=lab&node=pve3', s);
    expect(within(await screen.findByTestId('delnode-order')).getAllByRole('listitem')[0]).toHaveTextContent(/^done: Power the node off/);
    expect(await screen.findByTestId('remove-quorum-sentence')).toHaveTextContent('expected votes 3 → 2, needed 2 → 2, can lose 0 nodes → 0 nodes');
    expect(screen.getByTestId('remove-afterwards')).toHaveTextContent('rm -r /etc/pve/nodes/pve3');
    const run = screen.getByTestId('remove-run');
    expect(run).toBeDisabled();
    await user.type(screen.getByRole('textbox', { name: /Type the cluster name/ }), 'la');
    expect(run).toBeDisabled();
    await user.type(screen.getByRole('textbox', { name: /Type the cluster name/ }), 'b');
    await user.click(run);
    expect(await screen.findByTestId('remove-task-log')).toHaveTextContent('removing pve3');
    await waitFor(() => expect(router.state.location.href).toContain('task=task_9'));
    expect(calls.find((c) => c.body?.confirm)?.body).toEqual({ node: 'pve3', clusterName: 'lab', confirm: true });
    await act(async () => {});
  });
});
