import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterSource } from './source';
import { createSimSource } from './sim';
import { deferredSource } from './deferred';

afterEach(() => vi.useRealTimers());

describe('deferredSource', () => {
  it('is down with the reason until the real source can be made, then forwards it', async () => {
    vi.useFakeTimers();
    let available = false;
    const errors: string[] = [];
    const source = deferredSource({
      clusterId: 'c1',
      kind: 'lab',
      retryMs: 1000,
      create: async () => {
        if (!available) throw new Error("no lab 'qlab' is running; start one with: sudo npm run lab -- up --nodes 3");
        return createSimSource({ clusterId: 'c1', tickMs: 100000 });
      },
      onError: (m) => errors.push(m),
    });
    const seen: number[] = [];
    source.subscribe((s) => seen.push(s.observedAt));
    await source.start();
    expect(source.health()).toMatchObject({ state: 'down', message: expect.stringMatching(/npm run lab -- up/) });
    expect(source.current()).toBeNull();
    await vi.advanceTimersByTimeAsync(2500); // two more failed attempts: reported once
    expect(errors).toHaveLength(1);

    available = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.current()?.clusterId).toBe('c1');
    expect(source.health().state).toBe('ok');
    expect(seen.length).toBeGreaterThan(0);
    await source.stop();
  });
});

describe('deferredSource: setting expected votes', () => {
  const bare = (clusterId: string): ClusterSource => {
    const sim = createSimSource({ clusterId, tickMs: 100000 });
    // everything a ClusterSource has, nothing more
    return { kind: sim.kind, clusterId, start: () => sim.start(), stop: () => sim.stop(), current: () => sim.current(), subscribe: (l) => sim.subscribe(l), health: () => sim.health(), capabilities: {} };
  };

  it('is forwarded to an inner source that has it; before there is one it rejects with the reason', async () => {
    vi.useFakeTimers();
    let available = false;
    const sim = createSimSource({ clusterId: 'c1', tickMs: 100000, nodeCount: 3 });
    const source = deferredSource({
      clusterId: 'c1',
      kind: 'lab',
      retryMs: 1000,
      create: async () => {
        if (!available) throw new Error("no lab 'qlab' is running");
        return sim;
      },
    });
    await source.start();
    expect(typeof source.setExpectedVotes).toBe('function');
    await expect(source.setExpectedVotes!(4)).rejects.toThrow("cluster 'c1' cannot be reached: no lab 'qlab' is running");

    available = true;
    await vi.advanceTimersByTimeAsync(1000);
    await source.setExpectedVotes!(4);
    expect(source.current()?.quorum?.expectedVotes).toBe(4);
    // the inner source's refusal comes through as it is
    await expect(source.setExpectedVotes!(1)).rejects.toThrow(/^Unable to set expected votes: CS_ERR_INVALID_PARAM/);
    await source.stop();
  });

  it('is undefined once the inner source turns out not to have it', async () => {
    const source = deferredSource({ clusterId: 'c2', kind: 'lab', create: async () => bare('c2') });
    await source.start();
    expect(source.current()).not.toBeNull();
    expect(source.setExpectedVotes).toBeUndefined();
    await source.stop();
  });
});
