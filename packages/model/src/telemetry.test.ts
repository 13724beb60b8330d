import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePatch } from './patching';
import { stateHealth } from './state-health';
import { sameStateAs, stateRoot, telemetryOnly } from './telemetry';
import { sampleSnapshot, snapshotPairArb } from './testing/arbitraries';
import type { ClusterSnapshot } from './snapshot';

const patchOf = (a: ClusterSnapshot, b: ClusterSnapshot) => makePatch(a, b, 1, 2)!;
const later = (s: ClusterSnapshot): ClusterSnapshot => ({ ...s, observedAt: s.observedAt + 100 });

describe('telemetryOnly: which patches may wait a moment', () => {
  it('latency, loss and storage sizes may wait', () => {
    const a = sampleSnapshot();
    const b = later(a);
    b.links = a.links.map((l, i) => (i === 0 ? { ...l, latencyAvgMs: 3.1, lossPct: 2 } : l));
    b.views = a.views.map((v) => ({ ...v, observedAt: v.observedAt + 100 }));
    b.storage = a.storage!.map((s) => ({ ...s, nodes: s.nodes.map((n) => ({ ...n, usedBytes: n.usedBytes + 1e9, availBytes: n.availBytes - 1e9 })) }));
    expect(telemetryOnly(patchOf(a, b), a)).toBe(true);
  });
  it('a link going down, a new link, quorum, a node, a warning, a storage going inactive go out at once', () => {
    const a = sampleSnapshot();
    const down = later(a);
    down.links = a.links.map((l, i) => (i === 0 ? { ...l, connected: false } : l));
    expect(telemetryOnly(patchOf(a, down), a)).toBe(false);
    const flapped = later(a);
    flapped.links = a.links.map((l, i) => (i === 0 ? { ...l, downCount: 1 } : l));
    expect(telemetryOnly(patchOf(a, flapped), a)).toBe(false);
    const fewer = later(a);
    fewer.links = a.links.slice(1);
    expect(telemetryOnly(patchOf(a, fewer), a)).toBe(false);
    const lost = later(a);
    lost.quorum = { ...a.quorum!, quorate: false, flags: [] };
    expect(telemetryOnly(patchOf(a, lost), a)).toBe(false);
    const offline = later(a);
    offline.nodes = a.nodes.map((n, i) => (i === 2 ? { ...n, state: 'offline' as const } : n));
    expect(telemetryOnly(patchOf(a, offline), a)).toBe(false);
    const unreachable = later(a);
    unreachable.views = a.views.map((v, i) => (i === 1 ? { ...v, reachable: false, reason: 'timeout', quorum: null } : v));
    expect(telemetryOnly(patchOf(a, unreachable), a)).toBe(false);
    const inactive = later(a);
    inactive.storage = a.storage!.map((s, i) => (i === 0 ? { ...s, nodes: s.nodes.map((n) => ({ ...n, active: false })) } : s));
    expect(telemetryOnly(patchOf(a, inactive), a)).toBe(false);
  });
  it('property: a patch judged telemetry leaves quorum, nodes, warnings, views and link connectivity as they were', () => {
    fc.assert(
      fc.property(snapshotPairArb(), ([a, b]) => {
        const p = makePatch(a, b, 1, 2);
        if (!p || !telemetryOnly(p, a)) return;
        expect(b.quorum).toEqual(a.quorum);
        expect(b.nodes).toEqual(a.nodes);
        expect(b.warnings).toEqual(a.warnings);
        expect(b.views).toEqual(a.views);
        const state = (s: ClusterSnapshot) => s.links.map((l) => `${l.from}:${l.to}:${l.link}:${l.connected}:${l.enabled}:${l.downCount}`).sort();
        expect(state(b)).toEqual(state(a));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sameStateAs: state derived once per state, not per observation', () => {
  it('a chain of telemetry-only successors leads back to the first; an unmarked snapshot is its own', () => {
    const a = sampleSnapshot();
    const b = later(a);
    const c = later(b);
    expect(stateRoot(a)).toBe(a);
    sameStateAs(b, a);
    sameStateAs(c, b);
    expect(stateRoot(b)).toBe(a);
    expect(stateRoot(c)).toBe(a);
    sameStateAs(a, a);
    expect(stateRoot(a)).toBe(a);
    expect(stateRoot(later(c))).not.toBe(a);
  });

  it('health is worked out once per state: a marked successor gets the same answer, an unmarked one its own', () => {
    const a = sampleSnapshot();
    const b = later(a);
    sameStateAs(b, a);
    expect(stateHealth(b)).toBe(stateHealth(a));
    const lost: ClusterSnapshot = { ...later(a), quorum: { ...a.quorum!, quorate: false } };
    expect(stateHealth(lost).state).toBe('lost');
    expect(stateHealth(a).state).not.toBe('lost');
  });
});
