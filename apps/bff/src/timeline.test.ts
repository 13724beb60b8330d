// Time travel's acceptance (issue 15): the state rebuilt for a past moment equals the snapshot the BFF held
// at that moment. A simulated cluster runs a scenario (a node crash, a link lost, quorum lost, restored) on
// its own clock; the collector's current snapshot is recorded at known times; GET /timeline/at answers
// each of them — and a moment between two changes — with exactly that snapshot, also after a restart.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ApiError, KEYFRAME_EVERY_PATCHES, TimelineAt, TimelinePage, canonicalize, type ClusterSnapshot, type SimFault } from '@quorate/model';
import type { SimSource } from '@quorate/sources';
import { createServer, type QuorateServer } from './app';
import { loadConfig } from './config';
import { bearerFetch, sqliteOf, tempDataDir } from './testing/harness';

let server: QuorateServer | null = null;
let url = '';
let dataDir = '';
const TOKEN = 'timeline-test-operator-token-0123456789';
afterEach(async () => {
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

async function start(): Promise<SimSource> {
  dataDir ||= tempDataDir();
  // a 1 s tick on the sim's own clock: the test moves it (advance), the real timer finds nothing due
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TICK_MS: '1000', QUORATE_SIM_TOKEN_MS: '1000', QUORATE_SIM_SEED: '15', QUORATE_DATA_DIR: dataDir, QUORATE_API_TOKEN: TOKEN });
  server = await createServer(config, { logger: pino({ level: 'silent' }) });
  url = (await server.start()).url;
  return server.collectors.get(server.clusters.defaultId)!.source as SimSource;
}
const get = (path: string) => bearerFetch(`${url}${path}`, TOKEN);
const current = () => server!.collectors.get('lab-cluster')!.current()!;

interface Held {
  t: number;
  rev: number;
  snapshot: ClusterSnapshot;
}

/** the scenario, a second at a time; the collector's snapshot recorded at every change it makes */
async function runScenario(sim: SimSource): Promise<Held[]> {
  const held: Held[] = [];
  const hold = () => {
    const c = current();
    held.push({ t: c.snapshot.observedAt, rev: c.rev, snapshot: structuredClone(c.snapshot) });
  };
  const collector = server!.collectors.get('lab-cluster')!;
  collector.on('patch', hold);
  collector.on('snapshot', hold);
  const fault = async (f: SimFault) => {
    expect((await bearerFetch(`${url}/api/v1/sim/faults`, TOKEN, { method: 'POST', body: f })).status).toBe(202);
    // what falls due at once (the sim's timer, at the same simulated time) is part of the fault's moment
    await new Promise((r) => setTimeout(r, 50));
  };
  const seconds = (n: number) => {
    for (let i = 0; i < n; i++) {
      sim.advance(1000);
      hold();
    }
  };
  hold();
  seconds(5);
  await fault({ action: 'stop', nodes: ['pve3'] }); // a node crash
  hold();
  seconds(10);
  await fault({ action: 'link-down', node: 'pve2', link: 0 }); // a link lost
  hold();
  seconds(5);
  await fault({ action: 'stop', nodes: ['pve2'] }); // quorum lost
  hold();
  seconds(10);
  await fault({ action: 'heal' }); // restore
  hold();
  seconds(KEYFRAME_EVERY_PATCHES + 30); // past a keyframe
  return held;
}

async function at(t: number): Promise<Response> {
  return get(`/api/v1/timeline/at?cluster=lab-cluster&t=${t}`);
}

