// The overview of a Proxmox VE cluster read through its API (no SSH), against a fake API this spec starts
// itself (node:https on 127.0.0.1, an openssl certificate in a temp dir, the `healthy` replay fixtures: 4 nodes,
// PVE 7.4): added through the REST API, then its dashboard shows the nodes, the votes, the storage (one row per
// storage) and each node's guests (node2 runs 1; node1 has 2 stopped — its template is not a guest), and says
// what it cannot see without SSH instead of an empty link matrix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeCert, startFakePve, type FakePve } from './fake-pve';
import { csrfToken, expect, signIn, test } from './helpers';

const TOKEN_ID = 'quorate@pve!overview';
const SECRET = '0b6e3d1a-8c2f-4f59-a0d4-7e91c3b5d260';
const id = `pve-ov-${Date.now().toString(36)}`;

let dir = '';
let fake: FakePve | null = null;
let fakeUrl = '';
let fingerprint = '';

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-e2e-pve-ov-'));
  const cert = makeCert(dir, 'node1');
  fingerprint = cert.fp;
  fake = await startFakePve({ cert, tokenId: TOKEN_ID, secret: () => SECRET });
  fakeUrl = fake.url;
});

test.afterAll(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a pve cluster without SSH: nodes, votes, storage and guests; what it cannot see, said once', async ({ page }) => {
  // adding a cluster is an admin's: the session of the signed-in admin, with its CSRF token
  await signIn(page);
  const headers = { 'x-csrf-token': await csrfToken(page) };
  const added = await page.request.post('/api/v1/clusters', {
    headers,
    data: { id, name: 'Fake PVE', source: 'pve', api: { urls: [fakeUrl], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint } },
  });
  expect(added.status(), await added.text()).toBe(201);
  try {
    await overview(page);
  } finally {
    await page.request.delete(`/api/v1/clusters/${id}`, { headers });
  }
});

async function overview(page: Page): Promise<void> {
  await page.goto(`/?cluster=${id}`);
  for (const n of ['node1', 'node2', 'node3', 'node4']) await expect(page.getByTestId(`node-row-${n}`)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('votes-summary')).toContainText('4 of 4 votes present · 3 needed');
  await expect(page.getByTestId('quorum-options-assumed')).toBeVisible();

  // the guests, read from /cluster/resources: node2 runs server1; node1 has 102 and 200 stopped, 101 is a template
  await expect(page.getByTestId('node-row-node2').getByTestId('node-guests')).toHaveText('1 running', { timeout: 30_000 });
  await expect(page.getByTestId('node-row-node1').getByTestId('node-guests')).toHaveText('2 stopped');
  await expect(page.getByTestId('node-row-node3').getByTestId('node-guests')).toHaveText('no guests');
  // the node's load from the same rows: node1 has 8 CPUs and 61.4 GiB
  await expect(page.getByTestId('node-row-node1').getByTestId('node-load')).toContainText('of 8');
  await expect(page.getByTestId('node-row-node1').getByTestId('node-load')).toContainText('/ 61.4 GiB');

  // storage: three storages, one row each (12 rows in the reply: 3 storages × 4 nodes)
  for (const st of ['local', 'local-zfs', 'cloud-init']) await expect(page.getByTestId(`storage-${st}`)).toHaveCount(1);
  await expect(page.getByTestId('storage-local-zfs').getByTestId('storage-nodes')).toContainText('4 of 4 active');

  // without SSH: one calm notice, and no empty link matrix
  await expect(page.getByTestId('unavailable')).toContainText('Without SSH this view cannot see: Corosync links');
  await expect(page.getByTestId('unavailable').getByRole('link', { name: /Admin → Clusters/ })).toBeVisible();
  await expect(page.getByTestId('links-unavailable')).toBeVisible();
  await expect(page.getByTestId('link-matrix')).toHaveCount(0);
}
