import { describe, expect, it } from 'vitest';
import type { SnapshotPatch } from '@quorate/model';
import { PatchLog } from './patch-log';

const patch = (baseRev: number): SnapshotPatch => ({ baseRev, rev: baseRev + 1, set: { observedAt: baseRev } });

describe('PatchLog', () => {
  it('returns the patches after a rev, or [] at the newest', () => {
    const log = new PatchLog(10);
    for (let r = 10; r < 15; r++) log.push(patch(r));
    expect(log.since(12)!.map((p) => p.rev)).toEqual([13, 14, 15]);
    expect(log.since(10)!.map((p) => p.rev)).toEqual([11, 12, 13, 14, 15]);
    expect(log.since(15)).toEqual([]);
  });

  it('null outside the window: too old, or ahead of the newest', () => {
    const log = new PatchLog(3);
    for (let r = 1; r <= 6; r++) log.push(patch(r));
    expect(log.since(4)!.map((p) => p.rev)).toEqual([5, 6, 7]);
    expect(log.since(3)).toBeNull();
    expect(log.since(8)).toBeNull();
    expect(new PatchLog().since(0)).toBeNull();
  });

  it('a break in the chain drops what came before', () => {
    const log = new PatchLog(10);
    log.push(patch(1));
    log.push(patch(5));
    expect(log.since(1)).toBeNull();
    expect(log.since(5)!.map((p) => p.rev)).toEqual([6]);
  });
});
