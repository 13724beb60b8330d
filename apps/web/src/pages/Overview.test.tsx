// @vitest-environment happy-dom
// The overview when nothing is known yet: the configured nodes with their reasons, no "last known" state
// that never was, and no operation while quorum is unknown; operators get the expected-votes action back
// once quorum is known.
import { render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Capability, ClusterSnapshot } from '@quorate/model';
import { frozenClock, pageSample, valid, words } from '../test/component';
import { queryKeys } from '../api/keys';
import type { SnapshotEntry } from '../live/cache';
import { setConnection } from '../live/connection';
import { Overview } from './Overview';

frozenClock();

beforeEach(() => {
  // the feed's first page (REST): empty
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ events: [], next: 0 }), { status: 200, headers: { 'content-type': 'application/json' } }));
});
afterEach(() => vi.unstubAllGlobals());

const CAPS: Capability[] = ['expectedVotes', 'stateExport'];

async function overview(entry: SnapshotEntry) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(queryKeys.auth, { setupRequired: false, user: { id: 'u1', username: 'op', role: 'operator' }, csrfToken: 't' });
  const root = createRootRoute({
    component: () => <Overview clusterId="prod" entry={entry} clustersError={null} clusterSource="ssh" capabilities={CAPS} sample={false} />,
  });
  const router = createRouter({ routeTree: root, history: createMemoryHistory({ initialEntries: ['/'] }) });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return screen.findByTestId('quorum-hero');
}

function entry(s: ClusterSnapshot, { ageMs = 400, hadQuorum }: { ageMs?: number; hadQuorum?: boolean } = {}): SnapshotEntry {
  const now = Date.now();
  const snapshot = valid({ ...s, observedAt: now - ageMs });
  return { rev: 1, snapshot, receivedAt: now - ageMs, hadQuorum: hadQuorum ?? snapshot.quorum !== null };
}

/** the unknown sample, seeded (which sets the connection live) before the test sets its own connection */
function unknownSnapshot(): ClusterSnapshot {
  return pageSample('unknown').entry.snapshot;
}

describe('Overview before anything is known', () => {
  it('names the configured nodes with their reasons; no "last known", no operations', async () => {
    const s = unknownSnapshot();
    setConnection({ status: 'live' });
    // 13 s without a new snapshot: old, but there never was a known state to call "last known"
    const hero = await overview(entry(s, { ageMs: 13_000 }));
    expect(hero).toHaveAttribute('data-hero-state', 'unknown');
    expect(screen.queryByText(/last known/i)).not.toBeInTheDocument();
    const nodes = screen.getByRole('region', { name: /^Nodes/ });
    expect(words(within(nodes).getByRole('heading', { level: 2 }))).toBe('Nodes (0 of 3 online)');
    expect(within(nodes).getByTestId('node-row-pve2')).toHaveTextContent('ssh: timed out after 10 s');
    expect(screen.queryByTestId('operations-panel')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /expected votes/i })).not.toBeInTheDocument();
  });

  it('unknown after a known state: the panels are "last known", and still no operations', async () => {
    const s = unknownSnapshot();
    setConnection({ status: 'live' });
    await overview(entry(s, { ageMs: 13_000, hadQuorum: true }));
    expect(screen.getByText(/Last known state, as of 13 s ago/)).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: /^Nodes/ })).getByText('last known')).toBeInTheDocument();
    expect(screen.queryByTestId('operations-panel')).not.toBeInTheDocument();
  });

  it('quorum known: the operator has the expected-votes action, and the alert settings are there', async () => {
    const s = pageSample('degraded').entry.snapshot;
    setConnection({ status: 'live' });
    await overview(entry(s));
    expect(screen.getByTestId('operations-panel')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Notify me when quorum is lost' })).not.toBeChecked();
  });
});
