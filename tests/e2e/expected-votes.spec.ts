// The last-resort recovery: pve2 and pve3 stopped → NOT QUORATE → set expected votes from the hero,
// typing the cluster name → QUORATE again with 1 expected vote; the audit view lists it.
import { expect, expectHealthy, healAndOpen, postFault, screenshotDir, test } from './helpers';

const DETECTION = 20_000;

test.describe('expected votes', () => {
  test.afterEach(async ({ api }) => {
    // leave a healthy cluster behind for the next spec
    const res = await api.get('/api/v1/clusters');
    const { clusters } = (await res.json()) as { clusters: { id: string; source: string }[] };
    const sim = clusters.find((c) => c.source === 'sim');
    if (sim) await postFault(api, sim.id, { action: 'heal' });
  });

  test('recover quorum from the NOT QUORATE hero; the audit lists it', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    await postFault(api, clusterId, { action: 'stop', nodes: ['pve2', 'pve3'] });
    await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: DETECTION });
    await expect(page.getByTestId('votes-summary')).toHaveText('1 of 3 votes, 2 needed');

    await page.getByTestId('hero-expected-votes').click();
    const dialog = page.getByTestId('expected-votes-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('ev-current')).toContainText('NOT QUORATE');
    await expect(dialog.getByTestId('ev-input')).toHaveValue('1');
    // the arithmetic: 1 expected → 1 needed, 1 present → quorate
    await expect(dialog.getByTestId('ev-outcome')).toHaveAttribute('data-quorate', 'true');
    await expect(dialog.getByTestId('ev-outcome')).toContainText('becomes QUORATE');
    // the risk, and the typed name as the confirmation
    const risk = dialog.getByTestId('ev-risk');
    await expect(risk).toContainText('Split-brain');
    await expect(risk).toContainText('pve2 and pve3');
    await expect(risk).toContainText('/etc/pve');
    await expect(dialog.getByTestId('ev-submit')).toBeDisabled();
    await dialog.getByTestId('ev-cluster-name').fill('lab-clustr');
    await expect(dialog.getByTestId('ev-submit')).toBeDisabled();
    await dialog.getByTestId('ev-cluster-name').fill('lab-cluster');
    await expect(dialog.getByTestId('ev-submit')).toBeEnabled();
    // the server's plan: 3 → 1 expected, 2 → 1 needed
    await expect(dialog.getByTestId('ev-plan')).toContainText('NOT QUORATE');
    await expect(dialog.getByTestId('ev-outcome')).toContainText('1 present ≥ 1 needed');
    await page.screenshot({ path: `${screenshotDir}expected-votes-dialog.png` });

    await dialog.getByTestId('ev-submit').click();
    await expect(dialog.getByTestId('ev-result')).toHaveAttribute('data-result', 'ok', { timeout: DETECTION });
    await expect(dialog.getByTestId('ev-task-log')).not.toBeEmpty();
    await expect(dialog.getByTestId('ev-now')).toContainText('QUORATE', { timeout: DETECTION });
    await dialog.getByTestId('ev-close').click();
    await expect(dialog).toHaveCount(0);

    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: DETECTION });
    await expect(page.getByTestId('votes-summary')).toContainText('1 of 1 votes', { timeout: DETECTION });
    await expect(page.getByTestId('votes-summary')).toContainText('1 needed');
    // quorate only by the override: amber, with the reason and who is missing
    await expect(page.getByTestId('quorum-hero')).toHaveAttribute('data-hero-state', 'degraded');
    const reasons = page.getByTestId('health-reasons');
    await expect(reasons.locator('[data-reason="expected-override"]')).toContainText('quorate only by a manual override: expected votes 1 (configured 3');
    await expect(reasons.locator('[data-reason="nodes-offline"]')).toContainText('pve2, pve3 are offline');
    await page.screenshot({ path: `${screenshotDir}expected-votes-after.png`, fullPage: true });

    // the history has the change; the audit lists the operation with its task log
    await page.getByTestId('nav-history').click();
    await expect(page.getByTestId('history-page')).toBeVisible();
    await page.getByTestId('history-severity').selectOption('critical');
    await expect(page.getByTestId('history-events').locator('li[data-type="quorum-lost"]').first()).toBeVisible();
    await expect(page.getByTestId('history-events').locator('li[data-type="node-left"]')).toHaveCount(0);
    await page.getByTestId('history-severity').selectOption('');
    await expect(page.getByTestId('history-pager-range')).toContainText(/of \d+/);
    await page.screenshot({ path: `${screenshotDir}history.png`, fullPage: true });

    await page.getByTestId('nav-audit').click();
    const row = page.getByTestId('audit-row').filter({ hasText: /expected/ }).first();
    await expect(row).toHaveAttribute('data-result', 'ok');
    await expect(row).toContainText('admin');
    await page.getByTestId('audit-result').selectOption('failed');
    await expect(page.getByTestId('audit-row').filter({ hasText: /expected/ }).filter({ has: page.locator('[data-result="ok"]') })).toHaveCount(0);
    await page.getByTestId('audit-result').selectOption('');
    await page.screenshot({ path: `${screenshotDir}audit.png`, fullPage: true });

    await postFault(api, clusterId, { action: 'heal' });
    await page.getByRole('link', { name: 'Overview' }).click();
    await expectHealthy(page);
  });

  test('operators get the dialog from the operations area; a quorate cluster asks for a tick, not the name', async ({ page, api }) => {
    await healAndOpen(page, api);
    await page.getByTestId('op-expected-votes').click();
    const dialog = page.getByTestId('expected-votes-dialog');
    await expect(dialog.getByTestId('ev-input')).toHaveValue('3');
    await expect(dialog.getByTestId('ev-risk')).toHaveCount(0);
    await expect(dialog.getByTestId('ev-submit')).toBeDisabled();
    await dialog.getByTestId('ev-confirm').check();
    await expect(dialog.getByTestId('ev-submit')).toBeEnabled();
    await dialog.getByTestId('ev-cancel').click();
    await expect(dialog).toHaveCount(0);
  });

  test('a change that leaves a healthy cluster unable to lose a node shows the risk and asks for the name, not a tick', async ({ page, api }) => {
    await healAndOpen(page, api);
    await page.getByTestId('op-expected-votes').click();
    const dialog = page.getByTestId('expected-votes-dialog');
    await dialog.getByTestId('ev-input').fill('5');
    // the server's plan: 3 of 3 votes needed, from "can lose 1" to "can lose none"
    await expect(dialog.getByTestId('ev-plan')).toContainText('nodes it can lose');
    const risk = dialog.getByTestId('ev-risk');
    await expect(risk).toHaveAttribute('data-kind', 'tolerance');
    await expect(risk).toContainText('The cluster could lose 1 node before; after this it can lose none');
    await expect(risk).not.toContainText('Split-brain');
    await expect(dialog.getByTestId('ev-confirm')).toHaveCount(0);
    await expect(dialog.getByTestId('ev-submit')).toBeDisabled();
    await dialog.getByTestId('ev-cluster-name').fill('lab-cluster');
    await expect(dialog.getByTestId('ev-submit')).toBeEnabled();
    // back to the current value: nothing at risk, the tick again
    await dialog.getByTestId('ev-input').fill('3');
    await expect(dialog.getByTestId('ev-risk')).toHaveCount(0);
    await expect(dialog.getByTestId('ev-confirm')).toBeVisible();
    await expect(dialog.getByTestId('ev-submit')).toBeDisabled();
    await dialog.getByTestId('ev-cancel').click();
    await expect(dialog).toHaveCount(0);
  });
});
