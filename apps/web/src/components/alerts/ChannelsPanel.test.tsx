// @vitest-environment happy-dom
// Alert channels against a fake BFF: each type's form asks for its own fields; adding a webhook POSTs what was
// typed; editing a channel shows its secrets as "(set)" (never in an input) and PUTs "(set)" back unless
// replaced; a bad URL is stopped before any request; Send test shows the outcome inline; Delete asks first.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelView, Delivery } from '../../api/alerts';
import { SelectionContext, type Selection } from '../../lib/selection';
import '../../test/component';
import { ChannelsPanel } from './ChannelsPanel';

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };
const CLUSTERS: Selection['clusters'] = [{ id: 'lab', name: 'lab-cluster', source: 'sim', default: true, origin: 'config', capabilities: [], state: { health: 'healthy', source: 'ok' } }];
const HOOK: ChannelView = {
  id: 'ch_0123456789ab',
  type: 'webhook',
  name: 'ops hook',
  config: { url: '(set)', secret: '(set)' },
  hints: { url: 'https://hooks.example.org' },
  repeatMinutes: 0,
  enabled: true,
  createdAt: 1,
  updatedAt: 2,
};
const SENT: Delivery = {
  id: 7,
  at: 1_700_000_000_000,
  channelId: HOOK.id,
  channelName: HOOK.name,
  channelType: 'webhook',
  notificationId: 'test:1',
  kind: 'test',
  rule: null,
  clusterId: null,
  incidentId: null,
  title: 'Quorate test message',
  outcome: 'sent',
  status: 200,
  detail: 'HTTP 200 from https://hooks.example.org',
  attempts: 1,
  fallbackOf: null,
};

function server(channels: ChannelView[]) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { url, method: init.method ?? 'GET', body: init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined };
      const json = (v: unknown, status = 200) => new Response(v === null ? null : JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });
      if (call.method === 'GET' && url === '/api/v1/alerts/channels') return json({ channels });
      calls.push(call);
      if (url.endsWith('/test')) return json({ delivery: SENT });
      if (call.method === 'DELETE') return new Response(null, { status: 204 });
      return json({ channel: { ...HOOK, ...call.body } }, call.method === 'POST' ? 201 : 200);
    }),
  );
  return calls;
}
afterEach(() => vi.unstubAllGlobals());

function panel() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <SelectionContext.Provider value={{ clusterId: 'lab', clusters: CLUSTERS, clustersError: null, entry: undefined, sample: null }}>
        <ChannelsPanel />
      </SelectionContext.Provider>
    </QueryClientProvider>,
  );
}

const labels = (form: HTMLElement) => within(within(form).getByTestId('channel-config')).getAllByText((_, el) => el?.tagName === 'LABEL').map((l) => l.textContent);