describe('time travel on the simulator', () => {
  it('the state rebuilt for each recorded moment equals the snapshot the BFF held then', { timeout: 60_000 }, async () => {
    const sim = await start();
    const held = await runScenario(sim);
    expect(held.some((h) => h.snapshot.quorum?.quorate === false)).toBe(true);
    expect(held.at(-1)!.snapshot.quorum?.quorate).toBe(true);

    // the last moment held at each distinct time (a fault and the step before it may share a time)
    const byTime = new Map<number, Held>();
    for (const h of held) byTime.set(h.t, h);
    const times = [...byTime.keys()].sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(KEYFRAME_EVERY_PATCHES + 50);
    for (const [i, time] of times.entries()) {
      const h = byTime.get(time)!;
      // the moment itself, and one between it and the next change (the state in force then is the same)
      const next = times[i + 1] ?? time + 2;
      const between = time + Math.floor((next - time) / 2);
      for (const t of i % 4 === 0 && between > time ? [time, between] : [time]) {
        const res = await at(t);
        expect(res.status).toBe(200);
        const body = (await res.json()) as TimelineAt;
        expect(body.rev).toBe(h.rev);
        expect(body.at).toBe(h.t);
        expect(body.t).toBe(t);
        expect(body.snapshot).toEqual(canonicalize(h.snapshot));
      }
    }

    // the range: marks at every change (quorum lost among them, flagged), the events, the oldest moment
    const first = held[0]!.t;
    const last = held.at(-1)!.t;
    const page = TimelinePage.parse(await (await get(`/api/v1/timeline?cluster=lab-cluster&from=${first}&to=${last}`)).json());
    expect(page.oldest).toBeLessThanOrEqual(first);
    expect(page.newest).toBe(last);
    expect(page.truncated).toBe(false);
    expect(page.marks.map((m) => m.at)).toEqual([...page.marks.map((m) => m.at)].sort((a, b) => a - b));
    const lost = page.marks.find((m) => m.quorate === false)!;
    expect(lost).toMatchObject({ transition: true, state: 'lost', severity: 'critical', nodesOnline: 1 });
    expect(page.events.map((e) => e.body.type)).toEqual(expect.arrayContaining(['quorum-lost', 'quorum-regained']));
    expect(page.events[0]!.seq).toBeLessThan(page.events.at(-1)!.seq);

    // before the oldest kept moment: 404 naming it; in the future: 400; nonsense: 400; unknown cluster: 404
    const before = await at(page.oldest! - 1);
    expect(before.status).toBe(404);
    expect(ApiError.parse(await before.json()).error).toContain(new Date(page.oldest!).toISOString());
    const future = await at(Math.max(Date.now(), last) + 3_600_000);
    expect(future.status).toBe(400);
    expect(ApiError.parse(await future.json()).error).toMatch(/future/);
    expect((await get('/api/v1/timeline/at?cluster=lab-cluster&t=yesterday')).status).toBe(400);
    expect((await get('/api/v1/timeline?cluster=lab-cluster&from=10&to=5')).status).toBe(400);
    expect((await get('/api/v1/timeline/at?cluster=nope&t=1')).status).toBe(404);
    expect((await bearerFetch(`${url}/api/v1/timeline/at?t=1`, null)).status).toBe(401);

    // a restart keeps the past: the same moments rebuild the same way, and the new run starts a new chain
    await server!.close();
    server = null;
    const sim2 = await start();
    sim2.advance(1000);
    for (const h of [held[3]!, held.find((x) => x.snapshot.quorum?.quorate === false)!, held.at(-1)!]) {
      const body = TimelineAt.parse(await (await at(h.t)).json());
      expect(body.snapshot).toEqual(canonicalize(h.snapshot));
    }
    const now = current();
    const after = TimelineAt.parse(await (await at(now.snapshot.observedAt)).json());
    expect(after.rev).toBe(now.rev);
    expect(after.snapshot).toEqual(canonicalize(now.snapshot));
  });

  it('a failing write is logged, never stops the collector', { timeout: 30_000 }, async () => {
    const sim = await start();
    sim.advance(1000);
    const revBefore = current().rev;
    sqliteOf(server!.store).exec(`CREATE TRIGGER no_patches BEFORE INSERT ON timeline_patches BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await bearerFetch(`${url}/api/v1/sim/faults`, TOKEN, { method: 'POST', body: { action: 'stop', nodes: ['pve3'] } });
    for (let i = 0; i < 5; i++) sim.advance(1000);
    // 5 ticks and pve3's departure: several patches (a tick within QUORATE_TELEMETRY_MIN_MS of another patch merges into the next)
    expect(current().rev).toBeGreaterThan(revBefore + 2);
    expect((await get('/api/v1/snapshot')).status).toBe(200);
    // the disk has room again: the next changes are written, the first of them whole (after a failed patch);
    // two ticks, so the newest sent is one of them (a tick within QUORATE_TELEMETRY_MIN_MS of a patch waits)
    sqliteOf(server!.store).exec('DROP TRIGGER no_patches');
    sim.advance(1000);
    sim.advance(1000);
    // read once: a merged tick may still go out a moment later (collector.ts)
    const now = current();
    const body = TimelineAt.parse(await (await at(now.snapshot.observedAt)).json());
    expect(body.rev).toBe(now.rev);
    expect(body.snapshot).toEqual(canonicalize(now.snapshot));
  });
});
