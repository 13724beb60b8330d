// @vitest-environment happy-dom
// The dead-man's switch panel against a fake BFF: off says so and turns on with what was typed; on shows the
// origin it pings, the interval and the last ping — the URL field is empty (never the stored URL) and the
// interval is the one in use; a bad URL or interval is named on its field and nothing is sent; a failed ping
// says failed; Turn off asks once more, then DELETEs.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeadmanView } from '../../api/alerts';
import '../../test/component';
import { DEADMAN_PURPOSE, DeadmanPanel } from './DeadmanPanel';

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };
const OFF: DeadmanView = { configured: false, hint: null, intervalS: null, last: null };
const ON: DeadmanView = {
  configured: true,
  hint: 'https://hc-ping.com',
  intervalS: 120,
  last: { at: Date.now() - 5_000, ok: true, status: 200, detail: 'HTTP 200 from https://hc-ping.com' },
};
const STORED_KEY = '0b2a1c3d-4e5f-6789-abcd-ef0123456789';

function server(initial: DeadmanView, answer: (body: Record<string, unknown>) => DeadmanView = (b) => ({ ...ON, intervalS: b.intervalS as number })) {
  const calls: Call[] = [];
  let view = initial;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { url, method: init.method ?? 'GET', body: init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined };
      const json = (v: unknown) => new Response(JSON.stringify(v), { status: 200, headers: { 'content-type': 'application/json' } });
      if (url !== '/api/v1/alerts/deadman') return new Response(null, { status: 404 });
      if (call.method === 'GET') return json(view);
      calls.push(call);
      if (call.method === 'DELETE') {
        view = OFF;
        return new Response(null, { status: 204 });
      }
      view = answer(call.body!);
      return json(view);
    }),
  );
  return calls;
}
afterEach(() => vi.unstubAllGlobals());

function panel() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <DeadmanPanel />
    </QueryClientProvider>,
  );
}

