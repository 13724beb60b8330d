// @vitest-environment happy-dom
// The join and remove pages in a router over a fake BFF (fetch): a sim cluster asks no password and sends
// none; a pve cluster asks the joining node's API (address, fingerprint read and trusted, root password, TOTP)
// and the member's root password, which go to the server in the request body only — never into the URL or
// storage — and a reload past the node step says they are gone; every field's problem is named;
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
import { createSearch, joinSearch, removeSearch } from '../routes/join-search';
import { rootSearch } from '../routes/search';
import { parseSearch, stringifySearch } from '../routes/serialize';
import { entryOf, healthy, without } from '../test/component';
import JoinPage from './JoinPage';
import CreateClusterPage from './CreateClusterPage';
import RemoveNodePage from './RemoveNodePage';

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

const clustersOf = (source: 'sim' | 'pve'): ClusterList['clusters'] => [{ id: 'lab', name: 'lab', source, default: true, origin: 'config', capabilities: ['faults', 'expectedVotes', 'join', 'create', 'delnode'] }];
const figures = (expectedVotes: number, quorum: number, totalVotes: number, nodesCanLose: number) => ({ expectedVotes, quorum, totalVotes, quorate: true, nodesCanLose });

function open(url: string, s: ClusterSnapshot, source: 'sim' | 'pve' = 'sim') {
  const CLUSTERS = clustersOf(source);
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
  const create = createRoute({ getParentRoute: () => root, path: 'create', validateSearch: createSearch, component: CreateClusterPage });
  const router = createRouter({ routeTree: root.addChildren([join, remove, create]), history: createMemoryHistory({ initialEntries: [url] }), parseSearch, stringifySearch });
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

const MEMBER_PW = 'member-root-hunter2';
const JOINER_PW = 'joiner-root-hunter3';
const TOTP = '246810';
const JOINER_URL = 'https://198.51.100.14:8006';
const JOINER_FP = Array.from({ length: 32 }, (_, i) => (i * 5 + 17).toString(16).toUpperCase().padStart(2, '0')).join(':');
const secretsIn = (text: string) => [MEMBER_PW, JOINER_PW, TOTP].filter((x) => text.includes(x));

/** the dry run without the joiner's fingerprint: every check of that node says which certificate it presents */
const presentsReply: Reply = {
  status: 200,
  json: {
    ...(joinPlanReply.json as object),
    plan: {
      ...(joinPlanReply.json as { plan: object }).plan,
      checks: [
        {
          id: 'not-clustered',
          status: 'warn',
          title: 'Not in a cluster',
          measured: `not checked: pve4's certificate fingerprint was not given, so nothing is sent to ${JOINER_URL} (it presents ${JOINER_FP}); compare it with pve4's GUI (System → Certificates) and give it`,
          why: 'w',
          fix: 'f',
        },
      ],
    },
  },
};

describe('the join wizard on a sim cluster', () => {
  it('asks no password and sends neither credentials nor a joiner', async () => {
    const calls = server((c) =>
      c.url.startsWith('/api/v1/join-candidates') ? { status: 200, json: { candidates: [{ name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }] }] } } : joinPlanReply,
    );
    const { user } = open('/join?cluster=lab', healthy({ nodes: 3 }));
    expect(await screen.findByRole('heading', { name: 'Which node joins' })).toHaveFocus();
    await user.click(await screen.findByTestId('candidate-pve4'));
    await user.click(screen.getByTestId('step-next'));
    expect(await screen.findByRole('heading', { name: 'Node and links' })).toHaveFocus();
    expect(screen.getByRole('textbox', { name: 'Link 0 address' })).toHaveValue('198.18.0.14');
    expect(screen.queryByTestId('joiner-fields')).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/Password/)).not.toBeInTheDocument();
    await user.click(screen.getByTestId('step-next'));
    await screen.findByTestId('check-name-unique');
    const dry = calls.find((c) => c.url === '/api/v1/operations/join?cluster=lab');
    expect(dry?.body).toEqual({ node: { name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }] }, dryRun: true });
  });
});

