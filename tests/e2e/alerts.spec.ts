// Issue 14's acceptance on the page: an admin adds a webhook channel pointing at a receiver this spec runs on
// 127.0.0.1, presses "Send test" (the receiver gets the test message; the page shows it sent, status 200, and
// the delivery log has it); the simulated cluster loses quorum (pve2 and pve3 stopped) — the receiver gets one
// quorum-lost message, the log shows it sent, "Alerting now" lists it and it is acknowledged; healed, the
// resolved message follows. The channel is deleted through the page (asked once more). axe on the filled page.
// The dead-man's switch is set on the page to a receiver on 127.0.0.1: it shows on, the origin only and a
// successful last ping, the receiver got the POST; turned off (asked once more). An operator's delivery log
// offers every channel by name in its filter (GET /alerts/channel-names), before any delivery names it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ADMIN_USER } from './credentials';
import { csrfToken, expect, healAndOpen, signIn, test } from './helpers';

interface Received {
  headers: IncomingHttpHeaders;
  body: { version: number; kind: string; rule: string | null; title: string; clusterId: string | null };
}
/** any request the receiver got, JSON or not */
interface Request {
  method: string;
  path: string;
  text: string;
}

/** a webhook receiver on 127.0.0.1: every POST kept (`got`: the JSON ones; `all`: every request), answered 200 */
async function receiver(): Promise<{ url: string; got: Received[]; all: Request[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const all: Request[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      all.push({ method: req.method ?? '', path: req.url ?? '', text: Buffer.concat(chunks).toString('utf8') });
      try {
        got.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'] });
      } catch {
        /* not JSON: not ours to keep */
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/quorate-hook`, got, all, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

async function fault(page: Page, clusterId: string, body: unknown): Promise<void> {
  const res = await page.request.post(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, { headers: { 'x-csrf-token': await csrfToken(page) }, data: body });
  expect(res.status(), await res.text()).toBe(202);
}

const NAME = 'e2e ops hook';

test('alerts: a webhook channel added on the page, its test message and the quorum-lost one in the delivery log', async ({ page, api }) => {
  test.setTimeout(120_000);
  const hook = await receiver();
  let clusterId = '';
  try {
    clusterId = await healAndOpen(page, api);
    await page.getByTestId('nav-alerts').click();
    await expect(page).toHaveURL(/\/alerts/);
    await expect(page.getByTestId('open-alerts-none')).toBeVisible();

    // add the channel through the form
    await page.getByTestId('channel-add').click();
    const form = page.getByTestId('channel-form');
    await expect(form.getByLabel('Type')).toHaveValue('webhook');
    await form.getByLabel('Name').fill(NAME);
    await form.getByLabel('URL').fill(hook.url);
    await page.screenshot({ path: test.info().outputPath('alerts-channel-form.png'), fullPage: true });
    await form.getByTestId('channel-save').click();
    await expect(form).toBeHidden();
    const row = page.getByTestId('channel-row').filter({ hasText: NAME });
    await expect(row).toContainText('Webhook (JSON)');
    await expect(row).toContainText('all 8');

    // the URL is a secret: editing shows "(set)" and its origin, never the URL
    await row.getByRole('button', { name: `Edit ${NAME}` }).click();
    await expect(page.getByTestId('channel-config-url')).toContainText('(set)');
    await expect(page.getByTestId('channel-config-url')).toContainText(new URL(hook.url).origin);
    await expect(page.getByTestId('channel-form')).not.toContainText('quorate-hook');
    await page.getByTestId('channel-cancel').click();

    // Send test: the receiver has it, the page says sent 200, the log lists it
    await row.getByRole('button', { name: `Send a test to ${NAME}` }).click();
    await expect(row.getByTestId(/-test-result$/)).toContainText('Test: sent · status 200');
    expect(hook.got).toHaveLength(1);
    expect(hook.got[0]!.headers['x-quorate-event']).toBe('test');
    expect(hook.got[0]!.body).toMatchObject({ version: 1, kind: 'test', rule: null });
    expect(hook.got[0]!.body.title).toContain(NAME);
    const log = page.getByTestId('delivery-log');
    const testRow = log.locator('[data-testid="delivery-row"][data-kind="test"]').filter({ hasText: NAME });
    await expect(testRow).toHaveCount(1);
    await expect(testRow.getByTestId('delivery-outcome')).toHaveText('sent');
    await expect(testRow.getByTestId('delivery-status')).toHaveText('200');
    await page.screenshot({ path: test.info().outputPath('alerts-test-sent.png'), fullPage: true });

    // quorum lost: one message, and the log shows it sent
    await fault(page, clusterId, { action: 'stop', nodes: ['pve2', 'pve3'] });
    await expect.poll(() => hook.got.filter((g) => g.body.rule === 'quorum-lost' && g.body.kind === 'opened').length, { timeout: 30_000 }).toBe(1);
    const lostRow = log.locator('[data-testid="delivery-row"][data-rule="quorum-lost"][data-kind="opened"]');
    await expect(lostRow).toHaveCount(1, { timeout: 15_000 });
    await expect(lostRow.getByTestId('delivery-outcome')).toHaveText('sent');
    await expect(lostRow.getByTestId('delivery-status')).toHaveText('200');
    await expect(lostRow).toContainText(NAME);

    // alerting now: listed, and acknowledged by the admin
    const open = page.getByTestId('open-alert').and(page.locator('[data-rule="quorum-lost"]'));
    await expect(open).toBeVisible({ timeout: 15_000 });
    await open.getByRole('button', { name: /^Acknowledge/ }).click();
    await expect(open.getByTestId('open-alert-acked')).toContainText(`acknowledged by ${ADMIN_USER}`);
    await page.screenshot({ path: test.info().outputPath('alerts-quorum-lost.png'), fullPage: true });

    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

    // healed: the resolved message goes out, and nothing is alerting any more
    await fault(page, clusterId, { action: 'heal' });
    await expect.poll(() => hook.got.filter((g) => g.body.rule === 'quorum-lost' && g.body.kind === 'closed').length, { timeout: 30_000 }).toBe(1);
    await expect(log.locator('[data-testid="delivery-row"][data-rule="quorum-lost"][data-kind="closed"]')).toHaveCount(1, { timeout: 15_000 });
    await expect(page.getByTestId('open-alert').and(page.locator('[data-rule="quorum-lost"]'))).toHaveCount(0, { timeout: 15_000 });
    expect(hook.got.filter((g) => g.body.rule === 'quorum-lost' && g.body.kind === 'opened')).toHaveLength(1);

    // delete, asked once more
    await row.getByTestId(/-delete$/).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    if (clusterId) await fault(page, clusterId, { action: 'heal' }).catch(() => undefined);
    // a channel left behind (a failure above) would send the next specs' incidents to a closed port
    const headers = { 'x-csrf-token': await csrfToken(page).catch(() => '') };
    const list = await page.request.get('/api/v1/alerts/channels').catch(() => null);
    if (list?.ok()) for (const c of ((await list.json()) as { channels: { id: string; name: string }[] }).channels) if (c.name === NAME) await page.request.delete(`/api/v1/alerts/channels/${c.id}`, { headers });
    await hook.close();
  }
});

test("alerts: the dead-man's switch set on the page pings a receiver on 127.0.0.1, shows the origin only and its last ping, and is turned off", async ({ page, api }) => {
  const check = await receiver();
  /** the check's key is in the path: the page must never show it */
  const key = `ping-key-${Date.now().toString(36)}`;
  const url = `${new URL(check.url).origin}/${key}`;
  try {
    await healAndOpen(page, api);
    await page.goto('/alerts');
    const panel = page.getByTestId('deadman');
    await expect(panel.getByTestId('deadman-state')).toHaveAttribute('data-on', 'false');
    await expect(panel).toContainText('Healthchecks.io');
    await expect(panel.getByLabel('Check URL')).toHaveValue('');

    // a bad interval is named on its field and nothing is sent
    await panel.getByLabel('Check URL').fill(url);
    await panel.getByLabel('Every (seconds)').fill('10');
    await panel.getByRole('button', { name: 'Turn on' }).click();
    await expect(panel.getByTestId('deadman-interval-error')).toHaveText('At least 30.');
    expect(check.all).toHaveLength(0);

    await panel.getByLabel('Every (seconds)').fill('30');
    await panel.getByRole('button', { name: 'Turn on' }).click();
    await expect(panel.getByTestId('deadman-state')).toHaveAttribute('data-on', 'true');
    await expect(panel.getByTestId('deadman-state')).toHaveText(`On: pings ${new URL(check.url).origin}/… every 30 s`);
    const last = panel.getByTestId('deadman-last');
    await expect(last).toHaveAttribute('data-ok', 'true');
    await expect(last).toContainText('ok · status 200');
    // the receiver got the ping: a POST to the URL typed
    expect(check.all.length).toBeGreaterThanOrEqual(1);
    expect(check.all[0]).toMatchObject({ method: 'POST', path: `/${key}`, text: 'Quorate is running' });
    // write-only: the URL field is empty again and the key is nowhere on the page (nor in what the BFF answers)
    await expect(panel.getByLabel('New check URL')).toHaveValue('');
    await expect(page.locator('body')).not.toContainText(key);
    const view = await page.request.get('/api/v1/alerts/deadman');
    expect(await view.text()).not.toContain(key);
    await page.reload();
    await expect(panel.getByTestId('deadman-state')).toHaveAttribute('data-on', 'true');
    await expect(panel.getByLabel('New check URL')).toHaveValue('');
    await expect(panel.getByLabel('Every (seconds)')).toHaveValue('30');
    await expect(page.locator('body')).not.toContainText(key);
    await page.screenshot({ path: test.info().outputPath('alerts-deadman-on.png'), fullPage: true });
    // on a phone, the panel with its origin and last ping does not push the page sideways
    const desk = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 800 });
    await expect(last).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'scroll width at 375 px').toBeLessThanOrEqual(375);
    await panel.screenshot({ path: test.info().outputPath('alerts-deadman-on-375.png') });
    if (desk) await page.setViewportSize(desk);

    const axe = await new AxeBuilder({ page }).include('[data-testid="deadman"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

    // turn off: asked once more
    await panel.getByTestId('deadman-off').click();
    await panel.getByRole('button', { name: 'Yes, turn off' }).click();
    await expect(panel.getByTestId('deadman-state')).toHaveAttribute('data-on', 'false');
    await expect(panel.getByTestId('deadman-last')).toHaveCount(0);
    expect(((await (await page.request.get('/api/v1/alerts/deadman')).json()) as { configured: boolean }).configured).toBe(false);
    await page.screenshot({ path: test.info().outputPath('alerts-deadman-off.png'), fullPage: true });
  } finally {
    // left on (a failure above), it would ping a closed port for the rest of the run
    await page.request.delete('/api/v1/alerts/deadman', { headers: { 'x-csrf-token': await csrfToken(page).catch(() => '') } }).catch(() => undefined);
    await check.close();
  }
});

test("alerts: an operator's delivery log offers every channel by name, before any delivery names it; no channels or dead-man's switch for them", async ({ page, api, browser, baseURL }) => {
  const stamp = Date.now().toString(36);
  const operator = { username: `opal-${stamp}`, password: 'operator-password-1' };
  const channelName = `e2e names ${stamp}`;
  let channelId = '';
  let userId = '';
  await healAndOpen(page, api);
  const headers = { 'x-csrf-token': await csrfToken(page) };
  try {
    const user = await page.request.post('/api/v1/users', { headers, data: { ...operator, role: 'operator' } });
    expect(user.status(), await user.text()).toBe(201);
    userId = String(((await user.json()) as { user: { id: string | number } }).user.id);
    // a channel to a closed port, never sent to (no incident, no test): the log does not name it
    const channel = await page.request.post('/api/v1/alerts/channels', { headers, data: { type: 'webhook', name: channelName, config: { url: 'http://127.0.0.1:9/never' }, enabled: false } });
    expect(channel.status(), await channel.text()).toBe(201);
    channelId = ((await channel.json()) as { channel: { id: string } }).channel.id;

    const ctx = await browser.newContext({ baseURL });
    const op = await ctx.newPage();
    try {
      await signIn(op, operator.username, operator.password);
      await op.goto('/alerts');
      await expect(op.getByTestId('delivery-log')).toBeVisible();
      await expect(op.getByTestId('alert-channels')).toHaveCount(0);
      await expect(op.getByTestId('deadman')).toHaveCount(0);
      await expect(op.getByTestId('delivery-row').filter({ hasText: channelName })).toHaveCount(0);
      const filter = op.getByTestId('delivery-channel');
      await expect(filter.locator('option', { hasText: channelName })).toHaveAttribute('value', channelId);
      await filter.selectOption(channelId);
      await expect(op).toHaveURL(new RegExp(`channel=${channelId}`));
      await expect(op.getByTestId('delivery-log')).toContainText('No deliveries match.');
    } finally {
      await ctx.close();
    }
  } finally {
    if (channelId) await page.request.delete(`/api/v1/alerts/channels/${channelId}`, { headers });
    if (userId) await page.request.delete(`/api/v1/users/${userId}`, { headers });
  }
});
