import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, type PlaywrightTestOptions, type PlaywrightWorkerOptions } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USER, API_TOKEN } from './tests/e2e/credentials';

// Debian's Chromium, never a downloaded browser; flags keep it off the (closed) network.
const PORT = Number(process.env.E2E_PORT ?? 18080);
/** a second BFF without QUORATE_ADMIN_PASSWORD: the interactive first-run setup (setup.spec.ts) */
const SETUP_PORT = Number(process.env.E2E_SETUP_PORT ?? 18081);

/** a fresh data dir per run; kept in the environment so the workers (which load this file again) reuse it */
function freshDir(envName: string, prefix: string): string {
  process.env[envName] ??= mkdtempSync(join(tmpdir(), prefix));
  return process.env[envName];
}
const dataDir = freshDir('E2E_QUORATE_DATA_DIR', 'quorate-e2e-');
const setupDataDir = freshDir('E2E_QUORATE_SETUP_DATA_DIR', 'quorate-e2e-setup-');

const bffEnv = {
  HOST: '127.0.0.1',
  QUORATE_SIM_TOKEN_MS: '300',
  QUORATE_SIM_SEED: '42',
  LOG_LEVEL: 'warn',
};

const chromium: Partial<PlaywrightTestOptions & PlaywrightWorkerOptions> = {
  headless: true,
  screenshot: 'only-on-failure',
  trace: 'off',
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  },
};

export default defineConfig({
  testDir: 'tests/e2e',
  globalTeardown: './tests/e2e/teardown.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  use: chromium,
  projects: [
    {
      name: 'dashboard',
      testIgnore: ['**/*.lab.spec.ts', '**/setup.spec.ts'],
      use: { baseURL: `http://127.0.0.1:${PORT}` },
    },
    {
      name: 'first-run',
      testMatch: ['**/setup.spec.ts'],
      use: { baseURL: `http://127.0.0.1:${SETUP_PORT}` },
    },
  ],
  webServer: [
    {
      command: 'node --import tsx apps/bff/src/main.ts',
      url: `http://127.0.0.1:${PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...bffEnv,
        PORT: String(PORT),
        QUORATE_DATA_DIR: dataDir,
        QUORATE_ADMIN_USER: ADMIN_USER,
        QUORATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        QUORATE_API_TOKEN: API_TOKEN,
      },
    },
    {
      command: 'node --import tsx apps/bff/src/main.ts',
      url: `http://127.0.0.1:${SETUP_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { ...bffEnv, PORT: String(SETUP_PORT), QUORATE_DATA_DIR: setupDataDir },
    },
  ],
});
