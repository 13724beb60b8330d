// Issue 16's acceptance on real Corosync: a 2-node lab cluster (no two_node) with a real corosync-qnetd in its
// own namespace. Killing one node loses quorum on the survivor; after a QDevice is set up through the wizard,
// killing one node again leaves the survivor quorate with the QDevice's vote. The dashboard and
// `corosync-quorumtool -s` agree at each step. The spec brings up its own lab and adds it as a runtime cluster.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { Lab, down } from '@quorate/lab';
import { expectTaskOk, labCheck, labPrefix, signIn } from './lab-env';

const screenshotDir = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));
const prefix = () => `${labPrefix()}q`;
const CLUSTER = 'labqdevice';
const TASK = 90_000;

let avail: { ok: boolean; reason: string | null } = { ok: false, reason: 'not checked yet' };
let lab: Lab | null = null;
test.beforeAll(async () => {
  avail = await labCheck();
  if (!avail.ok) return;
  lab = await Lab.up({ nodes: 2, qnetd: true, token: 1000, prefix: prefix(), log: (l) => console.log(`[lab ${prefix()}] ${l}`) });
});
test.afterAll(async () => {
  if (avail.ok) await down(prefix()).catch((err: unknown) => console.error(`lab ${prefix()} down failed:`, err));
});

const csrf = async (page: Page) => ((await (await page.request.get('/api/v1/auth/state')).json()) as { csrfToken: string }).csrfToken;

/** corosync-quorumtool -s on the survivor agrees with what the page shows */
async function survivorSays(want: { quorate: boolean; totalVotes: number; expectedVotes: number }): Promise<void> {
  await expect
    .poll(async () => {
      const q = await (await Lab.open(prefix())).quorum('pve1');
      return { quorate: q.quorate, totalVotes: Number(/^Total votes:\s+(\d+)/m.exec(q.raw)?.[1]), expectedVotes: q.expectedVotes };
    }, { timeout: 30_000 })
    .toEqual(want);
}

test('2 nodes: a crash loses quorum; with a QDevice set up through the wizard the survivor keeps it', async ({ page }) => {
  test.skip(!avail.ok, `needs the real-Corosync lab: ${avail.reason}`);
  test.setTimeout(4 * TASK);
  mkdirSync(screenshotDir, { recursive: true });
  await signIn(page);
  const added = await page.request.post('/api/v1/clusters', { data: { id: CLUSTER, source: 'lab', prefix: prefix() }, headers: { 'x-csrf-token': await csrf(page) } });
  expect(added.status(), await added.text()).toBe(201);
  await page.goto(`/?cluster=${CLUSTER}`);
  await expect(page.getByTestId('votes-summary')).toContainText('2 of 2 votes', { timeout: 45_000 });

  // without a QDevice: pve2 killed → pve1 alone holds 1 of 2, 2 needed
  await lab!.fault('pve2', { kind: 'kill' });
  await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: 30_000 });
  await survivorSays({ quorate: false, totalVotes: 1, expectedVotes: 2 });
  await lab!.fault('pve2', { kind: 'start' });
  await expect(page.getByTestId('votes-summary')).toContainText('2 of 2 votes', { timeout: 45_000 });
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE');

  // the QDevice through the wizard, against the lab's real corosync-qnetd
  await page.goto(`/qdevice?cluster=${CLUSTER}`);
  await page.getByTestId('qdevice-host').fill('qnetd');
  await page.getByTestId('qdevice-check').click();
  await expect(page.getByTestId('preflight-summary')).toContainText('0 failed', { timeout: 40_000 });
  await expect(page.getByTestId('check-qnetd-port')).toHaveAttribute('data-status', 'pass');
  await page.getByTestId('qdevice-confirm').check();
  await page.getByTestId('qdevice-run').click();
  await expectTaskOk(page, 'qdevice-task', TASK);
  await expect(page.getByTestId('qdevice-verified')).toContainText('verified: 2 nodes and a QDevice (1 vote), 3 of 3 votes, needed 2, quorate');
  await page.screenshot({ path: `${screenshotDir}lab-qdevice-verified.png`, fullPage: true });
  await survivorSays({ quorate: true, totalVotes: 3, expectedVotes: 3 });

  // the same crash again: the survivor keeps quorum with the QDevice's vote
  await page.goto(`/?cluster=${CLUSTER}`);
  await lab!.fault('pve2', { kind: 'kill' });
  await expect(page.getByTestId('node-row-pve2')).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE');
  await expect(page.getByTestId('votes-summary')).toContainText('2 of 3 votes', { timeout: 30_000 });
  await survivorSays({ quorate: true, totalVotes: 2, expectedVotes: 3 });
  await page.screenshot({ path: `${screenshotDir}lab-qdevice-survivor.png`, fullPage: true });
  await lab!.fault('pve2', { kind: 'start' });
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 45_000 });
  const removed = await page.request.delete(`/api/v1/clusters/${CLUSTER}`, { headers: { 'x-csrf-token': await csrf(page) } });
  expect([200, 404]).toContain(removed.status());
});
