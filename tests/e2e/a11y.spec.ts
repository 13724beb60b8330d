// The accessibility gate: axe-core on every page, light and dark, fails on any serious or critical
// violation. No rule is disabled. A new page joins APP_PAGES (helpers.ts).
import AxeBuilder from '@axe-core/playwright';
import { APP_PAGES, expect, healAndOpen, test } from './helpers';


for (const theme of ['light', 'dark'] as const) {
  test.describe(`accessibility (${theme})`, () => {
    test.use({ colorScheme: theme });

    for (const p of APP_PAGES) {
      test(`${p.path}: no serious or critical axe violations`, async ({ page, api }) => {
        await healAndOpen(page, api);
        await page.evaluate((t) => localStorage.setItem('quorate-theme', t), theme);
        await page.goto(p.path);
        await expect(page.getByTestId(p.ready).first()).toBeVisible({ timeout: 15_000 });
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        const report = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        expect(report, report.join('\n')).toEqual([]);
      });
    }

    // the hero in each state (static samples: no sign-in needed)
    for (const sample of ['lost', 'partition', 'warning', 'unknown', 'lms', 'pve', 'pve-large'] as const) {
      test(`overview ?sample=${sample}: no serious or critical axe violations`, async ({ browser }) => {
        const context = await browser.newContext({ colorScheme: theme });
        const page = await context.newPage();
        await page.addInitScript((t) => localStorage.setItem('quorate-theme', t), theme);
        await page.goto(`/?sample=${sample}`);
        await expect(page.getByTestId('quorum-state').first()).toBeVisible({ timeout: 15_000 });
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(bad.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
        await context.close();
      });
    }

    test('login page: no serious or critical axe violations', async ({ browser }) => {
      const context = await browser.newContext({ colorScheme: theme });
      const page = await context.newPage();
      await page.goto('/');
      await expect(page.getByTestId('login-form')).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
      await context.close();
    });
  });
}
