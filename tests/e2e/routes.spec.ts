// Path routes: a page's filters live in its URL (a reload keeps them), the chosen cluster rides along on
// every link, old hash bookmarks land on their path, and the skip link moves the focus without navigating.
import { ADMIN_PASSWORD, ADMIN_USER } from './credentials';
import { expect, healAndOpen, test } from './helpers';

test.describe('routes', () => {
  test('/history?severity=critical: the filter survives a reload and goes to the BFF', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    const asked = page.waitForRequest((r) => r.url().includes('/api/v1/history') && r.url().includes('severity=critical'));
    await page.goto(`/history?cluster=${encodeURIComponent(clusterId)}&severity=critical`);
    await expect(page.getByTestId('history-page')).toBeVisible();
    await expect(page.getByTestId('history-severity')).toHaveValue('critical');
    await asked;

    await page.reload();
    await expect(page.getByTestId('history-severity')).toHaveValue('critical');
    expect(new URL(page.url()).searchParams.get('severity')).toBe('critical');

    // changing it writes the URL; the chosen cluster stays
    await page.getByTestId('history-severity').selectOption('warning');
    await expect(page).toHaveURL(/severity=warning/);
    expect(new URL(page.url()).searchParams.get('cluster')).toBe(clusterId);
    // and back: the previous filter again
    await page.goBack();
    await expect(page.getByTestId('history-severity')).toHaveValue('critical');

    // the header's links keep the cluster
    await page.getByTestId('nav-overview').click();
    await expect(page).toHaveURL(new RegExp(`/\\?cluster=${clusterId}$`));
    await expect(page.getByTestId('quorum-hero')).toBeVisible();
  });

  test('the audit filter survives a reload too', async ({ page, api }) => {
    await healAndOpen(page, api);
    await page.goto('/audit?result=refused');
    await expect(page.getByTestId('audit-page')).toBeVisible();
    await expect(page.getByTestId('audit-result')).toHaveValue('refused');
    await page.reload();
    await expect(page.getByTestId('audit-result')).toHaveValue('refused');
  });

  test('an old hash link (/#/history) opens the history page at its path; /events too', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    // a bookmark: a fresh load
    await page.goto('about:blank');
    await page.goto(`/?cluster=${encodeURIComponent(clusterId)}#/history`);
    await expect(page.getByTestId('history-page')).toBeVisible();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/history');
    expect(url.hash).toBe('');
    expect(url.searchParams.get('cluster')).toBe(clusterId);

    // an old link followed inside the open page (only the hash changes)
    await page.goto(`/?cluster=${encodeURIComponent(clusterId)}`);
    await expect(page.getByTestId('quorum-hero')).toBeVisible();
    await page.goto(`/?cluster=${encodeURIComponent(clusterId)}#/audit`);
    await expect(page.getByTestId('audit-page')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/audit\\?cluster=${clusterId}$`));

    await page.goto('/events?severity=info');
    await expect(page.getByTestId('history-page')).toBeVisible();
    await expect(page).toHaveURL(/\/history\?severity=info$/);
    await expect(page.getByTestId('history-severity')).toHaveValue('info');
  });

  test('the skip link focuses the main content and leaves the route alone', async ({ page, api }) => {
    await healAndOpen(page, api);
    await page.goto('/history?severity=critical');
    await expect(page.getByTestId('history-page')).toBeVisible();
    const before = page.url();
    await page.keyboard.press('Tab');
    const skip = page.getByTestId('skip-link');
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
    expect(page.url()).toBe(before);
    await expect(page.getByTestId('history-page')).toBeVisible();
    await expect(page.getByTestId('history-severity')).toHaveValue('critical');
  });

  test('signing out and in again on a page: the same page, its filter kept', async ({ page, api }) => {
    await healAndOpen(page, api);
    await page.goto('/history?severity=warning');
    await expect(page.getByTestId('history-severity')).toHaveValue('warning');
    await page.getByTestId('logout').click();
    await expect(page.getByTestId('login-form')).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/history');
    await page.getByTestId('login-username').fill(ADMIN_USER);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('history-page')).toBeVisible();
    await expect(page.getByTestId('history-severity')).toHaveValue('warning');
    // and the router still follows the links
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('quorum-hero')).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/');
  });
});