describe('alert channels', () => {
  it("each type's form asks for its own fields", async () => {
    server([]);
    panel();
    await userEvent.click(await screen.findByTestId('channel-add'));
    const form = screen.getByTestId('channel-form');
    const type = within(form).getByRole('combobox', { name: 'Type' });
    const expected: Record<string, string[]> = {
      webhook: ['URL', 'Signing secret (optional)'],
      email: ['SMTP host', 'Port', 'Security', 'User name (optional)', 'Password (optional)', 'From', 'To'],
      ntfy: ['Topic URL', 'Access token (optional)'],
      gotify: ['Server URL', 'Application token'],
      slack: ['Webhook URL'],
      discord: ['Webhook URL'],
      telegram: ['Bot token', 'Chat id', 'API address (optional)'],
      teams: ['Webhook URL'],
    };
    for (const [t, want] of Object.entries(expected)) {
      await userEvent.selectOptions(type, t);
      expect(labels(form), t).toEqual(want);
    }
    // secrets are typed into password fields (a URL that is a key: a URL field, never prefilled)
    await userEvent.selectOptions(type, 'telegram');
    expect(within(form).getByLabelText('Bot token')).toHaveAttribute('type', 'password');
    await userEvent.selectOptions(type, 'email');
    expect(within(form).getByLabelText('Password (optional)')).toHaveAttribute('type', 'password');
    expect(within(form).getByLabelText('Port')).toHaveValue(587);
  });

  it('adds a webhook: POSTs what was typed, every rule on, all clusters', async () => {
    const calls = server([]);
    panel();
    await userEvent.click(await screen.findByTestId('channel-add'));
    await userEvent.type(screen.getByTestId('channel-name'), 'ops hook');
    await userEvent.type(screen.getByTestId('channel-config-url'), 'http://127.0.0.1:9/hook');
    await userEvent.click(screen.getByTestId('channel-rule-storage'));
    await userEvent.clear(screen.getByTestId('channel-threshold-flapCount'));
    await userEvent.type(screen.getByTestId('channel-threshold-flapCount'), '5');
    await userEvent.click(screen.getByTestId('channel-save'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({ url: '/api/v1/alerts/channels', method: 'POST' });
    expect(calls[0]!.body).toMatchObject({
      type: 'webhook',
      name: 'ops hook',
      config: { url: 'http://127.0.0.1:9/hook' },
      clusters: null,
      fallback: null,
      repeatMinutes: 0,
      enabled: true,
      rules: { 'quorum-lost': { on: true }, storage: { on: false, fullPct: 90 }, 'link-degraded': { on: true, flapCount: 5, flapWindowS: 60 } },
    });
    expect(calls[0]!.body!.config).not.toHaveProperty('secret');
    await waitFor(() => expect(screen.queryByTestId('channel-form')).toBeNull());
  });

  it('a bad URL and a short secret are named on their fields; nothing is sent', async () => {
    const calls = server([]);
    panel();
    await userEvent.click(await screen.findByTestId('channel-add'));
    await userEvent.type(screen.getByTestId('channel-name'), 'x');
    await userEvent.type(screen.getByTestId('channel-config-url'), 'ftp://x');
    await userEvent.type(screen.getByTestId('channel-config-secret'), 'short');
    await userEvent.click(screen.getByTestId('channel-save'));
    expect(await screen.findByTestId('channel-config-url-error')).toHaveTextContent('An http(s) URL.');
    expect(screen.getByTestId('channel-config-secret-error')).toHaveTextContent('A signing secret has at least 16 characters.');
    expect(screen.getByLabelText('URL')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toEqual([]);
  });

  it('editing: secrets read "(set)" and are never in an input; saved untouched, "(set)" goes back', async () => {
    const calls = server([HOOK]);
    panel();
    await userEvent.click(await screen.findByTestId(`channel-${HOOK.id}-edit`));
    const form = screen.getByTestId('channel-form');
    expect(within(form).getByTestId('channel-config-url')).toHaveTextContent('(set)');
    expect(within(form).getByTestId('channel-config-url')).toHaveTextContent('https://hooks.example.org/…');
    expect(within(form).getByTestId('channel-config-secret')).toHaveTextContent('(set)');
    for (const input of within(form).getAllByRole('textbox')) expect((input as HTMLInputElement).value).not.toContain('(set)');
    expect(within(form).getByRole('combobox', { name: 'Type' })).toBeDisabled();
    await userEvent.click(within(form).getByTestId('channel-save'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({ url: `/api/v1/alerts/channels/${HOOK.id}`, method: 'PUT' });
    expect(calls[0]!.body!.config).toEqual({ url: '(set)', secret: '(set)' });
  });

  it('a replaced secret is sent; "Keep the stored one" goes back to "(set)"', async () => {
    const calls = server([HOOK]);
    panel();
    await userEvent.click(await screen.findByTestId(`channel-${HOOK.id}-edit`));
    await userEvent.click(screen.getByRole('button', { name: 'Replace the signing secret (optional)' }));
    const secret = screen.getByLabelText('New signing secret (optional)');
    expect(secret).toHaveValue('');
    expect(secret).toHaveAttribute('type', 'password');
    await userEvent.type(secret, 'a-brand-new-signing-secret');
    await userEvent.click(screen.getByTestId('channel-config-url-replace'));
    await userEvent.click(screen.getByTestId('channel-config-url-keep'));
    await userEvent.click(screen.getByTestId('channel-save'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.body!.config).toEqual({ url: '(set)', secret: 'a-brand-new-signing-secret' });
  });

  it('Send test shows the outcome inline; Delete asks once more', async () => {
    const calls = server([HOOK]);
    panel();
    await userEvent.click(await screen.findByRole('button', { name: 'Send a test to ops hook' }));
    const result = await screen.findByTestId(`channel-${HOOK.id}-test-result`);
    await waitFor(() => expect(result).toHaveTextContent('Test: sent · status 200 · HTTP 200 from https://hooks.example.org'));
    expect(calls[0]).toMatchObject({ url: `/api/v1/alerts/channels/${HOOK.id}/test`, method: 'POST' });
    await userEvent.click(screen.getByTestId(`channel-${HOOK.id}-delete`));
    expect(calls).toHaveLength(1);
    await userEvent.click(screen.getByTestId(`channel-${HOOK.id}-delete-yes`));
    await waitFor(() => expect(calls[1]).toMatchObject({ url: `/api/v1/alerts/channels/${HOOK.id}`, method: 'DELETE' }));
  });
});
