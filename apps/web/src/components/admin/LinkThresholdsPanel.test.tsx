// @vitest-environment happy-dom
// The link thresholds form against a fake BFF: the cluster's values in the fields, each rule said at its
// field (empty, out of range, warn above bad) and nothing sent then; a valid form is PUT in ms, the answer
// goes into the cache the matrix reads; "Back to the defaults" is DELETE; a refusal shows the server's words.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/keys';
import { DEFAULT_LINK_THRESHOLDS, type LinkSettings } from '../../api/links';
import { SelectionContext, type Selection } from '../../lib/selection';
import '../../test/component';
import { LinkThresholdsPanel } from './LinkThresholdsPanel';

const SETTINGS: LinkSettings = { clusterId: 'lab', thresholds: { ...DEFAULT_LINK_THRESHOLDS, warnLatencyMs: 4 }, defaults: DEFAULT_LINK_THRESHOLDS };
type Call = { url: string; method: string; body: unknown };

/** a fake BFF: GET answers SETTINGS (the panel asks again on mount); the changes are answered by `reply` and kept */
function server(reply: (c: Call) => { status: number; json: unknown }) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { url, method: init.method ?? 'GET', body: init.body ? JSON.parse(String(init.body)) : undefined };
      if (call.method === 'GET') return new Response(JSON.stringify(SETTINGS), { status: 200, headers: { 'content-type': 'application/json' } });
      calls.push(call);
      const r = reply(call);
      return new Response(JSON.stringify(r.json), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}
afterEach(() => vi.unstubAllGlobals());

function panel() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(queryKeys.linkSettings('lab'), SETTINGS);
  const selection: Selection = {
    clusterId: 'lab',
    clusters: [{ id: 'lab', name: 'lab-cluster', source: 'sim', default: true, origin: 'config', capabilities: [] }],
    clustersError: null,
    entry: undefined,
    sample: null,
  };
  render(
    <QueryClientProvider client={qc}>
      <SelectionContext.Provider value={selection}>
        <LinkThresholdsPanel />
      </SelectionContext.Provider>
    </QueryClientProvider>,
  );
  return qc;
}

const field = (name: string) => screen.getByRole('spinbutton', { name });
/** the form, once the server's values are in */
const ready = () => screen.findByRole('form', { name: 'Link thresholds' });

describe('LinkThresholdsPanel', () => {
  it("shows the chosen cluster's thresholds, durations in seconds, defaults in the hints", async () => {
    server(() => ({ status: 500, json: {} }));
    panel();
    await ready();
    expect(screen.getByRole('heading', { name: 'Link thresholds (lab-cluster)' })).toBeInTheDocument();
    expect(field('Warn above')).toHaveValue(4);
    expect(field('Bad above')).toHaveValue(10);
    expect(field('Loss above')).toHaveValue(1);
    expect(field('Degraded after')).toHaveValue(10);
    expect(field('Recovered after')).toHaveValue(30);
    expect(field('Warn above')).toHaveAccessibleDescription(/^Amber in the matrix\. Default 5 ms/);
  });

  it('says what is wrong at each field and sends nothing', async () => {
    const calls = server(() => ({ status: 500, json: {} }));
    panel();
    await ready();
    const user = userEvent.setup();
    await user.clear(field('Bad above'));
    await user.clear(field('Loss above'));
    await user.type(field('Loss above'), '150');
    await user.clear(field('Degraded after'));
    await user.type(field('Degraded after'), '-1');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('link-thresholds-badLatencyMs-error')).toHaveTextContent('Enter the bad mark.');
    expect(field('Bad above')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('link-thresholds-lossPct-error')).toHaveTextContent('The loss limit can be at most 100 %.');
    expect(screen.getByTestId('link-thresholds-sustainS-error')).toHaveTextContent('The time to degrade cannot be below 0.');
    expect(calls).toEqual([]);
  });

  it('the warn mark cannot be above the bad mark', async () => {
    const calls = server(() => ({ status: 500, json: {} }));
    panel();
    await ready();
    const user = userEvent.setup();
    await user.clear(field('Warn above'));
    await user.type(field('Warn above'), '20');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('link-thresholds-warnLatencyMs-error')).toHaveTextContent('The warn mark cannot be above the bad mark.');
    expect(calls).toEqual([]);
  });

  it('a valid form is PUT in ms for the chosen cluster; the answer goes into the cache', async () => {
    const saved: LinkSettings = { ...SETTINGS, thresholds: { warnLatencyMs: 8, badLatencyMs: 20, lossPct: 2, sustainMs: 15_000, recoverMs: 60_000 } };
    const calls = server(() => ({ status: 200, json: saved }));
    const qc = panel();
    await ready();
    const user = userEvent.setup();
    for (const [name, value] of [
      ['Warn above', '8'],
      ['Bad above', '20'],
      ['Loss above', '2'],
      ['Degraded after', '15'],
      ['Recovered after', '60'],
    ] as const) {
      await user.clear(field(name));
      await user.type(field(name), value);
    }
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(calls).toEqual([{ url: '/api/v1/settings/links?cluster=lab', method: 'PUT', body: saved.thresholds }]);
    expect(qc.getQueryData(queryKeys.linkSettings('lab'))).toEqual(saved);
  });

  it('"Back to the defaults" is DELETE; a refusal shows the server\'s words', async () => {
    let refuse = true;
    const calls = server(() => (refuse ? { status: 403, json: { error: 'needs role admin' } } : { status: 200, json: { ...SETTINGS, thresholds: DEFAULT_LINK_THRESHOLDS } }));
    panel();
    await ready();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Back to the defaults' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('needs role admin');
    refuse = false;
    await user.click(screen.getByRole('button', { name: 'Back to the defaults' }));
    await waitFor(() => expect(field('Warn above')).toHaveValue(5));
    expect(screen.getByTestId('link-thresholds-notice')).toHaveTextContent('Back to the defaults.');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['DELETE /api/v1/settings/links?cluster=lab', 'DELETE /api/v1/settings/links?cluster=lab']);
  });
});
