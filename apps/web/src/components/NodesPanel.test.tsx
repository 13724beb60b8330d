// @vitest-environment happy-dom
// The nodes panel: each node's state in words, votes, per-link state and addresses; the QDevice; why a
// node could not be asked; and how it looks when the data is not live.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canReboot, type ClusterSnapshot } from '@quorate/model';
import { queryKeys } from '../api/keys';
import { SelectionContext, type Selection } from '../lib/selection';
import { entryOf, frozenClock, healthy, pageSample, setLink, valid, without, words } from '../test/component';
import { NodesPanel } from './NodesPanel';

frozenClock();

function panel(s: ClusterSnapshot, stale = false) {
  render(<NodesPanel s={valid(s)} stale={stale} />);
  return screen.getByRole('region', { name: /^Nodes/ });
}

const COLUMNS = ['Node', 'State', 'Votes', 'Links', 'Addresses'] as const;

/** the cells of a node's row, by column header */
function row(name: string): Record<(typeof COLUMNS)[number], HTMLElement> {
  const tr = screen.getByTestId(`node-row-${name}`);
  const headers = screen.getAllByRole('columnheader').map((h) => h.textContent ?? '');
  const cells = [within(tr).getByRole('rowheader'), ...within(tr).getAllByRole('cell')];
  const at = (column: string) => {
    const c = cells[headers.indexOf(column)];
    if (!c) throw new Error(`no ${column} cell for ${name}`);
    return c;
  };
  return { Node: at('Node'), State: at('State'), Votes: at('Votes'), Links: at('Links'), Addresses: at('Addresses') };
}

