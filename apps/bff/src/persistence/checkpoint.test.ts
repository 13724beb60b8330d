// Restart on the same data directory with the real simulator: same faults, same numbering, nothing invented.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { ClusterSnapshot, carryForwardKnown, diffSnapshots } from '@quorate/model';
import { createSimSource, VOLATILE_SIM_KEYS, type SimSource } from '@quorate/sources';
import { openStore, type Store } from '@quorate/store';
import { createServer, type QuorateServer } from '../app';
import { loadConfig } from '../config';
import { settle, tempDataDir } from '../testing/harness';
import { shiftSimTimes } from '@quorate/sources';
import { CHECKPOINT_THROTTLE_MS, Checkpoint, contentOf, durableBaseline, loadCheckpoint } from './checkpoint';
import { spreadOf } from '../spread';

const dirs: string[] = [];
const servers: QuorateServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function boot(dataDir: string, env: Record<string, string> = {}): Promise<{ server: QuorateServer; sim: SimSource; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const server = await createServer(loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TICK_MS: '600000', QUORATE_SIM_TOKEN_MS: '200', QUORATE_DATA_DIR: dataDir, ...env }), { logger });
  servers.push(server);
  await server.start();
  return { server, sim: server.collectors.get('lab-cluster')!.source as SimSource, warnings };
}
const stop = async (s: QuorateServer) => {
  await s.close();
  servers.splice(servers.indexOf(s), 1);
};

describe('restart on the same data directory', () => {
  it('resumes the same simulated cluster: faults kept, seq continues, no invented events', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const a = await boot(dir);
    a.sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    a.sim.advance(10_000);
    a.sim.applyFault({ action: 'link-quality', node: 'pve1', link: 1, latencyMs: 25, lossPct: 0, jitterMs: 0 });
    await settle(a.server);
    const lastSeq = await a.server.store.events.lastSeq('lab-cluster');
    expect(lastSeq).toBeGreaterThan(0);
    const state = a.sim.exportState();
    await stop(a.server);

    const b = await boot(dir);
    expect(b.warnings).toEqual([]);
    const resumed = b.sim.exportState();
    expect(resumed.status).toEqual(state.status);
    expect(resumed.quality).toEqual(state.quality);
    expect(b.server.collectors.get('lab-cluster')!.current()!.snapshot.nodes.map((n) => n.state)).toEqual(['online', 'online', 'offline']);
    b.sim.advance(5_000);
    // nothing happened to the cluster: nothing recorded
    await settle(b.server);
    expect(await b.server.store.events.lastSeq('lab-cluster')).toBe(lastSeq);
    b.sim.applyFault({ action: 'start', nodes: ['pve3'] });
    b.sim.advance(30_000);
    await settle(b.server);
    const after = (await b.server.store.events.since('lab-cluster', lastSeq, 100)).events;
    expect(after[0]!.seq).toBe(lastSeq + 1);
    expect(after.map((e) => e.body.type)).toContain('node-joined');
  });

  it('changed simulator settings start a fresh simulation (said in the log)', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const a = await boot(dir);
    a.sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    await stop(a.server);
    const b = await boot(dir, { QUORATE_SIM_NODES: '4' });
    expect(b.warnings.join('')).toMatch(/simulator settings changed since the last run; starting a fresh simulation/);
    expect(b.sim.exportState().status).toEqual(['running', 'running', 'running', 'running']);
  });

  it('shiftSimTimes moves epoch times, not durations, counters or the config', () => {
    const state = { clock: 1_700_000_000_000, tickCount: 5, nodeSince: [1_700_000_000_500, 0], config: { seed: 1_700_000_000_000 }, scheduled: [{ at: 1_700_000_001_000, fault: { action: 'heal' } }] };
    expect(shiftSimTimes(state, 1000)).toEqual({ clock: 1_700_000_001_000, tickCount: 5, nodeSince: [1_700_000_001_500, 0], config: { seed: 1_700_000_000_000 }, scheduled: [{ at: 1_700_000_002_000, fault: { action: 'heal' } }] });
  });
});

