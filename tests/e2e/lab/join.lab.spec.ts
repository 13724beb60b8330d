// The join wizard on real Corosync (the namespace lab: 3 members, spares pve4 and pve5). Two spares stop at
// the pre-flight with the right explanation — one runs a cluster of its own, one drops Corosync's UDP port
// (nftables) — then pve4 joins through the wizard: the dashboard shows 4 members, expected 4, needed 3,
// quorate, and `corosync-quorumtool -s` on every node agrees. pve4 is then powered off and removed through
// the remove page, so the other lab spec finds the 3-node cluster it expects.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { Lab } from '@quorate/lab';
import { expectTaskOk, labCheck, labPrefix, signIn } from './lab-env';

const screenshotDir = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));
/** the pre-flight probes from every member: ~3 s, ~9 s with the port dropped (the UDP test waits 2 s per member) */
const PREFLIGHT = 40_000;
const TASK = 90_000;

let avail: { ok: boolean; reason: string | null } = { ok: false, reason: 'not checked yet' };
test.beforeAll(async () => {
  avail = await labCheck();
});

/** the wizard from the candidate to the pre-flight */
async function preflight(page: Page, spare: string): Promise<void> {
  await page.goto('/join');
  await expect(page.getByTestId('step-heading')).toHaveText('Which node joins');
  await page.getByTestId(`candidate-${spare}`).click();
  await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-heading')).toHaveText('Node and links');
  await expect(page.getByTestId('join-link-0')).not.toHaveValue('');
  await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-heading')).toHaveText('Pre-flight');
}

/** corosync-quorumtool -s on each node: the same membership and figures everywhere */
async function everyNodeAgrees(lab: Lab, names: string[], want: { members: number; expectedVotes: number; quorum: number }): Promise<void> {
  for (const name of names) {
    const q = await lab.quorum(name);
    expect(q, `${name}: ${q.raw}`).toMatchObject({ exitCode: 0, quorate: true, members: want.members, expectedVotes: want.expectedVotes });
    expect(Number(/^Quorum:\s+(\d+)/m.exec(q.raw)?.[1]), `${name}: ${q.raw}`).toBe(want.quorum);
  }
}

test.describe('the join wizard on the real-Corosync lab', () => {
  test('two spares stop at the pre-flight; pve4 joins (4 members, expected 4, needed 3); then it is removed', async ({ page }) => {
    test.skip(!avail.ok, `needs the real-Corosync lab: ${avail.reason}`);
    test.setTimeout(4 * TASK);
    const lab = await Lab.open(labPrefix());
    await signIn(page);
    await page.goto('/');
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 45_000 });
    mkdirSync(screenshotDir, { recursive: true });

    // a spare that already runs Corosync in a cluster of its own
    await lab.createCluster(['pve5'], { clusterName: 'other' });
    await preflight(page, 'pve5');
    await expect(page.getByTestId('check-not-clustered')).toHaveAttribute('data-status', 'fail', { timeout: PREFLIGHT });
    await expect(page.getByTestId('check-not-clustered')).toContainText('corosync is already running');
    await expect(page.getByTestId('check-not-clustered')).toContainText('cluster other');
    await expect(page.getByTestId('step-next')).toBeDisabled();

    // Corosync's UDP port dropped by nftables in the joining namespace: ping passes, the port does not
    await lab.blockCorosyncPort('pve4', true);
    try {
      await preflight(page, 'pve4');
      await expect(page.getByTestId('check-corosync-port')).toHaveAttribute('data-status', 'fail', { timeout: PREFLIGHT });
      await expect(page.getByTestId('check-corosync-port')).toContainText('UDP dropped: pve1 → 198.18.0.14:5405');
      await expect(page.getByTestId('check-links-reachable')).toHaveAttribute('data-status', 'pass');
      await expect(page.getByTestId('step-next')).toBeDisabled();
      await page.screenshot({ path: `${screenshotDir}lab-join-port-dropped.png`, fullPage: true });
    } finally {
      await lab.blockCorosyncPort('pve4', false);
    }

    // the port open again: pve4 joins through the wizard
    await preflight(page, 'pve4');
    await expect(page.getByTestId('preflight-summary')).toContainText('0 failed', { timeout: PREFLIGHT });
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-heading')).toHaveText('Review');
    await expect(page.getByTestId('review-quorum-sentence')).toHaveText('expected votes 3 → 4, needed 2 → 3, can lose 1 node → 1 node');
    await page.getByTestId('review-confirm').check();
    await page.getByTestId('join-run').click();
    await expectTaskOk(page, 'join-task', TASK);
    await expect(page.getByTestId('join-task-log')).toContainText('pve4 joined');
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-heading')).toHaveText('Verify');
    await expect(page.getByTestId('verify-node')).toContainText('pve4: online, 1 vote');
    await expect(page.getByTestId('verify-quorum')).toContainText('expected 4');
    await expect(page.getByTestId('verify-quorum')).toContainText('needed 3');
    await page.getByTestId('verify-overview').click();
    await expect(page.getByTestId('quorum-state')).toHaveText('QUORATE', { timeout: 20_000 });
    await expect(page.getByTestId('votes-summary')).toContainText('4 of 4 votes', { timeout: 20_000 });
    await expect(page.getByTestId('votes-summary')).toContainText('3 needed');
    await expect(page.getByTestId('node-row-pve4')).toHaveAttribute('data-state', 'online');
    await page.screenshot({ path: `${screenshotDir}lab-join-4-members.png`, fullPage: true });
    // the BFF changed the lab's state file: read it again (an old Lab would write its stale view back)
    const joined = await Lab.open(labPrefix());
    expect(joined.state.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    await everyNodeAgrees(joined, ['pve1', 'pve2', 'pve3', 'pve4'], { members: 4, expectedVotes: 4, quorum: 3 });

    // Proxmox's order: power the node off, then remove it (here through the remove page)
    await joined.fault('pve4', { kind: 'stop' });
    await expect(page.getByTestId('node-row-pve4')).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
    await page.goto('/remove');
    await page.getByTestId('remove-node').selectOption('pve4');
    await expect(page.getByTestId('remove-plan')).toBeVisible({ timeout: 20_000 });
    await page.getByTestId('remove-cluster-name').fill('lab-cluster');
    await page.getByTestId('remove-run').click();
    await expectTaskOk(page, 'remove-task', TASK);
    await page.goto('/');
    await expect(page.getByTestId('votes-summary')).toContainText('3 of 3 votes', { timeout: 20_000 });
    await expect(page.getByTestId('node-row-pve4')).toHaveCount(0);
    await everyNodeAgrees(await Lab.open(labPrefix()), ['pve1', 'pve2', 'pve3'], { members: 3, expectedVotes: 3, quorum: 2 });
  });
});
