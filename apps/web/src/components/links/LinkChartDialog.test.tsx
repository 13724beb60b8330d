// @vitest-environment happy-dom
// The link trend dialog against a fake BFF (fetch), uPlot mocked (happy-dom has no canvas): a fixed series
// becomes the chart's columns (a gap is a null row), the summary in words, the data attributes the e2e
// reads, the table behind "Show data", the hour/week toggle; a node's view lists its links and opens one.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkSeriesPage, NodeLinkSeriesPage, type LinkSeriesPoint } from '@quorate/model';
import { DEFAULT_LINK_THRESHOLDS } from '../../api/links';
import { frozenClock } from '../../test/component';
import LinkChartDialog, { TABLE_ROWS, type ChartTarget } from './LinkChartDialog';

const plots = vi.hoisted(() => [] as { opts: { series: { label?: string }[] }; data: unknown[][]; destroyed: boolean }[]);
vi.mock('uplot', () => ({
  default: class {
    rec: (typeof plots)[number];
    constructor(opts: (typeof plots)[number]['opts'], data: unknown[][]) {
      this.rec = { opts, data, destroyed: false };
      plots.push(this.rec);
    }
    setData(data: unknown[][]) {
      this.rec.data = data;
    }
    setSize() {}
    destroy() {
      this.rec.destroyed = true;
    }
  },
}));

const T0 = Date.parse('2025-11-25T21:00:00Z');
frozenClock(T0 + 3_600_000);

const pt = (s: number, avgMs: number | null, lossPct = 0): LinkSeriesPoint => ({ t: T0 + s * 1000, avgMs, maxMs: avgMs === null ? null : avgMs + 1, lossPct, lossMaxPct: lossPct });

/** 0.4 ms, then 80 ms with 5 % loss, a 10 s gap, then 0.5 ms */
const HOUR = LinkSeriesPage.parse({
  clusterId: 'lab',
  range: 'hour',
  a: 1,
  b: 2,
  aName: 'pve1',
  bName: 'pve2',
  link: 0,
  resolutionMs: 1000,
  points: [pt(0, 0.4), pt(1, 0.4), pt(2, 80, 5), pt(3, 80), pt(14, 0.5)],
});
const WEEK = LinkSeriesPage.parse({ ...HOUR, range: 'week', resolutionMs: 60_000, points: [{ t: T0, avgMs: 0.3, maxMs: 2, lossPct: 0, lossMaxPct: 0 }] });
const NODE = NodeLinkSeriesPage.parse({
  clusterId: 'lab',
  node: 'pve1',
  range: 'hour',
  resolutionMs: 1000,
  series: [
    { a: 1, b: 2, aName: 'pve1', bName: 'pve2', link: 0, points: HOUR.points },
    { a: 1, b: 3, aName: 'pve1', bName: 'pve3', link: 0, points: [pt(0, 0.3), pt(1, 0.3)] },
  ],
});

