// An error left by the outage goes once the connection is back: the feed's first page failed while the
// server could not be reached (in words, not the browser's "Failed to fetch"), and after the socket's
// reconnect it is asked again and shown.
import type { WebSocketRoute } from '@playwright/test';
import { expect, healAndOpen, test } from './helpers';

test('a failed feed says "cannot be reached" and clears after a reconnect', async ({ page, api }) => {
  let down = true;
  // the events REST call fails as with no server at all
  await page.route(/\/api\/v1\/events\?/, (route) => (down ? route.abort('connectionrefused') : route.continue()));
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });

  await healAndOpen(page, api);
  const feed = page.getByTestId('event-feed');
  // the query retries a few times before it shows the failure
  await expect(feed).toContainText('Could not load earlier events: the server cannot be reached', { timeout: 30_000 });
  await expect(feed).not.toContainText('Failed to fetch');

  // the server is back: the socket reconnects and what failed is asked again
  down = false;
  for (const ws of sockets.splice(0)) await ws.close({ code: 1011, reason: 'test: reconnect' });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(feed).not.toContainText('Could not load earlier events', { timeout: 15_000 });
  await expect(feed).not.toContainText('cannot be reached');
});

test('the first screen says the server cannot be reached after a few seconds, and keeps trying', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  let answer = false;
  const held: (() => Promise<void>)[] = [];
  // no answer at all (a dead network): the request hangs until let go
  await page.route('**/api/v1/auth/state', (route) => (answer ? route.continue() : void held.push(() => route.abort('timedout'))));
  await page.goto('/');
  const waiting = page.getByTestId('auth-waiting');
  await expect(waiting).toHaveText('Connecting to the server…');
  await expect(waiting).toHaveText('The server cannot be reached; still trying…', { timeout: 10_000 });
  await expect(page.getByTestId('brand')).toHaveText('Quorate');
  answer = true;
  for (const release of held.splice(0)) await release();
  await expect(page.getByTestId('login-form')).toBeVisible({ timeout: 20_000 });
  await context.close();
});
