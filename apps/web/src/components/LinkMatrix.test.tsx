// @vitest-environment happy-dom
// The link matrix: one node × node table per Corosync link, rows the reporting node, columns its peer;
// each cell says its state in a symbol and a word, its numbers in the title.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterSnapshot } from '@quorate/model';
import { healthy, pageSample, setLink, valid, words } from '../test/component';
import { LinkMatrix } from './LinkMatrix';

function matrix(s: ClusterSnapshot, stale = false) {
  render(<LinkMatrix s={valid(s)} stale={stale} />);
  return screen.getByRole('region', { name: /^Links/ });
}

/** the cell of link `link` in the row of `from` (the reporter) and the column of `to` (its peer) */
function cell(link: number, from: string, to: string): HTMLElement {
  const table = screen.getByRole('table', { name: `link${link}` });
  const columns = within(table)
    .getAllByRole('columnheader')
    .map((h) => h.textContent);
  const tr = within(table)
    .getAllByRole('row')
    .find((r) => within(r).queryByRole('rowheader')?.textContent === from);
  if (!tr) throw new Error(`no row ${from}`);
  // the first column header is the corner ("from \ to"), above the row headers
  const td = within(tr).getAllByRole('cell')[columns.indexOf(to) - 1];
  if (!td) throw new Error(`no column ${to}`);
  return td;
}

