// The real simulator: one node stopped of three is not "healthy with margin" — the hero turns amber and
// says why (pve3 is offline, can lose 0 more); a second node stopped loses quorum; starting them again
// brings back the green hero. The tab's title follows.
import { expect, healAndOpen, postFault, test } from './helpers';

// QUORATE_SIM_TOKEN_MS=300: a crash is noticed within a couple of seconds; allow for slow CI machines
const DETECTION = 20_000;

test('stop pve3: degraded (amber, in words); stop pve2: lost; start both: healthy', async ({ page, api }) => {
  const clusterId = await healAndOpen(page, api);
  const hero = page.getByTestId('quorum-hero');
  await expect(hero).toHaveAttribute('data-hero-state', 'healthy');
  await expect(page).toHaveTitle(/^● HEALTHY — /);

  const lab = page.getByTestId('lab-controls');
  await lab.getByTestId('lab-pick-pve3').check();
  await lab.getByTestId('lab-stop').click();
  await expect(lab.getByTestId('lab-accepted')).toContainText('stop pve3');

  await expect(hero).toHaveAttribute('data-hero-state', 'degraded', { timeout: DETECTION });
  await expect(page.getByTestId('hero-state-word')).toHaveText('DEGRADED');
  await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE');
  await expect(hero.locator('[data-reason="nodes-offline"]')).toContainText('pve3 is offline');
  await expect(hero.locator('[data-reason="no-margin"]')).toContainText('can lose 0 more');
  expect(await hero.evaluate((el) => el.className)).toMatch(/amber/);
  expect(await hero.evaluate((el) => el.className)).not.toMatch(/emerald/);
  await expect(page).toHaveTitle(/^● DEGRADED — /);
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('data-state', 'degraded');

  await postFault(api, clusterId, { action: 'stop', nodes: ['pve2'] });
  await expect(hero).toHaveAttribute('data-hero-state', 'lost', { timeout: DETECTION });
  await expect(page.getByTestId('quorum-state')).toHaveText('NOT QUORATE');
  await expect(page).toHaveTitle(/^● QUORUM LOST — /);

  await lab.getByTestId('lab-pick-pve2').check();
  await lab.getByTestId('lab-start').click();
  await expect(hero).toHaveAttribute('data-hero-state', 'healthy', { timeout: 30_000 });
  await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes');
  await expect(page.getByTestId('health-reasons')).toHaveCount(0);
  await expect(page).toHaveTitle(/^● HEALTHY — /);
});
