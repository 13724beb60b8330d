// The join's other paths on the sim (issue 13), each on a sim cluster of its own that the admin adds and
// removes again: create a cluster from three standalone nodes through the create wizard; and a join
// started by pasting the cluster's own Join Information, whose spare has a skewed clock — the pre-flight
// warns (it does not block), the member's certificate matches the blob, the fingerprint step agrees.
import type { Page } from '@playwright/test';
import { csrfToken, expect, signIn, test } from './helpers';

const TASK = 90_000;
const stamp = Date.now().toString(36);

async function withSimCluster(page: Page, entry: Record<string, unknown>, run: (id: string, headers: Record<string, string>) => Promise<void>): Promise<void> {
  await signIn(page);
  const headers = { 'x-csrf-token': await csrfToken(page) };
  const id = String(entry.id);
  const added = await page.request.post('/api/v1/clusters', { headers, data: { source: 'sim', tokenMs: 300, tickMs: 500, ...entry } });
  expect(added.status(), await added.text()).toBe(201);
  try {
    await run(id, headers);
  } finally {
    await page.request.delete(`/api/v1/clusters/${id}`, { headers });
  }
}

test('create a cluster from three standalone nodes through the create wizard', async ({ page }) => {
  test.setTimeout(3 * TASK);
  await withSimCluster(page, { id: `create-${stamp}`, name: 'standalone', nodes: 0, spares: 3 }, async (id) => {
    const cand = (await (await page.request.get(`/api/v1/join-candidates?cluster=${id}`)).json()) as { candidates: { name: string }[] };
    const names = cand.candidates.map((c) => c.name);
    expect(names).toHaveLength(3);
    await page.goto(`/create?cluster=${id}`);
    await expect(page.getByTestId('step-heading')).toBeVisible();
    await page.getByTestId('create-name').fill('newlab');
    for (const n of names) await page.getByTestId(`create-node-${n}`).check();
    await page.getByTestId('step-next').click();
    // the plan: a new cluster of three, quorum 2, can lose 1
    await expect(page.getByTestId('create-quorum')).toContainText('expected votes 3', { timeout: 20_000 });
    await page.getByTestId('create-run').click();
    await expect(page.getByTestId('create-task')).toHaveAttribute('data-result', 'ok', { timeout: TASK });
    await expect(page.getByTestId('create-task')).toContainText('verified:');
    // the overview: a quorate cluster of three
    await page.goto(`/?cluster=${id}`);
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 30_000 });
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 30_000 });
  });
});

test('join by pasting the Join Information; a skewed clock warns, the certificate matches', async ({ page }) => {
  test.setTimeout(2 * TASK);
  await withSimCluster(page, { id: `paste-${stamp}`, name: 'paste', nodes: 3, spares: 1 }, async (id, headers) => {
    // the spare's clock runs 900 ms ahead: above the 500 ms warning, below the 2 s failure
    const skew = await page.request.post(`/api/v1/sim/spares?cluster=${id}`, { headers, data: { action: 'spare-set', spare: 'pve4', clockOffsetMs: 900 } });
    expect(skew.status(), await skew.text()).toBe(202);
    await page.goto(`/join?cluster=${id}`);
    // the page offers this cluster's own Join Information to copy: take it from there
    await page.getByTestId('own-join-info').locator('summary').click();
    const blob = await page.getByTestId('own-join-info-blob').inputValue();
    expect(blob.length).toBeGreaterThan(100);
    await page.getByTestId('candidate-pve4').click();
    await page.getByTestId('join-info').fill(blob);
    await expect(page.getByTestId('join-info-decoded')).toContainText('Cluster paste');
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-heading')).toHaveText('Node and links');
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-heading')).toHaveText('Pre-flight');
    await expect(page.getByTestId('check-clock-skew')).toHaveAttribute('data-status', 'warn', { timeout: 20_000 });
    await expect(page.getByTestId('check-clock-skew')).toContainText('pve4 is 900 ms ahead');
    await expect(page.getByTestId('check-member-certificate')).toHaveAttribute('data-status', 'pass');
    await expect(page.locator('[data-testid^="check-"][data-status="fail"]')).toHaveCount(0);
    await page.getByTestId('step-next').click();
    // the fingerprint: the blob's, side by side with what the server measured — the same
    await expect(page.getByTestId('step-heading')).toHaveText('Fingerprint');
    await expect(page.getByTestId('fp-verdict')).toHaveAttribute('data-same', 'true');
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-heading')).toHaveText('Review');
    await expect(page.getByTestId('review-quorum-sentence')).toHaveText('expected votes 3 → 4, needed 2 → 3, can lose 1 node → 1 node');
  });
});
