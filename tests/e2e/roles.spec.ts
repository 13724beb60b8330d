// Roles on the page: an admin creates a viewer and an operator; the viewer sees the live cluster but no
// operation buttons and no lab controls (not even when quorum is lost); the operator sees them.
import type { Browser, Page } from '@playwright/test';
import { csrfToken, expect, expectHealthy, healAndOpen, postFault, screenshotDir, signInViaPage, test } from './helpers';

const stamp = Date.now().toString(36);
const viewer = { username: `vera-${stamp}`, password: 'viewer-password-1' };
const operator = { username: `otto-${stamp}`, password: 'operator-password-1' };

async function createUser(page: Page, u: { username: string; password: string }, role: string): Promise<void> {
  await page.getByTestId('user-create-username').fill(u.username);
  await page.getByTestId('user-create-password').fill(u.password);
  await page.getByTestId('user-create-role').selectOption(role);
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId(`user-row-${u.username}`)).toHaveAttribute('data-role', role);
}

async function freshPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const ctx = await browser.newContext({ baseURL });
  return ctx.newPage();
}

test.describe('roles', () => {
  test('admin creates users; a viewer sees no controls, an operator does', async ({ page, api, browser, baseURL }) => {
    const clusterId = await healAndOpen(page, api);
    await page.getByTestId('nav-admin').click();
    await expect(page.getByTestId('admin-users')).toBeVisible();
    await createUser(page, viewer, 'viewer');
    await createUser(page, operator, 'operator');

    // API token: shown once, with a copy button and a warning; then revoked
    await page.getByTestId('token-create-name').fill(`ci-${stamp}`);
    await page.getByTestId('token-create-role').selectOption('viewer');
    await page.getByTestId('token-create-submit').click();
    const created = page.getByTestId('token-created');
    await expect(created).toContainText('shown only once');
    await expect(page.getByTestId('token-copy')).toBeVisible();
    const secret = (await page.getByTestId('token-secret').textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await page.screenshot({ path: `${screenshotDir}admin.png`, fullPage: true });
    await page.getByTestId('token-dismiss').click();
    await expect(page.getByTestId('token-secret')).toHaveCount(0);
    await page.getByTestId(`token-revoke-ci-${stamp}`).click();
    await page.getByTestId(`token-revoke-ci-${stamp}-yes`).click();
    await expect(page.getByTestId(`token-row-ci-${stamp}`)).toHaveCount(0);

    // the viewer: live dashboard, no lab controls, no operations, no admin pages
    const v = await freshPage(browser, baseURL);
    await signInViaPage(v, viewer.username, viewer.password);
    await expectHealthy(v);
    await expect(v.getByTestId('current-user')).toHaveAttribute('data-role', 'viewer');
    await expect(v.getByTestId('event-feed')).toBeVisible();
    await expect(v.getByTestId('lab-controls')).toHaveCount(0);
    await expect(v.getByTestId('operations-panel')).toHaveCount(0);
    await expect(v.getByTestId('op-expected-votes')).toHaveCount(0);
    await expect(v.getByTestId('nav-admin')).toHaveCount(0);
    await expect(v.getByTestId('nav-audit')).toHaveCount(0);
    // the server refuses a viewer's fault too (the page does not merely hide the buttons)
    const token = await csrfToken(v);
    const refused = await v.request.post(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, {
      data: { action: 'heal' },
      headers: { 'x-csrf-token': token },
    });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('needs role operator');

    // not even the last-resort button while quorum is lost
    await postFault(api, clusterId, { action: 'stop', nodes: ['pve2', 'pve3'] });
    await expect(v.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: 20_000 });
    await expect(v.getByTestId('quorum-hero')).toContainText('pvecm expected 1');
    await expect(v.getByTestId('hero-expected-votes')).toHaveCount(0);
    await expect(v.getByTestId('lab-controls')).toHaveCount(0);

    // the operator: the same page with the controls
    const o = await freshPage(browser, baseURL);
    await signInViaPage(o, operator.username, operator.password);
    await expect(o.getByTestId('quorum-state')).toHaveText('NOT QUORATE', { timeout: 20_000 });
    await expect(o.getByTestId('hero-expected-votes')).toBeVisible();
    await expect(o.getByTestId('lab-controls')).toBeVisible();
    await expect(o.getByTestId('operations-panel')).toBeVisible();
    await expect(o.getByTestId('nav-admin')).toHaveCount(0);
    await o.getByTestId('lab-heal').click();
    await expectHealthy(o);
    await expectHealthy(v);

    // an admin changes the viewer's role: after a new sign-in the viewer gets the controls
    await page.getByTestId(`user-role-${viewer.username}`).selectOption('operator');
    await expect(page.getByTestId(`user-row-${viewer.username}`)).toHaveAttribute('data-role', 'operator');
    await v.getByTestId('logout').click();
    await signInViaPage(v, viewer.username, viewer.password);
    await expect(v.getByTestId('lab-controls')).toBeVisible();

    // delete: the user can no longer sign in
    await page.getByTestId(`user-delete-${operator.username}`).click();
    await page.getByTestId(`user-delete-${operator.username}-yes`).click();
    await expect(page.getByTestId(`user-row-${operator.username}`)).toHaveCount(0);
    const gone = await api.post('/api/v1/auth/login', { data: operator });
    expect(gone.status()).toBe(401);

    await v.context().close();
    await o.context().close();
  });
});

test('a session ended elsewhere sends the open page back to the login page', async ({ page, api }) => {
  await healAndOpen(page, api);
  const token = await csrfToken(page);
  // as if signed out in another tab: the BFF revokes the session and drops its socket
  const out = await page.request.post('/api/v1/auth/logout', { headers: { 'x-csrf-token': token } });
  expect(out.status()).toBe(204);
  await expect(page.getByTestId('login-form')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('quorum-hero')).toHaveCount(0);
});
