// @vitest-environment happy-dom
// The clusters panel against a fake BFF: the list (config read-only, runtime removable after a confirm),
// "Test" shows each step with ✓/✕ and its words, a certificate not pinned yet is shown and "Trust this
// certificate" fills the fingerprint, "Add" posts the entry and clears the secret, refusals show in ErrorBox.
// Edit (runtime pve clusters), a changed certificate and the SSH section: ClustersEdit.test.tsx.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectResult } from '../../api/clusters';
import { SelectionContext, type Selection } from '../../lib/selection';
import '../../test/component';
import { ClustersPanel } from './ClustersPanel';

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };
const FP = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';

function server(reply: (c: Call) => { status: number; json: unknown }) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { url, method: init.method ?? 'GET', body: init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined };
      // the panel polls the list while open: answered, not counted
      if (call.method === 'GET' && url === '/api/v1/clusters') return new Response(JSON.stringify({ clusters: LIST }), { status: 200, headers: { 'content-type': 'application/json' } });
      calls.push(call);
      const r = reply(call);
      return new Response(JSON.stringify(r.json), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}
afterEach(() => vi.unstubAllGlobals());

const LIST: Selection['clusters'] = [
  { id: 'lab', name: 'lab-cluster', source: 'sim', default: true, origin: 'config', capabilities: [], state: { health: 'healthy', source: 'ok' } },
  { id: 'edge', name: 'Edge', source: 'pve', default: false, origin: 'runtime', capabilities: [], state: { health: 'unknown', source: 'down' } },
];

function panel(clusters: Selection['clusters'] = LIST) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const selection: Selection = {
    clusterId: 'lab',
    clusters,
    clustersError: null,
    entry: undefined,
    sample: null,
  };
  render(
    <QueryClientProvider client={qc}>
      <SelectionContext.Provider value={selection}>
        <ClustersPanel />
      </SelectionContext.Provider>
    </QueryClientProvider>,
  );
}

const box = (name: string) => screen.getByRole('textbox', { name });
async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(box('Id'), 'prod');
  await user.type(box('API URLs'), 'https://10.0.0.11:8006');
  await user.type(box('Token id'), 'quorate@pve!dashboard');
  await user.type(screen.getByLabelText('Token secret'), SECRET);
}

const FIRST_CONTACT: ConnectResult = {
  ok: false,
  steps: [
    { name: 'reach', ok: true, message: 'https://10.0.0.11:8006: reachable, speaks TLS' },
    { name: 'tls', ok: false, message: 'https://10.0.0.11:8006: certificate not trusted yet' },
  ],
  certificate: { url: 'https://10.0.0.11:8006', fingerprint: FP, subject: 'CN=pve1.lab', issuer: 'CN=Proxmox Virtual Environment', validTo: 'Nov 25 21:41:07 2027 GMT' },
};
const FORBIDDEN: ConnectResult = {
  ok: false,
  steps: [
    { name: 'reach', ok: true, message: 'reachable' },
    { name: 'tls', ok: true, message: 'certificate matches the fingerprint' },
    { name: 'auth', ok: true, message: 'the token is accepted' },
    { name: 'cluster-status', ok: true, message: 'cluster prod: 3 nodes, quorate' },
    { name: 'resources', ok: false, message: '403 Permission check failed (GET /cluster/resources): the token needs Datastore.Audit on /storage' },
  ],
  summary: { clusterName: 'prod', nodes: 3, quorate: true },
};

