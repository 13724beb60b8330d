// The collector numbers the link-health tracker's events in the same stream as the diff's, stores them in
// the same transaction, and keeps the tracker in step with what was stored.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ClusterEvent, ClusterSnapshot, EventDraft, LinkHealthState } from '@quorate/model';
import { Collector } from '../collector';
import type { Logger } from '../logger';
import { MemoryEventStore } from '../event-store';
import { FakeSource, fakeSnapshot } from '../testing/fake-source';

const T0 = 1_700_000_000_000;
const NAMES = ['pve1', 'pve2', 'pve3'];

function setup(store = new MemoryEventStore('c1'), logger: Logger = pino({ level: 'silent' })) {
  const source = new FakeSource('c1');
  const collector = new Collector({ source, store, logger, firstRev: 1 });
  const events: ClusterEvent[] = [];
  const observed: ClusterSnapshot[] = [];
  collector.on('event', (e) => events.push(e));
  collector.on('observed', (s) => observed.push(s));
  return { source, collector, events, observed };
}

/** pve1–pve2 link 0 at `latency` ms; up = the nodes running */
function snap(t: number, latency: number, up = NAMES): ClusterSnapshot {
  const s = fakeSnapshot('c1', NAMES, new Set(up), t);
  for (const l of s.links) if (l.link === 0 && l.from + l.to === 3 && l.connected) l.latencyAvgMs = latency;
  return s;
}

describe('Collector and link health', () => {
  it('a link bad for the sustain time: one link-degraded in the seq stream after the diff events of that snapshot', async () => {
    const { collector, events, observed } = setup();
    for (let i = 0; i < 10; i++) collector.ingest(snap(T0 + i * 1000, 80));
    await collector.idle();
    expect(events).toEqual([]);
    // pve3 stops in the same observation that makes the link degraded: diff first, then the tracker
    collector.ingest(snap(T0 + 10_000, 80, ['pve1', 'pve2']));
    for (let i = 11; i < 60; i++) collector.ingest(snap(T0 + i * 1000, 80, ['pve1', 'pve2']));
    await collector.idle();
    const types = events.map((e) => e.body.type);
    expect(types.filter((t) => t === 'link-degraded')).toHaveLength(1);
    expect(types.at(-1)).toBe('link-degraded');
    expect(types.indexOf('node-left')).toBeLessThan(types.indexOf('link-degraded'));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ at: T0 + 10_000, body: { from: 1, to: 2, link: 0, latencyMs: 80, cause: 'latency' } });
    expect(observed).toHaveLength(60);
  });

  it('the degraded links are saved in the transaction that stores the event, and resumed', async () => {
    const store = new MemoryEventStore('c1');
    const saved: LinkHealthState[] = [];
    const a = setup(store);
    a.collector.keepLinkHealth(undefined, async (s) => void saved.push(s));
    for (let i = 0; i <= 10; i++) a.collector.ingest(snap(T0 + i * 1000, 80));
    await a.collector.idle();
    expect(saved).toEqual([{ degraded: [{ a: 1, b: 2, link: 0, since: T0 + 10_000 }] }]);

    // a restart: the new collector knows the link is degraded, raises no second link-degraded, and recovers
    const b = setup(store);
    b.collector.keepLinkHealth(saved.at(-1), async (s) => void saved.push(s));
    for (let i = 20; i < 40; i++) b.collector.ingest(snap(T0 + i * 1000, 80));
    for (let i = 40; i <= 70; i++) b.collector.ingest(snap(T0 + i * 1000, 0.2));
    await b.collector.idle();
    expect(b.events.map((e) => [e.body.type, e.seq])).toEqual([['link-recovered', 2]]);
    expect(saved.at(-1)).toEqual({ degraded: [] });
  });

  it('when the events cannot be stored, the tracker is put back: the next observation raises the event again', async () => {
    const store = new MemoryEventStore('c1');
    const append = store.append.bind(store);
    let fail = false;
    store.append = async (drafts: readonly EventDraft[], also?: Parameters<MemoryEventStore['append']>[1]) => {
      if (fail) throw new Error('disk full');
      return append(drafts, also);
    };
    const logged: string[] = [];
    const { collector, events, observed } = setup(store, pino({ level: 'error' }, { write: (line: string) => void logged.push(line) }));
    for (let i = 0; i < 10; i++) collector.ingest(snap(T0 + i * 1000, 80));
    await collector.idle();
    fail = true;
    // the append is asynchronous: its failure is logged, not thrown at the source
    collector.ingest(snap(T0 + 10_000, 80));
    await collector.idle();
    expect(logged.join('\n')).toMatch('disk full');
    expect(collector.linkHealth.isDegraded(1, 2, 0)).toBe(false);
    fail = false;
    collector.ingest(snap(T0 + 11_000, 80));
    await collector.idle();
    expect(events.map((e) => [e.body.type, e.at])).toEqual([['link-degraded', T0 + 11_000]]);
    expect(observed).toHaveLength(11);
  });

  it('thresholds set on the tracker apply to the next observation', async () => {
    const { collector, events } = setup();
    collector.linkHealth.setThresholds({ warnLatencyMs: 1, badLatencyMs: 2, lossPct: 1, sustainMs: 0, recoverMs: 0 });
    collector.ingest(snap(T0, 3));
    await collector.idle();
    expect(events.map((e) => e.body.type)).toEqual(['link-degraded']);
  });
});
