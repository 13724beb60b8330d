// Link degradation end to end on the real simulator: a link-quality fault raises one link-degraded (in the
// history, numbered with the other events), the series show the rise at 1 s and in the minute rollups, the
// thresholds are a per-cluster setting (viewer reads, admin writes, audited) that the running tracker follows.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryPage, LinkSeriesPage, LinkSettings, NodeLinkSeriesPage, defaultLinkThresholds, type Role } from '@quorate/model';
import type { SimSource } from '@quorate/sources';
import type { QuorateServer } from '../app';
import { startSimServer, bearerFetch, tempDataDir } from '../testing/harness';
import { FLUSH_SPREAD_MS } from './recorder';

let server: QuorateServer | null = null;
let dataDir = '';
let url = '';
let tokens: Record<Role, string>;
afterEach(async () => {
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

/** a 3-node, 2-link sim ticking every simulated second; the test moves the clock with advance() */
async function start(dir = tempDataDir()): Promise<SimSource> {
  dataDir = dir;
  ({ server, url, tokens } = await startSimServer(dataDir, { QUORATE_SIM_TICK_MS: '1000' }));
  return server.collectors.get('lab-cluster')!.source as SimSource;
}

const get = (path: string, as: Role = 'viewer') => bearerFetch(`${url}/api/v1${path}`, tokens[as]);
const fault = async (body: unknown) => expect((await bearerFetch(`${url}/api/v1/sim/faults`, tokens.operator, { method: 'POST', body })).status).toBe(202);
const history = async (type: string) => HistoryPage.parse(await (await get(`/history?cluster=lab-cluster&type=${type}`)).json()).events;
const series = async (query: string) => LinkSeriesPage.parse(await (await get(`/links/series?${query}`)).json());
const putLinks = (body: unknown, as: Role = 'admin') => bearerFetch(`${url}/api/v1/settings/links?cluster=lab-cluster`, tokens[as], { method: 'PUT', body });

describe('link degradation on the simulator', () => {
  it('80 ms on pve1–pve2 link 0: exactly one link-degraded after the sustain time, the series show the rise, heal recovers', async () => {
    const sim = await start();
    sim.advance(5_000);
    const before = sim.now();
    // the fault is per node: every pair of pve1 on link 0 gets 80 ms
    await fault({ action: 'link-quality', node: 'pve1', link: 0, latencyMs: 80 });
    sim.advance(defaultLinkThresholds.sustainMs - 2_000);
    expect(await history('link-degraded')).toEqual([]);
    // two minutes, and the cluster's offset into the next one (its rollups are written then)
    sim.advance(120_000 + FLUSH_SPREAD_MS);

    const degraded = await history('link-degraded');
    const onPair = degraded.filter((e) => e.body.type === 'link-degraded' && e.body.from === 1 && e.body.to === 2 && e.body.link === 0);
    expect(onPair).toHaveLength(1);
    expect(onPair[0]).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/^link 0 pve1→pve2 degraded: 80\.\d ms, 0 % loss$/),
      body: { fromName: 'pve1', toName: 'pve2', cause: 'latency' },
    });
    expect(onPair[0]!.at - before).toBeGreaterThanOrEqual(defaultLinkThresholds.sustainMs);
    expect(onPair[0]!.at - before).toBeLessThan(defaultLinkThresholds.sustainMs + 2_000);
    // pve1–pve3 link 0 too (the same fault), link 1 and pve2–pve3 not
    expect(degraded.map((e) => e.body.type === 'link-degraded' && `${e.body.from}-${e.body.to}.${e.body.link}`).sort()).toEqual(['1-2.0', '1-3.0']);

    // the last hour at 1 s: about 0.3 ms before the fault, about 80 ms after
    const hour = await series('cluster=lab-cluster&a=2&b=1&link=0&range=hour');
    expect(hour).toMatchObject({ clusterId: 'lab-cluster', a: 1, b: 2, aName: 'pve1', bName: 'pve2', link: 0, range: 'hour', resolutionMs: 1000 });
    const earlier = hour.points.filter((p) => p.t < before - 1000);
    const later = hour.points.filter((p) => p.t > before + 1000);
    expect(earlier.length).toBeGreaterThan(0);
    expect(later.length).toBeGreaterThan(100);
    expect(earlier.every((p) => p.avgMs! < 1)).toBe(true);
    expect(later.every((p) => p.avgMs! > 80 && p.avgMs! < 82)).toBe(true);
    expect((await series('a=1&b=2&link=1')).points.every((p) => p.avgMs! < 1)).toBe(true);

    // the week: minute rollups in SQLite, the rise shows there too
    const week = await series('a=1&b=2&link=0&range=week');
    expect(week.resolutionMs).toBe(60_000);
    expect(week.points.length).toBeGreaterThanOrEqual(2);
    expect(week.points.every((p) => p.t % 60_000 === 0)).toBe(true);
    expect(week.points.at(-1)!.avgMs).toBeGreaterThan(80);
    expect(week.points.at(-1)!.maxMs).toBeGreaterThanOrEqual(week.points.at(-1)!.avgMs!);

    // every link of pve2: 2 peers × 2 links
    const node = NodeLinkSeriesPage.parse(await (await get('/links/series?node=pve2')).json());
    expect(node.series.map((s) => `${s.aName}-${s.bName}.${s.link}`)).toEqual(['pve1-pve2.0', 'pve1-pve2.1', 'pve2-pve3.0', 'pve2-pve3.1']);
    expect(node.resolutionMs).toBe(1000);

    // healed: recovered once good for the recovery time
    await fault({ action: 'heal' });
    sim.advance(defaultLinkThresholds.recoverMs + 5_000);
    const recovered = await history('link-recovered');
    expect(recovered.map((e) => e.body.type === 'link-recovered' && `${e.body.from}-${e.body.to}.${e.body.link}`).sort()).toEqual(['1-2.0', '1-3.0']);
    // one numbered stream: the link events sit among the others without gaps
    const all = (await server!.store.events.since('lab-cluster', 0, 1000)).events;
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
  });

  it('flapping around the bad mark raises at most one event per hysteresis window', async () => {
    const sim = await start();
    const seen: number[] = [];
    server!.collectors.get('lab-cluster')!.on('observed', (s) => {
      const l = s.links.find((x) => x.from === 1 && x.to === 2 && x.link === 0);
      if (l?.latencyAvgMs != null) seen.push(l.latencyAvgMs);
    });
    // 9 and 11 ms in turn (the pair's latency is pve1's extra plus a base of 0.15–0.6 ms)
    for (let i = 0; i < 120; i++) {
      await fault({ action: 'link-quality', node: 'pve1', link: 0, latencyMs: i % 2 === 0 ? 10.8 : 8.5 });
      sim.advance(1_000);
    }
    const events = (await server!.store.events.since('lab-cluster', 0, 1000)).events.filter((e) => (e.body.type === 'link-degraded' || e.body.type === 'link-recovered') && e.body.from === 1 && e.body.to === 2 && e.body.link === 0);
    const window = defaultLinkThresholds.sustainMs + defaultLinkThresholds.recoverMs;
    for (const e of events) expect(events.filter((x) => x.at >= e.at && x.at < e.at + window)).toHaveLength(1);
    // hovering around 10 ms is degraded once, and never recovers (it never gets under the warn mark)
    expect(events.map((e) => e.body.type)).toEqual(['link-degraded']);
    // it did flap: the observations alternate across the bad mark
    expect(seen.filter((v) => v > 10).length).toBeGreaterThan(100);
    expect(seen.filter((v) => v < 10).length).toBeGreaterThan(100);
  });

  it('thresholds per cluster: viewer reads, admin changes (validated, audited), the running tracker follows; restart keeps degraded links', async () => {
    const sim = await start();
    const read = async (as: Role = 'viewer') => LinkSettings.parse(await (await get('/settings/links?cluster=lab-cluster', as)).json());
    expect(await read()).toEqual({ clusterId: 'lab-cluster', thresholds: defaultLinkThresholds, defaults: defaultLinkThresholds });

    expect((await putLinks({ badLatencyMs: 50 }, 'operator')).status).toBe(403);
    expect((await putLinks({ warnLatencyMs: 60 })).status).toBe(400);
    expect((await putLinks({ badLatencyMs: 'x' })).status).toBe(400);
    expect((await putLinks({ nope: 1 })).status).toBe(400);
    expect((await bearerFetch(`${url}/api/v1/settings/links?cluster=nope`, tokens.admin, { method: 'PUT', body: {} })).status).toBe(404);
    const put = await putLinks({ badLatencyMs: 50 });
    expect(put.status).toBe(200);
    expect(LinkSettings.parse(await put.json()).thresholds).toEqual({ ...defaultLinkThresholds, badLatencyMs: 50 });
    expect((await read()).thresholds.badLatencyMs).toBe(50);
    expect((await server!.store.audit.list({ limit: 10, operation: 'settings-links' })).records).toEqual([
      expect.objectContaining({ clusterId: 'lab-cluster', result: 'ok', params: { badLatencyMs: 50 }, message: expect.stringContaining('bad above 50 ms') }),
    ]);

    // 30 ms is under the new bad mark: nothing; lowered to 20 ms, the running tracker raises it
    await fault({ action: 'link-quality', node: 'pve1', link: 0, latencyMs: 30 });
    sim.advance(30_000);
    expect(await history('link-degraded')).toEqual([]);
    expect((await putLinks({ badLatencyMs: 20 })).status).toBe(200);
    sim.advance(15_000);
    expect((await history('link-degraded')).length).toBe(2);

    // back to the defaults (DELETE), and the setting and the degraded links survive a restart
    expect((await bearerFetch(`${url}/api/v1/settings/links?cluster=lab-cluster`, tokens.operator, { method: 'DELETE' })).status).toBe(403);
    expect(LinkSettings.parse(await (await bearerFetch(`${url}/api/v1/settings/links?cluster=lab-cluster`, tokens.admin, { method: 'DELETE' })).json()).thresholds).toEqual(
      defaultLinkThresholds,
    );
    expect((await putLinks({ recoverMs: 60_000 })).status).toBe(200);
    const dir = dataDir;
    await server!.close();
    server = null;
    const again = await start(dir);
    expect((await read()).thresholds.recoverMs).toBe(60_000);
    again.advance(30_000);
    // the simulator resumed with the fault: still 30 ms, still degraded, no second link-degraded
    expect((await series('a=1&b=2&link=0')).points.at(-1)!.avgMs).toBeGreaterThan(30);
    expect((await history('link-degraded')).length).toBe(2);
  });

  it('the series answer 400 for a bad query and 404 for an unknown node or cluster', async () => {
    await start();
    expect((await get('/links/series?a=1&b=2')).status).toBe(400);
    expect((await get('/links/series?node=pve1&range=week')).status).toBe(400);
    expect((await get('/links/series?a=1&b=2&link=0&extra=1')).status).toBe(400);
    expect((await get('/links/series?a=1&b=9&link=0')).status).toBe(404);
    expect((await get('/links/series?node=pve9')).status).toBe(404);
    expect((await get('/links/series?cluster=nope&node=pve1')).status).toBe(404);
    expect((await bearerFetch(`${url}/api/v1/links/series?node=pve1`, null)).status).toBe(401);
  });
});
