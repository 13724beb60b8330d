// Resuming the simulator after a restart (moved here from the BFF with issue 9 §1).
import { describe, expect, it } from 'vitest';
import { SimConfig } from './options';
import { resumeSimSource } from './resume';
import { createSimSource } from './source';

const options = SimConfig.parse({ clusterId: 'c1', nodeCount: 3, seed: 7, tickMs: 100_000 });

describe('resumeSimSource', () => {
  it('resumes the same faults, on the wall clock moved on by the time it was down', () => {
    const before = createSimSource({ ...options, now: () => 1_800_000_000_000 });
    before.applyFault({ action: 'stop', nodes: ['pve3'] });
    const saved = JSON.parse(JSON.stringify(before.exportState())) as unknown;
    const logs: string[] = [];
    const after = resumeSimSource(options, saved, (l) => logs.push(l), () => 1_800_000_060_000);
    expect(logs).toEqual([]);
    expect(after.exportState().status).toEqual(before.exportState().status);
    expect(after.now()).toBe(before.now() + 60_000);
  });

  it('starts fresh, and says why, when the settings changed or the state is not one', () => {
    const saved = JSON.parse(JSON.stringify(createSimSource(options).exportState())) as unknown;
    const logs: string[] = [];
    resumeSimSource(SimConfig.parse({ ...options, nodeCount: 5 }), saved, (l) => logs.push(l));
    resumeSimSource(options, { version: 99 }, (l) => logs.push(l));
    expect(logs).toEqual([
      "cluster 'c1': simulator settings changed since the last run; starting a fresh simulation",
      "cluster 'c1': saved simulator state has an unknown format; starting a fresh simulation",
    ]);
    expect(resumeSimSource(options, undefined).exportState().clock).toBeGreaterThan(0);
  });
});
