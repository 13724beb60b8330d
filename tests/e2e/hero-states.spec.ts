// The hero's four states from the static samples (no sign-in): each carries data-hero-state, says why in
// words (every degraded reason with its fix), and the tab's title and icon say the same. Green only for
// healthy: the degraded hero is amber, never the healthy green.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers';

const SAMPLES = [
  { sample: 'healthy', state: 'healthy', title: '● HEALTHY — lab-cluster — Quorate', text: ['QUORATE', '3 of 3 votes present · 2 needed · can lose 1 more node'] },
  {
    sample: 'degraded',
    state: 'degraded',
    title: '● DEGRADED — lab-cluster — Quorate',
    text: ['DEGRADED', 'pve3 is offline (2 of 3 nodes online)', 'can lose 0 more', 'Fix: bring the offline nodes back to regain margin'],
  },
  {
    sample: 'two-node',
    state: 'degraded',
    title: '● DEGRADED — lab-cluster — Quorate',
    text: ['can lose 0 more: a 2-node cluster without a QDevice loses quorum when either node fails', 'Fix: add a QDevice on a third machine'],
  },
  { sample: 'override', state: 'degraded', title: '● DEGRADED — lab-cluster — Quorate', text: ['quorate only by a manual override: expected votes 1 (configured 3'] },
  { sample: 'partition', state: 'degraded', title: '● DEGRADED — lab-cluster — Quorate', text: ['partitioned: reachable nodes disagree on membership'] },
  { sample: 'qdevice-lost', state: 'degraded', title: '● DEGRADED — lab-cluster — Quorate', text: ['the QDevice (198.18.0.9) is disconnected: its 1 vote is missing'] },
  { sample: 'links-down', state: 'degraded', title: '● DEGRADED — lab-cluster — Quorate', text: ['fewer working links than configured: link1 pve1–pve2'] },
  { sample: 'lost', state: 'lost', title: '● QUORUM LOST — lab-cluster — Quorate', text: ['NOT QUORATE', 'Bring back pve2 or pve3'] },
  {
    sample: 'unknown',
    state: 'unknown',
    title: '● UNKNOWN — lab-cluster — Quorate',
    text: ['QUORUM UNKNOWN', 'pve1: ssh: connection refused', 'pve2: ssh: timed out after 10 s', 'pve3: ssh: host key mismatch'],
  },
] as const;

/** the hero's left border colour, as rendered */
const borderColor = (el: Element) => getComputedStyle(el).borderLeftColor;

/** a CSS colour (Tailwind 4 gives oklch) as [r, g, b], through a canvas pixel */
function rgb(page: Page, color: string): Promise<number[]> {
  return page.evaluate((c) => {
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data];
  }, color);
}

test.describe('hero states (samples)', () => {
  for (const { sample, state, title, text } of SAMPLES) {
    test(`?sample=${sample}: ${state}, in words, in the tab too`, async ({ page }) => {
      await page.goto(`/?sample=${sample}`);
      const hero = page.getByTestId('quorum-hero');
      await expect(hero).toHaveAttribute('data-hero-state', state);
      for (const t of text) await expect(hero).toContainText(t);
      await expect(page).toHaveTitle(title);
      await expect(page.locator('link[rel="icon"]')).toHaveAttribute('data-state', state);
      await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /^data:image\/svg\+xml,/);
    });
  }

  test('amber for degraded, green only for healthy', async ({ page }) => {
    await page.goto('/?sample=healthy');
    const green = await page.getByTestId('quorum-hero').evaluate(borderColor);
    await page.goto('/?sample=degraded');
    await expect(page.getByTestId('quorum-hero')).toHaveAttribute('data-hero-state', 'degraded');
    const amber = await page.getByTestId('quorum-hero').evaluate(borderColor);
    expect(amber).not.toBe(green);
    // amber: red and green high, blue low (whatever colour space the browser reports)
    const [r = 0, g = 0, b = 0] = await rgb(page, amber);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeGreaterThan(120);
    expect(b).toBeLessThan(60);
  });

  test('never known: no "last known" state, the configured nodes each with a reason, no cluster-less header', async ({ page }) => {
    await page.goto('/?sample=unknown');
    await expect(page.getByTestId('quorum-hero')).toHaveAttribute('data-hero-state', 'unknown');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('lab-cluster');
    await expect(page.getByRole('heading', { name: /^Nodes/ })).toContainText('(0 of 3 online)');
    await expect(page.getByTestId('node-row-pve2')).toContainText('ssh: timed out after 10 s');
    await expect(page.getByText(/last known/i)).toHaveCount(0);
  });
});

test('the brand on the sign-in page is a neutral mark, not a green "QUORATE" status', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('login-form')).toBeVisible();
  const brand = page.getByTestId('brand');
  await expect(brand).toHaveText('Quorate');
  await expect(brand.getByTestId('brand-mark')).toBeVisible();
  // not styled as a status: no uppercase "QUORATE", no green
  expect(await brand.evaluate((el) => getComputedStyle(el).textTransform)).not.toBe('uppercase');
  for (const el of [brand, brand.getByTestId('brand-mark')]) {
    const [r = 0, g = 0, b = 0] = await rgb(page, await el.evaluate((e) => getComputedStyle(e).color));
    expect(g > r + 30 && g > b + 30, `a green brand: rgb(${r}, ${g}, ${b})`).toBe(false);
  }
  await expect(page).toHaveTitle('Quorate');
  await context.close();
});
