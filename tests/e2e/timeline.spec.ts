// Time travel (issue 15): on a spec-own 3-node sim, quorum is lost (pve2 and pve3 stopped) and restored;
// the time-travel page steps back to the lost moment (NOT QUORATE under a "Past state" banner), the
// keyboard steps between changes, and the shared link (reloaded) shows the same moment. Screenshots at
// 1440 and 375 px wide; no sideways scroll on a phone.
import type { Page } from '@playwright/test';
import { csrfToken, expect, screenshotDir, signIn, test } from './helpers';

const cluster = `tl-${Date.now().toString(36)}`;

async function snapshotOf(page: Page): Promise<{ observedAt: number; quorum: { quorate: boolean } | null }> {
  const res = await page.request.get(`/api/v1/snapshot?cluster=${cluster}`);
  if (res.status() !== 200) return { observedAt: 0, quorum: null };
  return ((await res.json()) as { snapshot: { observedAt: number; quorum: { quorate: boolean } | null } }).snapshot;
}

async function fault(page: Page, body: unknown): Promise<void> {
  const res = await page.request.post(`/api/v1/sim/faults?cluster=${cluster}`, { data: body, headers: { 'x-csrf-token': await csrfToken(page) } });
  expect(res.status(), await res.text()).toBe(202);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
  const added = await page.request.post('/api/v1/clusters', {
    data: { id: cluster, source: 'sim', nodes: 3, links: 2, tokenMs: 300, seed: 15 },
    headers: { 'x-csrf-token': await csrfToken(page) },
  });
  expect([201, 409]).toContain(added.status());
});
test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page);
  const res = await page.request.delete(`/api/v1/clusters/${cluster}`, { headers: { 'x-csrf-token': await csrfToken(page) } });
  expect([200, 404]).toContain(res.status());
  await page.close();
});

test('step back to the moment quorum was lost; the shared link shows it again', async ({ page }) => {
  test.setTimeout(120_000);
  await expect.poll(async () => (await snapshotOf(page)).quorum?.quorate, { timeout: 30_000 }).toBe(true);
  await fault(page, { action: 'stop', nodes: ['pve2', 'pve3'] });
  await expect.poll(async () => (await snapshotOf(page)).quorum?.quorate, { timeout: 30_000 }).toBe(false);
  const lostAt = (await snapshotOf(page)).observedAt;
  await page.waitForTimeout(1500);
  await fault(page, { action: 'heal' });
  await expect.poll(async () => (await snapshotOf(page)).quorum?.quorate, { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(1500);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/timeline?cluster=${cluster}`);
  const ready = page.getByTestId('timeline-ready');
  await expect(ready).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveURL(/[?&]t=\d+/);
  await expect(page.getByTestId('past-banner')).toContainText('Past state');
  await expect(page.locator('[data-hero-state]')).not.toHaveAttribute('data-hero-state', 'lost');

  // back, transition by transition, to the lost state
  const hero = page.locator('[data-hero-state]');
  for (let i = 0; i < 8 && (await hero.getAttribute('data-hero-state')) !== 'lost'; i++) {
    const before = await ready.getAttribute('data-at');
    await page.getByTestId('prev-transition').click();
    await expect(ready).not.toHaveAttribute('data-at', before ?? '');
  }
  await expect(hero).toHaveAttribute('data-hero-state', 'lost');
  await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE');
  await expect(page.getByTestId('past-banner')).toContainText('Past state');
  await expect(page.getByTestId('past-banner')).toContainText('UTC');
  const shownAt = Number(await ready.getAttribute('data-at'));
  expect(Math.abs(shownAt - lostAt)).toBeLessThan(60_000);
  await page.screenshot({ path: `${screenshotDir}timeline-lost-1440.png`, fullPage: true });

  // the keyboard: → is the next change, ← back to this one
  const scrubber = page.getByTestId('scrubber-input');
  await scrubber.focus();
  await page.keyboard.press('ArrowRight');
  await expect(ready).not.toHaveAttribute('data-at', String(shownAt));
  await page.keyboard.press('ArrowLeft');
  await expect(ready).toHaveAttribute('data-at', String(shownAt));

  // the link names the moment: a reload shows the same one
  const url = page.url();
  expect(url).toMatch(/[?&]t=\d+/);
  await page.goto(url);
  await expect(page.getByTestId('timeline-ready')).toHaveAttribute('data-at', String(shownAt), { timeout: 30_000 });
  await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE');
  await expect(page.getByTestId('past-banner')).toContainText('Past state');

  // a phone: no sideways scroll
  await page.setViewportSize({ width: 375, height: 800 });
  await expect(page.getByTestId('timeline-ready')).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, '/timeline at 375 px').toBeLessThanOrEqual(375);
  await page.screenshot({ path: `${screenshotDir}timeline-lost-375.png`, fullPage: true });
});

test('a moment before the oldest kept one says so and offers the oldest', async ({ page }) => {
  await page.goto(`/timeline?cluster=${cluster}&t=1000`);
  await expect(page.getByTestId('timeline-error')).toContainText('nothing kept before', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Go to the oldest moment kept' }).click();
  await expect(page.getByTestId('timeline-ready')).toBeVisible({ timeout: 30_000 });
});