describe('the join wizard on a pve cluster: the joining node’s API and the passwords', () => {
  it('reads the certificate, trusts it, and sends joiner and credentials in the body only — never into the URL or storage', async () => {
    const calls = server((c) => (c.url.startsWith('/api/v1/join-candidates') ? { status: 200, json: { candidates: [] } } : c.body?.joiner && !(c.body.joiner as { fingerprint?: string }).fingerprint ? presentsReply : joinPlanReply));
    const { router, user } = open('/join?cluster=lab&step=node&node=pve4', healthy({ nodes: 3 }), 'pve');
    expect(await screen.findByRole('heading', { name: 'Node and links' })).toHaveFocus();
    const read = screen.getByTestId('joiner-read-certificate');
    expect(read).toBeDisabled();
    await user.type(screen.getByLabelText('pve4’s API address'), JOINER_URL);
    await user.type(screen.getByLabelText('Password of root@pam on pve4'), JOINER_PW);
    await user.click(read);
    // the dry run without a fingerprint: the address and password, nothing else of the joiner
    const probe = await waitFor(() => {
      const c = calls.find((x) => x.body?.joiner);
      expect(c).toBeDefined();
      return c!;
    });
    expect(probe.body).toEqual({ node: { name: 'pve4' }, joiner: { url: JOINER_URL, password: JOINER_PW }, dryRun: true });
    expect(await screen.findByTestId('joiner-certificate-fingerprint')).toHaveAttribute('data-fingerprint', JOINER_FP);
    expect(screen.getByTestId('joiner-certificate-presented')).toHaveTextContent('System → Certificates');
    await user.click(screen.getByTestId('joiner-certificate-trust'));
    expect(screen.getByLabelText('pve4’s certificate fingerprint (SHA-256)')).toHaveValue(JOINER_FP);
    expect(screen.getByTestId('joiner-certificate-trusted')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^TOTP code of root@pam on pve4/), TOTP);
    await user.type(screen.getByLabelText('Password of root@pam on the cluster’s members'), MEMBER_PW);
    await user.click(screen.getByTestId('step-next'));
    await screen.findByTestId('check-name-unique');

    const href = router.state.location.href;
    expect(href).toContain('step=preflight');
    expect(href).toContain(`url=${encodeURIComponent(JOINER_URL)}`);
    expect(decodeURIComponent(href)).toContain(`jfp=${JOINER_FP}`);
    expect(secretsIn(decodeURIComponent(href))).toEqual([]);
    expect(secretsIn(window.location.href)).toEqual([]);
    expect(secretsIn(JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).toEqual([]);
    expect(calls.every((c) => secretsIn(decodeURIComponent(c.url)).length === 0)).toBe(true);
    const dry = calls.filter((c) => c.url === '/api/v1/operations/join?cluster=lab').at(-1);
    expect(dry?.body).toEqual({
      node: { name: 'pve4' },
      credentials: { password: MEMBER_PW },
      joiner: { url: JOINER_URL, fingerprint: JOINER_FP, password: JOINER_PW, otp: TOTP },
      dryRun: true,
    });
  });

  it('names each field’s problem (the model’s JoinerAccess and Credentials) and does not go on', async () => {
    const calls = server(() => joinPlanReply);
    const { router, user } = open('/join?cluster=lab&step=node&node=pve4', healthy({ nodes: 3 }), 'pve');
    await screen.findByTestId('joiner-fields');
    await user.type(screen.getByLabelText('pve4’s API address'), 'http://198.51.100.14:8006');
    await user.type(screen.getByLabelText('pve4’s certificate fingerprint (SHA-256)'), 'AB:CD');
    await user.type(screen.getByLabelText(/^TOTP code of root@pam on pve4/), '12');
    await user.click(screen.getByTestId('step-next'));
    expect(screen.getByLabelText('pve4’s API address')).toHaveAccessibleDescription(/https:\/\/host:8006/);
    expect(screen.getByLabelText('pve4’s API address')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Password of root@pam on pve4')).toHaveAccessibleDescription(/the password is empty/);
    expect(screen.getByLabelText('pve4’s certificate fingerprint (SHA-256)')).toHaveAccessibleDescription(/32 bytes as colon hex/);
    expect(screen.getByLabelText(/^TOTP code of root@pam on pve4/)).toHaveAccessibleDescription(/6 to 8 digits/);
    expect(screen.getByLabelText('Password of root@pam on the cluster’s members')).toHaveAccessibleDescription(/the password is empty/);
    expect(router.state.location.href).toContain('step=node');
    expect(calls).toEqual([]);
  });

  it('a reload at the pre-flight: the passwords are gone and said so; the joiner’s address stays, no secret is sent', async () => {
    const calls = server(() => joinPlanReply);
    open(`/join?cluster=lab&step=preflight&node=pve4&url=${encodeURIComponent(JOINER_URL)}&jfp=${JOINER_FP}`, healthy({ nodes: 3 }), 'pve');
    expect(await screen.findByTestId('password-forgotten')).toHaveTextContent('the passwords and the TOTP code are empty');
    await screen.findByTestId('check-name-unique');
    expect(calls[0]?.body).toEqual({ node: { name: 'pve4' }, dryRun: true });
  });

  it('TOTP where it blocks: the dry run says root@pam has TOTP — explained, with a field for a fresh code', async () => {
    const totp = `not checked: pve4's API: root@pam has TOTP: pve4 (${JOINER_URL}) asks for a second factor after the password; give the current one-time code (it is valid for about 30 s)`;
    const reply: Reply = { status: 200, json: { ...(joinPlanReply.json as object), plan: { ...(joinPlanReply.json as { plan: object }).plan, checks: [{ id: 'not-clustered', status: 'warn', title: 'Not in a cluster', measured: totp, why: 'w', fix: 'f' }] } } };
    server(() => reply);
    open('/join?cluster=lab&step=preflight&node=pve4', healthy({ nodes: 3 }), 'pve');
    expect(await screen.findByTestId('joiner-access-problem')).toHaveTextContent('Quorate could not use pve4’s API');
    expect(screen.getByTestId('totp-help')).toHaveTextContent('root@pam on pve4 has a second factor (TOTP)');
    expect(screen.getByLabelText('A fresh TOTP code for root@pam on pve4')).toBeInTheDocument();
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
    const task: Task = { ...runningTask('delnode'), id: 'task_9', log: [{ at: Date.now(), line: 'removing pve3' }] };
    const calls = server((c) =>
      c.url.startsWith('/api/v1/tasks/')
        ? { status: 200, json: task }
        : c.body?.dryRun
          ? { status: 200, json: { ok: true, dryRun: true, plan: { ...delnodePlan, afterwards: [...delnodePlan.afterwards, 'on every member: ssh-keygen -R pve3'] } } }
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

const delnodePlan = { node: 'pve3', before: figures(3, 2, 2, 0), after: figures(2, 2, 2, 0), afterwards: ['on a member: rm -r /etc/pve/nodes/pve3'], needsClusterName: true };
const delnodePlanReply: Reply = { status: 200, json: { ok: true, dryRun: true, plan: delnodePlan } };
const runningTask = (operation: Task['operation']): Task => ({
  id: 'task_7',
  operation,
  clusterId: 'lab',
  status: 'running',
  startedAt: Date.now(),
  endedAt: null,
  actor: { kind: 'user', id: 'u1', name: 'alice' },
  params: {},
  message: null,
  log: [{ at: Date.now(), line: 'started' }],
});

describe('remove a node of a pve cluster: root@pam’s credentials', () => {
  it('asks the password (and TOTP), names what is wrong, and sends them as credentials in the run only', async () => {
    const s = without(healthy({ nodes: 3 }), [3], { quorate: true });
    const calls = server((c) => (c.url.startsWith('/api/v1/tasks/') ? { status: 200, json: runningTask('delnode') } : c.body?.dryRun ? delnodePlanReply : { status: 202, json: { ok: true, task: runningTask('delnode') } }));
    const { router, user } = open('/remove?cluster=lab&node=pve3', s, 'pve');
    await screen.findByTestId('remove-plan');
    await user.type(screen.getByRole('textbox', { name: /Type the cluster name/ }), 'lab');
    await user.type(screen.getByLabelText(/^TOTP code of root@pam/), '12345');
    await user.click(screen.getByTestId('remove-run'));
    expect(screen.getByLabelText('Password of root@pam')).toHaveAccessibleDescription(/the password is empty/);
    expect(screen.getByLabelText(/^TOTP code of root@pam/)).toHaveAccessibleDescription(/6 to 8 digits/);
    expect(calls.some((c) => c.body?.confirm)).toBe(false);
    await user.type(screen.getByLabelText('Password of root@pam'), MEMBER_PW);
    await user.type(screen.getByLabelText(/^TOTP code of root@pam/), '6');
    await user.click(screen.getByTestId('remove-run'));
    await waitFor(() => expect(router.state.location.href).toContain('task=task_7'));
    expect(calls.find((c) => c.body?.confirm)?.body).toEqual({ node: 'pve3', clusterName: 'lab', credentials: { password: MEMBER_PW, otp: '123456' }, confirm: true });
    expect(calls.filter((c) => c.body?.dryRun).every((c) => c.body?.credentials === undefined)).toBe(true);
    expect(secretsIn(decodeURIComponent(router.state.location.href))).toEqual([]);
    await act(async () => {});
  });

  it('a sim cluster asks no password and sends no credentials', async () => {
    server(() => delnodePlanReply);
    open('/remove?cluster=lab&node=pve3', without(healthy({ nodes: 3 }), [3], { quorate: true }));
    await screen.findByTestId('remove-plan');
    expect(screen.queryByTestId('remove-root')).not.toBeInTheDocument();
  });
});

describe('create a pve cluster: each node by its API', () => {
  it('asks each node’s address, fingerprint and root password; the address and fingerprint go into the URL, the passwords only into the body', async () => {
    const calls = server((c) =>
      c.url.startsWith('/api/v1/join-candidates')
        ? { status: 200, json: { candidates: [] } }
        : { status: 200, json: { ok: true, dryRun: true, plan: { clusterName: 'edge', nodes: ['pve1', 'pve2'], after: figures(2, 2, 2, 0) } } },
    );
    const { router, user } = open('/create?cluster=lab', healthy({ nodes: 1 }), 'pve');
    await user.type(await screen.findByTestId('create-name'), 'edge');
    await user.clear(screen.getByTestId('create-api-name-0'));
    await user.type(screen.getByTestId('create-api-name-0'), 'pve1');
    await user.type(screen.getByTestId('create-api-url-0'), 'https://198.51.100.11:8006');
    await user.click(screen.getByTestId('create-api-add'));
    await user.type(screen.getByTestId('create-api-name-1'), 'pve2');
    await user.type(screen.getByTestId('create-api-url-1'), 'ftp://198.51.100.12');
    await user.click(screen.getByTestId('step-next'));
    // every row's problems, named; nothing sent
    expect(screen.getByTestId('create-api-fp-0')).toHaveAccessibleDescription(/fingerprint/);
    expect(screen.getByTestId('create-api-password-0')).toHaveAccessibleDescription(/the password is empty/);
    expect(screen.getByTestId('create-api-url-1')).toHaveAccessibleDescription(/https:\/\/host:8006/);
    expect(calls.filter((c) => c.url.includes('/operations/'))).toEqual([]);
    await user.type(screen.getByTestId('create-api-fp-0'), JOINER_FP);
    await user.type(screen.getByTestId('create-api-password-0'), MEMBER_PW);
    await user.clear(screen.getByTestId('create-api-url-1'));
    await user.type(screen.getByTestId('create-api-url-1'), 'https://198.51.100.12:8006');
    await user.type(screen.getByTestId('create-api-fp-1'), JOINER_FP.toLowerCase());
    await user.type(screen.getByTestId('create-api-password-1'), JOINER_PW);
    await user.click(screen.getByTestId('step-next'));
    await screen.findByTestId('create-quorum');
    const href = decodeURIComponent(router.state.location.href);
    expect(href).toContain('nodes=pve1,pve2');
    expect(href).toContain('urls=https://198.51.100.11:8006,https://198.51.100.12:8006');
    expect(secretsIn(href)).toEqual([]);
    const dry = calls.find((c) => c.url.startsWith('/api/v1/operations/create'));
    expect(dry?.body).toEqual({
      clusterName: 'edge',
      nodes: [
        { name: 'pve1', joiner: { url: 'https://198.51.100.11:8006', fingerprint: JOINER_FP, password: MEMBER_PW } },
        { name: 'pve2', joiner: { url: 'https://198.51.100.12:8006', fingerprint: JOINER_FP, password: JOINER_PW } },
      ],
      dryRun: true,
    });
  });

  it('after a reload at the plan the passwords are gone: said, and nothing is sent', async () => {
    const calls = server(() => ({ status: 200, json: { candidates: [] } }));
    open(`/create?cluster=lab&step=plan&name=edge&nodes=pve1&urls=${encodeURIComponent('https://198.51.100.11:8006')}&fps=${JOINER_FP}`, healthy({ nodes: 1 }), 'pve');
    expect(await screen.findByTestId('create-password-forgotten')).toHaveTextContent('passwords are gone');
    expect(screen.getByTestId('create-run')).toBeDisabled();
    expect(calls.filter((c) => c.url.includes('/operations/'))).toEqual([]);
  });
});
