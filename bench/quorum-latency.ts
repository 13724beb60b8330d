// npm run bench:quorum-latency [-- --token MS] [--prefix P]   (root: a real-Corosync lab; QL_RUNS=5)
//
// How fast does a change of the cluster reach the admin? In a 3-node lab of its own (token 3000 ms, the
// Corosync default, unless --token), over QL_RUNS runs, from the moment the surviving Corosync FIRST
// reports the change (the harness's own `stdbuf -oL corosync-quorumtool -m` watcher on pve1) to:
//   (a) the BFF (QUORATE_SOURCE=lab, a child process) emitting the event: a socket.io client here
//       timestamps the first quorum-lost / node-left event;
//   (b) the DOM in Chromium showing it: a MutationObserver in the page stamps `quorum-state` turning
//       "NOT QUORATE" with the page's Date.now() (same machine, same clock);
//   (c) the same DOM time for the Proxmox GUI's model, measured in the same run: a page polling a REST
//       snapshot every 3 s from a collector polling Corosync every 3 s (bench/quorum-latency/poll-server.ts);
//   (d) the early warning's lead: the `early-warning` banner appearing in the DOM before Corosync's
//       membership change, for a link-down of pve3 (all links).
// Faults per run: link-down pve3 (d), link-up; then freeze pve2 + kill pve3 (quorum lost: a, b, c), thaw
// + start. Every run starts from 3/3 everywhere. The lab is always removed at the end (also on failure
// and Ctrl-C). Last line: quorum-latency runs=N to_bff_ms=A to_dom_ms=B poll3s_to_dom_ms=C warn_lead_ms=D
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { QuorumtoolMonitorParser } from '@quorate/corosync';
import { Lab, down, labAvailable } from '@quorate/lab';
import { NetnsRunner, type StreamHandle } from '@quorate/sources';
import { PROBE_SCRIPT, type DomMark } from './quorum-latency/probe';
import { firstAfter, freePort, median, sleep, until, type Stamped } from './quorum-latency/util';

const TARGET_TO_DOM_MS = 100;
const TARGET_WARN_LEAD_MS = 4_500;
/** the flags of playwright.config.ts: Debian's Chromium, kept off the network */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

const { values } = parseArgs({ options: { token: { type: 'string' }, prefix: { type: 'string' } } });
const token = Number(values.token ?? 3000);
const prefix = values.prefix ?? `ql${Date.now().toString(36).slice(-6)}`;
const runs = Number(process.env.QL_RUNS ?? 5);
if (!Number.isInteger(token) || token < 200) throw new Error(`--token must be an integer >= 200 ms, got ${values.token}`);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`QL_RUNS must be a positive integer, got ${process.env.QL_RUNS}`);

const log = (line: string) => console.log(line);
const password = `ql-${randomBytes(12).toString('hex')}`;
const apiToken = `ql-${randomBytes(20).toString('hex')}`;

