// The holder's status to the mirrors (status.ts): sent when health or capabilities change, not for a new
// observation stamp alone; a source that goes down without observing anything is noticed by the timer.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceHealth } from '@quorate/sources';
import type { FeedStatus } from './mirror';
import { STATUS_CHECK_MS, watchStatus } from './status';

describe('watchStatus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a change once; a new stamp alone is none; a quiet source going down is sent within STATUS_CHECK_MS; stop ends it', () => {
    let health: SourceHealth = { state: 'ok', message: null, lastObservedAt: 1 };
    const source = Object.assign(new EventEmitter(), { health: () => health, capabilities: () => ['faults' as const] });
    const sent: FeedStatus[] = [];
    const w = watchStatus(source as never, (s) => sent.push(s));
    source.emit('observed');
    expect(sent).toHaveLength(1);
    for (let t = 2; t < 10; t++) {
      health = { ...health, lastObservedAt: t };
      source.emit('observed');
    }
    expect(sent).toHaveLength(1);
    // no observation: the timer notices
    health = { state: 'down', message: 'pve1: connection refused', lastObservedAt: 9 };
    vi.advanceTimersByTime(STATUS_CHECK_MS);
    expect(sent.map((s) => s.health.state)).toEqual(['ok', 'down']);
    w.stop();
    health = { state: 'ok', message: null, lastObservedAt: 20 };
    source.emit('observed');
    vi.advanceTimersByTime(STATUS_CHECK_MS * 3);
    expect(sent).toHaveLength(2);
  });
});
