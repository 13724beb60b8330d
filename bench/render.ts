// npm run bench:render   (RENDER_SECONDS=20)
//
// Does a 32-node × 8-link overview keep up with its patches? A BFF of its own (a child process, temporary
// data dir, loopback) runs a 32-node × 8-link simulator reporting every 100 ms; faults through the API
// (a link's quality, a link down and up, a node stopped and started) make the patches carry more than
// latency drift. Headless Chromium opens the overview with the web app's probe on
// (apps/web/src/live/render-probe.ts): per patch, the time from the socket message to the end of React's
// commit (the overview's layout effect). Last line:
//   render nodes=32 links=8 patch_p95_ms=X dom_nodes=N        (target: p95 < 16 ms, one frame)
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { sleep, startBff, type BffChild } from './bff-child';

const NODES = 32;
const LINKS = 8;
const TICK_MS = 100;
const SECONDS = Number(process.env.RENDER_SECONDS ?? 20);
const TARGET_P95_MS = 16;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const WEB_DIST = 'apps/web/dist';

if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('no built web app: run `npm run build:web` first');
if (!Number.isFinite(SECONDS) || SECONDS < 2) throw new Error(`RENDER_SECONDS must be a number >= 2, got ${process.env.RENDER_SECONDS}`);

const password = `render-${randomBytes(12).toString('hex')}`;
const token = `render-${randomBytes(20).toString('hex')}`;
const cluster = 'big';

function p95(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? Number.NaN;
}

let bff: BffChild | null = null;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  bff = await startBff(
    {
      LOG_LEVEL: 'warn',
      QUORATE_WEB_DIST: WEB_DIST,
      QUORATE_ADMIN_PASSWORD: password,
      QUORATE_API_TOKEN: token,
      QUORATE_CLUSTERS: JSON.stringify([{ id: cluster, name: 'big-cluster', source: 'sim', nodes: NODES, links: LINKS, tickMs: TICK_MS, tokenMs: 1000, seed: 3 }]),
    },
    'render',
  );
  const url = bff.url;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => ((window as unknown as { __quorateRenderProbe: number[] }).__quorateRenderProbe = []));
  const login = await page.request.post(`${url}/api/v1/auth/login`, { data: { username: 'admin', password } });
  if (!login.ok()) throw new Error(`login failed: HTTP ${login.status()} ${await login.text()}`);
  await page.goto(`${url}/?cluster=${cluster}`);
  await page.getByTestId('votes-summary').filter({ hasText: `${NODES} of ${NODES} votes` }).waitFor({ timeout: 60_000 });
  await page.getByTestId(`link-cell-0-pve1-pve2`).waitFor({ timeout: 30_000 });

  const fault = async (body: unknown) => {
    const r = await page.request.post(`${url}/api/v1/sim/faults?cluster=${cluster}`, { data: body, headers: { authorization: `Bearer ${token}` } });
    if (r.status() !== 202) throw new Error(`fault ${JSON.stringify(body)}: HTTP ${r.status()} ${await r.text()}`);
  };
  const faults: unknown[] = [
    { action: 'link-quality', node: 'pve5', link: 0, latencyMs: 12, lossPct: 2 },
    { action: 'link-down', node: 'pve9', link: 3 },
    { action: 'stop', nodes: ['pve17'] },
    { action: 'link-up', node: 'pve9', link: 3 },
    { action: 'start', nodes: ['pve17'] },
    { action: 'heal' },
  ];
  await page.evaluate(() => ((window as unknown as { __quorateRenderProbe: number[] }).__quorateRenderProbe.length = 0));
  // RENDER_PROFILE=1: Chromium's CPU profile over the run, the 25 functions with the most self time
  const cdp = process.env.RENDER_PROFILE ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const end = Date.now() + SECONDS * 1000;
  let i = 0;
  while (Date.now() < end) {
    await fault(faults[i++ % faults.length]);
    await sleep(Math.min(3000, Math.max(0, end - Date.now())));
  }
  if (cdp) {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[] } };
    const self = new Map<string, number>();
    for (const n of profile.nodes) {
      const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(k, (self.get(k) ?? 0) + (n.hitCount ?? 0));
    }
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * v) / total).toFixed(1)}% ${k}`);
  }
  const samples = await page.evaluate(() => (window as unknown as { __quorateRenderProbe: number[] }).__quorateRenderProbe.slice());
  const domNodes = await page.evaluate(() => document.querySelectorAll('*').length);
  if (samples.length < SECONDS) throw new Error(`only ${samples.length} patches rendered in ${SECONDS} s: is the simulator reporting every ${TICK_MS} ms?`);
  const x = p95(samples);
  const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;
  console.log(`${samples.length} patches in ${SECONDS} s; median ${median.toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms; target p95 < ${TARGET_P95_MS} ms: ${x < TARGET_P95_MS ? 'met' : 'MISSED'}`);
  console.log(`render nodes=${NODES} links=${LINKS} patch_p95_ms=${x.toFixed(1)} dom_nodes=${domNodes}`);
  await context.close();
} finally {
  await browser.close();
  await bff?.stop();
}
