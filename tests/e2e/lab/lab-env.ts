// What playwright.lab.config.ts put into the environment, and whether the lab can run here.
import { expect, type Page } from '@playwright/test';
import { labAvailable } from '@quorate/lab';

export const labPrefix = (): string => {
  const p = process.env.E2E_LAB_PREFIX;
  if (!p) throw new Error('E2E_LAB_PREFIX is not set: run with -c playwright.lab.config.ts');
  return p;
};
export const adminPassword = (): string => process.env.E2E_LAB_ADMIN_PASSWORD ?? '';
export const onCi = process.env.CI === 'true';

/** ok, or why not; with CI=true a lab that cannot run is an error, not a skip. */
export async function labCheck(): Promise<{ ok: boolean; reason: string | null }> {
  const avail = await labAvailable().catch((err: unknown) => ({ ok: false, reason: String(err) }));
  if (!avail.ok && onCi) throw new Error(`CI=true but the real-Corosync lab cannot run here: ${avail.reason}`);
  return avail;
}

/** Sign in through the API (the page's context gets the cookie); a BFF without sign-in answers 404. */
export async function signIn(page: Page): Promise<void> {
  const res = await page.request.post('/api/v1/auth/login', { data: { username: 'admin', password: adminPassword() } });
  if (res.status() === 404) return;
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * Waits for a task panel to end, then expects `ok`; a task that failed prints its log and the BFF's view of
 * the cluster and source (so a CI failure says why, not only "failed").
 */
export async function expectTaskOk(page: Page, testId: string, timeout: number): Promise<void> {
  const panel = page.getByTestId(testId);
  await expect(panel).not.toHaveAttribute('data-result', 'running', { timeout });
  const result = await panel.getAttribute('data-result');
  if (result !== 'ok') {
    const log = await page.getByTestId(`${testId}-log`).textContent().catch(() => '(no log)');
    const snap = await page.request.get('/api/v1/snapshot').then((r) => r.text()).catch((e: unknown) => String(e));
    const health = await page.request.get('/healthz').then((r) => r.text()).catch((e: unknown) => String(e));
    console.log(`--- ${testId} ended '${result}'. Its log:\n${log}\n--- /healthz: ${health}\n--- /api/v1/snapshot: ${snap.slice(0, 4000)}`);
  }
  expect(result, `${testId} ended '${result}' (its log is printed above)`).toBe('ok');
}
