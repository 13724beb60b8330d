// The join wizard on a Proxmox VE cluster read through its API, against fake Proxmox nodes over real HTTPS on
// 127.0.0.1 (packages/sources/src/pve/ops-fake.test-helper.ts: a member, pve1 of a 3-node cluster, and a
// standalone pve4 whose join task restarts its pveproxy with a NEW certificate and voids its tickets). The
// cluster is added through the REST API; the page offers the cluster's own Join Information; the joiner's
// address, its certificate (read, compared, trusted) and both root passwords are typed; the pre-flight says
// what the API cannot measure (Corosync's UDP port) as a warning, not a pass; the fingerprint step compares;
// the run's log follows pve4's task through its UPID, the re-pin after the new certificate included; the
// verify step and the dashboard show 4 of 4 votes, 3 needed. And a wrong root password for pve4: the pre-flight's
// access check fails with the reason, and the join cannot start. Nothing but 127.0.0.1 is contacted (the 198.18.0.x
// addresses are the fake cluster's data, never dialled).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { FakeNode, joinTask, type FakeCluster } from '../../packages/sources/src/pve/ops-fake.test-helper';
import { selfSignedCert, type TestCert } from '../../packages/sources/src/pve/tls.test-helper';
import { csrfToken, expect, signIn, test } from './helpers';

const TOKEN_ID = 'quorate@pve!join';
const SECRET = '3c9a1e52-77b4-4f0e-9d21-5a6b8c0e4f13';
const MEMBER_PW = 'member-root-e2e-5512';
const JOINER_PW = 'joiner-root-e2e-8841';
const SHOTS = 'test-results/pve-join';

let dir = '';
let memberCert: TestCert;
let joinerCert: TestCert;
let joinerNewCert: TestCert;
const fakes: FakeNode[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-e2e-pve-join-'));
  memberCert = selfSignedCert(dir, 'member', 'pve1.lab');
  joinerCert = selfSignedCert(dir, 'joiner', 'pve4.lab');
  joinerNewCert = selfSignedCert(dir, 'joiner-new', 'pve4.lab');
  mkdirSync(SHOTS, { recursive: true });
});

test.afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** pve1 (answering), pve2, pve3: all online, one vote each */
const cluster = (): FakeCluster => ({
  name: 'prod',
  self: 'pve1',
  quorate: true,
  members: [1, 2, 3].map((n) => ({ name: `pve${n}`, nodeid: n, address: `198.18.0.1${n}`, online: true, fingerprint: n === 1 ? memberCert.fingerprint : `${'AB:'.repeat(31)}0${n}` })),
});

/** the member and the joining node; the member lists pve4 once it restarted (offline) and online when its task ends */
async function startFakes(): Promise<{ member: FakeNode; joiner: FakeNode }> {
  const member = await new FakeNode({ name: 'pve1', address: '198.18.0.11', cert: memberCert, rootPassword: MEMBER_PW, token: `${TOKEN_ID}=${SECRET}`, cluster: cluster() }).start();
  const joiner = await new FakeNode({
    name: 'pve4',
    address: '198.18.0.14',
    cert: joinerCert,
    nextCert: joinerNewCert,
    rootPassword: JOINER_PW,
    cluster: null,
    joinTask: joinTask('ok'),
    onRestart: (fp) => member.joined.set('pve4', { address: '198.18.0.14', fingerprint: fp, online: false }),
    onTaskEnd: (exit) => {
      const j = member.joined.get('pve4');
      if (exit === 'OK' && j) j.online = true;
    },
  }).start();
  fakes.push(member, joiner);
  return { member, joiner };
}

