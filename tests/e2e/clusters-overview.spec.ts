// The all-clusters page (issue 17) with 20 simulated clusters of 3 to 16 nodes added for this spec: two nodes
// of a 3-node one stopped, it loses quorum and is listed first as "quorum lost"; the counts agree with the
// BFF's list; the filter finds one by id; a row opens its dashboard; the header and the switcher link here;
// starting the nodes again moves it down live. Screenshots at 1440 and 375 px (no sideways scroll). The
// clusters are removed at the end.
import type { Page } from '@playwright/test';
import { csrfToken, expect, postFault, screenshotDir, signIn, test } from './helpers';

const RUN = Date.now().toString(36).slice(-5);
const COUNT = 20;
const ids = Array.from({ length: COUNT }, (_, i) => `msp${RUN}-${String(i + 1).padStart(2, '0')}`);
/** 3 to 16 nodes; the first has 3 (two stopped: quorum lost) */
const nodesOf = (i: number) => 3 + ((i * 5) % 14);
const LOST = ids[0]!;

type Health = 'healthy' | 'degraded' | 'lost' | 'unknown';
const rows = (page: Page) => page.locator('[data-testid^="clusters-row-"]');

/** the counts the BFF's list gives, as the page words them: "1 lost · 20 healthy" */
async function apiCounts(page: Page): Promise<string> {
  const { clusters } = (await (await page.request.get('/api/v1/clusters')).json()) as { clusters: { state?: { health: Health } }[] };
  const n: Record<Health, number> = { lost: 0, degraded: 0, unknown: 0, healthy: 0 };
  for (const c of clusters) n[c.state?.health ?? 'unknown']++;
  return (['lost', 'degraded', 'unknown', 'healthy'] as const)
    .filter((h) => n[h] > 0)
    .map((h) => `${n[h]} ${h}`)
    .join(' · ');
}

async function pageCounts(page: Page): Promise<string> {
  return (await page.locator('[data-testid^="clusters-count-"] > span:last-child').allTextContents()).join(' · ');
}

test.describe('all clusters', () => {
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    await signIn(page);
    const headers = { 'x-csrf-token': await csrfToken(page) };
    for (const [i, id] of ids.entries()) {
      const res = await page.request.post('/api/v1/clusters', {
        headers,
        data: { id, name: `Customer ${String(i + 1).padStart(2, '0')}`, source: 'sim', nodes: nodesOf(i), links: 1, tokenMs: 300, tickMs: 1000, seed: i + 1 },
      });
      expect(res.status(), await res.text()).toBe(201);
    }
    await page.close();
  });

  test.afterAll(async ({ browser }) => {
    const page = await browser.newPage();
    await signIn(page);
    const headers = { 'x-csrf-token': await csrfToken(page) };
    for (const id of ids) expect([200, 404]).toContain((await page.request.delete(`/api/v1/clusters/${id}`, { headers })).status());
    await page.close();
  });

  test('20 sim clusters, one without quorum: listed first, counted, filtered, opened; live; 1440 and 375 px', async ({ page, api }) => {
    test.setTimeout(180_000);
    await signIn(page);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/clusters');
    await expect(page.getByTestId('clusters-page')).toBeVisible();
    await expect(page).toHaveTitle(/^All clusters — /);
    // every one of ours up and healthy before the fault
    for (const id of ids) await expect(page.getByTestId(`clusters-row-${id}`)).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });

    await postFault(api, LOST, { action: 'stop', nodes: ['pve2', 'pve3'] });
    const first = rows(page).first();
    await expect(first).toHaveAttribute('data-testid', `clusters-row-${LOST}`, { timeout: 30_000 });
    await expect(first).toContainText('quorum lost');
    await expect(first).toContainText('1 of 3 (2 needed)', { timeout: 15_000 });
    await expect(first).toContainText('1/3');
    await expect(first.locator('time')).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await expect(first.locator('time')).toHaveText(/ago$/);
    await expect(page.getByTestId('clusters-count-lost')).toContainText(/\d+ lost/);
    await expect.poll(async () => (await pageCounts(page)) === (await apiCounts(page)), { timeout: 15_000 }).toBe(true);
    // a healthy 16-node one reads its figures
    const big = ids[ids.findIndex((_, i) => nodesOf(i) === 16)]!;
    await expect(page.getByTestId(`clusters-row-${big}`)).toContainText('16 of 16 (9 needed)');
    await page.screenshot({ path: `${screenshotDir}clusters-overview-1440.png`, fullPage: true });

    // the filter: one by its id, then all of ours by the common prefix
    const filter = page.getByTestId('clusters-filter');
    await filter.fill(ids[6]!);
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toHaveAttribute('data-testid', `clusters-row-${ids[6]}`);
    await filter.fill(`msp${RUN}`);
    await expect(rows(page)).toHaveCount(COUNT);
    await expect(page.getByTestId('clusters-shown')).toContainText(`${COUNT} of`);
    await expect(page).toHaveURL(new RegExp(`q=msp${RUN}`));
    // by name, A to Z: Customer 01 … Customer 20
    await page.getByRole('columnheader', { name: /^Cluster/ }).getByRole('button').click();
    await expect(page.getByRole('columnheader', { name: /^Cluster/ })).toHaveAttribute('aria-sort', 'ascending');
    await expect(rows(page).last()).toHaveAttribute('data-testid', `clusters-row-${ids[COUNT - 1]}`);
    await filter.fill('');

    // a row opens its dashboard
    await page.goto('/clusters');
    await rows(page).first().getByRole('cell').nth(3).click();
    await expect(page).toHaveURL(new RegExp(`/\\?cluster=${LOST}$`));
    await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: 15_000 });

    // back through the switcher's "All clusters", then the header's link
    await page.getByTestId('cluster-select').click();
    await expect(page.getByTestId('cluster-switcher-all')).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}clusters-switcher-1440.png` });
    await page.getByTestId('cluster-switcher-all').click();
    await expect(page.getByTestId('clusters-page')).toBeVisible();
    await expect(page.getByTestId('cluster-switcher')).toHaveCount(0);
    await expect(page.getByTestId('nav-clusters')).toHaveAttribute('aria-current', 'page');

    // live: its nodes start again, it leaves the top and the lost count with it
    await postFault(api, LOST, { action: 'start', nodes: ['pve2', 'pve3'] });
    await expect(page.getByTestId(`clusters-row-${LOST}`)).toHaveAttribute('data-health', 'healthy', { timeout: 30_000 });
    await expect.poll(async () => (await pageCounts(page)) === (await apiCounts(page)), { timeout: 15_000 }).toBe(true);
    await postFault(api, LOST, { action: 'stop', nodes: ['pve2', 'pve3'] });
    await expect(rows(page).first()).toHaveAttribute('data-testid', `clusters-row-${LOST}`, { timeout: 30_000 });

    // a phone: three columns, nothing scrolls sideways; the menu links here too
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/clusters');
    await expect(rows(page).first()).toHaveAttribute('data-testid', `clusters-row-${LOST}`, { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const box = await page.getByTestId('clusters-page').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    await expect(rows(page).first()).toContainText('votes 1 of 3 (2 needed) · nodes 1/3');
    await page.screenshot({ path: `${screenshotDir}clusters-overview-375.png`, fullPage: true });
    await page.getByTestId('menu-toggle').click();
    await expect(page.getByTestId('nav-clusters')).toBeVisible();
  });
});
