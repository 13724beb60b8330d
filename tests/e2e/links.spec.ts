// Changing the Corosync links (issue 16) on a spec-own 3-node, 2-link simulator: a third link added through the
// page (the checks, the corosync.conf diff with config_version bumped, the cluster name, the live task, the
// proof: every pair connected on it); an address outside the link's network is refused before anything changes.
import { csrfToken, expect, screenshotDir, signIn, test } from './helpers';

const cluster = `lk3-${Date.now().toString(36)}`;

test.beforeEach(async ({ page }) => {
  await signIn(page);
  const added = await page.request.post('/api/v1/clusters', { data: { id: cluster, source: 'sim', nodes: 3, links: 2, tokenMs: 300, seed: 9 }, headers: { 'x-csrf-token': await csrfToken(page) } });
  expect(added.status(), await added.text()).toBe(201);
});
test.afterEach(async ({ page }) => {
  const res = await page.request.delete(`/api/v1/clusters/${cluster}`, { headers: { 'x-csrf-token': await csrfToken(page) } });
  expect([200, 404]).toContain(res.status());
});

test('add link 2 through the page: checks, the diff, the task, every pair connected; a bad address refused', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/?cluster=${cluster}`);
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 20_000 });
  const { snapshot } = (await (await page.request.get(`/api/v1/snapshot?cluster=${cluster}`)).json()) as { snapshot: { cluster: { name: string } } };

  await page.getByTestId('op-links').click();
  await expect(page.getByTestId('links-connected-1')).toHaveText('3 of 3');
  await page.getByTestId('links-kind-add-link').check();
  await page.getByTestId('links-link').selectOption('2');
  // each node's own addresses are offered (those already on a link left out)
  await expect(page.getByTestId('links-ask')).toContainText('its interfaces: 198.18.2.13, 198.18.3.13');
  for (const k of [1, 2, 3]) await page.getByTestId(`links-addr-pve${k}`).fill(`198.18.2.1${k}`);
  await page.getByTestId('links-check').click();
  await expect(page.getByTestId('preflight-summary')).toContainText('0 failed', { timeout: 20_000 });
  await expect(page.getByTestId('links-sentence')).toHaveText('add link 2 (pve1 198.18.2.11, pve2 198.18.2.12, pve3 198.18.2.13): links 0, 1 → 0, 1, 2, config_version 1 → 2');
  await expect(page.getByTestId('links-diff')).toContainText('+    ring2_addr: 198.18.2.13');
  await expect(page.getByTestId('links-diff')).toContainText('+  config_version: 2');
  await expect(page.getByTestId('links-run')).toBeDisabled();
  await page.getByTestId('links-cluster-name').fill(snapshot.cluster.name);
  await page.screenshot({ path: `${screenshotDir}links-plan.png`, fullPage: true });
  await page.getByTestId('links-run').click();
  await expect(page.getByTestId('links-task')).toHaveAttribute('data-result', 'ok', { timeout: 30_000 });
  await expect(page.getByTestId('links-verified')).toContainText('verified: add link 2');
  await expect(page.getByTestId('links-connected-2')).toHaveText('3 of 3');

  // an address outside link 1's network: unreachable from every member, nothing can run
  await page.goto(`/links?cluster=${cluster}&kind=set-address&node=pve3&link=1&address=10.9.9.9`);
  await expect(page.getByTestId('check-addresses-reachable')).toHaveAttribute('data-status', 'fail', { timeout: 20_000 });
  await expect(page.getByTestId('check-addresses-reachable')).toContainText('unreachable: pve1 → pve3 10.9.9.9 and pve2 → pve3 10.9.9.9');
  await page.getByTestId('links-cluster-name').fill(snapshot.cluster.name);
  await expect(page.getByTestId('links-run')).toBeDisabled();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: `${screenshotDir}links-refused-375.png`, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});
