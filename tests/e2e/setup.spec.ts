// First run on a server without QUORATE_ADMIN_PASSWORD (its own BFF, see playwright.config.ts):
// the page asks for the admin account, then shows the live cluster; sign out and in again.
import { expect, screenshotDir, test } from './helpers';
import { SETUP_PASSWORD, SETUP_USER } from './credentials';

test.describe('first run', () => {
  test('create the admin account, see the live cluster; sign out, sign in', async ({ page }) => {
    const state = await page.request.get('/api/v1/auth/state');
    expect(((await state.json()) as { setupRequired: boolean }).setupRequired).toBe(true);

    await page.goto('/');
    const form = page.getByTestId('setup-form');
    await expect(form).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Create the admin account' })).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}setup.png`, fullPage: true });

    // the page refuses a short password and a mismatch before asking the server
    await page.getByTestId('setup-username').fill(SETUP_USER);
    await page.getByTestId('setup-password').fill('short');
    await page.getByTestId('setup-password-repeat').fill('short');
    await page.getByTestId('setup-submit').click();
    // each problem beside its field, which is marked invalid and gets the focus
    await expect(page.getByTestId('setup-password-error')).toContainText('at least 10 characters');
    await expect(page.getByTestId('setup-password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('setup-password')).toBeFocused();
    await page.getByTestId('setup-password').fill(SETUP_PASSWORD);
    await page.getByTestId('setup-password-repeat').fill(`${SETUP_PASSWORD}x`);
    await page.getByTestId('setup-submit').click();
    await expect(page.getByTestId('setup-password-error')).toHaveCount(0);
    await expect(page.getByTestId('setup-password-repeat-error')).toContainText('differ');

    await page.getByTestId('setup-password-repeat').fill(SETUP_PASSWORD);
    await page.getByTestId('setup-submit').click();

    // straight into the live dashboard, signed in as the new admin
    await expect(page.getByTestId('current-user')).toContainText(SETUP_USER);
    await expect(page.getByTestId('current-user')).toHaveAttribute('data-role', 'admin');
    await expect(page.getByTestId('quorum-state')).toHaveText(/QUORATE/, { timeout: 30_000 });
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });

    // set up once only
    const again = await page.request.post('/api/v1/auth/setup', { data: { username: 'other', password: 'another-password-1' } });
    expect(again.status()).toBe(409);

    await page.getByTestId('logout').click();
    await expect(page.getByTestId('login-form')).toBeVisible();
    await expect(page.getByTestId('quorum-hero')).toHaveCount(0);

    // a reload stays on the login page: the session is gone on the server too
    await page.reload();
    await expect(page.getByTestId('login-form')).toBeVisible();

    await page.getByTestId('login-username').fill(SETUP_USER);
    await page.getByTestId('login-password').fill('wrong-password-123');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}login.png`, fullPage: true });

    await page.getByTestId('login-username').fill(SETUP_USER);
    await page.getByTestId('login-password').fill(SETUP_PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('current-user')).toContainText(SETUP_USER);
    await expect(page.getByTestId('quorum-state')).toHaveText(/QUORATE/, { timeout: 30_000 });

    // nothing secret in web storage
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(SETUP_PASSWORD);
    expect(stored.toLowerCase()).not.toContain('csrf');
  });
});

test('too many failed sign-ins: the login page counts down until the next try', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('login-form')).toBeVisible();
  const user = `mallory-${Date.now().toString(36)}`;
  // the BFF lets an address try a username 3 times freely, then once per doubling delay (2 s, 4 s, …):
  // the 4th wrong password is answered, the 5th right after it is refused with 429
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(`guess-${i}-password`);
    // wait for this attempt's answer (the error box of the one before may still be showing)
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await page.getByTestId('login-submit').click();
    expect((await answered).status()).toBe(i < 4 ? 401 : 429);
    await expect(page.getByTestId('login-submit')).toHaveText('Sign in');
    if (i < 4) await expect(page.getByTestId('login-error')).toContainText('wrong username or password');
  }
  const wait = page.getByTestId('login-wait');
  await expect(wait).toContainText(/Too many attempts: try again in \d+ s/);
  await expect(page.getByTestId('login-submit')).toBeDisabled();
  const first = Number(/(\d+) s/.exec((await wait.textContent()) ?? '')?.[1]);
  await expect.poll(async () => Number(/(\d+) s/.exec((await wait.textContent()) ?? '')?.[1]), { timeout: 5000 }).toBeLessThan(first);
});
