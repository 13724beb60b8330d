// Playwright on the real-Corosync lab (root): `npx playwright test -c playwright.lab.config.ts`.
// globalSetup brings up a 3-node lab (token 1000, a unique prefix), globalTeardown removes it (also after
// a failure or Ctrl-C); the BFF watches it with QUORATE_SOURCE=lab on its own port, with sign-in.
// Without root the spec skips with the reason; with CI=true it must run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_LAB_PORT ?? 18082);

// Kept in the environment: the workers load this file again and must see the same values.
process.env.E2E_LAB_PREFIX ??= `pw${Date.now().toString(36).slice(-6)}`;
process.env.E2E_LAB_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'quorate-e2e-lab-'));
process.env.E2E_LAB_ADMIN_PASSWORD ??= `lab-${randomBytes(12).toString('hex')}`;
process.env.E2E_LAB_API_TOKEN ??= `lab-${randomBytes(20).toString('hex')}`;

export default defineConfig({
  testDir: 'tests/e2e/lab',
  testMatch: ['**/*.lab.spec.ts'],
  outputDir: 'test-results/lab',
  globalSetup: './tests/e2e/lab/global-setup.ts',
  globalTeardown: './tests/e2e/lab/global-teardown.ts',
  // token 1000: a crash is noticed after ~4 s; the lab comes up in ~5 s
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    // Debian's Chromium, never a downloaded browser; the flags of playwright.config.ts keep it off the network
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    },
  },
  webServer: {
    command: 'node --import tsx apps/bff/src/main.ts',
    // not /healthz: that is 503 until the lab source attaches, and Playwright starts the web server
    // before globalSetup builds the lab; an open port is enough (the spec waits for the cluster)
    port: PORT,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      HOST: '127.0.0.1',
      PORT: String(PORT),
      LOG_LEVEL: 'warn',
      // the BFF may start before globalSetup has built the lab: its lab source retries until the lab is up
      QUORATE_SOURCE: 'lab',
      QUORATE_LAB_PREFIX: process.env.E2E_LAB_PREFIX,
      QUORATE_DATA_DIR: process.env.E2E_LAB_DATA_DIR,
      QUORATE_ADMIN_PASSWORD: process.env.E2E_LAB_ADMIN_PASSWORD,
      QUORATE_API_TOKEN: process.env.E2E_LAB_API_TOKEN,
    },
  },
});
