import { describe, expect, it } from 'vitest';
import type { EventDraft } from '@quorate/model';
import { MemoryEventStore } from './event-store';

const draft = (n: number): EventDraft => ({ at: n, severity: 'info', message: `e${n}`, body: { type: 'partition-changed', partitioned: n % 2 === 0 } });

describe('MemoryEventStore', () => {
  it('numbers events gap-free from 1 with the cluster id', async () => {
    const s = new MemoryEventStore('c1');
    expect(await s.lastSeq()).toBe(0);
    expect((await s.append([draft(1), draft(2)])).map((e) => [e.seq, e.clusterId])).toEqual([
      [1, 'c1'],
      [2, 'c1'],
    ]);
    expect((await s.append([])).length).toBe(0);
    expect((await s.append([draft(3)]))[0]!.seq).toBe(3);
    expect(await s.lastSeq()).toBe(3);
  });

  it('pages with since/limit; next is the last seq returned, or since when there is nothing new', async () => {
    const s = new MemoryEventStore('c');
    await s.append([1, 2, 3, 4, 5].map(draft));
    expect(await s.since(0, 2)).toMatchObject({ next: 2, events: [{ seq: 1 }, { seq: 2 }] });
    expect(await s.since(2, 2)).toMatchObject({ next: 4, events: [{ seq: 3 }, { seq: 4 }] });
    expect(await s.since(4, 2)).toMatchObject({ next: 5, events: [{ seq: 5 }] });
    expect(await s.since(5, 2)).toEqual({ next: 5, events: [] });
  });

  it('a since beyond the last seq (a store that restarted) points back to the last seq', async () => {
    const s = new MemoryEventStore('c');
    await s.append([draft(1)]);
    expect(await s.since(40, 10)).toEqual({ next: 1, events: [] });
  });

  it('forgets the oldest beyond capacity and pages from the oldest kept', async () => {
    const s = new MemoryEventStore('c', 3);
    await s.append([1, 2, 3, 4, 5].map(draft));
    expect((await s.since(0, 10)).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect((await s.since(3, 10)).events.map((e) => e.seq)).toEqual([4, 5]);
    expect(await s.lastSeq()).toBe(5);
  });
});
