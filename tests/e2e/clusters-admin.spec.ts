// Admin → Clusters after a pve cluster is added, against a fake Proxmox API this spec starts itself (node:https
// on two loopback ports, openssl certificates made in a temp dir): the token is rotated on the "cluster" (the
// old secret gets 401) → Edit: a second URL, Test with the stored secret fails at auth, the new secret typed
// → Test passes → Save → healthy; the nodes present a new certificate → "The certificate changed" with both
// fingerprints → the name typed → trusted → healthy again; the header's switcher finds it by typing.
// Screenshots at 1440 and 375 px go to /tmp/quorate-clusters-admin-*.png.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { makeCert, startFakePve, type FakeCert, type FakePve } from './fake-pve';
import { csrfToken, expect, signIn, test } from './helpers';

/** no WCAG 2.1 AA violation inside `selector` */
async function axeClean(page: Page, selector: string): Promise<void> {
  const r = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const TOKEN_ID = 'quorate@pve!dashboard';
const OLD_SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const NEW_SECRET = '0b7d3e55-2a1f-4c8e-8b62-4d1f2e3c5b6a';
const id = `edit-${Date.now().toString(36)}`;
const NAME = 'Fake PVE edit';

let dir = '';
const fakes: FakePve[] = [];
const urls: string[] = [];
const certs: FakeCert[] = [];
/** what the fake "cluster" accepts: the token is rotated halfway through */
let accepted = OLD_SECRET;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-e2e-edit-'));
  certs.push(makeCert(dir, 'old'), makeCert(dir, 'new'));
  for (let i = 0; i < 2; i++) {
    const fake = await startFakePve({ cert: certs[0]!, tokenId: TOKEN_ID, secret: () => accepted });
    fakes.push(fake);
    urls.push(fake.url);
  }
});

test.afterAll(async ({ browser }) => {
  // removed at the end of the test; again here in case the spec stopped before (admin only: a signed-in page)
  const page = await browser.newPage();
  await signIn(page);
  await page.request.delete(`/api/v1/clusters/${id}`, { headers: { 'x-csrf-token': await csrfToken(page) } });
  await page.close();
  for (const f of fakes) await f.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('edit a pve cluster: rotate its secret, add a URL, trust a changed certificate, find it in the switcher', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const csrf = { 'x-csrf-token': await csrfToken(page) };
  // added through the API (the connect form has its own spec: connect-cluster.spec.ts)
  const added = await page.request.post('/api/v1/clusters', { headers: csrf, data: { id, name: NAME, source: 'pve', api: { urls: [urls[0]], tokenId: TOKEN_ID, tokenSecret: OLD_SECRET, fingerprint: certs[0]!.fp } } });
  expect(added.status(), await added.text()).toBe(201);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/admin');
  const row = page.getByTestId(`cluster-row-${id}`);
  await expect(row).toContainText('healthy', { timeout: 30_000 });

  // the token is rotated on the cluster: the stored secret gets 401, the cluster's state is no longer known
  accepted = NEW_SECRET;
  await expect(row).toContainText('unknown', { timeout: 30_000 });

  await row.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByTestId(`cluster-edit-${id}`);
  await expect(form.getByTestId(`cluster-edit-${id}-urls`)).toHaveValue(urls[0]!);
  await expect(form.getByTestId(`cluster-edit-${id}-token-secret`)).toHaveValue('');
  await form.getByTestId(`cluster-edit-${id}-urls`).fill(`${urls[0]}\n${urls[1]}`);
  // Test with the secret left empty: the stored (old) one is used — and refused
  await form.getByTestId(`cluster-edit-${id}-test`).click();
  await expect(form.getByTestId('cluster-test-step-auth')).toHaveAttribute('data-ok', 'false');
  await form.getByTestId(`cluster-edit-${id}-token-secret`).fill(NEW_SECRET);
  await form.getByTestId(`cluster-edit-${id}-test`).click();
  await expect(form.getByTestId('cluster-test-result')).toContainText('The test passed. clustername, 4 nodes, quorate.');
  await page.screenshot({ path: '/tmp/quorate-clusters-admin-edit-1440.png', fullPage: true });
  await form.getByTestId(`cluster-edit-${id}-save`).click();
  await expect(form).toHaveCount(0);
  await expect(row).toContainText('healthy', { timeout: 30_000 });
  const stored = (await (await page.request.get(`/api/v1/clusters/${id}`)).json()) as { settings: { api: { urls: string[] } }; secrets: string[] };
  expect(stored.settings.api.urls).toEqual(urls);
  expect(JSON.stringify(stored)).not.toContain(NEW_SECRET);

  // the nodes present a new certificate: Quorate stops sending the token and shows both fingerprints
  for (const f of fakes) f.server.setSecureContext({ key: certs[1]!.key, cert: certs[1]!.cert });
  const card = page.getByTestId(`cluster-certificate-${id}`);
  await expect(card).toContainText('The certificate changed', { timeout: 30_000 });
  await expect(card.getByTestId(`cluster-certificate-${id}-pinned`)).toHaveAttribute('data-fingerprint', certs[0]!.fp);
  await expect(card.getByTestId(`cluster-certificate-${id}-presented`)).toHaveAttribute('data-fingerprint', certs[1]!.fp);
  await expect(row).toContainText('unknown');
  const trust = card.getByTestId(`cluster-certificate-${id}-trust`);
  await expect(trust).toBeDisabled();
  await card.getByTestId(`cluster-certificate-${id}-confirm`).fill(NAME);
  await axeClean(page, `[data-testid="cluster-certificate-${id}"]`);
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/quorate-clusters-admin-certificate-1440.png', fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/quorate-clusters-admin-certificate-375.png' });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1440, height: 900 });
  await trust.click();
  await expect(card).toHaveCount(0, { timeout: 30_000 });
  await expect(row).toContainText('healthy', { timeout: 30_000 });
  expect(((await (await page.request.get(`/api/v1/clusters/${id}`)).json()) as { settings: { api: { fingerprint: string } } }).settings.api.fingerprint).toBe(certs[1]!.fp);

  // the switcher: type part of its name, it is the one left; Enter opens it
  await page.getByTestId('cluster-select').click();
  await page.getByTestId('cluster-switcher-search').fill('pve edit');
  await expect(page.getByTestId('cluster-switcher').getByRole('option')).toHaveCount(1);
  await expect(page.getByTestId(`cluster-option-${id}`)).toContainText(/healthy/);
  await page.screenshot({ path: '/tmp/quorate-clusters-admin-switcher-1440.png' });
  await axeClean(page, 'header');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`cluster=${id}`));
  await expect(page.getByTestId('cluster-select')).toHaveAttribute('data-value', id);

  // on a phone: the switcher is a 44 px button in the header row; its list spans the width
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`/?cluster=${id}`);
  const button = page.getByTestId('cluster-select');
  const box = await button.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.x + box!.width).toBeLessThanOrEqual(375);
  await button.click();
  await page.getByTestId('cluster-switcher-search').fill(id.slice(0, 6));
  await expect(page.getByTestId(`cluster-option-${id}`)).toBeVisible();
  const list = await page.getByTestId('cluster-switcher').boundingBox();
  expect(list!.x).toBeGreaterThanOrEqual(0);
  expect(list!.x + list!.width).toBeLessThanOrEqual(375);
  await page.screenshot({ path: '/tmp/quorate-clusters-admin-switcher-375.png' });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('cluster-switcher')).toHaveCount(0);

  expect((await page.request.delete(`/api/v1/clusters/${id}`, { headers: csrf })).status()).toBe(200);
});
