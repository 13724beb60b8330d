// The collector's telemetry merging: a change of latency alone waits up to telemetryMinMs and goes out
// merged; a change that matters (quorum, a node, a link down) goes out at once, carrying what waited.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { applyPatch, canonicalize, type ClusterSnapshot, type PatchMessage } from '@quorate/model';
import { Collector } from './collector';
import { MemoryEventStore } from './event-store';
import { FakeSource } from './testing/fake-source';

const MIN = 250;

function setup(telemetryMinMs = MIN) {
  const source = new FakeSource('c1');
  const collector = new Collector({ source, store: new MemoryEventStore('c1'), logger: pino({ level: 'silent' }), firstRev: 1, telemetryMinMs });
  const patches: PatchMessage[] = [];
  collector.on('patch', (m) => patches.push(m));
  return { source, collector, patches };
}

/** the source's snapshot with link 0 of the first pair at this latency, observed now */
const withLatency = (s: ClusterSnapshot, ms: number): ClusterSnapshot => ({
  ...s,
  observedAt: Date.now(),
  links: s.links.map((l, i) => (i === 0 ? { ...l, latencyAvgMs: ms } : l)),
});

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Collector telemetry merging (telemetryMinMs)', () => {
  it('latency changes 10 times a second reach clients 4 times a second, each the newest, the rev chain unbroken', async () => {
    const { source, collector, patches } = setup();
    await collector.start();
    const first = collector.current()!;
    const base = source.current()!;
    for (let i = 1; i <= 10; i++) {
      vi.advanceTimersByTime(100);
      source.push(withLatency(base, i));
    }
    vi.advanceTimersByTime(MIN);
    // the first goes out at once (nothing was sent for longer than MIN), then one per 250 ms
    expect(patches.length).toBeGreaterThanOrEqual(4);
    expect(patches.length).toBeLessThanOrEqual(5);
    expect(patches.map((p) => p.patch.baseRev)).toEqual(patches.map((_, i) => first.rev + i));
    let s = first.snapshot;
    for (const p of patches) s = applyPatch(s, p.patch);
    expect(s.links[0]!.latencyAvgMs).toBe(10);
    expect(s).toEqual(canonicalize(collector.current()!.snapshot));
  });

  it('a link going down goes out at once, carrying the latency that was waiting', async () => {
    const { source, collector, patches } = setup();
    await collector.start();
    const base = source.current()!;
    source.push(withLatency(base, 1)); // sent at once
    vi.advanceTimersByTime(10);
    source.push(withLatency(base, 2)); // waits
    expect(patches).toHaveLength(1);
    vi.advanceTimersByTime(10);
    const cut = withLatency(base, 2);
    cut.links = cut.links.map((l, i) => (i === 1 ? { ...l, connected: false } : l));
    source.push(cut);
    expect(patches).toHaveLength(2);
    const links = patches[1]!.patch.links!.upsert;
    expect(links.find((l) => l.connected === false)).toBeDefined();
    // the waiting latency of the links still up: as telemetry columns [key, avg, max, loss]
    const stats = patches[1]!.patch.linkStats!;
    expect(stats.filter((_, i) => i % 4 === 1)).toContain(2);
    // nothing waits any more: no further patch
    vi.advanceTimersByTime(MIN * 4);
    expect(patches).toHaveLength(2);
  });

  /** one latency change sent, a second one waiting */
  async function oneWaiting() {
    const rig = setup();
    await rig.collector.start();
    const base = rig.source.current()!;
    rig.source.push(withLatency(base, 1));
    rig.source.push(withLatency(base, 2));
    expect(rig.patches).toHaveLength(1);
    return rig;
  }

  it('a source that goes quiet (or ticks once a second): what waited goes out at the wait’s end, without a newer observation', async () => {
    const { collector, patches } = await oneWaiting();
    vi.advanceTimersByTime(MIN - 1);
    expect(patches).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(patches).toHaveLength(2);
    expect(collector.current()!.snapshot.links.find((l) => l.latencyAvgMs === 2)).toBeDefined();
  });

  it('a fast source (10 a second) that goes quiet: what waited goes out telemetryMinMs past the wait (its next observation would have come sooner)', async () => {
    const { source, collector, patches } = setup();
    await collector.start();
    const base = source.current()!;
    for (let i = 1; i <= 5; i++) {
      vi.advanceTimersByTime(100);
      source.push(withLatency(base, i));
    }
    const sent = patches.length;
    // the last one (at 500) waits; the wait ends by 750 at the latest, the backstop a telemetryMinMs later
    vi.advanceTimersByTime(MIN);
    expect(patches.length).toBe(sent);
    vi.advanceTimersByTime(MIN);
    expect(patches.length).toBe(sent + 1);
    expect(collector.current()!.snapshot.links[0]!.latencyAvgMs).toBe(5);
  });

  it('telemetryMinMs 0: every change at once (the previous behaviour)', async () => {
    const { source, collector, patches } = setup(0);
    await collector.start();
    const base = source.current()!;
    for (let i = 1; i <= 5; i++) source.push(withLatency(base, i));
    expect(patches).toHaveLength(5);
  });

  it('stop() drops what waits: no patch after the collector stopped', async () => {
    const { collector, patches } = await oneWaiting();
    await collector.stop();
    vi.advanceTimersByTime(MIN * 2);
    expect(patches).toHaveLength(1);
  });
});
