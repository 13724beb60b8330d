import { describe, expect, it } from 'vitest';
import { EventDraft } from './events';
import {
  LinkHealthTracker,
  LinkSeriesQuery,
  LinkThresholds,
  LinkThresholdsUpdate,
  applyThresholdsUpdate,
  defaultLinkThresholds,
  linkVerdict,
  pairLinkSamples,
} from './link-health';
import type { ClusterSnapshot } from './snapshot';
import { sampleSnapshot } from './testing/arbitraries';

const T0 = 1_700_000_000_000;

/** the 3-node sample at time t with pve1–pve2 link 0 set to latency/loss (both directions unless one is given) */
function at(t: number, latencyMs: number, lossPct = 0, opts: { oneWay?: boolean; connected?: boolean; nodes?: number } = {}): ClusterSnapshot {
  const s = sampleSnapshot({ observedAt: t, nodes: opts.nodes ?? 3 });
  for (const l of s.links) {
    const pair = (l.from === 1 && l.to === 2) || (!opts.oneWay && l.from === 2 && l.to === 1);
    if (!pair || l.link !== 0) continue;
    l.latencyAvgMs = latencyMs;
    l.latencyMaxMs = latencyMs + 1;
    l.lossPct = lossPct;
    if (opts.connected === false) l.connected = false;
  }
  return s;
}

/** feed one snapshot a second from T0 for `seconds`, the latency from f(second); all events */
function run(tracker: LinkHealthTracker, seconds: number, f: (i: number) => number | [number, number], start = T0): EventDraft[] {
  const out: EventDraft[] = [];
  for (let i = 0; i < seconds; i++) {
    const v = f(i);
    const [lat, loss] = Array.isArray(v) ? v : [v, 0];
    out.push(...tracker.observe(at(start + i * 1000, lat, loss)));
  }
  return out;
}

describe('LinkThresholds', () => {
  it('defaults follow the Proxmox guidance and validate', () => {
    expect(LinkThresholds.parse(defaultLinkThresholds)).toEqual({ warnLatencyMs: 5, badLatencyMs: 10, lossPct: 1, sustainMs: 10_000, recoverMs: 30_000 });
  });

  it('an update merges over the current values; warn above bad and unknown keys are refused', () => {
    expect(applyThresholdsUpdate(defaultLinkThresholds, { badLatencyMs: 20 })).toMatchObject({ warnLatencyMs: 5, badLatencyMs: 20 });
    expect(() => applyThresholdsUpdate(defaultLinkThresholds, { warnLatencyMs: 15 })).toThrow(/warnLatencyMs must not be above badLatencyMs/);
    expect(LinkThresholdsUpdate.safeParse({ nope: 1 }).success).toBe(false);
    expect(LinkThresholdsUpdate.safeParse({ lossPct: 101 }).success).toBe(false);
    expect(LinkThresholdsUpdate.safeParse({ sustainMs: -1 }).success).toBe(false);
  });
});

describe('pairLinkSamples', () => {
  it('folds both directions into one sample per pair (a < b) and link: the worse figures', () => {
    const s = at(T0, 3, 0);
    const back = s.links.find((l) => l.from === 2 && l.to === 1 && l.link === 0)!;
    back.latencyAvgMs = 7;
    back.lossPct = 2;
    const samples = pairLinkSamples(s);
    expect(samples).toHaveLength(3 * 2);
    expect(samples.map((x) => `${x.a}-${x.b}.${x.link}`)).toEqual(['1-2.0', '1-2.1', '1-3.0', '1-3.1', '2-3.0', '2-3.1']);
    expect(samples[0]).toEqual({ a: 1, b: 2, link: 0, connected: true, latencyMs: 7, maxMs: 4, lossPct: 2 });
  });

  it('one direction disconnected: the pair-link is down, without figures', () => {
    const s = at(T0, 80, 0, { oneWay: true, connected: false });
    expect(pairLinkSamples(s)[0]).toEqual({ a: 1, b: 2, link: 0, connected: false, latencyMs: null, maxMs: null, lossPct: null });
  });
});

describe('linkVerdict', () => {
  const v = (latencyMs: number | null, lossPct: number | null, connected = true) => linkVerdict({ connected, latencyMs, lossPct }, defaultLinkThresholds);
  it('bad above 10 ms or above 1 % loss; good at or under 5 ms and 0.5 %; in between otherwise', () => {
    expect([v(10.01, 0), v(0.2, 1.5), v(10, 0), v(5.01, 0), v(1, 0.8), v(5, 0.5), v(0.2, null), v(null, null), v(80, 50, false)]).toEqual([
      'bad',
      'bad',
      'between',
      'between',
      'between',
      'good',
      'good',
      'unknown',
      'down',
    ]);
  });
});

