// Issue 16's acceptance on real Corosync: a 3-node lab cluster on one link (with a spare network per node) gets a
// second link through the links page; then link 0 is cut on every node: every node stays online, and the
// dashboard shows link 0 down and link 1 connected — as knet reports it. The spec brings up its own lab and adds
// it as a runtime cluster.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { Lab, down } from '@quorate/lab';
import { expectTaskOk, labCheck, labPrefix, signIn } from './lab-env';

const screenshotDir = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));
const prefix = () => `${labPrefix()}l`;
const CLUSTER = 'lablinks';
const TASK = 90_000;
const NODES = ['pve1', 'pve2', 'pve3'];
/** a connected cell, whatever its latency band */
const CONNECTED = /^(good|slow|bad|degraded)$/;

let avail: { ok: boolean; reason: string | null } = { ok: false, reason: 'not checked yet' };
let lab: Lab | null = null;
test.beforeAll(async () => {
  avail = await labCheck();
  if (!avail.ok) return;
  lab = await Lab.up({ nodes: 3, links: 1, spareLinks: 1, token: 1000, prefix: prefix(), log: (l) => console.log(`[lab ${prefix()}] ${l}`) });
});
test.afterAll(async () => {
  if (avail.ok) await down(prefix()).catch((err: unknown) => console.error(`lab ${prefix()} down failed:`, err));
});

const csrf = async (page: Page) => ((await (await page.request.get('/api/v1/auth/state')).json()) as { csrfToken: string }).csrfToken;
const cell = (page: Page, link: number, a: string, b: string) => page.getByTestId(`link-cell-${link}-${a}-${b}`);

test('a second link through the links page; link 0 cut: every node online, link 0 down, link 1 connected', async ({ page }) => {
  test.skip(!avail.ok, `needs the real-Corosync lab: ${avail.reason}`);
  test.setTimeout(4 * TASK);
  mkdirSync(screenshotDir, { recursive: true });
  await signIn(page);
  const added = await page.request.post('/api/v1/clusters', { data: { id: CLUSTER, source: 'lab', prefix: prefix() }, headers: { 'x-csrf-token': await csrf(page) } });
  expect(added.status(), await added.text()).toBe(201);
  await page.goto(`/?cluster=${CLUSTER}`);
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 45_000 });
  const { snapshot } = (await (await page.request.get(`/api/v1/snapshot?cluster=${CLUSTER}`)).json()) as { snapshot: { cluster: { name: string } } };

  // link 1 on the spare network (198.18.1.<10+i>), through the page
  await page.goto(`/links?cluster=${CLUSTER}`);
  await page.getByTestId('links-kind-add-link').check();
  await page.getByTestId('links-link').selectOption('1');
  for (const [i, n] of NODES.entries()) await page.getByTestId(`links-addr-${n}`).fill(`198.18.1.${11 + i}`);
  await page.getByTestId('links-check').click();
  await expect(page.getByTestId('preflight-summary')).toContainText('0 failed', { timeout: 60_000 });
  await expect(page.getByTestId('links-diff')).toContainText('ring1_addr: 198.18.1.13');
  await page.getByTestId('links-cluster-name').fill(snapshot.cluster.name);
  await page.getByTestId('links-run').click();
  await expectTaskOk(page, 'links-task', TASK);
  await expect(page.getByTestId('links-verified')).toContainText('verified: add link 1');
  await page.screenshot({ path: `${screenshotDir}lab-links-added.png`, fullPage: true });

  // link 0 cut on every node (nftables): nobody leaves, knet moves to link 1
  await page.goto(`/?cluster=${CLUSTER}`);
  await expect(cell(page, 1, 'pve1', 'pve2')).toHaveAttribute('data-link-state', CONNECTED, { timeout: 30_000 });
  for (const n of NODES) await lab!.fault(n, { kind: 'link-down', link: 0 });
  try {
    await expect(cell(page, 0, 'pve1', 'pve2')).toHaveAttribute('data-link-state', 'down', { timeout: 30_000 });
    for (const [a, b] of [['pve1', 'pve2'], ['pve1', 'pve3'], ['pve2', 'pve3']] as const) await expect(cell(page, 1, a, b)).toHaveAttribute('data-link-state', CONNECTED);
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE');
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes');
    for (const n of NODES) await expect(page.getByTestId(`node-row-${n}`)).toHaveAttribute('data-state', 'online');
    const q = await (await Lab.open(prefix())).quorum('pve1');
    expect(q, q.raw).toMatchObject({ quorate: true, members: 3 });
    await page.screenshot({ path: `${screenshotDir}lab-links-link0-cut.png`, fullPage: true });
  } finally {
    for (const n of NODES) await lab!.fault(n, { kind: 'link-up', link: 0 });
  }
  const removed = await page.request.delete(`/api/v1/clusters/${CLUSTER}`, { headers: { 'x-csrf-token': await csrf(page) } });
  expect([200, 404]).toContain(removed.status());
});
