// @vitest-environment happy-dom
// "Can I reboot it now?" against a fake BFF (the model's canReboot on sample snapshots, as the route answers):
// YES or NO in big words, the sentence, quorum while the node is down, the margin; the HA guests line only
// when the answer carries them; a refusal in words; Close closes.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canReboot, type ClusterSnapshot } from '@quorate/model';
import { queryKeys } from '../../api/keys';
import { entryOf, healthy, without, words } from '../../test/component';
import RebootDialog from './RebootDialog';

afterEach(() => vi.unstubAllGlobals());

function serve(answer: (node: string) => { status: number; json: unknown }) {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      const node = new URL(url, 'http://x').searchParams.get('node') ?? '';
      const r = answer(node);
      return new Response(JSON.stringify(r.json), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return urls;
}

function open(s: ClusterSnapshot, node: string, reply?: (r: ReturnType<typeof canReboot>) => unknown) {
  const urls = serve((n) => {
    const r = canReboot(s, n);
    return { status: 200, json: { clusterId: 'lab', observedAt: s.observedAt, ...(reply ? (reply(r) as object) : r) } };
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(queryKeys.snapshot('lab'), entryOf(s));
  const onClose = vi.fn();
  render(
    <QueryClientProvider client={qc}>
      <RebootDialog clusterId="lab" node={node} onClose={onClose} />
    </QueryClientProvider>,
  );
  return { urls, onClose };
}

describe('RebootDialog', () => {
  it('yes on a healthy 5-node cluster: the sentence, quorum during, the margin; Close closes', async () => {
    const { urls, onClose } = open(healthy({ nodes: 5 }), 'pve2');
    expect(screen.getByRole('dialog', { name: 'Can I reboot pve2 now?' })).toBeInTheDocument();
    expect(await screen.findByTestId('reboot-answer')).toHaveTextContent('YES');
    expect(urls).toEqual(['/api/v1/whatif/reboot?cluster=lab&node=pve2']);
    expect(screen.getByTestId('reboot-text')).toHaveTextContent(/^Yes: while pve2 reboots, pve1, pve3, pve4 and pve5 hold 4 of 5 votes, 3 needed; 1 more node can fail until it is back/);
    expect(words(screen.getByTestId('reboot-during'))).toBe('quorate pve1, pve3, pve4 and pve5 hold 4 of 5 votes, 3 needed');
    expect(words(screen.getByTestId('reboot-margin'))).toBe('Margin: 1 more node can fail until it is back');
    await userEvent.setup().click(screen.getByTestId('reboot-close'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('no with a node of three down: the node alone is not quorate, no margin', async () => {
    const s = without(healthy(), [3], {});
    // pve3 is down: its own view cannot be had either
    s.views = s.views.map((v) => (v.nodeId === 3 ? { ...v, reachable: false, reason: 'node down', quorum: null } : v));
    open(s, 'pve2');
    const answer = await screen.findByTestId('reboot-answer');
    expect(answer).toHaveTextContent('NO');
    expect(answer).toHaveAttribute('data-can-reboot', 'false');
    expect(screen.getByTestId('reboot-text')).toHaveTextContent(/^No: while pve2 reboots, pve1 holds 1 of 3 votes, 2 needed/);
    expect(words(screen.getByTestId('reboot-during'))).toBe('not quorate pve1 holds 1 of 3 votes, 2 needed');
    expect(words(screen.getByTestId('reboot-margin'))).toBe('Margin: no margin: quorum is lost while it is down');
  });

  it('HA guests that would move, when the answer names them; nothing when it has none to say (null or absent)', async () => {
    open(healthy(), 'pve1', (r) => ({ ...r, haGuests: ['vm:100', 'ct:101'] }));
    expect(await screen.findByTestId('reboot-ha')).toHaveTextContent('HA guests that would move: vm:100, ct:101');
  });

  it.each([
    ['null', (r: object) => ({ ...r, haGuests: null })],
    ['absent', (r: object) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'haGuests'))],
  ])('no HA line when haGuests is %s', async (_, reply) => {
    open(healthy(), 'pve1', reply);
    await screen.findByTestId('reboot-answer');
    expect(screen.queryByTestId('reboot-ha')).toBeNull();
  });

  it("the BFF's refusal in words", async () => {
    serve(() => ({ status: 400, json: { error: "unknown node in cluster 'lab': pve9" } }));
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={qc}>
        <RebootDialog clusterId="lab" node="pve9" onClose={() => undefined} />
      </QueryClientProvider>,
    );
    expect(await screen.findByTestId('reboot-error')).toHaveTextContent("Could not ask the server: unknown node in cluster 'lab': pve9");
  });
});