describe('LinkHealthTracker', () => {
  it('80 ms steady: exactly one link-degraded, after the sustain time, with the figures and a message', () => {
    const tracker = new LinkHealthTracker();
    const events = run(tracker, 120, (i) => (i < 5 ? 0.3 : 80));
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(EventDraft.parse(e)).toEqual(e);
    // bad from second 5, degraded once 10 s have passed
    expect(e.at).toBe(T0 + 15_000);
    expect(e).toMatchObject({
      severity: 'warning',
      message: 'link 0 pve1→pve2 degraded: 80 ms, 0 % loss',
      body: { type: 'link-degraded', from: 1, to: 2, link: 0, fromName: 'pve1', toName: 'pve2', latencyMs: 80, lossPct: 0, cause: 'latency' },
    });
    expect(tracker.isDegraded(2, 1, 0)).toBe(true);
  });

  it('sustained loss is degraded with cause loss', () => {
    const events = run(new LinkHealthTracker(), 30, () => [0.3, 5]);
    expect(events.map((e) => e.body)).toEqual([expect.objectContaining({ type: 'link-degraded', cause: 'loss', lossPct: 5 })]);
  });

  it('a spike shorter than the sustain time raises nothing', () => {
    expect(run(new LinkHealthTracker(), 120, (i) => (i >= 10 && i < 19 ? 80 : 0.3))).toEqual([]);
  });

  it('flapping 9/11 ms every second for 2 minutes: at most one event per hysteresis window (here: one)', () => {
    const tracker = new LinkHealthTracker();
    const events = run(tracker, 120, (i) => (i % 2 === 0 ? 11 : 9));
    const window = defaultLinkThresholds.sustainMs + defaultLinkThresholds.recoverMs;
    for (const e of events) expect(events.filter((x) => x.at >= e.at && x.at < e.at + window)).toHaveLength(1);
    expect(events.map((e) => e.body.type)).toEqual(['link-degraded']);
  });

  it('flapping across the whole band (4/11 ms) never holds long enough: nothing', () => {
    expect(run(new LinkHealthTracker(), 120, (i) => (i % 2 === 0 ? 11 : 4))).toEqual([]);
  });

  it('slow flapping (20 s bad, 20 s good) stays one incident: good never lasts the recovery time', () => {
    const events = run(new LinkHealthTracker(), 600, (i) => (Math.floor(i / 20) % 2 === 0 ? 80 : 0.3));
    expect(events.map((e) => e.body.type)).toEqual(['link-degraded']);
  });

  it('recovers after sustained good (at or under the warn mark), not while it hovers between warn and bad', () => {
    const tracker = new LinkHealthTracker();
    // 30 s bad, 60 s at 7 ms (between), then good
    const events = run(tracker, 200, (i) => (i < 30 ? 80 : i < 90 ? 7 : 0.4));
    expect(events.map((e) => [e.body.type, e.at - T0])).toEqual([
      ['link-degraded', 10_000],
      ['link-recovered', 120_000],
    ]);
    expect(events[1]).toMatchObject({ severity: 'info', message: 'link 0 pve1→pve2 recovered: 0.4 ms, 0 % loss' });
    expect(tracker.isDegraded(1, 2, 0)).toBe(false);
    expect(tracker.size).toBe(0);
  });

  it('events alternate and are never closer than the sustain time, whatever the input', () => {
    const tracker = new LinkHealthTracker();
    // a deterministic pseudo-random walk between 0 and 30 ms with loss now and then
    let x = 7;
    const events = run(tracker, 3600, (i) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      const u = x / 2147483648;
      return [Math.floor(i / 45) % 3 === 0 ? 20 * u : 6 * u, u > 0.97 ? 3 : 0];
    });
    expect(events.length).toBeGreaterThan(1);
    events.forEach((e, i) => {
      expect(e.body.type).toBe(i % 2 === 0 ? 'link-degraded' : 'link-recovered');
      if (i > 0) expect(e.at - events[i - 1]!.at).toBeGreaterThanOrEqual(defaultLinkThresholds.sustainMs);
    });
  });

  it('a disconnected link is not degraded; a bad spell does not survive it', () => {
    const tracker = new LinkHealthTracker();
    const events: EventDraft[] = [];
    for (let i = 0; i < 60; i++) {
      // 80 ms, but down every 8th second: the spell never lasts 10 s
      const down = i % 8 === 7;
      events.push(...tracker.observe(at(T0 + i * 1000, 80, 0, { connected: !down })));
    }
    expect(events).toEqual([]);
  });

  it('a degraded link that goes down stays degraded and recovers once good again for the recovery time', () => {
    const tracker = new LinkHealthTracker();
    run(tracker, 20, () => 80);
    for (let i = 20; i < 40; i++) expect(tracker.observe(at(T0 + i * 1000, 0, 0, { connected: false }))).toEqual([]);
    expect(tracker.isDegraded(1, 2, 0)).toBe(true);
    const events = run(tracker, 40, () => 0.3, T0 + 40_000);
    expect(events.map((e) => [e.body.type, e.at - T0])).toEqual([['link-recovered', 70_000]]);
  });

  it('new thresholds apply to the running tracker', () => {
    const tracker = new LinkHealthTracker();
    expect(run(tracker, 30, () => 8)).toEqual([]);
    tracker.setThresholds({ ...defaultLinkThresholds, warnLatencyMs: 2, badLatencyMs: 4, sustainMs: 0 });
    expect(tracker.thresholds.badLatencyMs).toBe(4);
    expect(tracker.observe(at(T0 + 31_000, 8)).map((e) => e.body.type)).toEqual(['link-degraded']);
    expect(() => tracker.setThresholds({ ...defaultLinkThresholds, warnLatencyMs: 20 })).toThrow();
  });

  it('revert undoes the last observation: the event is raised again by the next one', () => {
    const tracker = new LinkHealthTracker();
    const first = run(tracker, 11, () => 80);
    expect(first).toHaveLength(1);
    tracker.revert();
    expect(tracker.isDegraded(1, 2, 0)).toBe(false);
    expect(tracker.observe(at(T0 + 11_000, 80)).map((e) => e.body.type)).toEqual(['link-degraded']);
    expect(tracker.observe(at(T0 + 12_000, 80))).toEqual([]);
  });

  it('exportState / restore: a restarted tracker neither repeats the degraded event nor misses the recovery', () => {
    const a = new LinkHealthTracker();
    run(a, 20, () => 80);
    const state = a.exportState();
    expect(state).toEqual({ degraded: [{ a: 1, b: 2, link: 0, since: T0 + 10_000 }] });
    const b = new LinkHealthTracker();
    b.restore(state);
    expect(run(b, 20, () => 80, T0 + 60_000)).toEqual([]);
    expect(run(b, 40, () => 0.3, T0 + 80_000).map((e) => e.body.type)).toEqual(['link-recovered']);
  });

  it('memory is bounded: entries only for links in a spell or degraded, forgotten when no longer observed', () => {
    const tracker = new LinkHealthTracker();
    // 32 nodes, 2 links, everything bad: one entry per pair and link
    for (let i = 0; i < 3; i++) {
      const s = sampleSnapshot({ nodes: 32, links: 2, observedAt: T0 + i * 1000, storage: false });
      for (const l of s.links) l.latencyAvgMs = 50;
      tracker.observe(s);
    }
    expect(tracker.size).toBe(((32 * 31) / 2) * 2);
    // healthy: spells end, nothing held
    tracker.observe(sampleSnapshot({ nodes: 32, links: 2, observedAt: T0 + 4000, storage: false }));
    expect(tracker.size).toBe(0);
    // degraded and then never observed again (the node was removed): forgotten after an hour
    run(tracker, 20, () => 80);
    expect(tracker.size).toBe(1);
    tracker.observe(sampleSnapshot({ nodes: 1, observedAt: T0 + 20_000 + 3_600_001, storage: false }));
    expect(tracker.size).toBe(0);
  });
});

describe('LinkSeriesQuery', () => {
  it('a pair (either order), or a node for the last hour', () => {
    expect(LinkSeriesQuery.parse({ a: '2', b: '1', link: '0' })).toEqual({ a: 2, b: 1, link: 0, range: 'hour' });
    expect(LinkSeriesQuery.parse({ node: 'pve1' })).toEqual({ node: 'pve1', range: 'hour' });
    expect(LinkSeriesQuery.safeParse({ node: 'pve1', range: 'week' }).success).toBe(false);
    expect(LinkSeriesQuery.safeParse({ a: '1', b: '1', link: '0' }).success).toBe(false);
    expect(LinkSeriesQuery.safeParse({ a: '1', link: '0' }).success).toBe(false);
    expect(LinkSeriesQuery.safeParse({ a: '1', b: '2', link: '8' }).success).toBe(false);
    expect(LinkSeriesQuery.safeParse({ node: 'pve1', a: '1' }).success).toBe(false);
  });
});
