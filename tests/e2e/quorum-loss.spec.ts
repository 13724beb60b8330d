import { expect, healAndOpen, postFault, screenshotDir, test } from './helpers';

// QUORATE_SIM_TOKEN_MS=300: a crash is noticed within a couple of seconds; allow for slow CI machines
const DETECTION = 20_000;

test.describe('quorum loss', () => {
  test('stopping pve2 and pve3 from the lab controls raises the alarm; heal brings quorum back', async ({ page, api }) => {
    await healAndOpen(page, api);

    const lab = page.getByTestId('lab-controls');
    await lab.getByTestId('lab-pick-pve2').check();
    await lab.getByTestId('lab-pick-pve3').check();
    await lab.getByTestId('lab-stop').click();
    await expect(lab.getByTestId('lab-accepted')).toContainText('stop pve2, pve3');

    await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: DETECTION });
    await expect(page.getByTestId('quorum-hero')).toHaveAttribute('data-quorate', 'false');
    await expect(page.getByTestId('votes-summary')).toHaveText('1 of 3 votes, 2 needed');
    await expect(page.getByTestId('missing-pve2')).toBeVisible();
    await expect(page.getByTestId('missing-pve3')).toBeVisible();
    await expect(page.getByTestId('quorum-hero')).toContainText('read-only');
    await expect(page.getByTestId('quorum-hero')).toContainText('pvecm expected 1');
    await expect(page.getByTestId('recovery-options')).toContainText('pve2');
    await expect(page.getByTestId('node-row-pve2')).toHaveAttribute('data-state', 'offline');

    // one entry for the quorum loss (an incident, open), its event inside
    const feed = page.getByTestId('event-feed');
    const lost = feed.locator('[data-testid="incident"][data-cause="quorum-lost"]').first();
    await expect(lost).toBeVisible({ timeout: DETECTION });
    await expect(lost).toHaveAttribute('data-open', 'true');
    await expect(lost).toContainText(/quorum lost/i);
    await lost.locator('summary').click();
    await expect(lost.locator('li[data-type="quorum-lost"]').first()).toBeVisible();

    // announced once for screen readers
    await expect(page.getByTestId('quorum-announcer')).toContainText('quorum lost');

    await page.screenshot({ path: `${screenshotDir}quorum-lost.png`, fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${screenshotDir}quorum-lost-375.png`, fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });

    await lab.getByTestId('lab-heal').click();
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 30_000 });
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 30_000 });
    // quorum regained closes the incident; the event is inside it
    await expect(lost).toHaveAttribute('data-open', 'false', { timeout: DETECTION });
    await expect(lost.locator('li[data-type="quorum-regained"]').first()).toBeVisible();
  });

  test('a fault posted to the API reaches the open page', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    await postFault(api, clusterId, { action: 'stop', nodes: ['pve2', 'pve3'] });
    await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: DETECTION });
    await expect(page.getByTestId('votes-summary')).toHaveText('1 of 3 votes, 2 needed');
    await postFault(api, clusterId, { action: 'heal' });
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 30_000 });
  });

  test('the lab controls show the server’s validation error', async ({ page, api }) => {
    await healAndOpen(page, api);
    const lab = page.getByTestId('lab-controls');
    await lab.getByTestId('lab-stop').click(); // no node picked: the BFF answers 400
    const error = lab.getByTestId('lab-error');
    await expect(error).toBeVisible();
    await expect(error).toContainText('HTTP 400');
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE');
  });
});
