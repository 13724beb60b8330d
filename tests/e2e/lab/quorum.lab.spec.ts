// The dashboard on a real Corosync 3 cluster (the namespace lab, 3 nodes, token 1000): quorate 3/3, then
// pve2 frozen and pve3 killed -> NOT QUORATE with 1 of 3 votes, then restored -> QUORATE 3 of 3.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { Lab } from '@quorate/lab';
import { labCheck, labPrefix, signIn } from './lab-env';

const screenshotDir = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));

let avail: { ok: boolean; reason: string | null } = { ok: false, reason: 'not checked yet' };
test.beforeAll(async () => {
  avail = await labCheck();
});

async function expectQuorate3of3(page: Page, timeout: number): Promise<void> {
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout });
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout });
  for (const name of ['pve1', 'pve2', 'pve3']) await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-state', 'online', { timeout });
}

test.describe('the dashboard on the real-Corosync lab', () => {
  test('freeze pve2 + kill pve3: NOT QUORATE, 1 of 3 votes, pve2/pve3 missing; restored: QUORATE 3 of 3', async ({ page }) => {
    test.skip(!avail.ok, `needs the real-Corosync lab: ${avail.reason}`);
    const lab = await Lab.open(labPrefix());
    await signIn(page);
    await page.goto('/');

    // the lab source may have attached a moment ago (it retries every 3 s until the lab is up)
    await expectQuorate3of3(page, 45_000);
    for (const name of ['pve1', 'pve2', 'pve3']) await expect(page.getByTestId(`node-row-${name}`)).toContainText(name);
    await expect(page.getByTestId('storage')).toContainText('Storage: not provided by this source');

    try {
      await lab.fault('pve2', { kind: 'freeze' });
      await lab.fault('pve3', { kind: 'kill' });

      // token 1000 on 3 nodes: Corosync drops them after ~4 s
      await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: 30_000 });
      await expect(page.getByTestId('quorum-hero')).toHaveAttribute('data-quorate', 'false');
      await expect(page.getByTestId('votes-summary')).toHaveText('1 of 3 votes, 2 needed');
      await expect(page.getByTestId('missing-pve2')).toBeVisible();
      await expect(page.getByTestId('missing-pve3')).toBeVisible();
      await expect(page.getByTestId('missing-pve1')).toHaveCount(0);
      await expect(page.getByTestId('node-row-pve2')).toHaveAttribute('data-state', 'offline');
      await expect(page.getByTestId('node-row-pve3')).toHaveAttribute('data-state', 'offline');
      await expect(page.getByTestId('node-row-pve1')).toHaveAttribute('data-state', 'online');
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: `${screenshotDir}lab-quorum-lost.png`, fullPage: true });
    } finally {
      // restore whatever happened above, so the next run (and teardown) starts from a running cluster
      await lab.fault('pve2', { kind: 'thaw' }).catch(() => undefined);
      await lab.fault('pve3', { kind: 'start' }).catch(() => undefined);
    }

    await expectQuorate3of3(page, 60_000);
    await expect(page.getByTestId('missing-nodes')).toHaveCount(0);
  });
});
