// Shared steps for the e2e specs: sign in, find the simulated cluster, inject faults, reset to a healthy cluster.
// REST calls from the specs go through `api`, a request context carrying the static API token.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USER, API_TOKEN } from './credentials';

export { expect };

export const screenshotDir = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
mkdirSync(screenshotDir, { recursive: true });

export const test = base.extend<{ api: APIRequestContext }>({
  api: async ({ playwright, baseURL }, use) => {
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${API_TOKEN}` } });
    await use(api);
    await api.dispose();
  },
});

export async function simClusterId(api: APIRequestContext): Promise<string> {
  const res = await api.get('/api/v1/clusters');
  expect(res.ok(), await res.text()).toBe(true);
  const { clusters } = (await res.json()) as { clusters: { id: string; source: string; default: boolean }[] };
  const sim = clusters.find((c) => c.source === 'sim');
  if (!sim) throw new Error(`no simulated cluster among ${clusters.map((c) => c.id).join(', ')}`);
  return sim.id;
}

export async function postFault(api: APIRequestContext, clusterId: string, fault: unknown): Promise<void> {
  const res = await api.post(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, { data: fault });
  expect(res.status(), await res.text()).toBe(202);
}

/** every page of the app, by path, and what shows it is there: a new page joins this list (the a11y gate, the phone check) */
export const APP_PAGES = [
  { path: '/', ready: 'quorum-state' },
  { path: '/clusters', ready: 'clusters-page' },
  { path: '/history', ready: 'history-page' },
  { path: '/audit', ready: 'audit-page' },
  { path: '/admin', ready: 'admin-page' },
  { path: '/account', ready: 'account-page' },
  { path: '/join', ready: 'join-page' },
  { path: '/create', ready: 'create-page' },
  { path: '/remove', ready: 'remove-page' },
  { path: '/alerts', ready: 'alerts-page' },
  { path: '/plan', ready: 'plan-page' },
  { path: '/qdevice', ready: 'qdevice-page' },
  { path: '/links', ready: 'links-page' },
  { path: '/timeline', ready: 'timeline-page' },
] as const;

/** the session's CSRF token (state-changing calls with the page's cookie send it as x-csrf-token) */
export async function csrfToken(page: Page): Promise<string> {
  const { csrfToken: token } = (await (await page.request.get('/api/v1/auth/state')).json()) as { csrfToken: string };
  return token;
}

/** sign in through the API: the page's context gets the session cookie */
export async function signIn(page: Page, username = ADMIN_USER, password = ADMIN_PASSWORD): Promise<void> {
  const res = await page.request.post('/api/v1/auth/login', { data: { username, password } });
  expect(res.status(), await res.text()).toBe(200);
}

/** sign in the way a person does: the login page */
export async function signInViaPage(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('current-user')).toContainText(username);
}

/** wait for a healthy, live cluster on the open page */
export async function expectHealthy(page: Page): Promise<void> {
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 30_000 });
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 30_000 });
}

/** Every test starts from a healthy cluster: heal, sign in (admin unless told), open the page, wait for QUORATE. */
export async function healAndOpen(page: Page, api: APIRequestContext, user?: { username: string; password: string }): Promise<string> {
  const clusterId = await simClusterId(api);
  await postFault(api, clusterId, { action: 'heal' });
  await signIn(page, user?.username, user?.password);
  await page.goto(`/?cluster=${encodeURIComponent(clusterId)}`);
  await expectHealthy(page);
  return clusterId;
}
