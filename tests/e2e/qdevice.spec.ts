// The QDevice wizard (issue 16) on a spec-own 2-node simulator: a crash of one node loses quorum; a QDevice set
// up through the page (checks, quorum before → after, confirm, live task, proof) then keeps the survivor
// quorate; removing it asks for the cluster name. A qnetd that cannot be reached is refused before anything
// changes. The cluster is added through the admin API for this spec and removed at the end.
import { csrfToken, expect, screenshotDir, signIn, test } from './helpers';

const cluster = `qd2-${Date.now().toString(36)}`;

test.beforeEach(async ({ page }) => {
  await signIn(page);
  const added = await page.request.post('/api/v1/clusters', { data: { id: cluster, source: 'sim', nodes: 2, links: 1, tokenMs: 300, seed: 5 }, headers: { 'x-csrf-token': await csrfToken(page) } });
  expect(added.status(), await added.text()).toBe(201);
});
test.afterEach(async ({ page }) => {
  const res = await page.request.delete(`/api/v1/clusters/${cluster}`, { headers: { 'x-csrf-token': await csrfToken(page) } });
  expect([200, 404]).toContain(res.status());
});

test('2 nodes: lose one → quorum lost; with a QDevice set up through the wizard → the survivor stays quorate; removed again', async ({ page }) => {
  test.setTimeout(120_000);
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(`${path}?cluster=${cluster}`, { data, headers: { 'x-csrf-token': await csrfToken(page) } });
    expect(res.status(), await res.text()).toBeLessThan(300);
  };
  await page.goto(`/?cluster=${cluster}`);
  await expect(page.getByTestId('votes-summary')).toContainText('2 of 2 votes', { timeout: 20_000 });
  await post('/api/v1/sim/faults', { action: 'stop', nodes: ['pve2'] });
  await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: 20_000 });
  await post('/api/v1/sim/faults', { action: 'start', nodes: ['pve2'] });
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 20_000 });

  // qnetd unreachable: the pre-flight says so and nothing can run
  await post('/api/v1/sim/spares', { action: 'qnetd', reachable: false });
  await page.getByTestId('op-qdevice').click();
  await expect(page.getByTestId('step-heading')).toHaveText('Set up a QDevice');
  await expect(page.getByTestId('qdevice-now')).toContainText('an even count');
  await page.getByTestId('qdevice-host').fill('qnetd');
  await page.getByTestId('qdevice-check').click();
  await expect(page.getByTestId('check-qnetd-port')).toHaveAttribute('data-status', 'fail', { timeout: 20_000 });
  await expect(page.getByTestId('check-qnetd-port')).toContainText('connection timed out');
  await expect(page.getByTestId('qdevice-run')).toBeDisabled();
  await page.screenshot({ path: `${screenshotDir}qdevice-refused.png`, fullPage: true });

  // reachable again: every check passes, the prediction, the task, the proof
  await post('/api/v1/sim/spares', { action: 'qnetd', reachable: true });
  await page.reload();
  await expect(page.getByTestId('preflight-summary')).toContainText('0 failed', { timeout: 20_000 });
  await expect(page.getByTestId('qdevice-quorum-sentence')).toHaveText('expected votes 2 → 3, needed 2 → 2, can lose 0 nodes → 1 node');
  await expect(page.getByTestId('qdevice-run')).toBeDisabled();
  await page.getByTestId('qdevice-confirm').check();
  await page.screenshot({ path: `${screenshotDir}qdevice-plan.png`, fullPage: true });
  await page.getByTestId('qdevice-run').click();
  await expect(page.getByTestId('qdevice-task')).toHaveAttribute('data-result', 'ok', { timeout: 30_000 });
  await expect(page.getByTestId('qdevice-task-log')).toContainText('INFO: initializing qnetd server');
  await expect(page.getByTestId('qdevice-verified')).toContainText('verified: 2 nodes and a QDevice (1 vote), 3 of 3 votes, needed 2, quorate');
  await page.screenshot({ path: `${screenshotDir}qdevice-verified.png`, fullPage: true });

  // the same crash now: the survivor keeps quorum with the QDevice's vote
  await page.goto(`/?cluster=${cluster}`);
  await post('/api/v1/sim/faults', { action: 'stop', nodes: ['pve2'] });
  await expect(page.getByTestId('node-row-pve2')).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE');
  await expect(page.getByTestId('votes-summary')).toContainText('2 of 3 votes');
  await post('/api/v1/sim/faults', { action: 'start', nodes: ['pve2'] });
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 20_000 });

  // removal: the cluster name typed
  await page.getByTestId('op-qdevice').click();
  await expect(page.getByTestId('step-heading')).toHaveText('Remove the QDevice');
  await expect(page.getByTestId('qdevice-quorum-fragile')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('qdevice-run')).toBeDisabled();
  const { snapshot } = (await (await page.request.get(`/api/v1/snapshot?cluster=${cluster}`)).json()) as { snapshot: { cluster: { name: string } } };
  await page.getByTestId('qdevice-cluster-name').fill(snapshot.cluster.name);
  await page.getByTestId('qdevice-run').click();
  await expect(page.getByTestId('qdevice-task')).toHaveAttribute('data-result', 'ok', { timeout: 30_000 });
  await page.goto(`/?cluster=${cluster}`);
  await expect(page.getByTestId('votes-summary')).toContainText('2 of 2 votes', { timeout: 20_000 });
});
