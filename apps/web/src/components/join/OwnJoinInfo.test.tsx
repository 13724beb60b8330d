// @vitest-environment happy-dom
// The cluster's own Join Information: the blob and what it says, "Copy Information" to the clipboard; a
// server that has none (501), or answers nonsense, is said in words — never a crash.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../test/component';
import { OwnJoinInfo } from './OwnJoinInfo';

const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const BLOB = 'eyJpcEFkZHJlc3MiOiIxOTguMTguMC4xMSJ9';
afterEach(() => vi.unstubAllGlobals());

function show(status: number, json: unknown) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <OwnJoinInfo clusterId="lab" />
    </QueryClientProvider>,
  );
}

describe('OwnJoinInfo', () => {
  it('shows the blob and what it says; copies it', async () => {
    show(200, { joinInformation: BLOB, info: { clusterName: 'lab', address: '198.18.0.11', fingerprint: FP, links: [0, 1] } });
    const user = userEvent.setup();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(screen.getByText(/This cluster’s Join Information/));
    expect(await screen.findByTestId('own-join-info-blob')).toHaveValue(BLOB);
    expect(screen.getByTestId('own-join-info')).toHaveTextContent('Cluster lab · member 198.18.0.11 · links 0, 1');
    await user.click(screen.getByRole('button', { name: 'Copy Information' }));
    expect(writeText).toHaveBeenCalledWith(BLOB);
    expect(await screen.findByRole('status')).toHaveTextContent('Copied.');
  });
  it('none offered, or a reply without it: said in words', async () => {
    show(501, { error: "cluster 'lab' (ssh) has no join information here" });
    await waitFor(() => expect(screen.getByTestId('own-join-info-error')).toHaveTextContent("Not offered for this cluster: cluster 'lab' (ssh) has no join information here"));
  });
  it('a reply without the blob is not a crash', async () => {
    show(200, { something: 'else' });
    await waitFor(() => expect(screen.getByTestId('own-join-info-error')).toHaveTextContent('the server’s answer had no Join Information'));
  });
});