describe('NodesPanel', () => {
  it('a healthy cluster: every node online with its votes, links up and addresses; the observer marked', () => {
    const region = panel(pageSample('quorate').entry.snapshot);
    expect(words(within(region).getByRole('heading', { level: 2 }))).toBe('Nodes (3 of 3 online)');
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([...COLUMNS]);
    for (const [i, name] of ['pve1', 'pve2', 'pve3'].entries()) {
      const r = row(name);
      expect(words(r.Node)).toBe(`${name} #${i + 1}${name === 'pve1' ? ' observer' : ''}`);
      expect(r.State).toHaveTextContent(/^online$/);
      expect(r.Votes).toHaveTextContent(/^1$/);
      expect(words(r.Links)).toBe('link0 up link1 up');
      expect(words(r.Addresses)).toBe(`link0 198.18.0.${i + 1} link1 198.19.0.${i + 1}`);
    }
    expect(screen.getAllByText('observer')).toHaveLength(1);
    expect(within(region).queryByText('last known')).not.toBeInTheDocument();
    expect(screen.queryByTestId('qdevice')).not.toBeInTheDocument();
  });

  it('nodes lost: offline for how long, the votes they had; their links down, the survivor has no live peer', () => {
    const region = panel(pageSample('lost').entry.snapshot);
    expect(words(within(region).getByRole('heading', { level: 2 }))).toBe('Nodes (1 of 3 online)');
    for (const name of ['pve2', 'pve3']) {
      expect(screen.getByTestId(`node-row-${name}`)).toHaveAttribute('data-state', 'offline');
      expect(words(row(name).State)).toBe('offline 2 min (was 1 vote)');
      expect(words(row(name).Links)).toBe('link0 down link1 down');
    }
    expect(row('pve1').State).toHaveTextContent(/^online$/);
    // its links to the dead are not pve1's problem: neutral, not red
    expect(words(row('pve1').Links)).toBe('link0 no live peer link1 no live peer');
    expect(within(row('pve1').Links).getByTitle('link0: no live peer to connect to (2 peers down or outside the membership, not counted)')).toHaveAttribute('data-link-state', 'neutral');
  });

  it('one crash in 16 nodes: a compact grid; the 15 healthy tiles stay "up" (a dead peer is not their problem), the dead one is down', () => {
    const s = without(healthy({ nodes: 16 }), [7], {});
    panel(s);
    expect(screen.queryByRole('table')).toBeNull();
    const links = (name: string) => within(screen.getByTestId(`node-row-${name}`)).getByTestId('node-links');
    for (let i = 1; i <= 16; i++) {
      const name = `pve${i}`;
      const badges = within(links(name)).getAllByTestId('link-badge');
      if (i === 7) {
        expect(words(links(name))).toBe('link0 down link1 down link0 down, link1 down');
        expect(badges.map((b) => b.dataset.linkState)).toEqual(['down', 'down']);
      } else {
        expect(words(links(name))).toBe('link0 up link1 up all up');
        expect(badges.map((b) => b.dataset.linkState)).toEqual(['up', 'up']);
      }
    }
    expect(screen.getByTestId('node-row-pve7')).toHaveTextContent(/offline/);
    expect(within(links('pve1')).getByTitle('link0: connected to 14 of 14 live peers (1 peer down or outside the membership, not counted)')).toBeInTheDocument();
    expect(within(links('pve7')).getByTitle('link0: connected to 0 of 15 live peers')).toBeInTheDocument();
    // the addresses: in a disclosure, not a hover
    expect(screen.getByText('Addresses of 16 nodes')).toBeInTheDocument();
  });

  it('a link down between two live members still turns both amber while a peer is dead', () => {
    const s = without(healthy({ nodes: 4 }), [4], {});
    setLink(s, 1, 2, 1, { connected: false, latencyAvgMs: null, downCount: 1 });
    panel(s);
    expect(words(row('pve1').Links)).toBe('link0 up link1 1/2');
    expect(words(row('pve2').Links)).toBe('link0 up link1 1/2');
    expect(words(row('pve3').Links)).toBe('link0 up link1 up');
  });

  it("'trend' on a node's row asks for the chart of its links; without a handler there is none", async () => {
    const onOpenLinks = vi.fn();
    const { unmount } = render(<NodesPanel s={valid(healthy())} stale={false} onOpenLinks={onOpenLinks} />);
    const button = within(row('pve3').Links).getByRole('button', { name: 'trend: links of pve3' });
    expect(button).toHaveAttribute('aria-haspopup', 'dialog');
    await userEvent.setup().click(button);
    expect(onOpenLinks).toHaveBeenCalledWith('pve3');
    unmount();
    panel(healthy());
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('a node online but outside the membership is not a live peer of the members', () => {
    const split = pageSample('partition').entry.snapshot;
    split.nodes[2]!.state = 'online';
    panel(split);
    expect(words(row('pve1').Links)).toBe('link0 up link1 up');
    expect(words(row('pve3').Links)).toBe('link0 down link1 down');
  });

  it('a link down to one peer of two counts as partly connected, either side’s report counts', () => {
    const s = healthy();
    setLink(s, 3, 1, 0, { connected: false, latencyAvgMs: null, downCount: 1 });
    panel(s);
    expect(words(row('pve1').Links)).toBe('link0 1/2 link1 up');
    expect(words(row('pve3').Links)).toBe('link0 1/2 link1 up');
    expect(words(row('pve2').Links)).toBe('link0 up link1 up');
    expect(within(row('pve1').Links).getByTitle('link0: connected to 1 of 2 live peers')).toBeInTheDocument();
  });

  it('a link with no report is "no data", a disabled one does not count', () => {
    const s = healthy({ links: 3 });
    s.links = s.links.filter((l) => l.link !== 2);
    for (const l of s.links) if (l.link === 1 && (l.from === 2 || l.to === 2)) l.enabled = false;
    panel(s);
    expect(words(row('pve1').Links)).toBe('link0 up link1 1/2 link2 no data');
    expect(words(row('pve2').Links)).toBe('link0 up link1 no data link2 no data');
  });

  it('a node online but outside the observer’s membership says so', () => {
    const split = pageSample('partition').entry.snapshot;
    split.nodes[2]!.state = 'online';
    panel(split);
    expect(words(row('pve3').State)).toBe('online (outside this membership)');
    expect(row('pve2').State).toHaveTextContent(/^online$/);
  });

  it('before any node could be read: the configured nodes, each with the concrete reason, not "0 of 0"', () => {
    const region = panel(pageSample('unknown').entry.snapshot);
    expect(words(within(region).getByRole('heading', { level: 2 }))).toBe('Nodes (0 of 3 online)');
    expect(words(row('pve1').State)).toBe('unknown · ssh: connection refused');
    expect(words(row('pve2').State)).toBe('unknown · ssh: timed out after 10 s');
    expect(words(row('pve3').State)).toBe('unknown · ssh: host key mismatch: expected SHA256:q3xT…, got SHA256:Zk9v…');
    for (const name of ['pve1', 'pve2', 'pve3']) expect(row(name).Addresses).toHaveTextContent(/^—$/);
    expect(screen.queryByText('observer')).not.toBeInTheDocument();
    expect(within(region).queryByText('last known')).not.toBeInTheDocument();
  });

  it('no node could be asked after a known state: unknown, last seen when, and why', () => {
    const s = healthy();
    s.quorum = null;
    s.observer = null;
    for (const n of s.nodes) Object.assign(n, { state: 'unknown', since: Date.now() - 40_000 });
    s.views = s.views.map((v) => ({ ...v, reachable: false, reason: v.nodeId === 2 ? 'ssh: authentication failed for root (the server refused the key)' : null, quorum: null }));
    panel(s, true);
    expect(words(row('pve1').State)).toBe('unknown — last seen 40 s ago · unreachable');
    expect(words(row('pve2').State)).toBe('unknown — last seen 40 s ago · ssh: authentication failed for root (the server refused the key)');
  });

  it('an offline node that cannot be asked says why beside how long it has been away', () => {
    panel(pageSample('degraded').entry.snapshot);
    expect(words(row('pve3').State)).toBe('offline 1 min (was 1 vote) · Corosync is not running');
    expect(screen.getAllByTestId('node-reason')).toHaveLength(1);
  });

  it('not live: the panel is tagged "last known" and online nodes say so', () => {
    const region = panel(pageSample('quorate').entry.snapshot, true);
    expect(words(within(region).getByRole('heading', { level: 2 }))).toBe('Nodes (3 of 3 online) last known');
    expect(words(row('pve2').State)).toBe('online (last known)');
  });

  it('a node without addresses shows a dash', () => {
    const s = healthy();
    s.nodes[1]!.addresses = [];
    panel(s);
    expect(row('pve2').Addresses).toHaveTextContent(/^—$/);
  });

  it('the QDevice: state, votes, whether it casts its vote, algorithm', () => {
    panel(pageSample('partition').entry.snapshot);
    const qd = screen.getByTestId('qdevice');
    expect(within(qd).getByRole('heading', { level: 3 })).toHaveTextContent('QDevice · 198.18.0.9');
    expect(words(qd)).toBe('QDevice · 198.18.0.9 connected 1 vote casting its vote algorithm ffsplit');
  });

  it('a QDevice that failed to connect does not cast its vote', () => {
    const s = healthy();
    s.qdevice = { votes: 1, state: 'connect-failed', algorithm: 'lms', host: null, castsVote: false };
    panel(s);
    const qd = screen.getByTestId('qdevice');
    expect(within(qd).getByRole('heading', { level: 3 })).toHaveTextContent(/^QDevice$/);
    expect(words(qd)).toBe('QDevice connect-failed 1 vote not casting its vote algorithm lms');
  });
});

describe('NodesPanel on a pve snapshot (the Proxmox API without SSH)', () => {
  /** the cells of a row by column header, whatever the columns are */
  function cells(name: string): Map<string, HTMLElement> {
    const tr = screen.getByTestId(`node-row-${name}`);
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent ?? '');
    const all = [within(tr).getByRole('rowheader'), ...within(tr).getAllByRole('cell')];
    return new Map(headers.map((h, i) => [h, all[i]!]));
  }

  it('load, guests and version columns; no links column (the API has none); the offline node says why, not 0', () => {
    panel(pageSample('pve').entry.snapshot);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Node', 'State', 'Votes', 'Load', 'Guests', 'Version', 'Addresses']);
    const pve1 = cells('pve1');
    expect(words(pve1.get('Load')!)).toBe('CPU 3% of 16 mem 21.4 / 62.7 GiB');
    expect(words(pve1.get('Guests')!)).toBe('3 running · 1 HA');
    expect(words(pve1.get('Version')!)).toBe('PVE 8.2.4 up 12 d 3 h');
    expect(within(pve1.get('Version')!).getByTestId('node-version')).toHaveAttribute('title', 'pve-manager/8.2.4/faa83925c9641325 · kernel 6.8.12-1-pve');
    expect(words(cells('pve2').get('Guests')!)).toBe('4 running · 1 stopped · 1 HA');
    const pve3 = cells('pve3');
    expect(words(pve3.get('Load')!)).toBe('— node offline');
    expect(words(pve3.get('Guests')!)).toBe('2 unknown · 1 HA (node offline)');
    expect(words(pve3.get('Version')!)).toBe('—');
    expect(screen.queryAllByTestId('link-badge')).toHaveLength(0);
  });

  it('with links (SSH merged in) the links column is back beside the load', () => {
    const s = structuredClone(pageSample('pve').entry.snapshot);
    s.links = pageSample('quorate').entry.snapshot.links;
    s.unavailable = [];
    panel(s);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Node', 'State', 'Votes', 'Links', 'Load', 'Guests', 'Version', 'Addresses']);
  });

  it('the compact grid: CPU and memory in percent and the guest count per tile, no link icons', () => {
    const region = panel(pageSample('pve-large').entry.snapshot);
    expect(words(within(region).getByRole('heading', { level: 2 }))).toBe('Nodes (12 of 12 online)');
    const tile = screen.getByTestId('node-row-pve6');
    expect(words(within(tile).getByTestId('node-load'))).toBe('CPU 93% mem 70%');
    expect(within(tile).getByTestId('node-guests')).toHaveTextContent('6 guests');
    expect(within(region).queryAllByTestId('link-badge')).toHaveLength(0);
    expect(within(region).queryAllByTestId('node-links')).toHaveLength(0);
  });

  it('a sim snapshot has none of it: the same five columns, no load or guests anywhere', () => {
    panel(pageSample('quorate').entry.snapshot);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([...COLUMNS]);
    expect(screen.queryAllByTestId('node-load')).toHaveLength(0);
    expect(screen.queryAllByTestId('node-guests')).toHaveLength(0);
  });
});

describe('NodesPanel: can I reboot it now?', () => {
  afterEach(() => vi.unstubAllGlobals());

  function withSelection(s: ClusterSnapshot, sample: string | null = null) {
    const urls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        const node = new URL(url, 'http://x').searchParams.get('node') ?? '';
        return new Response(JSON.stringify({ clusterId: 'lab', observedAt: s.observedAt, ...canReboot(s, node) }), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    qc.setQueryData(queryKeys.snapshot('lab'), entryOf(s));
    const selection: Selection = { clusterId: 'lab', clusters: [], clustersError: null, entry: undefined, sample };
    render(
      <QueryClientProvider client={qc}>
        <SelectionContext.Provider value={selection}>
          <NodesPanel s={valid(s)} stale={false} />
        </SelectionContext.Provider>
      </QueryClientProvider>,
    );
    return urls;
  }

  it('a button by each node’s name asks the server and opens the answer', async () => {
    const urls = withSelection(healthy());
    for (const name of ['pve1', 'pve2', 'pve3']) expect(within(row(name).Node).getByRole('button', { name: `can I reboot ${name} now?` })).toHaveAttribute('aria-haspopup', 'dialog');
    await userEvent.setup().click(screen.getByTestId('node-reboot-pve2'));
    expect(await screen.findByRole('dialog', { name: 'Can I reboot pve2 now?' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('reboot-answer')).toHaveTextContent('YES'));
    expect(urls).toEqual(['/api/v1/whatif/reboot?cluster=lab&node=pve2']);
  });

  it('in the compact grid too, one per tile', () => {
    withSelection(healthy({ nodes: 12 }));
    for (let i = 1; i <= 12; i++) expect(within(screen.getByTestId(`node-row-pve${i}`)).getByTestId(`node-reboot-pve${i}`)).toBeInTheDocument();
  });

  it('none on a sample page (no server), nor without a chosen cluster', () => {
    withSelection(healthy(), 'quorate');
    expect(screen.queryByTestId('node-reboot-pve1')).toBeNull();
  });
});