describe('LinkMatrix', () => {
  it('one table per link, nodes as rows and columns, every pair connected with its latency', () => {
    const region = matrix(healthy());
    expect(within(region).getByRole('heading', { level: 2 })).toHaveTextContent('Links (rows: the reporting node · columns: its peer)');
    expect(within(region).getAllByRole('table').map((t) => t.querySelector('caption')?.textContent)).toEqual(['link0', 'link1']);
    expect(screen.getByRole('region', { name: 'link0 matrix, scrolls sideways' })).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'link1' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['from \\ to', 'pve1', 'pve2', 'pve3']);
    expect(within(table).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['pve1', 'pve2', 'pve3']);
    for (const from of ['pve1', 'pve2', 'pve3'])
      for (const to of ['pve1', 'pve2', 'pve3']) {
        if (from === to) expect(cell(1, from, to)).toHaveAccessibleName('same node');
        else expect(words(cell(1, from, to))).toBe('✓ 0.2 ms connected');
      }
    expect(within(region).queryByText('last known')).not.toBeInTheDocument();
  });

  it('a row is what its node reports: pve1 sees pve2 down on link0 while pve2 still sees pve1', () => {
    const s = healthy();
    setLink(s, 1, 2, 0, { connected: false, latencyAvgMs: null, latencyMaxMs: null, downCount: 2 });
    matrix(s);
    expect(words(cell(0, 'pve1', 'pve2'))).toBe('✕ down disconnected');
    expect(words(cell(0, 'pve2', 'pve1'))).toBe('✓ 0.2 ms connected');
    expect(words(cell(1, 'pve1', 'pve2'))).toBe('✓ 0.2 ms connected');
    expect(cell(0, 'pve1', 'pve2')).toHaveAttribute('title', 'pve1 → pve2 link0: disconnected\nlatency avg ? / max ?\nloss 0 %\ndown 2×');
  });

  it('slow, above the bad mark, lossy, disabled and unreported links each have their word (default thresholds: 5 / 10 ms, 1 %)', () => {
    const s = healthy();
    setLink(s, 1, 2, 0, { latencyAvgMs: 7.4, latencyMaxMs: 30 });
    setLink(s, 1, 3, 0, { latencyAvgMs: 62, latencyMaxMs: 140, lossPct: 0 });
    setLink(s, 2, 1, 0, { latencyAvgMs: 0.3, lossPct: 2.5, downCount: 3 });
    setLink(s, 2, 3, 0, { enabled: false });
    setLink(s, 3, 1, 0, { latencyAvgMs: null });
    s.links = s.links.filter((l) => !(l.from === 3 && l.to === 2 && l.link === 0));
    matrix(s);
    expect(words(cell(0, 'pve1', 'pve2'))).toBe('✓ 7.4 ms connected, slow');
    expect(words(cell(0, 'pve1', 'pve3'))).toBe('✓ 62 ms connected, above the bad mark');
    expect(words(cell(0, 'pve2', 'pve1'))).toBe('✓ 0.3 ms connected, above the bad mark');
    expect(cell(0, 'pve2', 'pve1')).toHaveAttribute('title', 'pve2 → pve1 link0: connected, above the bad mark\nlatency avg 0.3 ms / max 0.5 ms\nloss 2.5 %\ndown 3×');
    expect(words(cell(0, 'pve2', 'pve3'))).toBe('off disabled');
    expect(words(cell(0, 'pve3', 'pve1'))).toBe('✓ up connected');
    expect(words(cell(0, 'pve3', 'pve2'))).toBe('? no data');
    expect(cell(0, 'pve3', 'pve2')).toHaveAttribute('title', 'pve3 → pve2 link0: no data');
  });

  it("colours by the cluster's own thresholds and says them", () => {
    const s = healthy();
    setLink(s, 1, 2, 0, { latencyAvgMs: 12.4 });
    setLink(s, 1, 3, 0, { latencyAvgMs: 30 });
    const region = render(<LinkMatrix s={valid(s)} stale={false} thresholds={{ warnLatencyMs: 20, badLatencyMs: 50, lossPct: 5, sustainMs: 10_000, recoverMs: 30_000 }} />).container;
    expect(words(cell(0, 'pve1', 'pve2'))).toBe('✓ 12 ms connected');
    expect(words(cell(0, 'pve1', 'pve3'))).toBe('✓ 30 ms connected, slow');
    expect(region).toHaveTextContent('Green up to 20 ms, amber above it, orange above 50 ms or 5 % loss');
  });

  it('a pair with a link-degraded open is marked degraded in both rows, on that link only', () => {
    const s = healthy();
    setLink(s, 1, 2, 0, { latencyAvgMs: 80 });
    setLink(s, 2, 1, 0, { latencyAvgMs: 79 });
    render(<LinkMatrix s={valid(s)} stale={false} degraded={new Set(['1:2:0'])} />);
    expect(words(cell(0, 'pve1', 'pve2'))).toBe('▲ 80 ms connected, degraded');
    expect(words(cell(0, 'pve2', 'pve1'))).toBe('▲ 79 ms connected, degraded');
    expect(cell(0, 'pve1', 'pve2')).toHaveAttribute('data-link-state', 'degraded');
    expect(cell(1, 'pve1', 'pve2')).toHaveAttribute('data-link-state', 'good');
    expect(cell(0, 'pve1', 'pve3')).toHaveAttribute('data-link-state', 'good');
  });

  it("a click on a pair's cell asks for its chart (node ids and link); without a handler the cells are no buttons", async () => {
    const onOpenPair = vi.fn();
    const { unmount } = render(<LinkMatrix s={valid(healthy())} stale={false} onOpenPair={onOpenPair} />);
    const button = within(cell(1, 'pve3', 'pve2')).getByRole('button', { name: /^✓ 0\.2 ms connected +— chart of pve3–pve2 link1$/ });
    expect(button).toHaveAttribute('aria-haspopup', 'dialog');
    await userEvent.setup().click(button);
    expect(onOpenPair).toHaveBeenCalledWith(3, 2, 1);
    expect(within(cell(0, 'pve1', 'pve1')).queryByRole('button')).toBeNull();
    unmount();
    matrix(healthy());
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('nodes lost: their links are down in both directions', () => {
    matrix(pageSample('lost').entry.snapshot);
    expect(words(cell(0, 'pve1', 'pve2'))).toBe('✕ down disconnected');
    expect(words(cell(1, 'pve3', 'pve1'))).toBe('✕ down disconnected');
  });

  it('not live: tagged "last known", a connected cell says it is the last known state', () => {
    const s = healthy();
    setLink(s, 1, 3, 1, { connected: false, latencyAvgMs: null });
    const region = matrix(s, true);
    expect(within(region).getByRole('heading', { level: 2 })).toHaveTextContent('last known');
    expect(words(cell(0, 'pve1', 'pve2'))).toBe('✓ 0.2 ms connected (last known)');
    expect(words(cell(1, 'pve1', 'pve3'))).toBe('✕ down disconnected');
  });

  it('a link only in the node addresses still gets a table, its cells without data', () => {
    const s = healthy({ links: 1 });
    for (const n of s.nodes) n.addresses.push({ link: 3, address: `10.3.0.${n.id}` });
    matrix(s);
    expect(screen.getAllByRole('table').map((t) => t.querySelector('caption')?.textContent)).toEqual(['link0', 'link3']);
    expect(words(cell(3, 'pve2', 'pve3'))).toBe('? no data');
  });

  it('no links at all: says so, no table', () => {
    const s = healthy({ links: 0 });
    const region = matrix(s);
    expect(region).toHaveTextContent('No links reported by this source.');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
