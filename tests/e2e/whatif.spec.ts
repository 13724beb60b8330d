// The plan page and "can I reboot it now?" (issue 15) on simulated clusters this spec adds through the admin
// API and removes afterwards (as large-cluster.spec.ts does): what-if on 5 nodes (failing 3 through the picker
// loses quorum; the smallest failure is 3 nodes; the picks survive a reload), the reboot check on 3 nodes (yes
// while healthy, no with one node stopped through the sim fault API), troubleshooting once quorum is lost,
// the advisor's few-votes (2 nodes) and even-node (4 nodes) advice; screenshots at 1440 and 375 px, and no
// sideways scroll at 375 px.
import type { Page } from '@playwright/test';
import { csrfToken, expect, postFault, screenshotDir, signIn, test } from './helpers';

const suffix = Date.now().toString(36);

async function addSim(page: Page, id: string, nodes: number): Promise<void> {
  const res = await page.request.post('/api/v1/clusters', {
    data: { id, source: 'sim', nodes, links: 2, tokenMs: 300, seed: 7 },
    headers: { 'x-csrf-token': await csrfToken(page) },
  });
  expect(res.status(), await res.text()).toBe(201);
}

async function removeSim(page: Page, id: string): Promise<void> {
  const res = await page.request.delete(`/api/v1/clusters/${id}`, { headers: { 'x-csrf-token': await csrfToken(page) } });
  expect([200, 404]).toContain(res.status());
}

