// @vitest-environment happy-dom
// Admin → Clusters against a fake BFF: Edit a runtime pve cluster (the stored entry prefilled, the secret
// never; Test sends the id and no secret; Save PATCHes the rotated secret), a changed certificate (both
// fingerprints, trusted only after the cluster's name is typed), and the SSH section (Quorate's key and the
// line to run, rows prefilled from the test, a presented host key compared and accepted, sent with Add).
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterDetail } from '@quorate/model';
import type { ConnectResult } from '../../api/clusters';
import { SelectionContext, type Selection } from '../../lib/selection';
import '../../test/component';
import { ClustersPanel } from './ClustersPanel';

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };
const fp = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * 7 + seed) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
const OLD = fp(1);
const NEW = fp(2);
const SECRET = 'a-new-secret-0000-1111';
const HOST_KEY = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
const PUBLIC = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB quorate@host';

const LIST: Selection['clusters'] = [
  { id: 'lab', name: 'lab-cluster', source: 'sim', default: true, origin: 'config', capabilities: [], state: { health: 'healthy', source: 'ok' } },
  { id: 'edge', name: 'Edge', source: 'pve', default: false, origin: 'runtime', capabilities: [], state: { health: 'healthy', source: 'ok' } },
];
const DETAIL: ClusterDetail = {
  id: 'edge',
  name: 'Edge',
  source: 'pve',
  default: false,
  origin: 'runtime',
  settings: { api: { urls: ['https://10.0.0.11:8006'], tokenId: 'quorate@pve!dashboard', fingerprint: OLD } },
  secrets: ['api.tokenSecret'],
};

function server(reply: (c: Call) => unknown) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { url, method: init.method ?? 'GET', body: init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined };
      if (call.method === 'GET' && url === '/api/v1/clusters') return new Response(JSON.stringify({ clusters: LIST }), { status: 200, headers: { 'content-type': 'application/json' } });
      calls.push(call);
      return new Response(JSON.stringify(reply(call)), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}
afterEach(() => vi.unstubAllGlobals());

function panel(clusters: Selection['clusters'] = LIST) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <SelectionContext.Provider value={{ clusterId: 'lab', clusters, clustersError: null, entry: undefined, sample: null }}>
        <ClustersPanel />
      </SelectionContext.Provider>
    </QueryClientProvider>,
  );
}

const PASSED: ConnectResult = { ok: true, steps: [{ name: 'auth', ok: true, message: 'the token is accepted' }], summary: { clusterName: 'edge', nodes: 2, quorate: true } };

describe('Edit a cluster', () => {
  it('prefills the stored entry but never a secret; Test sends the id and no secret; Save PATCHes the new URLs and the rotated secret', async () => {
    const calls = server((c) => (c.url === '/api/v1/clusters/edge' && c.method === 'GET' ? DETAIL : c.url === '/api/v1/clusters/test' ? PASSED : DETAIL));
    panel();
    const user = userEvent.setup();
    await user.click(within(screen.getByTestId('cluster-row-edge')).getByRole('button', { name: 'Edit' }));
    const form = await screen.findByRole('form', { name: 'Edit Edge' });
    const urls = within(form).getByRole('textbox', { name: 'API URLs' });
    expect(urls).toHaveValue('https://10.0.0.11:8006');
    expect(within(form).getByRole('textbox', { name: 'Token id' })).toHaveValue('quorate@pve!dashboard');
    expect(within(form).getByLabelText('Replace the token secret')).toHaveValue('');
    expect(within(form).getByRole('textbox', { name: 'Certificate fingerprint (SHA-256)' })).toHaveValue(OLD);

    await user.clear(urls);
    await user.type(urls, 'https://10.0.0.11:8006{Enter}https://10.0.0.12:8006');
    await user.click(within(form).getByRole('button', { name: 'Test' }));
    expect(await within(form).findByText('The test passed.', { exact: false })).toBeInTheDocument();
    const tested = calls.find((c) => c.url === '/api/v1/clusters/test')!;
    expect(tested.body).toMatchObject({ id: 'edge', source: 'pve', api: { urls: ['https://10.0.0.11:8006', 'https://10.0.0.12:8006'], fingerprint: OLD } });
    expect(tested.body!.api).not.toHaveProperty('tokenSecret');

    await user.type(within(form).getByLabelText('Replace the token secret'), SECRET);
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')).toBeDefined());
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url).toBe('/api/v1/clusters/edge');
    expect(patch.body).toEqual({ name: 'Edge', api: { urls: ['https://10.0.0.11:8006', 'https://10.0.0.12:8006'], tokenId: 'quorate@pve!dashboard', fingerprint: OLD, tokenSecret: SECRET } });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit Edge' })).toBeNull());
  });

  it('a configuration cluster has no Edit; it says where to change it', () => {
    server(() => ({}));
    panel();
    expect(within(screen.getByTestId('cluster-row-lab')).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.getByTestId('cluster-row-lab')).toHaveTextContent('QUORATE_CLUSTERS');
  });
});

