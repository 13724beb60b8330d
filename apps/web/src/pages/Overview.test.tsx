// @vitest-environment happy-dom
// The overview when nothing is known yet: the configured nodes with their reasons, no "last known" state
// that never was, and no operation while quorum is unknown; operators get the expected-votes action back
// once quorum is known.
import { render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Capability, ClusterSnapshot, Incident } from '@quorate/model';
import { frozenClock, pageSample, valid, words } from '../test/component';
import { queryKeys } from '../api/keys';
import type { SnapshotEntry } from '../live/cache';
import { setConnection } from '../live/connection';
import { Overview } from './Overview';

frozenClock();

/** what GET /api/v1/incidents answers in these tests */
let incidents: Incident[] = [];
beforeEach(() => {
  incidents = [];
  // the feed's first page and the incidents (REST): empty unless a test says; the thresholds: not found (the defaults apply)
  vi.stubGlobal('fetch', async (url: string) => {
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.startsWith('/api/v1/incidents?')) return json({ incidents });
    if (url.startsWith('/api/v1/settings/links?')) return json({ error: 'not here' }, 404);
    return json({ events: [], next: 0 });
  });
});
afterEach(() => vi.unstubAllGlobals());

const CAPS: Capability[] = ['expectedVotes', 'stateExport'];

async function overview(entry: SnapshotEntry, role: 'operator' | 'admin' = 'operator') {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(queryKeys.auth, { setupRequired: false, user: { id: 'u1', username: 'op', role }, csrfToken: 't' });
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

describe('Overview: incidents and link trends', () => {
  it("the feed shows the cluster's incidents (GET /incidents), one entry each", async () => {
    const s = pageSample('degraded').entry.snapshot;
    incidents = [
      {
        id: 'prod:7',
        clusterId: 'prod',
        cause: 'node-left',
        subject: 'pve3',
        title: 'pve3 left the cluster after being unreachable from all 2 peers on both links',
        startedAt: Date.now() - 95_000,
        endedAt: null,
        severity: 'warning',
        eventSeqs: [7, 8, 9],
        eventCount: 3,
        affected: ['pve3'],
        related: [],
      },
    ];
    setConnection({ status: 'live' });
    await overview(entry(s));
    const entryEl = await screen.findByTestId('incident');
    expect(entryEl).toHaveAttribute('data-open', 'true');
    expect(entryEl).toHaveTextContent('pve3 left the cluster after being unreachable from all 2 peers on both links — 1 min');
  });

  it('the matrix cells and node rows open the trend charts; thresholds not to be had: the defaults', async () => {
    setConnection({ status: 'live' });
    await overview(entry(pageSample('quorate').entry.snapshot));
    expect(screen.getByRole('button', { name: 'trend: links of pve2' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /chart of pve1–pve2 link0$/ })).toHaveLength(1);
    expect(screen.getByTestId('link-matrix')).toHaveTextContent('Green up to 5.0 ms, amber above it, orange above 10 ms or 1 % loss');
  });
});

describe('Overview of a pve cluster (the Proxmox API without SSH)', () => {
  it('the notice of what it cannot see (admins: the way to SSH), HA and Ceph side by side, the links stand-in instead of a matrix', async () => {
    setConnection({ status: 'live' });
    await overview(entry(pageSample('pve').entry.snapshot), 'admin');
    const notice = screen.getByRole('region', { name: 'What this view cannot see' });
    expect(notice).toHaveTextContent('Without SSH this view cannot see: Corosync links, exact quorum options and the early warning; quorum changes arrive by 2 s polling.');
    expect(within(notice).getByRole('link', { name: /Admin → Clusters/ })).toHaveAttribute('href', '/admin#clusters-title');
    // lazy chunks
    expect(await screen.findByRole('region', { name: 'High availability' })).toBeInTheDocument();
    expect(await screen.findByRole('region', { name: /^Ceph/ })).toHaveTextContent('2 of 3 monitors in quorum');
    expect(screen.getByTestId('links-unavailable')).toBeInTheDocument();
    expect(screen.queryByTestId('link-matrix')).not.toBeInTheDocument();
    // the hero already says the votes are derived: once, not twice
    expect(screen.getAllByTestId('quorum-options-assumed')).toHaveLength(1);
  });

  it('an operator is told an admin can add SSH, with no link', async () => {
    setConnection({ status: 'live' });
    await overview(entry(pageSample('pve').entry.snapshot));
    const notice = screen.getByRole('region', { name: 'What this view cannot see' });
    expect(within(notice).queryByRole('link')).not.toBeInTheDocument();
    expect(notice).toHaveTextContent('An admin can add SSH to this cluster for these.');
  });

  it('a sim cluster looks as before: no notice, no HA, no Ceph, the link matrix', async () => {
    setConnection({ status: 'live' });
    await overview(entry(pageSample('quorate').entry.snapshot), 'admin');
    expect(screen.getByTestId('link-matrix')).toBeInTheDocument();
    expect(screen.queryByTestId('unavailable')).not.toBeInTheDocument();
    expect(screen.queryByTestId('links-unavailable')).not.toBeInTheDocument();
    expect(screen.queryByTestId('ha-panel')).not.toBeInTheDocument();
    expect(screen.queryByTestId('ceph-panel')).not.toBeInTheDocument();
  });
});
