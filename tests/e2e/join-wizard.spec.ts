// The guided join on the 3-node sim 'lab-cluster': its spare pve4 (QUORATE_SIM_SPARES) joins through the
// wizard — candidate, its address on each link, the pre-flight, the review's predicted quorum, the run's
// live log, the verify step — and the overview shows 4 nodes, expected 4, needed 3, QUORATE. A reload at
// the review keeps the step. Afterwards pve4 is powered off and removed again, so the next spec finds 3.
import type { APIRequestContext } from '@playwright/test';
import { expect, healAndOpen, postFault, screenshotDir, simClusterId, test } from './helpers';

/** a join in sim time: the lines a step apart, then Corosync's join delay and the verification */
const JOIN_TASK = 90_000;
const DETECTION = 20_000;
const SPARE = 'pve4';
const PHONE = { width: 375, height: 800 };

async function waitForTask(api: APIRequestContext, id: string): Promise<string> {
  let status = 'running';
  await expect
    .poll(
      async () => {
        status = ((await (await api.get(`/api/v1/tasks/${encodeURIComponent(id)}`)).json()) as { status: string }).status;
        return status;
      },
      { timeout: JOIN_TASK },
    )
    .not.toBe('running');
  return status;
}

test.describe('join wizard', () => {
  test.afterEach(async ({ api }) => {
    // leave 3 nodes behind, in Proxmox's order: power the spare off, remove it once it is seen offline, heal
    const id = await simClusterId(api);
    const op = `/api/v1/operations/delnode?cluster=${encodeURIComponent(id)}`;
    const first = await api.post(op, { data: { node: SPARE, dryRun: true } });
    const joined = !(await first.text()).includes('not a known host');
    if (joined) {
      await api.post(`/api/v1/sim/faults?cluster=${encodeURIComponent(id)}`, { data: { action: 'stop', nodes: [SPARE] } });
      // the dry run answers 200 once the node is seen offline (409 while online; 409 "not a known host" if it never joined)
      const planned = await expect
        .poll(async () => (await api.post(op, { data: { node: SPARE, dryRun: true } })).status(), { timeout: DETECTION })
        .toBe(200)
        .then(() => true)
        .catch(() => false);
      if (planned) {
        const res = await api.post(op, { data: { node: SPARE, clusterName: 'lab-cluster', confirm: true } });
        if (res.status() === 202) await waitForTask(api, ((await res.json()) as { task: { id: string } }).task.id);
      }
    }
    await postFault(api, id, { action: 'heal' });
  });

  test('pve4 joins lab-cluster through the wizard: 4 nodes, expected 4, needed 3, quorate', async ({ page, api }) => {
    test.setTimeout(4 * JOIN_TASK);
    const clusterId = await healAndOpen(page, api);
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

    // the overview agrees
    await page.goto(`/?cluster=${encodeURIComponent(clusterId)}`);
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: DETECTION });
    await expect(page.getByTestId('votes-summary')).toContainText('4 of 4 votes', { timeout: DETECTION });
    await expect(page.getByTestId('votes-summary')).toContainText('3 needed');
  });
});
