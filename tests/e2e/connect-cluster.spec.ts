// Connect a Proxmox VE cluster through the Admin page, against a fake Proxmox API this spec starts itself
// (node:https on 127.0.0.1, an openssl certificate made in a temp dir; the BFF runs on this machine too):
// Test → the certificate is shown → trust it → Test again: 403 on /cluster/resources, the missing
// Datastore.Audit named → the privilege granted → Test passes → Add → the cluster is in the list and the
// header's picker, opens with its 4 nodes → removed again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, startFakePve, type FakePve } from './fake-pve';
import { expect, signIn, test } from './helpers';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const id = `pve-${Date.now().toString(36)}`;

let dir = '';
let fake: FakePve | null = null;
let fakeUrl = '';
let fingerprint = '';
/** the token's Datastore.Audit: granted halfway through */
let storageGranted = false;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-e2e-pve-'));
  const cert = makeCert(dir, 'node1');
  fingerprint = cert.fp;
  fake = await startFakePve({
    cert,
    tokenId: TOKEN_ID,
    secret: () => SECRET,
    intercept: (path, res) => {
      if (path !== 'cluster/resources' || storageGranted) return false;
      res.writeHead(403, 'Permission check failed (/storage, Datastore.Audit)');
      res.end('{"data":null}'); // pre-5.2.0: the text only in the status line
      return true;
    },
  });
  fakeUrl = fake.url;
});

test.afterAll(async ({ api }) => {
  await api.delete(`/api/v1/clusters/${id}`); // in case the spec stopped before removing it
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('connect a Proxmox VE cluster: test, trust the certificate, a 403 explained, add, open, remove', async ({ page }) => {
  await signIn(page);
  await page.goto('/admin');
  const form = page.getByTestId('cluster-connect');
  await expect(form).toBeVisible();
  await page.getByTestId('cluster-connect-id').fill(id);
  await page.getByTestId('cluster-connect-name').fill('Fake PVE');
  await page.getByTestId('cluster-connect-urls').fill(fakeUrl);
  await page.getByTestId('cluster-connect-token-id').fill(TOKEN_ID);
  await page.getByTestId('cluster-connect-token-secret').fill(SECRET);

  // first contact: the certificate to compare; the token was not sent
  await page.getByTestId('cluster-connect-test').click();
  await expect(page.getByTestId('cluster-test-step-tls')).toContainText('not trusted yet');
  await expect(page.getByTestId('cluster-connect-certificate-fingerprint')).toHaveText(fingerprint);
  await expect(page.getByTestId('cluster-connect-certificate')).toContainText('CN=node1.lab');
  await page.getByTestId('cluster-connect-trust').click();
  await expect(page.getByTestId('cluster-connect-fingerprint')).toHaveValue(fingerprint);

  // trusted: the token works, but storage cannot be read — the privilege is named
  await page.getByTestId('cluster-connect-test').click();
  await expect(page.getByTestId('cluster-test-step-resources')).toContainText('the token needs Datastore.Audit');
  await expect(page.getByTestId('cluster-test-step-resources')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('cluster-test-step-auth')).toHaveAttribute('data-ok', 'true');

  // the admin grants it (pveum acl modify /storage …); Test passes
  storageGranted = true;
  await page.getByTestId('cluster-connect-test').click();
  await expect(page.getByTestId('cluster-test-result')).toContainText('The test passed. clustername, 4 nodes, quorate.');

  await page.getByTestId('cluster-connect-add').click();
  await expect(page.getByTestId('cluster-connect-notice')).toHaveText(`Cluster ${id} added.`);
  await expect(page.getByTestId('cluster-connect-token-secret')).toHaveValue('');
  await expect(page.getByTestId(`cluster-row-${id}`)).toContainText('added here');
  // open it from the header's switcher: its nodes, read through the API
  await page.getByTestId('cluster-select').click();
  await expect(page.getByTestId(`cluster-option-${id}`)).toContainText('Fake PVE');
  await page.getByTestId(`cluster-option-${id}`).click();
  await page.getByTestId('nav-overview').click();
  await expect(page).toHaveURL(new RegExp(`cluster=${id}`));
  for (const n of ['node1', 'node2', 'node3', 'node4']) await expect(page.getByTestId(`node-row-${n}`)).toBeVisible({ timeout: 30_000 });
  // … its votes (quorum options assumed without SSH), its storage once per backend, its guests per node
  await expect(page.getByTestId('votes-summary')).toContainText('4 of 4 votes present · 3 needed');
  await expect(page.getByTestId('storage-local-zfs')).toHaveCount(1);
  await expect(page.getByTestId('storage-local-zfs').getByTestId('storage-nodes')).toContainText('4 of 4 active', { timeout: 30_000 });
  await expect(page.getByTestId('node-row-node2').getByTestId('node-guests')).toHaveText('1 running', { timeout: 30_000 });
  await expect(page.getByTestId('node-row-node1').getByTestId('node-guests')).toHaveText('2 stopped');

  // remove it again (after a confirm)
  await page.goto(`/admin`);
  await page.getByTestId(`cluster-remove-${id}`).click();
  await page.getByTestId(`cluster-remove-${id}-yes`).click();
  await expect(page.getByTestId(`cluster-row-${id}`)).toHaveCount(0);
});