describe("the dead-man's switch", () => {
  it('off: says so and what it is for; turns on with the URL and interval typed', async () => {
    const calls = server(OFF);
    panel();
    const state = await screen.findByTestId('deadman-state');
    expect(state).toHaveAttribute('data-on', 'false');
    expect(state).toHaveTextContent(/^Off/);
    expect(screen.getByTestId('deadman')).toHaveTextContent(DEADMAN_PURPOSE);
    expect(DEADMAN_PURPOSE).toContain('Healthchecks.io');
    expect(screen.queryByTestId('deadman-off')).toBeNull();
    expect(screen.getByLabelText('Check URL')).toHaveValue('');
    expect(screen.getByLabelText('Every (seconds)')).toHaveValue(60);
    await userEvent.type(screen.getByLabelText('Check URL'), `https://hc-ping.com/${STORED_KEY}`);
    await userEvent.clear(screen.getByLabelText('Every (seconds)'));
    await userEvent.type(screen.getByLabelText('Every (seconds)'), '120');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual({ url: '/api/v1/alerts/deadman', method: 'PUT', body: { url: `https://hc-ping.com/${STORED_KEY}`, intervalS: 120 } });
    // the answer is shown; the typed URL is gone from the field
    await waitFor(() => expect(screen.getByTestId('deadman-state')).toHaveAttribute('data-on', 'true'));
    expect(screen.getByTestId('deadman-state')).toHaveTextContent('On: pings https://hc-ping.com/… every 120 s');
    expect(screen.getByLabelText('New check URL')).toHaveValue('');
    expect(screen.getByTestId('deadman')).not.toHaveTextContent(STORED_KEY);
  });

  it('on: the origin, the interval and the last ping; the URL field is never prefilled', async () => {
    server(ON);
    panel();
    await waitFor(() => expect(screen.getByTestId('deadman-state')).toHaveAttribute('data-on', 'true'));
    expect(screen.getByTestId('deadman-state')).toHaveTextContent('On: pings https://hc-ping.com/… every 120 s');
    const last = screen.getByTestId('deadman-last');
    expect(last).toHaveAttribute('data-ok', 'true');
    expect(last).toHaveTextContent(/Last ping .+ \([\d.]+ s ago\): ok · status 200 · HTTP 200 from https:\/\/hc-ping\.com$/);
    const url = screen.getByLabelText('New check URL');
    expect(url).toHaveValue('');
    expect(url).toHaveAttribute('type', 'url');
    expect(url).toHaveAccessibleDescription(/never shown/);
    for (const input of within(screen.getByTestId('deadman-form')).getAllByRole('textbox')) expect((input as HTMLInputElement).value).toBe('');
    expect(screen.getByLabelText('Every (seconds)')).toHaveValue(120);
    expect(screen.getByRole('button', { name: 'Save and ping' })).toBeEnabled();
  });

  it('a failed last ping says failed, with its status and detail', async () => {
    server({ ...ON, last: { at: Date.now() - 60_000, ok: false, status: 404, detail: 'HTTP 404 from https://hc-ping.com' } });
    panel();
    const last = await screen.findByTestId('deadman-last');
    expect(last).toHaveAttribute('data-ok', 'false');
    expect(within(last).getByTestId('deadman-last-outcome')).toHaveTextContent('failed');
    expect(last).toHaveTextContent('status 404 · HTTP 404 from https://hc-ping.com');
  });

  it('on: an empty URL keeps the stored one — only the interval changes ("(set)" is sent, never a URL)', async () => {
    const calls = server(ON);
    panel();
    const save = await screen.findByRole('button', { name: 'Save and ping' });
    await userEvent.clear(screen.getByLabelText('Every (seconds)'));
    await userEvent.type(screen.getByLabelText('Every (seconds)'), '300');
    await userEvent.click(save);
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toEqual({ url: '/api/v1/alerts/deadman', method: 'PUT', body: { url: '(set)', intervalS: 300 } });
    await waitFor(() => expect(screen.getByTestId('deadman-state')).toHaveTextContent('every 300 s'));
  });

  it('off: an empty URL is required', async () => {
    const calls = server(OFF);
    panel();
    await userEvent.click(await screen.findByRole('button', { name: 'Turn on' }));
    expect(await screen.findByTestId('deadman-url-error')).toHaveTextContent('Required.');
    expect(screen.getByLabelText('Check URL')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toEqual([]);
  });

  it('the form\'s errors: each on its field, nothing sent', async () => {
    const calls = server(ON);
    panel();
    const save = await screen.findByRole('button', { name: 'Save and ping' });
    await userEvent.type(screen.getByLabelText('New check URL'), 'ftp://hc-ping.com/x');
    await userEvent.clear(screen.getByLabelText('Every (seconds)'));
    await userEvent.type(screen.getByLabelText('Every (seconds)'), '5');
    await userEvent.click(save);
    await waitFor(() => expect(screen.getByTestId('deadman-url-error')).toHaveTextContent('An http(s) URL, e.g. https://hc-ping.com/<uuid>.'));
    expect(screen.getByTestId('deadman-interval-error')).toHaveTextContent('At least 30.');
    await userEvent.clear(screen.getByLabelText('Every (seconds)'));
    await userEvent.type(screen.getByLabelText('Every (seconds)'), '4000');
    await userEvent.click(save);
    await waitFor(() => expect(screen.getByTestId('deadman-interval-error')).toHaveTextContent('At most 3600.'));
    expect(calls).toEqual([]);
  });

  it("the BFF's refusal is shown", async () => {
    server(OFF);
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) =>
        (init.method ?? 'GET') === 'GET'
          ? new Response(JSON.stringify(OFF), { status: 200, headers: { 'content-type': 'application/json' } })
          : new Response(JSON.stringify({ error: "dead-man's switch: url: an http(s) URL", issues: [{ path: 'url', message: 'an http(s) URL' }] }), { status: 400, headers: { 'content-type': 'application/json' } }),
      ),
    );
    panel();
    await userEvent.type(await screen.findByLabelText('Check URL'), 'https://hc-ping.com/x');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByTestId('deadman-error')).toHaveTextContent("Not saved: dead-man's switch: url: an http(s) URL");
  });

  it('Turn off asks once more, then DELETEs and shows it off', async () => {
    const calls = server(ON);
    panel();
    await userEvent.click(await screen.findByTestId('deadman-off'));
    expect(calls).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'No' }));
    expect(calls).toEqual([]);
    await userEvent.click(screen.getByTestId('deadman-off'));
    await userEvent.click(screen.getByRole('button', { name: 'Yes, turn off' }));
    await waitFor(() => expect(calls).toEqual([{ url: '/api/v1/alerts/deadman', method: 'DELETE', body: undefined }]));
    await waitFor(() => expect(screen.getByTestId('deadman-state')).toHaveAttribute('data-on', 'false'));
    expect(screen.queryByTestId('deadman-last')).toBeNull();
    expect(screen.getByRole('button', { name: 'Turn on' })).toBeInTheDocument();
  });
});