describe('ClustersPanel', () => {
  it('lists the clusters: configuration ones read-only, runtime ones removed after a confirm', async () => {
    const calls = server(() => ({ status: 200, json: { ok: true, removed: true } }));
    panel();
    const user = userEvent.setup();
    expect(within(screen.getByTestId('cluster-row-lab')).getByText(/read-only: defined in QUORATE_CLUSTERS/)).toBeInTheDocument();
    expect(within(screen.getByTestId('cluster-row-lab')).queryByRole('button')).toBeNull();
    // the state: a shape and a word, not colour alone
    expect(screen.getByTestId('cluster-row-lab')).toHaveTextContent('healthy');
    expect(screen.getByTestId('cluster-row-edge')).toHaveTextContent(/unknown.*source down/);
    expect(within(screen.getByTestId('cluster-row-edge')).getByRole('button', { name: 'Edit' })).toBeInTheDocument();
    await user.click(screen.getByTestId('cluster-remove-edge'));
    expect(calls).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Yes, remove' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'DELETE')?.url).toBe('/api/v1/clusters/edge'));
  });

  it('Test shows each step with ✓/✕; "Trust this certificate" fills the fingerprint, which the next test sends', async () => {
    const calls = server((c) => ({ status: 200, json: c.body?.api && (c.body.api as { fingerprint?: string }).fingerprint ? FORBIDDEN : FIRST_CONTACT }));
    panel();
    const user = userEvent.setup();
    await fill(user);
    await user.click(screen.getByRole('button', { name: 'Test' }));
    const tls = await screen.findByTestId('cluster-test-step-tls');
    expect(tls).toHaveTextContent('✕');
    expect(tls).toHaveTextContent('certificate not trusted yet');
    expect(screen.getByTestId('cluster-test-step-reach')).toHaveTextContent('✓');
    expect(calls[0]).toMatchObject({ url: '/api/v1/clusters/test', method: 'POST', body: { id: 'prod', source: 'pve', api: { urls: ['https://10.0.0.11:8006'], tokenId: 'quorate@pve!dashboard', tokenSecret: SECRET } } });

    const cert = screen.getByTestId('cluster-connect-certificate');
    expect(cert).toHaveTextContent(FP);
    expect(cert).toHaveTextContent('CN=pve1.lab');
    expect(cert).toHaveTextContent('Nov 25 21:41:07 2027 GMT');
    await user.click(screen.getByRole('button', { name: 'Trust this certificate' }));
    expect(box('Certificate fingerprint (SHA-256)')).toHaveValue(FP);
    expect(screen.queryByTestId('cluster-connect-certificate')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Test' }));
    await waitFor(() => expect(screen.getByTestId('cluster-test-step-resources')).toHaveTextContent(/✕.*Datastore\.Audit/));
    expect(screen.getByTestId('cluster-test-result')).toHaveTextContent('prod, 3 nodes, quorate');
    expect(calls[1]!.body).toMatchObject({ api: { fingerprint: FP } });
  });

  it('Add posts the entry, says so, and clears the secret field', async () => {
    const calls = server(() => ({ status: 201, json: { id: 'prod' } }));
    panel();
    const user = userEvent.setup();
    await fill(user);
    await user.type(box('Certificate fingerprint (SHA-256)'), FP);
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Cluster prod added.')).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ url: '/api/v1/clusters', method: 'POST', body: { id: 'prod', source: 'pve', api: { tokenSecret: SECRET, fingerprint: FP } } });
    expect(screen.getByLabelText('Token secret')).toHaveValue('');
    expect(box('Id')).toHaveValue('');
  });

  it("a refusal shows the server's words; a bad token id is said at its field and nothing is sent", async () => {
    const calls = server(() => ({ status: 400, json: { error: "cluster id 'prod' is in use", issues: [{ path: 'id', message: 'in use' }] } }));
    panel();
    const user = userEvent.setup();
    await user.type(box('Token id'), 'root@pam');
    await user.click(screen.getByRole('button', { name: 'Test' }));
    expect(await screen.findByText('USER@REALM!TOKENID, e.g. quorate@pve!dashboard.')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    await user.clear(box('Token id'));
    await fill(user);
    await user.click(screen.getByRole('button', { name: 'Add' }));
    const alert = await screen.findByTestId('cluster-connect-error');
    expect(alert).toHaveTextContent("cluster id 'prod' is in use");
    expect(alert).toHaveTextContent('in use');
    expect(screen.getByLabelText('Token secret')).toHaveValue(SECRET);
  });
});
