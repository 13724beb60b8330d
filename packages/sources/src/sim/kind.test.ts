import { describe, expect, it, vi } from 'vitest';
import { phaseOf } from '../phase';
import { simKind, SimSettings } from './kind';
import type { SimSource } from './source';
import { durableSimState } from './state';

const ctx = { clusterId: 'sim', name: 'lab', log: () => undefined };

describe('sim kind: spares', () => {
  it('spares: N gives N standalone nodes after the members; nodes: 0 with spares is a simulation without a cluster', () => {
    const s = simKind.create(SimSettings.parse({ nodes: 0, spares: 3 }), ctx) as SimSource;
    expect(s.current()!.nodes).toEqual([]);
    expect(s.current()!.cluster.standalone).toBe(true);
    expect(s.spares().map((x) => x.name)).toEqual(['pve1', 'pve2', 'pve3']);
    const m = simKind.create(SimSettings.parse({ spares: 1 }), ctx) as SimSource;
    expect(m.current()!.nodes).toHaveLength(3);
    expect(m.spares().map((x) => x.name)).toEqual(['pve4']);
  });

  it('no spares by default, and the bound is kept', () => {
    expect((simKind.create(SimSettings.parse({}), ctx) as SimSource).spares()).toEqual([]);
    expect(SimSettings.safeParse({ spares: 17 }).success).toBe(false);
    expect(SimSettings.safeParse({ spares: -1 }).success).toBe(false);
    expect(SimSettings.safeParse({ nodes: 0 }).success).toBe(false);
    expect(SimSettings.safeParse({ nodes: 1, spares: 2 }).success).toBe(false);
  });

  it('a restart resumes the joined node and the spares left (the settings did not change)', async () => {
    const s = simKind.create(SimSettings.parse({ spares: 2 }), ctx) as SimSource;
    const addresses = s.spares()[0]!.addresses.map((address, link) => ({ link, address }));
    await s.join('pve4', { addresses }, { sleep: async (ms) => s.advance(ms) });
    const r = simKind.create(SimSettings.parse({ spares: 2 }), { ...ctx, resume: s.exportState() }) as SimSource;
    expect(r.current()!.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    expect(r.current()!.cluster.configVersion).toBe(2);
    expect(r.spares().map((x) => x.name)).toEqual(['pve5']);
  });
});

describe('sim kind: tick phase', () => {
  it('ticks fall on the phase on the wall clock: fresh, and resumed later on another replica', async () => {
    vi.useFakeTimers({ now: 1_800_000_000_123 });
    try {
      const phase = phaseOf('sim', 1000);
      const fresh = simKind.create(SimSettings.parse({}), ctx) as SimSource;
      // started a while after it was built (a BFF's start-up work), as resumed below
      vi.setSystemTime(Date.now() + 1_700);
      const ticks: number[] = [];
      await fresh.start(); // emits the state at the start; the ticks come after
      fresh.subscribe((s) => ticks.push(s.observedAt));
      await vi.advanceTimersByTimeAsync(3_000);
      await fresh.stop();
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const at of ticks) expect(at % 1000).toBe(phase);
      // the first tick within a tick of the start
      expect(ticks[0]! - 1_800_000_001_823).toBeGreaterThan(0);
      expect(ticks[0]! - 1_800_000_001_823).toBeLessThanOrEqual(1000);
      // resumed 12.345 s later (a takeover) from what a checkpoint keeps, or from the whole state: the same phase
      for (const saved of [durableSimState(fresh.exportState()), fresh.exportState()]) {
        vi.setSystemTime(Date.now() + 12_345);
        const resumed = simKind.create(SimSettings.parse({}), { ...ctx, resume: JSON.parse(JSON.stringify(saved)) as unknown }) as SimSource;
        vi.setSystemTime(Date.now() + 2_600);
        const later: number[] = [];
        await resumed.start();
        resumed.subscribe((s) => later.push(s.observedAt));
        await vi.advanceTimersByTimeAsync(3_000);
        await resumed.stop();
        expect(later.length).toBeGreaterThanOrEqual(2);
        for (const at of later) expect(at % 1000).toBe(phase);
      }
    } finally {
      vi.useRealTimers();
    }
  });
});