async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what} at 375 px`).toBeLessThanOrEqual(375);
}

test.describe('plan: what-if, reboot check, troubleshooting, advisor', () => {
  const clusters: string[] = [];
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });
  test.afterEach(async ({ page }) => {
    while (clusters.length) await removeSim(page, clusters.pop()!);
  });

  test('what-if on 5 nodes: the smallest failure is 3 nodes; failing 3 through the picker loses quorum (2 of 5, 3 needed); the plan is in the URL', async ({ page }) => {
    const id = `wi5-${suffix}`;
    await addSim(page, id, 5);
    clusters.push(id);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/plan?cluster=${id}`);
    await expect(page.getByTestId('plan-page')).toBeVisible();
    const result = page.getByTestId('whatif-result');
    await expect(result).toHaveText('Quorum holds: pve1, pve2, pve3, pve4 and pve5 hold 5 of 5 votes, 3 needed', { timeout: 30_000 });
    const smallest = page.getByTestId('whatif-smallest');
    await expect(smallest).toHaveAttribute('data-size', '3');
    await expect(page.getByTestId('whatif-smallest-size')).toHaveText('3 nodes');
    await expect(page.getByTestId('trouble-none')).toBeVisible();
    await expect(page.getByTestId('advisor-summary')).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}plan-1440.png`, fullPage: true });

    for (const n of ['pve3', 'pve4', 'pve5']) await page.getByTestId(`whatif-node-${n}`).check();
    await expect(result).toHaveAttribute('data-quorate', 'false');
    await expect(result).toHaveText('Quorum is lost: pve1 and pve2 hold 2 of 5 votes, 3 needed');
    await expect(page.getByTestId('whatif-partition')).toHaveCount(1);
    await expect(page.getByTestId('whatif-partition')).toContainText('NOT QUORATE');
    expect(new URL(page.url()).searchParams.get('fail')).toBe('pve3,pve4,pve5');
    await page.screenshot({ path: `${screenshotDir}plan-whatif-lost-1440.png`, fullPage: true });

    // shared: the same plan after a reload
    await page.reload();
    await expect(result).toHaveText('Quorum is lost: pve1 and pve2 hold 2 of 5 votes, 3 needed', { timeout: 30_000 });
    await expect(page.getByTestId('whatif-node-pve4')).toBeChecked();

    // cleared, then the smallest failure put into the picker: quorum lost as well
    await page.getByTestId('whatif-clear').click();
    await expect(result).toHaveAttribute('data-quorate', 'true');
    await page.getByTestId('whatif-apply-smallest').click();
    await expect(result).toHaveAttribute('data-quorate', 'false');
    await expect(page.locator('[data-testid^="whatif-node-"]:checked')).toHaveCount(3);
    expect((new URL(page.url()).searchParams.get('fail') ?? '').split(',')).toHaveLength(3);

    // a link failure: pve1 loses both links, so it is cut off alone
    await page.getByTestId('whatif-clear').click();
    await page.getByTestId('whatif-links').locator('summary').click();
    await page.getByTestId('whatif-link-pve1-0').check();
    await page.getByTestId('whatif-link-pve1-1').check();
    await expect(result).toHaveText('Quorum holds: pve2, pve3, pve4 and pve5 hold 4 of 5 votes, 3 needed; pve1 is cut off without quorum');
    await expect(page.getByTestId('whatif-partition')).toHaveCount(2);

    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`/plan?cluster=${id}&fail=pve3,pve4,pve5`);
    await expect(result).toHaveAttribute('data-quorate', 'false', { timeout: 30_000 });
    await noSidewaysScroll(page, '/plan');
    await page.screenshot({ path: `${screenshotDir}plan-375.png`, fullPage: true });
  });

  test('can I reboot it now? on 3 nodes: yes while healthy; no once pve3 is stopped; quorum lost shows in troubleshooting', async ({ page, api }) => {
    const id = `wi3-${suffix}`;
    await addSim(page, id, 3);
    clusters.push(id);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/?cluster=${id}`);
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 30_000 });

    await page.getByTestId('node-reboot-pve2').click();
    const dialog = page.getByTestId('reboot-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('reboot-answer')).toHaveText('YES');
    await expect(page.getByTestId('reboot-text')).toContainText('Yes: while pve2 reboots');
    await expect(page.getByTestId('reboot-margin')).toContainText('no other node may fail until it is back');
    await page.getByTestId('reboot-close').click();
    await expect(dialog).toBeHidden();

    await postFault(api, id, { action: 'stop', nodes: ['pve3'] });
    await expect(page.getByTestId('node-row-pve3')).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
    await page.getByTestId('node-reboot-pve2').click();
    await expect(page.getByTestId('reboot-answer')).toHaveText('NO');
    await expect(page.getByTestId('reboot-answer')).toHaveAttribute('data-can-reboot', 'false');
    await expect(page.getByTestId('reboot-text')).toContainText('No: while pve2 reboots');
    await expect(page.getByTestId('reboot-during')).toContainText('not quorate');
    await page.screenshot({ path: `${screenshotDir}reboot-no-1440.png` });
    await page.getByTestId('reboot-close').click();

    // the same from the plan page, per node, on a phone
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`/plan?cluster=${id}`);
    await page.getByTestId('plan-reboot-pve1').click();
    await expect(page.getByTestId('reboot-answer')).toHaveText('NO', { timeout: 30_000 });
    await noSidewaysScroll(page, 'the reboot dialog');
    await page.screenshot({ path: `${screenshotDir}reboot-no-375.png` });
    await page.getByTestId('reboot-close').click();

    // quorum lost: troubleshooting says /etc/pve is read-only and offers the recovery
    await postFault(api, id, { action: 'stop', nodes: ['pve2'] });
    const trouble = page.getByTestId('trouble-quorum');
    await expect(trouble).toContainText('/etc/pve is read-only because quorum is lost', { timeout: 30_000 });
    await expect(trouble).toContainText('1 of 3 votes present, 2 needed: 1 vote missing');
    await expect(page.getByTestId('trouble-expected-votes')).toBeVisible();
    await noSidewaysScroll(page, '/plan, quorum lost');
    await page.screenshot({ path: `${screenshotDir}plan-lost-375.png`, fullPage: true });
    await page.getByTestId('trouble-expected-votes').click();
    await expect(page.getByTestId('expected-votes-dialog')).toBeVisible();
    await page.getByTestId('ev-cancel').click();
  });

  test('the advisor: few votes on 2 nodes, the even-node advice on 4', async ({ page }) => {
    const two = `wi2-${suffix}`;
    const four = `wi4-${suffix}`;
    await addSim(page, two, 2);
    clusters.push(two);
    await addSim(page, four, 4);
    clusters.push(four);
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.goto(`/plan?cluster=${two}`);
    const fewVotes = page.getByTestId('advisor-check-few-votes');
    await expect(fewVotes).toHaveAttribute('data-status', 'warn', { timeout: 30_000 });
    await expect(fewVotes).toContainText('At least 3 votes, or a QDevice');
    await expect(fewVotes).toContainText('Add a QDevice');
    // warnings come before not-checked and passes
    const groups = await page.locator('[data-testid^="advisor-group-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(groups.indexOf('advisor-group-warn')).toBeLessThan(groups.indexOf('advisor-group-pass'));
    await page.getByTestId('advisor').screenshot({ path: `${screenshotDir}advisor-2-nodes-1440.png` });

    await page.goto(`/plan?cluster=${four}`);
    const even = page.getByTestId('advisor-check-qdevice-even-nodes');
    await expect(even).toHaveAttribute('data-status', 'warn', { timeout: 30_000 });
    await expect(even).toContainText('4 nodes (even) and no QDevice');
    await expect(page.getByTestId('advisor-summary')).toContainText('warning');

    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await expect(even).toHaveAttribute('data-status', 'warn', { timeout: 30_000 });
    await noSidewaysScroll(page, '/plan, the advisor');
    await page.getByTestId('advisor').screenshot({ path: `${screenshotDir}advisor-4-nodes-375.png` });
  });
});
