// Large clusters and phones (issue 11 §1, §2): on 16- and 32-node simulators with 8 links, no page scrolls
// sideways at 375 px, and at 1440×900 the hero and the node grid's first row are above the fold. The clusters
// are added through the admin API for this spec and removed at the end (as in incidents.spec.ts).
import { APP_PAGES, csrfToken, expect, screenshotDir, signIn, test } from './helpers';


for (const nodes of [16, 32] as const) {
  test.describe(`${nodes} nodes × 8 links`, () => {
    const cluster = `big${nodes}-${Date.now().toString(36)}`;

    test.beforeEach(async ({ page }) => {
      await signIn(page);
      const added = await page.request.post('/api/v1/clusters', {
        data: { id: cluster, source: 'sim', nodes, links: 8, tokenMs: 300, seed: 11 },
        headers: { 'x-csrf-token': await csrfToken(page) },
      });
      expect(added.status(), await added.text()).toBe(201);
    });
    test.afterEach(async ({ page }) => {
      const res = await page.request.delete(`/api/v1/clusters/${cluster}`, { headers: { 'x-csrf-token': await csrfToken(page) } });
      expect([200, 404]).toContain(res.status());
    });

    test('no page scrolls sideways at 375 px', async ({ page }) => {
      test.setTimeout(120_000);
      await page.setViewportSize({ width: 375, height: 800 });
      for (const p of APP_PAGES) {
        await page.goto(`${p.path}?cluster=${cluster}`);
        await expect(page.getByTestId(p.ready).first()).toBeVisible({ timeout: 30_000 });
        if (p.path === '/') {
          await expect(page.getByTestId('votes-summary')).toContainText(`${nodes} of ${nodes} votes`, { timeout: 30_000 });
          await expect(page.getByTestId('link-matrix')).toBeVisible();
        }
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${p.path} at 375 px`).toBeLessThanOrEqual(375);
        if (p.path === '/' && nodes === 32) await page.screenshot({ path: `${screenshotDir}overview-32-375.png`, fullPage: true });
      }
    });

    test('phone: the hero, then the feed, before the long panels; the header is one row', async ({ page }) => {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`/?cluster=${cluster}`);
      await expect(page.getByTestId('votes-summary')).toContainText(`${nodes} of ${nodes} votes`, { timeout: 30_000 });
      const y = async (id: string) => (await page.getByTestId(id).boundingBox())?.y ?? Number.NaN;
      const hero = await y('quorum-hero');
      const feed = await y('event-feed');
      const grid = await y('node-grid');
      const matrix = await y('link-matrix');
      expect(hero).toBeLessThan(feed);
      expect(feed).toBeLessThan(grid);
      expect(feed).toBeLessThan(matrix);
      const header = await page.locator('header').boundingBox();
      expect(header?.height ?? 999, 'header height').toBeLessThanOrEqual(64);
    });

    test('1440×900: the hero and the node grid are above the fold', async ({ page }) => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`/?cluster=${cluster}`);
      await expect(page.getByTestId('votes-summary')).toContainText(`${nodes} of ${nodes} votes`, { timeout: 30_000 });
      for (const id of ['quorum-hero', 'node-grid']) {
        const box = await page.getByTestId(id).first().boundingBox();
        expect(box, id).not.toBeNull();
        expect((box?.y ?? 0) + (box?.height ?? 0), `${id} bottom`).toBeLessThan(900);
      }
      if (nodes === 32) await page.screenshot({ path: `${screenshotDir}overview-32-1440.png` });
    });
  });
}
