// Alerting end to end on the simulator, with the real senders and webhook receivers on 127.0.0.1: quorum lost
// → exactly one quorum message per channel; regained → one resolved message with the duration; the first
// channel failing (500) → retried, then its fallback gets it; a silenced rule sends nothing and the delivery
// log says why; the test button; secrets never answered.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Delivery, DeliveryPage, Notification, Role } from '@quorate/model';
import { createServer, type QuorateServer } from './app';
import { loadConfig } from './config';
import { bearerFetch, roleTokens, tempDataDir } from './testing/harness';

interface Received {
  path: string;
  body: Notification & { version: number };
}
const received: Received[] = [];
const pings: string[] = [];
const receivers: Server[] = [];
let okUrl = '';
let failUrl = '';
let server: QuorateServer;
let url = '';
let tokens: Record<Role, string>;
const dataDir = tempDataDir();

async function receiver(status: number): Promise<string> {
  const s = createHttpServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += String(d)));
    req.on('end', () => {
      if (req.url?.startsWith('/ping/')) pings.push(req.url);
      else if (status === 200) received.push({ path: req.url ?? '', body: JSON.parse(raw) as Received['body'] });
      res.writeHead(status).end(status === 200 ? 'ok' : 'boom');
    });
  });
  receivers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  okUrl = await receiver(200);
  failUrl = await receiver(500);
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_TICK_MS: '100', QUORATE_DATA_DIR: dataDir });
  // the dead-man's switch at 10 ms per configured second: its 30 s minimum is 300 ms here
  server = await createServer(config, { logger: pino({ level: 'silent' }), alertRetryDelaysMs: [0, 50], alertTickMs: 100, deadmanMsPerSecond: 10 });
  url = (await server.start()).url;
  tokens = await roleTokens(server);
});
afterAll(async () => {
  await server?.close();
  for (const r of receivers) r.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown, as: Role = 'admin') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
const deliveries = async (q = '') => ((await (await call('GET', `/alerts/deliveries?limit=500${q}`)).json()) as DeliveryPage).deliveries;
const quorumMessages = (kind: string) => received.filter((r) => r.body.rule === 'quorum-lost' && r.body.kind === kind);

describe('alerts on the simulator', () => {
  let primary = '';
  let backup = '';
  let direct = '';

  it('channels: added (admin only), secrets never answered, a fallback must exist', async () => {
    const only = { 'quorum-lost': { on: true }, 'node-offline': { on: false }, 'early-warning': { on: false }, 'link-degraded': { on: false, flapCount: 3, flapWindowS: 60 } };
    const add = async (body: unknown, as: Role = 'admin') => call('POST', '/alerts/channels', body, as);
    expect((await add({ type: 'webhook', name: 'x', config: { url: okUrl } }, 'operator')).status).toBe(403);
    const bad = await add({ type: 'webhook', name: 'x', config: { url: okUrl }, fallback: 'ch_000000000000' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/fallback: no channel with id ch_000000000000/);
    // the backup carries no rule itself: only what the primary fails to deliver
    const none = { ...only, 'quorum-lost': { on: false } };
    backup = ((await (await add({ type: 'webhook', name: 'backup', config: { url: `${okUrl}/backup`, secret: 'backup-signing-secret-123' }, rules: none })).json()) as { channel: { id: string } }).channel.id;
    const p = await add({ type: 'webhook', name: 'primary', config: { url: `${failUrl}/primary` }, rules: only, fallback: backup });
    expect(p.status).toBe(201);
    primary = ((await p.json()) as { channel: { id: string } }).channel.id;
    direct = ((await (await add({ type: 'webhook', name: 'direct', config: { url: `${okUrl}/direct` }, rules: only })).json()) as { channel: { id: string } }).channel.id;
    const list = (await (await call('GET', '/alerts/channels')).json()) as { channels: { id: string; config: Record<string, unknown>; hints?: Record<string, string> }[] };
    // a webhook URL may carry a token: only its origin is answered, as a hint
    expect(list.channels.find((c) => c.id === backup)).toMatchObject({ config: { url: '(set)', secret: '(set)' }, hints: { url: okUrl } });
    expect(JSON.stringify(list)).not.toContain('backup-signing-secret-123');
    // operators see the names (to filter the delivery log), never a config
    const names = (await (await call('GET', '/alerts/channel-names', undefined, 'operator')).json()) as { channels: unknown[] };
    expect(names.channels).toContainEqual({ id: backup, name: 'backup', type: 'webhook' });
    expect(JSON.stringify(names)).not.toContain('config');
    expect((await call('GET', '/alerts/channel-names', undefined, 'viewer')).status).toBe(403);
  });

  it('quorum lost: one message per channel (the failing one retried, then its fallback); regained: one resolved with the duration', async () => {
    expect((await call('POST', '/sim/faults', { action: 'stop', nodes: ['pve2', 'pve3'] }, 'operator')).status).toBeLessThan(300);
    await until('the quorum messages', () => (quorumMessages('opened').length >= 2 ? true : undefined));
    await sleep(500);
    const opened = quorumMessages('opened');
    expect(opened.map((r) => r.path).sort()).toEqual(['/backup', '/direct']);
    const log = await deliveries();
    const failed = log.find((d) => d.channelId === primary && d.kind === 'opened')!;
    expect(failed).toMatchObject({ outcome: 'failed', status: 500, attempts: 2 });
    expect(log.find((d) => d.channelId === backup && d.kind === 'opened')).toMatchObject({ outcome: 'sent', status: 200, fallbackOf: primary });
    expect(opened[0]!.body.title).toMatch(/quorum lost/i);

    const lostAt = Date.now();
    await call('POST', '/sim/faults', { action: 'heal' }, 'operator');
    await until('the resolved messages', () => (quorumMessages('closed').length >= 2 ? true : undefined));
    await sleep(500);
    const closed = quorumMessages('closed');
    expect(closed.map((r) => r.path).sort()).toEqual(['/backup', '/direct']);
    expect(closed[0]!.body.durationMs).toBeGreaterThan(0);
    expect(closed[0]!.body.durationMs).toBeLessThan(Date.now() - lostAt + 60_000);
    expect(closed[0]!.body.title).toMatch(/resolved .* \(lasted /);
    // exactly one each: nothing more came
    expect(quorumMessages('opened')).toHaveLength(2);
  });

  it('a silenced rule sends nothing, and the delivery log says why', async () => {
    const s = await call('POST', '/alerts/silences', { rule: 'quorum-lost', hours: 1, reason: 'planned maintenance of pve2 and pve3' }, 'operator');
    expect(s.status).toBe(201);
    const before = received.length;
    await call('POST', '/sim/faults', { action: 'stop', nodes: ['pve2', 'pve3'] }, 'operator');
    const suppressed = await until('a suppressed delivery', async () => (await deliveries('&outcome=suppressed')).find((d: Delivery) => d.channelId === direct && d.rule === 'quorum-lost'));
    expect(suppressed.detail).toMatch(/^silenced until .*: planned maintenance of pve2 and pve3$/);
    await sleep(500);
    expect(received.length).toBe(before);
    await call('POST', '/sim/faults', { action: 'heal' }, 'operator');
  });

  it('the test button sends one message and logs it; viewers cannot read the delivery log', async () => {
    const r = await call('POST', `/alerts/channels/${direct}/test`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { delivery: Delivery }).delivery).toMatchObject({ outcome: 'sent', kind: 'test', status: 200 });
    expect(received.at(-1)!.body).toMatchObject({ kind: 'test', title: 'Quorate test message for “direct”' });
    expect((await call('GET', '/alerts/deliveries', undefined, 'viewer')).status).toBe(403);
  });

  it("the dead-man's switch: pings at once and every interval; the URL's key is never answered; off stops it", async () => {
    const bad = await call('PUT', '/alerts/deadman', { url: 'ftp://x', intervalS: 60 });
    expect(bad.status).toBe(400);
    const r = await call('PUT', '/alerts/deadman', { url: `${okUrl}/ping/7d1e-check-key`, intervalS: 30 });
    expect(r.status).toBe(200);
    const view = (await r.json()) as { configured: boolean; hint: string; intervalS: number; last: { ok: boolean; status: number } };
    expect(view).toMatchObject({ configured: true, hint: okUrl, intervalS: 30, last: { ok: true, status: 200 } });
    expect(JSON.stringify(view)).not.toContain('7d1e-check-key');
    await until('three pings', () => (pings.length >= 3 ? true : undefined), 5_000);
    // "(set)" keeps the stored URL and changes the interval only
    const kept = await call('PUT', '/alerts/deadman', { url: '(set)', intervalS: 45 });
    expect(await kept.json()).toMatchObject({ configured: true, hint: okUrl, intervalS: 45 });
    expect(new Set(pings)).toEqual(new Set(['/ping/7d1e-check-key']));
    expect((await call('PUT', '/alerts/deadman', { url: `${okUrl}/ping/x`, intervalS: 30 }, 'operator')).status).toBe(403);
    expect((await call('DELETE', '/alerts/deadman')).status).toBe(204);
    const n = pings.length;
    await sleep(800);
    expect(pings.length).toBe(n);
    expect(await (await call('GET', '/alerts/deadman')).json()).toEqual({ configured: false, hint: null, intervalS: null, last: null });
  });

  it('a link flapping 10 times in 15 s: one damped message, each held-back change in the log with why', { timeout: 60_000 }, async () => {
    const links = { 'quorum-lost': { on: false }, 'node-offline': { on: false }, 'early-warning': { on: false }, 'link-degraded': { on: true, flapCount: 3, flapWindowS: 60 } };
    const r = await call('POST', '/alerts/channels', { type: 'webhook', name: 'links', config: { url: `${okUrl}/links` }, rules: links });
    const id = ((await r.json()) as { channel: { id: string } }).channel.id;
    for (let k = 0; k < 10; k++) {
      // down long enough for knet to notice (the sim's detection follows Corosync's runtime token)
      await call('POST', '/sim/faults', { action: 'link-down', node: 'pve3', link: 0 }, 'operator');
      await sleep(1_200);
      await call('POST', '/sim/faults', { action: 'link-up', node: 'pve3', link: 0 }, 'operator');
      await sleep(300);
    }
    await until('the flapping message', () => (received.some((x) => x.path === '/links') ? true : undefined), 15_000);
    await sleep(1_000);
    const sentHere = received.filter((x) => x.path === '/links');
    expect(sentHere).toHaveLength(1);
    expect(sentHere[0]!.body.title).toMatch(/flapping \(\d+ changes in 60 s\)/);
    const log = await deliveries(`&channel=${id}`);
    expect(log.filter((d) => d.outcome === 'sent')).toHaveLength(1);
    expect(log.filter((d) => d.outcome === 'suppressed' && /^(damped|held)/.test(d.detail)).length).toBeGreaterThanOrEqual(10);
  });
});