/** the cluster added through the REST API (an admin's session and its CSRF token); removed after the test */
async function addCluster(page: Page, member: FakeNode, id: string): Promise<() => Promise<void>> {
  await signIn(page);
  const headers = { 'x-csrf-token': await csrfToken(page) };
  const added = await page.request.post('/api/v1/clusters', {
    headers,
    data: { id, name: 'Fake PVE', source: 'pve', api: { urls: [member.url], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: memberCert.fingerprint } },
  });
  expect(added.status(), await added.text()).toBe(201);
  return async () => {
    await page.request.delete(`/api/v1/clusters/${id}`, { headers });
  };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

/** source and node steps: the cluster's own Join Information pasted, pve4's API, its certificate read and trusted, the passwords */
async function fillWizard(page: Page, id: string, joiner: FakeNode, joinerPassword: string): Promise<void> {
  await page.goto(`/join?cluster=${id}`);
  await expect(page.getByTestId('step-heading')).toHaveText('Which node joins');
  // a pve cluster offers no spares: the node is typed; the cluster's own Join Information (GET /cluster/config/join) is offered
  await expect(page.getByTestId('no-candidates')).toContainText('offers no spare nodes');
  await page.getByTestId('own-join-info').locator('summary').click();
  await expect(page.getByTestId('own-join-info')).toContainText('Cluster prod · member 198.18.0.11 · link 0');
  await expect(page.getByTestId('own-join-info-fingerprint')).toHaveAttribute('data-fingerprint', memberCert.fingerprint);
  const blob = await page.getByTestId('own-join-info-blob').inputValue();
  expect(blob.length).toBeGreaterThan(100);
  await page.getByTestId('join-node-name').fill('pve4');
  await page.getByTestId('join-info').fill(blob);
  await expect(page.getByTestId('join-info-decoded')).toContainText('Cluster prod');
  await page.getByTestId('step-next').click();

  await expect(page.getByTestId('step-heading')).toHaveText('Node and links');
  await page.getByTestId('join-link-0').fill('198.18.0.14');
  await page.getByTestId('joiner-url').fill(joiner.url);
  await page.getByTestId('joiner-password').fill(joinerPassword);
  // nothing typed for the fingerprint: read what pve4 presents, compare, trust it
  await page.getByTestId('joiner-read-certificate').click();
  await expect(page.getByTestId('joiner-certificate-fingerprint')).toHaveAttribute('data-fingerprint', joinerCert.fingerprint);
  await expect(page.getByTestId('joiner-certificate-presented')).toContainText('System → Certificates');
  await shot(page, 'node-step-certificate');
  // the pve fields and the presented certificate pass the accessibility gate too
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
  await page.getByTestId('joiner-certificate-trust').click();
  await expect(page.getByTestId('joiner-fingerprint')).toHaveValue(joinerCert.fingerprint);
  await page.getByTestId('join-password').fill(MEMBER_PW);
  await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-heading')).toHaveText('Pre-flight');
  // the address and the fingerprint are in the URL; no password is
  const url = decodeURIComponent(page.url());
  expect(url).toContain(`url=${joiner.url}`);
  expect(url).toContain(`jfp=${joinerCert.fingerprint}`);
  for (const secret of [MEMBER_PW, joinerPassword]) expect(url).not.toContain(secret);
}

test('join pve4 to a pve cluster: its API, its certificate, the pre-flight, the live task through the restart, and the new quorum', async ({ page }) => {
  test.setTimeout(180_000);
  const { member, joiner } = await startFakes();
  const id = `pve-join-${Date.now().toString(36)}`;
  const remove = await addCluster(page, member, id);
  try {
    await page.goto(`/?cluster=${id}`);
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes present · 2 needed', { timeout: 30_000 });
    await fillWizard(page, id, joiner, JOINER_PW);

    // the pre-flight: what the API cannot measure is a warning that says so, never a pass
    await expect(page.getByTestId('preflight-summary')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('joiner-access-problem')).toHaveCount(0);
    const port = page.getByTestId('check-corosync-port');
    await expect(port).toHaveAttribute('data-status', 'warn');
    await expect(port).toContainText('not checked: the API cannot probe Corosync\'s UDP port');
    await expect(port.getByTestId('check-word')).toHaveText('warning');
    await expect(page.getByTestId('check-member-certificate')).toHaveAttribute('data-status', 'pass');
    await expect(page.getByTestId('check-not-clustered')).toHaveAttribute('data-status', 'pass');
    await expect(page.locator('[data-status="fail"]')).toHaveCount(0);
    await shot(page, 'preflight');
    await page.getByTestId('step-next').click();

    // the fingerprint step: the Join Information's against what the server read from the member
    await expect(page.getByTestId('step-heading')).toHaveText('Fingerprint');
    await expect(page.getByTestId('fp-expected')).toHaveAttribute('data-fingerprint', memberCert.fingerprint);
    await expect(page.getByTestId('fp-measured')).toHaveAttribute('data-fingerprint', memberCert.fingerprint);
    await expect(page.getByTestId('fp-verdict')).toHaveAttribute('data-same', 'true');
    await page.getByTestId('step-next').click();

    await expect(page.getByTestId('step-heading')).toHaveText('Review');
    await expect(page.getByTestId('review-quorum')).toContainText('expected votes 3 → 4, needed 2 → 3');
    await page.getByTestId('review-confirm').check();
    await page.getByTestId('join-run').click();

    // the run: pve4's own task followed through its UPID, the restart with a new certificate re-pinned
    await expect(page.getByTestId('step-heading')).toHaveText('Run');
    const log = page.getByTestId('join-task-log');
    await expect(log).toContainText('Request addition of this node', { timeout: 60_000 });
    await expect(log).toContainText(`pve4 presents a new API certificate ${joinerNewCert.fingerprint}: re-pinned`, { timeout: 60_000 });
    await expect(page.getByTestId('join-task')).toHaveAttribute('data-result', 'ok', { timeout: 90_000 });
    await expect(log).toContainText("successfully added node 'pve4' to cluster.");
    await expect(log).toContainText(`pve4 joined; its API certificate is now ${joinerNewCert.fingerprint}`);
    await expect(log).toContainText('verified:');
    for (const secret of [MEMBER_PW, JOINER_PW]) await expect(log).not.toContainText(secret);
    await shot(page, 'run');
    // the join ran on pve4 with the member's address, certificate and password; the member saw only the token
    const post = joiner.requests.find((r) => r.method === 'POST' && r.path === 'cluster/config/join');
    expect(post?.form).toEqual({ hostname: '198.18.0.11', fingerprint: memberCert.fingerprint, password: MEMBER_PW, link0: '198.18.0.14' });
    expect(member.requests.every((r) => r.authorization === `PVEAPIToken=${TOKEN_ID}=${SECRET}`)).toBe(true);

    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('verify-node')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
    await expect(page.getByTestId('verify-node')).toContainText('pve4: online, 1 vote, a member');
    await expect(page.getByTestId('verify-quorum')).toContainText('QUORATE · 4 nodes · 4 of 4 votes · expected 4 · needed 3');
    await shot(page, 'verify');
    await page.getByTestId('verify-overview').click();
    await expect(page.getByTestId('node-row-pve4')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('votes-summary')).toContainText('4 of 4 votes present · 3 needed');
    await shot(page, 'overview');
  } finally {
    await remove();
  }
});

test('a wrong root password for pve4: the pre-flight fails its access check with the reason, and the join cannot start', async ({ page }) => {
  test.setTimeout(120_000);
  const { member, joiner } = await startFakes();
  const id = `pve-join-bad-${Date.now().toString(36)}`;
  const remove = await addCluster(page, member, id);
  try {
    await fillWizard(page, id, joiner, 'not-the-root-password');
    // the joining node's checks could not be measured: said once, with the reason
    await expect(page.getByTestId('joiner-access-problem')).toContainText("root@pam's password was refused", { timeout: 30_000 });
    await expect(page.getByTestId('check-not-clustered')).toHaveAttribute('data-status', 'warn');
    // and the access itself is a failing check: the run would fail on it, so it cannot start
    await expect(page.getByTestId('check-joiner-access')).toHaveAttribute('data-status', 'fail');
    await expect(page.getByTestId('check-joiner-access')).toContainText("root@pam's password was refused");
    await expect(page.getByTestId('check-joiner-access')).not.toContainText('not-the-root-password');
    await expect(page.getByTestId('step-next')).toBeDisabled();
    await shot(page, 'preflight-wrong-password');
    // nothing was changed: pve4 never got the join request
    expect(joiner.requests.some((r) => r.method === 'POST' && r.path === 'cluster/config/join')).toBe(false);
  } finally {
    await remove();
  }
});