describe('checkpoint: what an idle cluster writes', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const st of stores.splice(0)) await st.close();
  });
  const quiet = pino({ level: 'silent' });
  /** a sim on the (fake) wall clock, its current snapshot as the baseline, a checkpoint with the default throttle */
  async function setup() {
    vi.useFakeTimers({ now: 1_780_000_000_000 });
    const dir = tempDataDir();
    dirs.push(dir);
    const store = await openStore({ dataDir: dir });
    stores.push(store);
    const sim = createSimSource({ clusterId: 'c', now: () => Date.now() });
    const cp = await Checkpoint.open(store, 'c', quiet, undefined, () => Date.now());
    cp.attach(sim, () => sim.current());
    /** one second of the sim's life as the BFF sees it: a tick, a patch, changed() */
    const second = () => {
      vi.advanceTimersByTime(1000);
      sim.advance(1000);
      cp.changed();
    };
    return { store, sim, cp, second };
  }

  it('keeps no latency, loss, storage usage or tick counters: only what a restart needs', async () => {
    const { store, sim, cp } = await setup();
    await cp.saveNow();
    const doc = (await loadCheckpoint(store, 'c'))!;
    expect(doc.baseline!.links.every((l) => l.latencyAvgMs === null && l.latencyMaxMs === null && l.lossPct === null)).toBe(true);
    expect(doc.baseline!.storage!.flatMap((st) => st.nodes).every((n) => n.usedBytes === 0 && n.availBytes === 0)).toBe(true);
    expect(() => ClusterSnapshot.parse(doc.baseline)).not.toThrow();
    for (const k of VOLATILE_SIM_KEYS) expect(doc.sim).not.toHaveProperty(k);
    // and it resumes the same cluster
    sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    sim.advance(10_000);
    await cp.saveNow();
    const resumed = createSimSource({ state: (await loadCheckpoint(store, 'c'))!.sim, now: () => Date.now() });
    expect(resumed.current()!.nodes.map((n) => n.state)).toEqual(['online', 'online', 'offline']);
    expect(resumed.current()!.quorum).toEqual(sim.current()!.quorum);
  });

  it('an idle cluster (latency jitter, usage drift, the clock) is not rewritten, however often it is asked', async () => {
    const { store, cp, second } = await setup();
    await cp.saveNow();
    const first = (await loadCheckpoint(store, 'c'))!;
    for (let i = 0; i < 600; i++) second();
    await cp.saveNow();
    await cp.close();
    expect((await loadCheckpoint(store, 'c'))!.savedAt).toBe(first.savedAt);
    expect(cp.counts.written).toBe(1);
    // asked at most once a minute in between (each time: nothing new), plus saveNow and close
    expect(cp.counts.unchanged).toBeLessThanOrEqual(10 + 2);
  });

  it('a change that is no event is saved within the default throttle of a minute (the first time plus the cluster\'s offset), not sooner', async () => {
    const { store, sim, cp, second } = await setup();
    await cp.saveNow();
    // the first wait takes the cluster's offset into the minute as well (clusters started together spread out)
    const offset = Math.floor(spreadOf('c', CHECKPOINT_THROTTLE_MS) / 1000);
    const saved = async () => {
      await cp.settled();
      return (await loadCheckpoint(store, 'c'))!.sim as { quality: Array<Array<{ latencyMs: number }>> };
    };
    // applied on the source directly (the fault route would save at once): only the patches tell
    sim.applyFault({ action: 'link-quality', node: 'pve1', link: 0, latencyMs: 30, lossPct: 0, jitterMs: 0 });
    for (let i = 0; i < 59 + offset; i++) second();
    expect((await saved()).quality[0]![0]!.latencyMs).toBe(0);
    second();
    second();
    expect((await saved()).quality[0]![0]!.latencyMs).toBe(30);
    expect(cp.counts.written).toBe(2);
    // then every minute: a change saved within one
    sim.applyFault({ action: 'link-quality', node: 'pve1', link: 0, latencyMs: 40, lossPct: 0, jitterMs: 0 });
    for (let i = 0; i < 61; i++) second();
    expect((await saved()).quality[0]![0]!.latencyMs).toBe(40);
  });

  it('compares with what is stored, not with what it last wrote: a rolled-back write is written again', async () => {
    const { store, sim, cp } = await setup();
    await cp.saveNow();
    sim.applyFault({ action: 'stop', nodes: ['pve2'] });
    await expect(
      store.transaction(async (tx) => {
        await cp.write(tx);
        throw new Error('the event append failed');
      }),
    ).rejects.toThrow('the event append failed');
    expect(((await loadCheckpoint(store, 'c'))!.sim as { status: string[] }).status).toEqual(['running', 'running', 'running']);
    await cp.saveNow();
    expect(((await loadCheckpoint(store, 'c'))!.sim as { status: string[] }).status).toEqual(['running', 'crashed', 'running']);
  });

  it('a new data directory gets its first document as soon as there is a baseline; a loaded one waits', async () => {
    const { store, sim } = await setup();
    let baseline: ClusterSnapshot | null = null;
    const cp = await Checkpoint.open(store, 'c', quiet, undefined, () => Date.now());
    cp.attach(sim, () => baseline);
    cp.changed(); // the collector's first snapshot comes before its baseline
    await cp.settled();
    expect(await loadCheckpoint(store, 'c')).toBeNull();
    baseline = sim.current();
    cp.changed();
    await cp.settled();
    expect((await loadCheckpoint(store, 'c'))!.baseline!.nodes).toHaveLength(3);
    // the next process finds it: nothing to write at its start
    sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    const next = await Checkpoint.open(store, 'c', quiet, undefined, () => Date.now());
    next.attach(sim, () => baseline);
    next.changed();
    await next.settled();
    expect(next.counts).toEqual({ written: 0, unchanged: 0 });
  });

  it('the durable baseline yields the same events as the whole one', () => {
    const sim = createSimSource({ clusterId: 'c', nodeCount: 5, now: () => 1_780_000_000_000 });
    let full = sim.current()!;
    let events = 0;
    sim.subscribe((next) => {
      const want = diffSnapshots(full, next);
      expect(diffSnapshots(durableBaseline(full), next)).toEqual(want);
      events += want.length;
      full = carryForwardKnown(full, next);
    });
    sim.applyFault({ action: 'scenario', name: 'rolling-failure' });
    sim.applyFault({ action: 'link-quality', node: 'pve4', link: 1, latencyMs: 20, lossPct: 50, jitterMs: 2 });
    sim.advance(30_000);
    sim.applyFault({ action: 'partition', groups: [['pve1', 'pve2'], ['pve3', 'pve4', 'pve5']] });
    sim.applyFault({ action: 'link-down', node: 'pve5' });
    sim.advance(60_000);
    sim.applyFault({ action: 'heal' });
    sim.advance(30_000);
    expect(events).toBeGreaterThan(20);
  });

  it('contentOf ignores the times only', () => {
    expect(contentOf({ savedAt: 1, baseline: { observedAt: 2, views: [{ observedAt: 3 }] }, sim: { clock: 4 } })).toBe(
      contentOf({ savedAt: 9, baseline: { observedAt: 8, views: [{ observedAt: 7 }] }, sim: { clock: 6 } }),
    );
    expect(contentOf({ sim: { clock: 4, nodeSince: [1] } })).not.toBe(contentOf({ sim: { clock: 4, nodeSince: [2] } }));
  });
});