describe('a changed certificate', () => {
  it('shows both fingerprints side by side and trusts the new one only after the name is typed', async () => {
    const changed = { ...DETAIL, health: { state: 'down' as const, message: 'mismatch', lastObservedAt: null, certificate: { url: 'https://10.0.0.11:8006', pinned: OLD, presented: NEW } } };
    const calls = server((c) => (c.method === 'GET' ? changed : DETAIL));
    panel([LIST[0]!, { ...LIST[1]!, state: { health: 'unknown', source: 'down', certificateChanged: true } }]);
    const user = userEvent.setup();
    const card = await screen.findByTestId('cluster-certificate-edge');
    expect(card).toHaveTextContent('The certificate changed');
    expect(card).toHaveTextContent(/System → Certificates/);
    expect(within(card).getByTestId('cluster-certificate-edge-pinned')).toHaveAttribute('data-fingerprint', OLD);
    expect(within(card).getByTestId('cluster-certificate-edge-pinned')).toHaveTextContent(OLD.split(':').slice(8, 16).join(':'));
    expect(within(card).getByTestId('cluster-certificate-edge-presented')).toHaveTextContent(NEW.split(':').slice(0, 8).join(':'));
    const trust = within(card).getByRole('button', { name: 'Trust the new certificate' });
    expect(trust).toBeDisabled();
    await user.type(within(card).getByRole('textbox', { name: 'Type Edge to confirm' }), 'Edg');
    expect(trust).toBeDisabled();
    await user.type(within(card).getByRole('textbox', { name: 'Type Edge to confirm' }), 'e');
    await user.click(trust);
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')).toBeDefined());
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.body).toEqual({ api: { urls: ['https://10.0.0.11:8006'], tokenId: 'quorate@pve!dashboard', fingerprint: NEW } });
  });
});

describe('the SSH section', () => {
  it("shows Quorate's key and the line to run, fills a row per node from the test, and accepts a presented host key", async () => {
    const result: ConnectResult = {
      ...PASSED,
      summary: { clusterName: 'edge', nodes: 2, quorate: true, nodeList: [{ name: 'pve1', ip: '10.0.0.11' }, { name: 'pve2', ip: null }] },
      ssh: [{ name: 'pve1', host: '10.0.0.11', ok: false, message: 'host key not pinned yet', hostKey: HOST_KEY }],
    };
    const calls = server((c) => (c.url === '/api/v1/ssh-key' ? { publicKey: PUBLIC, fingerprint: 'SHA256:abc' } : c.url === '/api/v1/clusters/test' ? result : { id: 'prod' }));
    panel();
    const user = userEvent.setup();
    const form = screen.getByTestId('cluster-connect');
    await user.type(within(form).getByRole('textbox', { name: 'Id' }), 'prod');
    await user.type(within(form).getByRole('textbox', { name: 'API URLs' }), 'https://10.0.0.11:8006');
    await user.type(within(form).getByRole('textbox', { name: 'Token id' }), 'quorate@pve!dashboard');
    await user.type(within(form).getByLabelText('Token secret'), SECRET);
    await user.type(within(form).getByRole('textbox', { name: 'Certificate fingerprint (SHA-256)' }), OLD);

    await user.click(within(form).getByText('Add SSH for Corosync link health and push-speed quorum'));
    expect(await within(form).findByTestId('cluster-ssh-own-key-line')).toHaveTextContent(`echo '${PUBLIC}' >> /root/.ssh/authorized_keys`);

    await user.click(within(form).getByRole('button', { name: 'Test' }));
    expect(await within(form).findByTestId('cluster-connect-ssh-node-1-name')).toHaveValue('pve2');
    expect(within(form).getByTestId('cluster-connect-ssh-node-0-host')).toHaveValue('10.0.0.11');
    // the test ran before the rows existed: no ssh block was sent then
    expect(calls.find((c) => c.url === '/api/v1/clusters/test')!.body!.ssh).toBeUndefined();
    const presented = within(form).getByTestId('cluster-connect-ssh-node-0-presented');
    expect(presented).toHaveTextContent(HOST_KEY);
    expect(presented).toHaveTextContent('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    await user.click(within(presented).getByRole('button', { name: 'Trust this host key' }));
    expect(within(form).getByTestId('cluster-connect-ssh-node-0-host-key')).toHaveValue(HOST_KEY);
    expect(within(form).queryByTestId('cluster-connect-ssh-node-0-presented')).toBeNull();

    await user.type(within(form).getByTestId('cluster-connect-ssh-node-1-host'), '10.0.0.12');
    await user.click(within(form).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(calls.find((c) => c.url === '/api/v1/clusters' && c.method === 'POST')).toBeDefined());
    expect(calls.find((c) => c.url === '/api/v1/clusters' && c.method === 'POST')!.body!.ssh).toEqual({
      nodes: [
        { name: 'pve1', host: '10.0.0.11', hostKey: HOST_KEY },
        { name: 'pve2', host: '10.0.0.12' },
      ],
    });
  });

  it('a key file must be an absolute path; nothing is sent until it is', async () => {
    const calls = server(() => PASSED);
    panel();
    const user = userEvent.setup();
    const form = screen.getByTestId('cluster-connect');
    await user.click(within(form).getByText('Add SSH for Corosync link health and push-speed quorum'));
    await user.click(within(form).getByRole('radio', { name: 'A key file on the Quorate host' }));
    await user.type(within(form).getByRole('textbox', { name: 'Key file' }), 'id_ed25519');
    await user.click(within(form).getByRole('button', { name: 'Test' }));
    expect(await within(form).findByText(/An absolute path on the Quorate host/)).toBeInTheDocument();
    expect(calls.filter((c) => c.url === '/api/v1/clusters/test')).toHaveLength(0);
  });
});
