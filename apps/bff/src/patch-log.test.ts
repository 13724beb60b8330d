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

  it('a chain that jumps (continued by another collector): a rev between two patches is not resumable', () => {
    const log = new PatchLog(10);
    log.push(patch(100));
    log.push({ baseRev: 101, rev: 5_000, set: { observedAt: 101 } });
    log.push(patch(5_000));
    expect(log.since(100)!.map((p) => p.rev)).toEqual([101, 5_000, 5_001]);
    expect(log.since(101)!.map((p) => p.rev)).toEqual([5_000, 5_001]);
    expect(log.since(5_000)!.map((p) => p.rev)).toEqual([5_001]);
    // the former holder's revs after 101 were never this chain's
    expect(log.since(102)).toBeNull();
    expect(log.since(4_999)).toBeNull();
  });

  it('bounded by the items its patches hold: the oldest go first, the newest always stays', () => {
    const links = (n: number) => Array.from({ length: n }, (_, i) => ({ from: 1, to: 2, link: i % 8, enabled: true, connected: true, latencyAvgMs: i, latencyMaxMs: i, lossPct: 0, downCount: 0 }));
    const big = (baseRev: number, n: number): SnapshotPatch => ({ ...patch(baseRev), links: { upsert: links(n), remove: [] } });
    const log = new PatchLog(500, 100);
    for (let r = 1; r <= 5; r++) log.push(big(r, 30)); // 31 items each: 3 fit in 100
    expect(log.since(3)!.map((p) => p.rev)).toEqual([4, 5, 6]);
    expect(log.since(2)).toBeNull();
    log.push(big(6, 500)); // larger than the bound alone: kept, the rest dropped
    expect(log.since(6)!.map((p) => p.rev)).toEqual([7]);
    expect(log.since(5)).toBeNull();
  });

  it('keeps at most twice the snapshot: past that the snapshot is cheaper to send', () => {
    const links = (n: number) => Array.from({ length: n }, (_, i) => ({ from: 1, to: 2, link: i % 8, enabled: true, connected: true, latencyAvgMs: i, latencyMaxMs: i, lossPct: 0, downCount: 0 }));
    const log = new PatchLog();
    // a snapshot of 300 items; every patch moves all 299 links (300 items with its set)
    for (let r = 1; r <= 10; r++) log.push({ ...patch(r), links: { upsert: links(299), remove: [] } }, 300);
    expect(log.since(9)!.map((p) => p.rev)).toEqual([10, 11]);
    expect(log.since(8)).toBeNull();
  });

  it('telemetry columns count a link (or view) each', () => {
    const log = new PatchLog(500, 100);
    // 30 links' stats and 5 views' stamps + the set: 36 items each, 2 fit in 100
    const stats = (baseRev: number): SnapshotPatch => ({ ...patch(baseRev), linkStats: Array.from({ length: 120 }, (_, i) => i), viewStamps: Array.from({ length: 10 }, (_, i) => i) });
    for (let r = 1; r <= 4; r++) log.push(stats(r));
    expect(log.since(3)!.map((p) => p.rev)).toEqual([4, 5]);
    expect(log.since(2)).toBeNull();
  });
});
