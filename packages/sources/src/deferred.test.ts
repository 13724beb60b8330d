import { afterEach, describe, expect, it, vi } from 'vitest';
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
