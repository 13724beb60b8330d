import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from './errors';
import { draft, useStores } from './testing';

const t = useStores();
const SimState = z.object({ seed: z.number(), clock: z.number(), faults: z.array(z.string()) });

describe('kv', () => {
  it('round-trips JSON across a reopen and validates on read', () => {
    const dataDir = join(t.tempDir(), 'data');
    const a = t.open({ dataDir });
    const state = { seed: 42, clock: 1234.5, faults: ['partition n1'] };
    a.kv.set('sim.state', state);
    expect(a.kv.get('sim.state', SimState)).toEqual(state);
    a.close();
    const b = t.open({ dataDir });
    expect(b.kv.get('sim.state', SimState)).toEqual(state);
    expect(b.kv.get('missing', SimState)).toBeUndefined();
    b.kv.set('sim.state', { seed: 'nope' });
    expect(b.kv.get('sim.state', SimState)).toBeUndefined();
    expect(t.corrupt).toMatchObject([{ table: 'kv', key: 'sim.state' }]);
    expect(b.kv.delete('sim.state')).toBe(true);
    expect(() => b.kv.set('x', undefined)).toThrow(StoreError);
  });
});

describe('settings.retention', () => {
  it('has defaults, merges partial updates, persists, and drives store.prune()', () => {
    const dataDir = join(t.tempDir(), 'data');
    let clock = 1_700_000_000_000;
    const a = t.open({ dataDir, now: () => clock });
    const timeline = { maxAgeDays: 7, maxMbPerCluster: 1024 };
    expect(a.settings.retention.get()).toEqual({ events: { maxAgeDays: 90, maxPerCluster: 100_000 }, audit: { maxAgeDays: 365 }, timeline });
    expect(a.settings.retention.set({ events: { maxPerCluster: 2 } })).toEqual({
      events: { maxAgeDays: 90, maxPerCluster: 2 },
      audit: { maxAgeDays: 365 },
      timeline,
    });
    expect(() => a.settings.retention.set({ audit: { maxAgeDays: 0 } })).toThrow(/retention/);
    a.close();
    const b = t.open({ dataDir, now: () => clock });
    expect(b.settings.retention.get().events.maxPerCluster).toBe(2);
    b.events.append('c', [draft(0, clock), draft(1, clock), draft(2, clock)]);
    b.audit.record({
      at: clock - 400 * 86_400_000,
      actor: { kind: 'system', id: 'system', name: 'system' },
      role: 'admin',
      operation: 'start',
      clusterId: null,
      params: {},
      confirmed: false,
      result: 'ok',
      message: 'old',
    });
    clock += 1;
    expect(b.prune()).toEqual({ events: 1, audit: 1, sessions: 0, tasks: 0, alerts: 0 });
    expect(b.events.firstSeq('c')).toBe(2);
  });
});
