// npm run screenshots — the hero in each state (healthy, degraded, lost, unknown), at 1440 and 375 px, light
// and dark, from the page's static `?sample=` snapshots (no sign-in, no cluster needed), written to
// docs/screenshots/hero-<state>-<width>-<theme>.png; and the whole overview of a Proxmox VE cluster read
// through its API (`?sample=pve`: node load, guests, HA, Ceph, what it cannot see without SSH) as
// docs/screenshots/pve-overview-<width>-<theme>.png.
//
// BASE_URL=http://127.0.0.1:8080 takes the pages from a running Quorate. Without it, a BFF of its own is
// started on a free loopback port with a temporary data directory (bench/bff-child.ts), serving a copy of
// the built web app (run `npm run build:web` first), and stopped at the end.
// Debian's Chromium (/usr/bin/chromium), headless, kept off the network; never a downloaded browser.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startBff, type BffChild } from '../bench/bff-child';

const STATES = ['healthy', 'degraded', 'lost', 'unknown'] as const;
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 375, height: 812 },
] as const;
const THEMES = ['light', 'dark'] as const;
/** the page's own key for an explicit theme choice (apps/web/src/lib/theme.ts) */
const THEME_KEY = 'quorate-theme';
const OUT = resolve('docs/screenshots');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

async function serve(): Promise<{ base: string; stop: () => Promise<void> }> {
  if (process.env.BASE_URL) return { base: process.env.BASE_URL.replace(/\/$/, ''), stop: async () => undefined };
  const dist = resolve('apps/web/dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error('no built web app in apps/web/dist: run `npm run build:web` first, or set BASE_URL');
  // a copy: a build running meanwhile (another shell) must not swap the files under the server
  const web = mkdtempSync(join(tmpdir(), 'quorate-screenshots-web-'));
  cpSync(dist, web, { recursive: true });
  let bff: BffChild;
  try {
    bff = await startBff({ QUORATE_WEB_DIST: web, LOG_LEVEL: 'warn' }, 'screenshots');
  } catch (err) {
    rmSync(web, { recursive: true, force: true });
    throw err;
  }
  return {
    base: bff.url,
    stop: async () => {
      await bff.stop();
      rmSync(web, { recursive: true, force: true });
    },
  };
}

const { base, stop } = await serve();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
const written: string[] = [];
try {
  mkdirSync(OUT, { recursive: true });
  for (const theme of THEMES) {
    for (const size of WIDTHS) {
      // no motion: the lost hero's flash-in would be caught half way
      const context = await browser.newContext({ viewport: size, colorScheme: theme, reducedMotion: 'reduce', deviceScaleFactor: 1 });
      await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [THEME_KEY, theme] as const);
      const page = await context.newPage();
      for (const state of STATES) {
        await page.goto(`${base}/?sample=${state}`);
        await page.locator(`[data-testid="quorum-hero"][data-hero-state="${state}"]`).waitFor({ timeout: 30_000 });
        await page.locator('[data-testid="event-feed"]').waitFor({ timeout: 30_000 });
        await page.evaluate(() => document.fonts.ready);
        const file = join(OUT, `hero-${state}-${size.width}-${theme}.png`);
        await page.screenshot({ path: file });
        written.push(file);
      }
      await page.goto(`${base}/?sample=pve`);
      await page.locator('[data-testid="event-feed"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="unavailable"]').waitFor({ timeout: 30_000 });
      await page.evaluate(() => document.fonts.ready);
      const pve = join(OUT, `pve-overview-${size.width}-${theme}.png`);
      await page.screenshot({ path: pve, fullPage: true });
      written.push(pve);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await stop();
}
for (const f of written) console.log(f);
console.log(`screenshots written=${written.length} from=${base}`);