let urls: string[] = [];
beforeEach(() => {
  plots.length = 0;
  urls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      const q = new URL(url, 'http://x').searchParams;
      const pair = q.get('range') === 'week' ? WEEK : HOUR;
      const [a, b] = [Number(q.get('a')), Number(q.get('b'))].sort((x, y) => x - y);
      const body = q.get('node') ? NODE : { ...pair, a, b, aName: `pve${a}`, bName: `pve${b}` };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function open(target: ChartTarget) {
  const onClose = vi.fn();
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <LinkChartDialog clusterId="lab" target={target} thresholds={DEFAULT_LINK_THRESHOLDS} nameOf={(id) => `pve${id}`} onClose={onClose} />
    </QueryClientProvider>,
  );
  return { onClose, dialog: screen.getByTestId('link-chart-dialog') };
}

describe('LinkChartDialog: one pair', () => {
  it('asks for the pair and link over the last hour; the chart gets the columns with a null row in the gap and the threshold lines', async () => {
    open({ kind: 'pair', a: 2, b: 1, link: 0 });
    expect(screen.getByTestId('link-chart-title')).toHaveTextContent('pve1–pve2 link 0');
    const chart = await screen.findByTestId('link-chart');
    expect(urls[0]).toBe('/api/v1/links/series?cluster=lab&a=2&b=1&link=0&range=hour');
    expect(chart).toHaveAttribute('data-range', 'hour');
    expect(chart).toHaveAttribute('data-points', '5');
    expect(chart).toHaveAttribute('data-max-ms', '81');
    expect(chart).toHaveAttribute('data-loss-max-pct', '5');
    expect(chart).toHaveAttribute('data-gaps', '1');
    const plot = plots.at(-1)!;
    expect(plot.opts.series.map((s) => s.label)).toEqual(['time', 'latency avg', 'latency max', 'loss', 'warn (5.0 ms)', 'bad (10 ms)']);
    expect(plot.data[0]).toEqual([0, 1, 2, 3, 4, 14].map((s) => T0 + s * 1000));
    expect(plot.data[1]).toEqual([0.4, 0.4, 80, 80, null, 0.5]);
    expect(plot.data[5]).toEqual([10, 10, 10, 10, 10, 10]);
    // the canvas is not read out; the summary describes the figure
    expect(screen.getByTestId('link-chart-canvas').parentElement).toHaveAttribute('aria-hidden', 'true');
    expect(chart).toHaveAccessibleDescription(
      'pve1–pve2 link 0, the last hour (1 s steps, 5 points): latency 0.4 ms at least, 32 ms on average, 81 ms at most; above the bad mark (10 ms) for 2.0 s. Loss up to 5 %. 1 gap without data.',
    );
  });

  it('"Show data": the points as a table, newest first', async () => {
    open({ kind: 'pair', a: 1, b: 2, link: 0 });
    const toggle = await screen.findByRole('button', { name: 'Show data' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByTestId('link-chart-table')).toBeNull();
    await userEvent.setup().click(toggle);
    expect(screen.getByRole('button', { name: 'Hide data' })).toHaveAttribute('aria-expanded', 'true');
    const table = screen.getByTestId('link-chart-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    expect(within(rows[0]!).getAllByRole('cell').map((c) => c.textContent)).toEqual([expect.stringMatching(/\d\d:\d\d:14/), '0.5 ms', '1.5 ms', '0 %', '0 %']);
    expect(within(rows[2]!).getAllByRole('cell').slice(1).map((c) => c.textContent)).toEqual(['80 ms', '81 ms', '5 %', '5 %']);
    expect(TABLE_ROWS).toBeGreaterThan(100);
  });

  it('the week: one-minute steps, asked when chosen', async () => {
    open({ kind: 'pair', a: 1, b: 2, link: 0 });
    await screen.findByTestId('link-chart');
    const week = screen.getByRole('button', { name: 'Last week' });
    expect(week).toHaveAttribute('aria-pressed', 'false');
    await userEvent.setup().click(week);
    await waitFor(() => expect(screen.getByTestId('link-chart')).toHaveAttribute('data-range', 'week'));
    expect(week).toHaveAttribute('aria-pressed', 'true');
    expect(urls.at(-1)).toBe('/api/v1/links/series?cluster=lab&a=1&b=2&link=0&range=week');
    expect(screen.getByTestId('link-chart-summary')).toHaveTextContent('pve1–pve2 link 0, the last week (1 min steps, 1 point): latency 0.3 ms at least');
  });

  it('Close closes the dialog', async () => {
    const { onClose } = open({ kind: 'pair', a: 1, b: 2, link: 0 });
    await screen.findByTestId('link-chart');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});

describe('LinkChartDialog: a node', () => {
  it('every link of the node on one time axis, listed with its figures; one opens its own chart, "back" returns', async () => {
    open({ kind: 'node', node: 'pve1' });
    const chart = await screen.findByTestId('link-chart');
    expect(urls[0]).toBe('/api/v1/links/series?cluster=lab&node=pve1');
    expect(chart).toHaveAttribute('data-series', '2');
    const plot = plots.at(-1)!;
    expect(plot.opts.series.map((s) => s.label)).toEqual(['time', 'pve1–pve2 link 0', 'pve1–pve3 link 0', 'warn (5.0 ms)', 'bad (10 ms)']);
    expect(plot.data[2]).toEqual([0.3, 0.3, null, null, null, null]);
    expect(screen.getByTestId('link-chart-summary')).toHaveTextContent(
      "pve1's links, the last hour (1 s steps): 2 pairs and links; the highest latency 81 ms on pve1–pve2 link 0; 1 above the bad mark (10 ms) at some time.",
    );
    const list = screen.getByRole('list', { name: 'links of pve1' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'pve1–pve2 link 0 0.4 ms–81 ms, average 32 ms, loss up to 5 %',
      'pve1–pve3 link 0 0.3 ms–1.3 ms, average 0.3 ms, loss up to 0 %',
    ]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Show data' }));
    expect(within(screen.getByTestId('link-chart-table')).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['pve1–pve2 link 0', 'pve1–pve3 link 0']);

    await user.click(within(list).getByRole('button', { name: 'pve1–pve3 link 0' }));
    expect(screen.getByTestId('link-chart-title')).toHaveTextContent('pve1–pve3 link 0');
    await waitFor(() => expect(urls.at(-1)).toBe('/api/v1/links/series?cluster=lab&a=1&b=3&link=0&range=hour'));
    await user.click(screen.getByRole('button', { name: '← All links of the node' }));
    expect(screen.getByTestId('link-chart-title')).toHaveTextContent('Links of pve1');
  });
});
