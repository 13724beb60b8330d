// The guided join on a 3-node sim cluster of its own (added here with one spare, removed afterwards, so the
// shared lab-cluster of the other specs never changes shape): the spare pve4 joins through the wizard —
// candidate, its address on each link, the pre-flight, the review's predicted quorum, the run's live log,
// the verify step — and the overview shows 4 nodes, expected 4, needed 3, QUORATE. A reload at the review
// keeps the step.
import type { Page } from '@playwright/test';
import { csrfToken, expect, expectHealthy, screenshotDir, signIn, test } from './helpers';

/** a join in sim time: the lines a step apart, then Corosync's join delay and the verification */
const JOIN_TASK = 90_000;
const DETECTION = 20_000;
const SPARE = 'pve4';
const PHONE = { width: 375, height: 800 };
const clusterId = `join-${Date.now().toString(36)}`;

test.describe('join wizard', () => {
  test('pve4 joins a 3-node sim through the wizard: 4 nodes, expected 4, needed 3, quorate', async ({ page }) => {
    test.setTimeout(4 * JOIN_TASK);
    // adding a cluster is an admin's: the signed-in admin's session with its CSRF token
    await signIn(page);
    const headers = { 'x-csrf-token': await csrfToken(page) };
    const added = await page.request.post('/api/v1/clusters', { headers, data: { id: clusterId, name: 'join-e2e', source: 'sim', nodes: 3, links: 2, spares: 1, tokenMs: 300, tickMs: 500 } });
    expect(added.status(), await added.text()).toBe(201);
    try {
      await join(page);
    } finally {
      await page.request.delete(`/api/v1/clusters/${clusterId}`, { headers });
    }
  });
});

async function join(page: Page): Promise<void> {
  await page.goto(`/?cluster=${encodeURIComponent(clusterId)}`);
  await expectHealthy(page);
  await expect(page.getByTestId('op-join')).toBeVisible();
  await page.getByTestId('op-join').click();
  await expect(page).toHaveURL(/\/join\?/);
  await expect(page.getByTestId('step-heading')).toHaveText('Which node joins');
  await expect(page.getByTestId('step-heading')).toBeFocused();

  // source: the sim's spare, with its addresses
  await page.getByTestId(`candidate-${SPARE}`).click();
  await expect(page.getByTestId('join-node-name')).toHaveValue(SPARE);
  await page.getByTestId('step-next').click();

  // node & links: one address per link, prefilled from the candidate
  await expect(page.getByTestId('step-heading')).toHaveText('Node and links');
  await expect(page.getByTestId('join-link-0')).not.toHaveValue('');
  await page.getByTestId('step-next').click();

  // pre-flight: the server's checks, none failing for a healthy spare
  await expect(page.getByTestId('step-heading')).toHaveText('Pre-flight');
  await expect(page.getByTestId('preflight-summary')).toContainText('0 failed', { timeout: DETECTION });
  await expect(page.locator('[data-testid^="check-"][data-status="fail"]')).toHaveCount(0);
  await page.screenshot({ path: `${screenshotDir}join-preflight.png`, fullPage: true });
  await page.getByTestId('step-next').click();

  // review (no fingerprint with the sim): the predicted quorum; a reload keeps the step
  await expect(page.getByTestId('step-heading')).toHaveText('Review');
  await expect(page.getByTestId('review-quorum-sentence')).toHaveText('expected votes 3 → 4, needed 2 → 3, can lose 1 node → 1 node');
  await page.reload();
  await expect(page.getByTestId('step-heading')).toHaveText('Review');
  await expect(page.getByTestId('review-quorum-sentence')).toContainText('expected votes 3 → 4');
  // a phone: nothing scrolls sideways
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: `${screenshotDir}join-review-375.png`, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('review-confirm').check();
  await page.getByTestId('join-run').click();

  // run: the live log until it is done
  await expect(page.getByTestId('step-heading')).toHaveText('Run');
  await expect(page.getByTestId('join-task-log')).toContainText('Request addition of this node', { timeout: JOIN_TASK });
  await expect(page.getByTestId('join-task')).toHaveAttribute('data-result', 'ok', { timeout: JOIN_TASK });
  await expect(page.getByTestId('join-task-log')).toContainText('verified:');
  await page.getByTestId('step-next').click();

  // verify: the task's proof and the live snapshot
  await expect(page.getByTestId('step-heading')).toHaveText('Verify');
  await expect(page.getByTestId('verify-task-line')).toContainText('verified: 4 nodes');
  await expect(page.getByTestId('verify-node')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('verify-node')).toContainText(`${SPARE}: online, 1 vote`);
  await expect(page.getByTestId('verify-quorum')).toContainText('QUORATE');
  await expect(page.getByTestId('verify-quorum')).toContainText('4 nodes');
  await expect(page.getByTestId('verify-quorum')).toContainText('expected 4');
  await expect(page.getByTestId('verify-quorum')).toContainText('needed 3');
  await page.screenshot({ path: `${screenshotDir}join-verify.png`, fullPage: true });

  // the overview agrees (one click away, still on this cluster)
  await page.getByTestId('verify-overview').click();
  await expect(page).toHaveURL(new RegExp(`cluster=${clusterId}`));
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: DETECTION });
  await expect(page.getByTestId('votes-summary')).toContainText('4 of 4 votes', { timeout: DETECTION });
  await expect(page.getByTestId('votes-summary')).toContainText('3 needed');
}
