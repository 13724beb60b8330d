import { expect, healAndOpen, screenshotDir, test } from './helpers';

test.describe('overview', () => {
  test('shows a healthy lab cluster: quorate, three nodes, links, storage, live', async ({ page, api }) => {
    await healAndOpen(page, api);

    await expect(page.getByRole('heading', { level: 1 })).toHaveText('lab-cluster');
    const hero = page.getByTestId('quorum-hero');
    await expect(hero).toHaveAttribute('data-quorate', 'true');
    await expect(page.getByTestId('votes-summary')).toContainText('2 needed');
    await expect(page.getByTestId('votes-summary')).toContainText('can lose 1 more node');

    for (const name of ['pve1', 'pve2', 'pve3']) {
      const row = page.getByTestId(`node-row-${name}`);
      await expect(row).toHaveAttribute('data-state', 'online');
      await expect(row).toContainText('online');
    }

    const matrix = page.getByTestId('link-matrix');
    await expect(matrix).toBeVisible();
    await expect(matrix.getByRole('table').first()).toContainText('pve3');

    const storage = page.getByTestId('storage');
    await expect(storage).toBeVisible();
    await expect(storage.getByRole('heading', { name: 'Storage' })).toBeVisible();

    const conn = page.getByTestId('connection-state');
    await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect(conn).toContainText(/\d+(\.\d)? s old/);

    await expect(page.getByTestId('event-feed')).toBeVisible();
    await expect(page.getByTestId('lab-controls')).toBeVisible();
    await expect(page.getByTestId('early-warning')).toHaveCount(0);

    await page.screenshot({ path: `${screenshotDir}overview.png`, fullPage: true });
  });

  test('is usable at 375 px: the hero comes first', async ({ page, api }) => {
    await page.setViewportSize({ width: 375, height: 812 });
    await healAndOpen(page, api);
    const hero = await page.getByTestId('quorum-hero').boundingBox();
    const nodes = await page.getByTestId('node-row-pve1').boundingBox();
    expect(hero && nodes && hero.y < nodes.y).toBe(true);
    // nothing but the link matrix may scroll sideways
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${screenshotDir}overview-375.png`, fullPage: true });
  });

  test('theme toggle switches and persists', async ({ page, api }) => {
    await healAndOpen(page, api);
    const before = await page.evaluate(() => document.documentElement.classList.contains('dark'));
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(!before);
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(!before);
  });
});
