// Link degradation and trends (issue 10 §3): a simulated link at 80 ms raises one link-degraded (after the
// cluster's sustain time), the matrix marks the pair degraded, and its chart — a click on the cell — shows
// the rise above the bad mark, in the canvas, in words and in the data table; a node's links are a click
// away from its row. Screenshots of the chart, light and dark, go to artifacts/screenshots/ (to docs/screenshots/
// with UPDATE_DOCS_SCREENSHOTS=1, so a test run leaves the repository as it was).
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, healAndOpen, postFault, screenshotDir, test } from './helpers';

const docsShots = process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : screenshotDir;

/** the accessibility gate's rule (a11y.spec.ts) on the open dialog: no serious or critical violation */
async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).include('[data-testid="link-chart-dialog"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
}

interface Thresholds {
  warnLatencyMs: number;
  badLatencyMs: number;
}

test.describe('link degradation', () => {
  test('80 ms on pve1 link0: one link-degraded, the matrix marks it, the chart shows the rise', async ({ page, api }) => {
    test.setTimeout(150_000);
    const clusterId = await healAndOpen(page, api);
    const settings = await page.request.get(`/api/v1/settings/links?cluster=${encodeURIComponent(clusterId)}`);
    expect(settings.ok()).toBe(true);
    const { thresholds } = (await settings.json()) as { thresholds: Thresholds };
    expect(thresholds.badLatencyMs).toBeLessThan(80);

    // healthy first: nothing degraded, every pve1 cell green
    await expect(page.getByTestId('link-cell-0-pve1-pve2')).toHaveAttribute('data-link-state', 'good');
    const before = await page.locator('[data-testid="incident"][data-cause="link-degraded"]').count();
    const eventsUrl = (since: number) => `/api/v1/events?cluster=${encodeURIComponent(clusterId)}&since=${since}&limit=1000`;
    const seqBefore = ((await (await api.get(eventsUrl(0))).json()) as { next: number }).next;

    await postFault(api, clusterId, { action: 'link-quality', node: 'pve1', link: 0, latencyMs: 80, lossPct: 0, jitterMs: 0 });
    // above the bad mark at once (orange), degraded once it lasted the sustain time (10 s on the BFF's clock)
    await expect(page.getByTestId('link-cell-0-pve1-pve2')).toHaveAttribute('data-link-state', /bad|degraded/, { timeout: 10_000 });
    const degraded = page.locator('[data-testid="incident"][data-cause="link-degraded"][data-open="true"]');
    await expect(degraded).toHaveCount(1, { timeout: 30_000 });
    await expect(degraded).toContainText('pve1');
    await expect(page.locator('[data-testid="incident"][data-cause="link-degraded"]')).toHaveCount(before + 1);
    await expect(page.getByTestId('link-cell-0-pve1-pve2')).toHaveAttribute('data-link-state', 'degraded');
    await expect(page.getByTestId('link-cell-0-pve2-pve1')).toHaveAttribute('data-link-state', 'degraded');
    await expect(page.getByTestId('link-cell-1-pve1-pve2')).toHaveAttribute('data-link-state', 'good');
    // healthy nodes are not degraded: pve2–pve3 stays green
    await expect(page.getByTestId('link-cell-0-pve2-pve3')).toHaveAttribute('data-link-state', 'good');
    // one link-degraded for the pair (80 ms stays bad: no repeat), none on link1
    type Ev = { body: { type: string; from?: number; to?: number; link?: number } };
    const pairEvents = async () =>
      ((await (await api.get(eventsUrl(seqBefore))).json()) as { events: Ev[] }).events.filter(
        (e) => e.body.type === 'link-degraded' && e.body.from === 1 && e.body.to === 2,
      );
    expect((await pairEvents()).map((e) => e.body.link)).toEqual([0]);

    // the pair's chart: a click on the cell
    await page.getByTestId('link-cell-0-pve1-pve2').getByRole('button').click();
    const dialog = page.getByTestId('link-chart-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('link-chart-title')).toHaveText('pve1–pve2 link 0');
    const chart = dialog.getByTestId('link-chart');
    await expect(chart).toHaveAttribute('data-range', 'hour');
    await expect.poll(async () => Number(await chart.getAttribute('data-max-ms')), { timeout: 15_000 }).toBeGreaterThan(thresholds.badLatencyMs);
    await expect(dialog.getByTestId('link-chart-canvas').locator('canvas')).toBeVisible();
    await expect(dialog.getByTestId('link-chart-summary')).toContainText(`above the bad mark (${thresholds.badLatencyMs}`);
    // the table fallback: the newest row is above the bad mark
    await dialog.getByTestId('link-chart-show-data').click();
    const table = dialog.getByTestId('link-chart-table');
    await expect(table).toBeVisible();
    const newestAvg = await table.locator('tbody tr').first().locator('td').nth(1).textContent();
    expect(Number.parseFloat(newestAvg ?? '')).toBeGreaterThan(thresholds.badLatencyMs);
    await dialog.getByTestId('link-chart-show-data').click();

    // the screenshots: the chart with the rise, light and dark (the theme follows the system until chosen)
    await page.mouse.move(0, 0);
    await dialog.screenshot({ path: `${docsShots}link-chart-light.png` });
    await expectAccessible(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveClass(/dark/);
    await expect(dialog.getByTestId('link-chart-canvas').locator('canvas')).toBeVisible();
    await dialog.screenshot({ path: `${docsShots}link-chart-dark.png` });
    await expectAccessible(page);
    await page.emulateMedia({ colorScheme: 'light' });

    // the week: one-minute steps from SQLite
    await dialog.getByTestId('link-chart-range-week').click();
    await expect(chart).toHaveAttribute('data-range', 'week');
    await expect(dialog.getByTestId('link-chart-summary')).toContainText('the last week');
    await dialog.getByTestId('link-chart-close').click();
    await expect(dialog).toHaveCount(0);

    // a node's links: from its row, then one of them
    await page.getByTestId('node-links-pve1').click();
    await expect(dialog.getByTestId('link-chart-title')).toContainText('Links of pve1');
    await expect(dialog.getByTestId('link-chart-pick')).toHaveCount(4);
    await expect(dialog.getByTestId('link-chart-summary')).toContainText('the highest latency');
    await dialog.getByTestId('link-chart-pick').filter({ hasText: 'pve1–pve3 link 0' }).click();
    await expect(dialog.getByTestId('link-chart-title')).toHaveText('pve1–pve3 link 0');
    await expect.poll(async () => Number(await chart.getAttribute('data-max-ms')), { timeout: 15_000 }).toBeGreaterThan(thresholds.badLatencyMs);
    await dialog.getByTestId('link-chart-back').click();
    await expect(dialog.getByTestId('link-chart-title')).toContainText('Links of pve1');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    // still one link-degraded for the pair, seconds later
    expect(await pairEvents()).toHaveLength(1);

    // healed: recovered after the cluster's recover time, the incident closes
    await postFault(api, clusterId, { action: 'heal' });
    await expect(degraded).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId('link-cell-0-pve1-pve2')).toHaveAttribute('data-link-state', 'good');
  });

  test('an admin sets the link thresholds on the admin page; the BFF has them; back to the defaults', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    const get = async () => ((await (await page.request.get(`/api/v1/settings/links?cluster=${encodeURIComponent(clusterId)}`)).json()) as { thresholds: Thresholds & { sustainMs: number } }).thresholds;
    await page.getByTestId('nav-admin').click();
    const form = page.getByTestId('link-thresholds-form');
    await expect(form).toBeVisible();
    // warn above bad: said at the field, nothing sent
    await form.getByTestId('link-thresholds-warnLatencyMs').fill('50');
    await form.getByTestId('link-thresholds-save').click();
    await expect(form.getByTestId('link-thresholds-warnLatencyMs-error')).toHaveText('The warn mark cannot be above the bad mark.');
    expect((await get()).warnLatencyMs).toBe(5);
    await form.getByTestId('link-thresholds-warnLatencyMs').fill('20');
    await form.getByTestId('link-thresholds-badLatencyMs').fill('50');
    await form.getByTestId('link-thresholds-sustainS').fill('15');
    await form.getByTestId('link-thresholds-save').click();
    await expect(form.getByTestId('link-thresholds-notice')).toHaveText('Saved.');
    expect(await get()).toMatchObject({ warnLatencyMs: 20, badLatencyMs: 50, sustainMs: 15_000 });
    // the overview's matrix says the cluster's marks
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('link-matrix')).toContainText('Green up to 20 ms, amber above it, orange above 50 ms');
    await page.getByTestId('nav-admin').click();
    await form.getByTestId('link-thresholds-reset').click();
    await expect(form.getByTestId('link-thresholds-notice')).toHaveText('Back to the defaults.');
    await expect(form.getByTestId('link-thresholds-badLatencyMs')).toHaveValue('10');
    expect(await get()).toMatchObject({ warnLatencyMs: 5, badLatencyMs: 10, sustainMs: 10_000 });
  });
});