// ------------------------------------------------------------------ cleanup, also on failure and Ctrl-C
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup step failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: removing the lab '${prefix}' and stopping the servers`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function stopChild(child: ChildProcess, name: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => {
    console.error(`${name} did not stop in 10 s: SIGKILL`);
    child.kill('SIGKILL');
  }, 10_000);
  await gone;
  clearTimeout(t);
}

/** Child output, prefixed; resolves with the first stdout line matching `ready` (if given). */
function pipeChild(child: ChildProcess, name: string, ready?: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = ready?.exec(line);
        if (m) resolve(m);
        else process.stdout.write(`[${name}] ${line}\n`);
      }
    });
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
    child.once('exit', (code, sig) => reject(new Error(`${name} exited (${code ?? sig}) before it was ready`)));
  });
}

/** POST the login; a 404 means the BFF has no authentication (yet): nothing to do. */
async function login(request: APIRequestContext, base: string): Promise<void> {
  const r = await request.post(`${base}/api/v1/auth/login`, { data: { username: 'admin', password } });
  if (r.status() === 404) return;
  if (!r.ok()) throw new Error(`login failed: HTTP ${r.status()} ${await r.text()}`);
}

async function domMarks(page: Page): Promise<Stamped<DomMark>[]> {
  const marks = await page.evaluate(() => window.__qlMarks ?? []);
  return marks.map((m) => ({ at: m.at, value: m }));
}

/** firstAfter over a page's marks (read every 100 ms). */
async function domFirst(page: Page, from: number, pred: (m: DomMark) => boolean, what: string, timeoutMs = 60_000): Promise<Stamped<DomMark>> {
  const t0 = Date.now();
  for (;;) {
    const hit = (await domMarks(page)).find((s) => s.at >= from && pred(s.value));
    if (hit) return hit;
    if (Date.now() - t0 > timeoutMs) {
      const last = (await domMarks(page)).at(-1);
      throw new Error(`waited ${timeoutMs} ms for ${what}; the page last showed ${JSON.stringify(last?.value ?? null)}`);
    }
    await sleep(100);
  }
}

async function domNow(page: Page): Promise<DomMark | null> {
  return (await domMarks(page)).at(-1)?.value ?? null;
}

const healthyDom = (m: DomMark | null, names: string[]) =>
  m !== null && m.quorum === 'QUORATE' && names.every((n) => m.rows[n] === 'online') && !m.warning;

interface SocketEvent {
  kind: 'event';
  at: number;
  type: string;
  name: string | null;
}
interface SocketSnap {
  kind: 'snap';
  at: number;
  quorate: boolean | null;
  members: number[] | null;
  nodes: Record<string, string>;
}
type ClientLine = SocketEvent | SocketSnap | { kind: 'connected'; at: number } | { kind: 'error'; at: number; message: string };

interface HarnessBlock {
  members: number[];
  quorate: boolean;
}

interface Run {
  toBff: number;
  toDom: number;
  toDomFrame: number | null;
  poll3sToDom: number;
  warnLead: number;
  snapToBff: number;
  leftToBff: number;
  leftSnapToBff: number;
  leftToDom: number;
}

/** `stdbuf -oL corosync-quorumtool -m` (list-form open: no shell), every line prefixed with its read time in ms. */
const STAMP_WATCHER = `$| = 1;
open(my $w, '-|', 'stdbuf', '-oL', 'corosync-quorumtool', '-m') or die "cannot run corosync-quorumtool: $!";
while (my $l = <$w>) { printf "%.1f %s", time() * 1000, $l; }`;

const fmt = (ms: number) => `${Math.round(ms)} ms`;

/** Returns the exit code and the summary, printed after the cleanup so that the figures are the last lines. */
async function main(summary: string[]): Promise<number> {
  const avail = await labAvailable();
  if (!avail.ok) {
    console.error(`bench:quorum-latency needs the real-Corosync lab, which cannot run here: ${avail.reason}`);
    return 2;
  }
  if (!existsSync('apps/web/dist/index.html')) {
    log('building the web app (apps/web/dist is missing)');
    const b = spawn('npm', ['run', '-s', 'build:web'], { stdio: 'inherit' });
    const code = await new Promise<number | null>((r) => b.once('exit', r));
    if (code !== 0) throw new Error('npm run build:web failed');
  }

  // ---------------------------------------------------------------- the lab
  cleanups.push(() => down(prefix, log));
  const lab = await Lab.up({ nodes: 3, token, prefix, log });
  const names = lab.state.nodes.map((n) => n.name);
  log(`lab '${prefix}': ${names.join(', ')}, token ${token} ms`);

  // the harness's own watcher on the survivor: when Corosync FIRST reports a change. With perl at hand
  // each line is stamped by a tiny filter the moment it is read, not when this busy event loop gets to it.
  const harness: Stamped<HarnessBlock>[] = [];
  const parser = new QuorumtoolMonitorParser();
  const stamped = existsSync('/usr/bin/perl');
  const [cmd, args] = stamped ? ['perl', ['-MTime::HiRes=time', '-e', STAMP_WATCHER]] : ['stdbuf', ['-oL', 'corosync-quorumtool', '-m']];
  const watcher: StreamHandle = new NetnsRunner(lab.node(1).namespace).spawnStream(cmd, args, {
    onLine: (raw) => {
      let at = Date.now();
      let line = raw;
      const m = stamped ? /^(\d+\.\d) (.*)$/.exec(raw) : null;
      if (m) {
        at = Number(m[1]);
        line = m[2]!;
      }
      for (const block of parser.push(`${line}\n`)) {
        if (!block.result.ok) continue;
        const v = block.result.value;
        const members = (v.membership?.rows ?? []).filter((r) => !r.isQdevice).map((r) => r.nodeId).sort((a, b) => a - b);
        harness.push({ at, value: { members, quorate: v.quorum?.quorate ?? false } });
      }
    },
    onStderrLine: (l) => console.error(`[watcher] ${l}`),
    holdStdin: false,
  });
  log(`harness watcher on pve1: ${stamped ? 'stdbuf -oL corosync-quorumtool -m, lines stamped by perl on read' : 'stdbuf -oL corosync-quorumtool -m (no perl: stamped on arrival here)'}`);
  cleanups.push(async () => {
    watcher.kill();
    await watcher.exited;
  });

  // ---------------------------------------------------------------- the BFF, as a child process
  const bffPort = await freePort();
  const bffUrl = `http://127.0.0.1:${bffPort}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'quorate-ql-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.QUORATE_CLUSTERS;
  const bff = spawn(process.execPath, ['--import', 'tsx', 'apps/bff/src/main.ts'], {
    env: {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(bffPort),
      LOG_LEVEL: 'warn',
      QUORATE_SOURCE: 'lab',
      QUORATE_LAB_PREFIX: prefix,
      QUORATE_ADMIN_PASSWORD: password,
      QUORATE_API_TOKEN: apiToken,
      QUORATE_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => stopChild(bff, 'BFF'));
  void pipeChild(bff, 'bff').catch(() => undefined);
  const auth = { authorization: `Bearer ${apiToken}` };
  await until(async () => {
    if (bff.exitCode !== null) throw new Error(`the BFF exited (${bff.exitCode})`);
    try {
      return (await fetch(`${bffUrl}/healthz`, { headers: auth })).ok;
    } catch {
      return false;
    }
  }, 'the BFF to answer /healthz');

  // ---------------------------------------------------------------- the polling model (c)
  const poll = spawn(process.execPath, ['--import', 'tsx', 'bench/quorum-latency/poll-server.ts', '--prefix', prefix, '--port', '0', '--poll-ms', '3000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => stopChild(poll, 'poll-server'));
  const pollUrl = (await pipeChild(poll, 'poll', /listening on (http:\/\/\S+)/))[1]!;
  log(`BFF ${bffUrl} (lab source), polling model ${pollUrl}`);

  // ---------------------------------------------------------------- a socket.io client: (a)
  // in its own process: its arrival stamps must not wait for this busy event loop
  const events: Stamped<SocketEvent>[] = [];
  const snaps: Stamped<SocketSnap>[] = [];
  const client = spawn(process.execPath, ['--import', 'tsx', 'bench/quorum-latency/socket-client.ts', bffUrl, apiToken], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => stopChild(client, 'socket client'));
  let connected = false;
  let clientBuf = '';
  client.stdout.on('data', (d: Buffer) => {
    clientBuf += d.toString();
    let nl: number;
    while ((nl = clientBuf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(clientBuf.slice(0, nl)) as ClientLine;
      clientBuf = clientBuf.slice(nl + 1);
      if (msg.kind === 'connected') connected = true;
      else if (msg.kind === 'event') events.push({ at: msg.at, value: msg });
      else if (msg.kind === 'snap') snaps.push({ at: msg.at, value: msg });
      else console.error(`[socket client] ${msg.message}`);
    }
  });
  client.stderr.on('data', (d: Buffer) => process.stderr.write(`[socket client] ${d.toString()}`));
  await until(() => connected, 'the socket.io client to connect', 30_000);

  // ---------------------------------------------------------------- Chromium: (b), (c), (d)
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  const ctxBff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await login(ctxBff.request, bffUrl);
  const pageBff = await ctxBff.newPage();
  await pageBff.addInitScript({ content: PROBE_SCRIPT });
  await pageBff.goto(bffUrl);
  const ctxPoll = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const pagePoll = await ctxPoll.newPage();
  await pagePoll.addInitScript({ content: PROBE_SCRIPT });
  await pagePoll.goto(pollUrl);

  const ready = async (what: string) => {
    for (const n of lab.state.nodes) await lab.waitQuorum(n.nodeid, { quorate: true, members: 3 }, 60_000);
    const shown = async (page: Page) => JSON.stringify(await domNow(page));
    await until(async () => healthyDom(await domNow(pageBff), names) && (await domNow(pageBff))?.votes?.startsWith('3 of 3') === true, `${what}: the dashboard to show QUORATE 3 of 3, every node online, no warning`, 60_000, () => shown(pageBff));
    await until(async () => healthyDom(await domNow(pagePoll), names), `${what}: the polling page to show QUORATE with every node online`, 30_000, () => shown(pagePoll));
    // knet settles (link stats, latency samples) before the next fault; and the last fault leaves the
    // early warning's look-back (a link that went down lately is no forecast: see corosync/warnings.ts)
    await sleep(16_000);
  };

  const results: Run[] = [];
  for (let i = 1; i <= runs; i++) {
    // a fresh page each run: its 3 s fetch starts at a new phase against the collector's 3 s poll
    // (kept, the two phases would add the same offset to every run)
    await pagePoll.reload();
    await ready(`run ${i}`);

    // (d) link-down pve3: the early warning in the DOM vs Corosync's membership change
    const tLink = Date.now();
    await lab.fault(3, { kind: 'link-down' });
    const warn = await domFirst(pageBff, tLink, (m) => m.warning, 'the early-warning banner');
    const dropped = await firstAfter(() => harness, tLink, (h) => h.members.join(',') === '1,2', 'pve1 -m: members 1,2');
    const leftSnap = await firstAfter(() => snaps, tLink, (x) => x.nodes.pve3 === 'offline', 'a snapshot with pve3 offline');
    const leftEv = await firstAfter(() => events, tLink, (e) => e.type === 'node-left' && e.name === 'pve3', 'node-left pve3 event');
    const leftDom = await domFirst(pageBff, tLink, (m) => m.rows.pve3 === 'offline', 'pve3 row offline');
    await lab.fault(3, { kind: 'link-up' });
    await ready(`run ${i} after link-up`);

    // (a) (b) (c) freeze pve2 + kill pve3: pve1 alone, quorum lost
    const t = Date.now();
    await Promise.all([lab.fault(2, { kind: 'freeze' }), lab.fault(3, { kind: 'kill' })]);
    const lost = await firstAfter(() => harness, t, (h) => !h.quorate, 'pve1 -m: not quorate');
    const lostSnap = await firstAfter(() => snaps, t, (x) => x.quorate === false, 'a snapshot not quorate');
    const ev = await firstAfter(() => events, t, (e) => e.type === 'quorum-lost' || e.type === 'node-left', 'a quorum-lost / node-left event');
    const dom = await domFirst(pageBff, t, (m) => m.quorum === 'NOT QUORATE', 'NOT QUORATE on the dashboard');
    const pollDom = await domFirst(pagePoll, t, (m) => m.quorum === 'NOT QUORATE', 'NOT QUORATE on the polling page');
    await lab.fault(2, { kind: 'thaw' });
    await lab.fault(3, { kind: 'start' });

    const r: Run = {
      toBff: ev.at - lost.at,
      toDom: dom.at - lost.at,
      toDomFrame: dom.value.frameAt === null ? null : dom.value.frameAt - lost.at,
      poll3sToDom: pollDom.at - lost.at,
      warnLead: dropped.at - warn.at,
      snapToBff: lostSnap.at - lost.at,
      leftToBff: leftEv.at - dropped.at,
      leftSnapToBff: leftSnap.at - dropped.at,
      leftToDom: leftDom.at - dropped.at,
    };
    results.push(r);
    log(
      `run ${i}/${runs}: quorum lost (freeze pve2 + kill pve3): Corosync -m on pve1 at +${fmt(lost.at - t)} after the fault; ` +
        `BFF event (${ev.value.type}) +${fmt(r.toBff)}, patch +${fmt(r.snapToBff)}; dashboard DOM +${fmt(r.toDom)}${r.toDomFrame === null ? '' : ` (next frame +${fmt(r.toDomFrame)})`}; ` +
        `poll-3s DOM +${fmt(r.poll3sToDom)}`,
    );
    log(
      `          link-down pve3: early warning in the DOM at +${fmt(warn.at - tLink)}, Corosync's membership change at +${fmt(dropped.at - tLink)}: lead ${fmt(r.warnLead)}; ` +
        `then node-left event +${fmt(r.leftToBff)}, patch +${fmt(r.leftSnapToBff)}, row offline in the DOM +${fmt(r.leftToDom)}`,
    );
  }
  await ready('the end');

  const m = {
    toBff: median(results.map((r) => r.toBff)),
    toDom: median(results.map((r) => r.toDom)),
    poll: median(results.map((r) => r.poll3sToDom)),
    lead: median(results.map((r) => r.warnLead)),
    leftToDom: median(results.map((r) => r.leftToDom)),
  };
  summary.push('');
  summary.push(`medians over ${results.length} runs (from the survivor's Corosync first reporting the change):`);
  summary.push(`  (a) to the BFF's event             ${fmt(m.toBff)}   (its patch: ${fmt(median(results.map((r) => r.snapToBff)))}; the event follows the SQLite append)`);
  summary.push(
    `  (b) to the dashboard's DOM         ${fmt(m.toDom)}   target <= ${TARGET_TO_DOM_MS} ms: ${m.toDom <= TARGET_TO_DOM_MS ? 'met' : 'MISSED'} ` +
      `(${results.filter((r) => r.toDom <= TARGET_TO_DOM_MS).length}/${results.length} runs within; max ${fmt(Math.max(...results.map((r) => r.toDom)))})`,
  );
  summary.push(`  (c) to the poll-3s page's DOM      ${fmt(m.poll)}   (the Proxmox GUI's model: ${(m.poll / Math.max(1, m.toDom)).toFixed(0)}x slower)`);
  summary.push(
    `  (d) early warning lead (DOM)       ${fmt(m.lead)}   target >= ${TARGET_WARN_LEAD_MS} ms: ${m.lead >= TARGET_WARN_LEAD_MS ? 'met' : 'MISSED'} (min ${fmt(Math.min(...results.map((r) => r.warnLead)))})`,
  );
  summary.push(`      node-left (link-down) to DOM   ${fmt(m.leftToDom)}`);
  summary.push(`  load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs (other work on the machine shows in these figures)`);
  summary.push(`quorum-latency runs=${results.length} to_bff_ms=${Math.round(m.toBff)} to_dom_ms=${Math.round(m.toDom)} poll3s_to_dom_ms=${Math.round(m.poll)} warn_lead_ms=${Math.round(m.lead)}`);
  return 0;
}

let code = 1;
const summary: string[] = [];
try {
  code = await main(summary);
} catch (err) {
  console.error(`bench:quorum-latency failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  code = 1;
} finally {
  await cleanup();
}
for (const line of summary) log(line);
process.exit(code);
