import { describe, expect, it } from 'vitest';
import { simKind, SimSettings, tickPhaseOf } from './kind';
import type { SimSource } from './source';

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
  it('each cluster ticks at its own phase within the tick, the same at every start', () => {
    const phases = Array.from({ length: 100 }, (_, i) => tickPhaseOf(`c${String(i + 1).padStart(3, '0')}`, 1000));
    for (const p of phases) expect(p).toBeGreaterThanOrEqual(0);
    for (const p of phases) expect(p).toBeLessThan(1000);
    expect(tickPhaseOf('c001', 1000)).toBe(phases[0]);
    // spread: 100 clusters fall into most of the ten 100 ms slots of a 1 s tick
    expect(new Set(phases.map((p) => Math.floor(p / 100))).size).toBeGreaterThanOrEqual(8);
  });

  it("a fresh sim's first tick comes tickMs + its phase after the start", () => {
    const phase = tickPhaseOf('sim', 1000);
    const s = simKind.create(SimSettings.parse({}), ctx) as SimSource;
    const t0 = s.now();
    const firstAt = s.current()!.observedAt;
    let ticks = 0;
    s.subscribe(() => ticks++);
    s.advance(1000 + phase - 1);
    expect(ticks).toBe(0);
    s.advance(1);
    expect(ticks).toBe(1);
    expect(s.current()!.observedAt).toBe(t0 + 1000 + phase);
    expect(firstAt).toBeLessThanOrEqual(t0);
  });
});
