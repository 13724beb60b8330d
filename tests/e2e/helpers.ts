// Shared steps for the e2e specs: find the simulated cluster, inject faults, reset to a healthy cluster.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const screenshotDir = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
mkdirSync(screenshotDir, { recursive: true });

export async function simClusterId(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/v1/clusters');
  expect(res.ok()).toBe(true);
  const { clusters } = (await res.json()) as { clusters: { id: string; source: string; default: boolean }[] };
  const sim = clusters.find((c) => c.source === 'sim');
  if (!sim) throw new Error(`no simulated cluster among ${clusters.map((c) => c.id).join(', ')}`);
  return sim.id;
}

export async function postFault(request: APIRequestContext, clusterId: string, fault: unknown): Promise<void> {
  const res = await request.post(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, { data: fault });
  expect(res.status(), await res.text()).toBe(202);
}

/** Every test starts from a healthy cluster: heal, open the page, wait for QUORATE with all votes. */
export async function healAndOpen(page: Page, request: APIRequestContext): Promise<string> {
  const clusterId = await simClusterId(request);
  await postFault(request, clusterId, { action: 'heal' });
  await page.goto(`/?cluster=${encodeURIComponent(clusterId)}`);
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 30_000 });
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 30_000 });
  return clusterId;
}
