import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotPatch } from './patch';
import { applyPatch, canonicalize, linkKey, linkKeyNumber, makePatch } from './patching';
import { ClusterSnapshot } from './snapshot';
import { sampleSnapshot, snapshotArb, snapshotPairArb } from './testing/arbitraries';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
function later(base: ClusterSnapshot, edit: (s: ClusterSnapshot) => void = () => {}): ClusterSnapshot {
  const next = clone(base);
  next.observedAt += 1000;
  edit(next);
  return next;
}
function must<T>(x: T | null | undefined): T {
  if (x === null || x === undefined) throw new Error('expected a value');
  return x;
}

describe('makePatch', () => {
  it('returns null when nothing changed, also when only item order differs', () => {
    const s = sampleSnapshot();
    expect(makePatch(s, s, 1, 2)).toBeNull();
    expect(makePatch(s, clone(s), 1, 2)).toBeNull();
    const reordered = clone(s);
    reordered.nodes.reverse();
    reordered.links.reverse();
    reordered.views.reverse();
    reordered.storage?.reverse();
    expect(makePatch(s, reordered, 1, 2)).toBeNull();
  });

  it('sends only observedAt when only the time moved', () => {
    const s = sampleSnapshot();
    expect(makePatch(s, later(s), 4, 5)).toEqual({ rev: 5, baseRev: 4, set: { observedAt: s.observedAt + 1000 } });
  });

  it('at 32 nodes x 8 links, one link going down is exactly one link upsert', () => {
    const prev = sampleSnapshot({ nodes: 32, links: 8 });
    const next = later(prev, (s) => {
      Object.assign(must(s.links.find((l) => linkKey(l) === '17:5:6')), { connected: false, downCount: 1 });
    });
    const patch = must(makePatch(prev, next, 1, 2));
    expect(patch.links).toEqual({ upsert: [must(next.links.find((l) => linkKey(l) === '17:5:6'))], remove: [] });
    expect(patch.linkStats).toBeUndefined();
    expect(patch.nodes).toBeUndefined();
    expect(patch.views).toBeUndefined();
    expect(patch.storageItems).toBeUndefined();
    expect(Object.keys(patch.set)).toEqual(['observedAt']);
    expect(applyPatch(prev, patch)).toEqual(next);
  });

  it('latency and loss alone go as linkStats columns (key, avg, max, loss); a stamp alone as viewStamps; both rebuild next', () => {
    const prev = sampleSnapshot({ nodes: 16, links: 2 });
    const next = later(prev, (s) => {
      for (const l of s.links) Object.assign(l, { latencyAvgMs: (l.latencyAvgMs ?? 0) + 0.125, latencyMaxMs: null, lossPct: 2.5 });
      for (const v of s.views) v.observedAt += 1000;
      Object.assign(must(s.links.find((l) => linkKey(l) === '3:4:1')), { connected: false, downCount: 2 });
    });
    const patch = must(makePatch(prev, next, 1, 2));
    expect(patch.links?.upsert.map(linkKey)).toEqual(['3:4:1']);
    expect(patch.linkStats).toHaveLength((next.links.length - 1) * 4);
    const first = must(next.links.find((l) => linkKey(l) !== '3:4:1'));
    expect(patch.linkStats!.slice(0, 4)).toEqual([linkKeyNumber(first), first.latencyAvgMs, null, 2.5]);
    expect(patch.views).toBeUndefined();
    expect(patch.viewStamps).toEqual(next.views.flatMap((v) => [v.nodeId, v.observedAt]));
    expect(SnapshotPatch.parse(patch)).toEqual(patch);
    expect(applyPatch(prev, patch)).toEqual(next);
    // the wire: a fifth of the upserts it replaces
    const asUpserts = JSON.stringify(next.links.filter((l) => linkKey(l) !== '3:4:1'));
    expect(JSON.stringify(patch.linkStats).length).toBeLessThan(asUpserts.length / 4);
  });

  it('telemetry for a link or view the snapshot lacks does not fit: applyPatch throws (the client asks for a snapshot)', () => {
    const s = sampleSnapshot();
    expect(() => applyPatch(s, { rev: 2, baseRev: 1, set: {}, linkStats: [linkKeyNumber({ from: 9, to: 9, link: 0 }), 1, 1, 0] })).toThrow(/lacks/);
    expect(() => applyPatch(s, { rev: 2, baseRev: 1, set: {}, viewStamps: [99, 5] })).toThrow(/lacks/);
  });

  it('the schema refuses malformed telemetry columns', () => {
    const base = { rev: 2, baseRev: 1, set: {} };
    expect(SnapshotPatch.safeParse({ ...base, linkStats: [1, 2, 3] }).success).toBe(false);
    expect(SnapshotPatch.safeParse({ ...base, linkStats: [null, 2, 3, 0] }).success).toBe(false);
    expect(SnapshotPatch.safeParse({ ...base, linkStats: [1.5, 2, 3, 0] }).success).toBe(false);
    expect(SnapshotPatch.safeParse({ ...base, linkStats: [8, -2, 3, 0] }).success).toBe(false);
    expect(SnapshotPatch.safeParse({ ...base, linkStats: [8, 2, 3, 101] }).success).toBe(false);
    expect(SnapshotPatch.safeParse({ ...base, viewStamps: [1] }).success).toBe(false);
    expect(SnapshotPatch.safeParse({ ...base, linkStats: [8, 2, null, 100], viewStamps: [1, 5] }).success).toBe(true);
  });

  it('upserts new and changed nodes and removes gone ones by id', () => {
    const prev = sampleSnapshot();
    const next = later(prev, (s) => {
      s.nodes = s.nodes.filter((n) => n.id !== 2);
      must(s.nodes.find((n) => n.id === 3)).state = 'offline';
      s.nodes.push({ id: 7, name: 'pve7', votes: 1, state: 'online', addresses: [], since: null });
      s.links = s.links.filter((l) => l.from !== 2 && l.to !== 2);
    });
    const patch = must(makePatch(prev, next, 1, 2));
    expect(patch.nodes?.upsert.map((n) => n.id)).toEqual([3, 7]);
    expect(patch.nodes?.remove).toEqual([2]);
    expect(patch.links?.upsert).toEqual([]);
    expect(patch.links?.remove).toEqual(['1:2:0', '1:2:1', '2:1:0', '2:1:1', '2:3:0', '2:3:1', '3:2:0', '3:2:1']);
    expect(applyPatch(prev, patch)).toEqual(next);
  });

  it('replaces changed single-valued sections whole, deep-compared', () => {
    const prev = sampleSnapshot();
    const next = later(prev, (s) => {
      must(s.quorum).members = [1, 2];
      s.qdevice = { votes: 1, state: 'connected', algorithm: 'ffsplit', host: '198.18.9.1', castsVote: true };
      s.cluster = clone(s.cluster); // equal, new object: not sent
    });
    const patch = must(makePatch(prev, next, 1, 2));
    expect(Object.keys(patch.set).sort()).toEqual(['observedAt', 'qdevice', 'quorum']);
    expect(patch.set.quorum).toEqual(next.quorum);
  });

  it('storage: null <-> list via set.storage, list -> list via storageItems', () => {
    const withStorage = sampleSnapshot();
    const without = sampleSnapshot({ storage: false });

    const on = must(makePatch(without, withStorage, 1, 2));
    expect(on.set.storage).toEqual(withStorage.storage);
    expect(on.storageItems).toBeUndefined();
    expect(applyPatch(without, on)).toEqual(withStorage);

    const off = must(makePatch(withStorage, without, 2, 3));
    expect(off.set).toHaveProperty('storage', null);
    expect(applyPatch(withStorage, off)).toEqual(without);

    const next = later(withStorage, (s) => {
      const st = must(s.storage);
      must(st.find((x) => x.id === 'local')?.nodes[0]).usedBytes += 1;
      s.storage = st.filter((x) => x.id !== 'ceph-pool');
      st.push({ id: 'nfs', type: 'nfs', content: ['backup'], shared: true, nodes: [] });
      s.storage = st.filter((x) => x.id !== 'ceph-pool');
    });
    const items = must(makePatch(withStorage, next, 3, 4));
    expect(items.set.storage).toBeUndefined();
    expect(items.storageItems?.upsert.map((s) => s.id)).toEqual(['local', 'nfs']);
    expect(items.storageItems?.remove).toEqual(['ceph-pool']);
    expect(applyPatch(withStorage, items)).toEqual(canonicalize(next));
  });

  it('produces patches valid per the SnapshotPatch schema', () => {
    const prev = sampleSnapshot();
    const next = later(prev, (s) => {
      s.partitioned = true;
      s.views.pop();
    });
    const patch = must(makePatch(prev, next, 7, 8));
    expect(SnapshotPatch.safeParse(patch).success).toBe(true);
    expect(patch.views?.remove).toEqual([3]);
  });

  it('refuses to change clusterId', () => {
    expect(() => makePatch(sampleSnapshot({ clusterId: 'a' }), sampleSnapshot({ clusterId: 'b' }), 1, 2)).toThrow(/cluster a/);
  });
});

describe('contract', () => {
  // patch.ts builds `set` from ClusterSnapshot.shape, so set.warnings keeps its .default([]): parsing any
  // patch (e.g. PatchMessage.parse in the web app) invents `warnings: []`, and applying it wipes the
  // warnings. Fix in patch.ts: `warnings: S.warnings.unwrap()`. This test starts passing then: drop `.fails`.
  it('parsing a patch keeps it as it is (set.warnings must not default)', () => {
    const patch = must(makePatch(sampleSnapshot(), later(sampleSnapshot()), 1, 2));
    expect(SnapshotPatch.parse(patch)).toEqual(patch);
  });
});

describe('applyPatch', () => {
  it('never mutates the snapshot or the patch', () => {
    const prev = deepFreeze(sampleSnapshot());
    const next = later(prev, (s) => {
      must(s.links[0]).connected = false;
      s.nodes.reverse();
      s.nodes.push({ id: 9, name: 'pve9', votes: 1, state: 'online', addresses: [], since: null });
      s.warnings = [];
      must(s.storage).pop();
    });
    const patch = deepFreeze(must(makePatch(prev, next, 1, 2)));
    expect(applyPatch(prev, patch)).toEqual(canonicalize(next));
  });

  it('keeps the observer view first and the rest by node id, also when the observer changes', () => {
    const prev = sampleSnapshot({ nodes: 4 });
    const next = later(prev, (s) => {
      s.observer = { nodeId: 3, name: 'pve3' };
    });
    const out = applyPatch(prev, must(makePatch(prev, next, 1, 2)));
    expect(out.views.map((v) => v.nodeId)).toEqual([3, 1, 2, 4]);
    expect(canonicalize(next).views.map((v) => v.nodeId)).toEqual([3, 1, 2, 4]);
  });

  it('ignores removal of absent keys and lets an upsert add to the end before sorting', () => {
    const s = sampleSnapshot();
    const out = applyPatch(s, {
      rev: 2,
      baseRev: 1,
      set: {},
      nodes: { upsert: [{ id: 0, name: 'pve0', votes: 1, state: 'offline', addresses: [], since: null }], remove: [42] },
      links: { upsert: [], remove: ['9:9:9'] },
    });
    expect(out.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3]);
    expect(out.links).toBe(s.links);
  });

  it('throws on storageItems for a snapshot without storage', () => {
    expect(() =>
      applyPatch(sampleSnapshot({ storage: false }), { rev: 2, baseRev: 1, set: {}, storageItems: { upsert: [], remove: ['x'] } }),
    ).toThrow(/without storage/);
  });
});

describe('canonicalize', () => {
  it('sorts nodes, links, views (observer first) and storage without touching the input', () => {
    const s = sampleSnapshot({ nodes: 3, links: 2 });
    s.observer = { nodeId: 2, name: 'pve2' };
    s.nodes.reverse();
    s.links.reverse();
    s.storage?.reverse();
    const before = clone(s);
    const c = canonicalize(s);
    expect(s).toEqual(before);
    expect(c.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(c.links.map(linkKey).slice(0, 3)).toEqual(['1:2:0', '1:2:1', '1:3:0']);
    expect(c.views.map((v) => v.nodeId)).toEqual([2, 1, 3]);
    expect(c.storage?.map((x) => x.id)).toEqual(['ceph-pool', 'local']);
  });

  it('the sample is canonical', () => {
    const s = sampleSnapshot({ nodes: 5, links: 3 });
    expect(canonicalize(s)).toEqual(s);
  });
});

describe('properties', () => {
  it('applyPatch(prev, makePatch(prev, next)) equals canonical next, also after a JSON round trip', () => {
    fc.assert(
      fc.property(snapshotPairArb(), fc.integer({ min: 0, max: 1000 }), ([prev, next], r) => {
        const prevCopy = clone(prev);
        const patch = makePatch(prev, next, r, r + 1);
        expect(prev).toEqual(prevCopy);
        if (patch === null) {
          expect(canonicalize(prev)).toEqual(canonicalize(next));
          return;
        }
        expect(SnapshotPatch.safeParse(patch).success).toBe(true);
        expect(patch.rev).toBe(r + 1);
        expect(patch.baseRev).toBe(r);
        const out = applyPatch(prev, patch);
        expect(prev).toEqual(prevCopy);
        expect(out).toEqual(canonicalize(next));
        expect(ClusterSnapshot.parse(out)).toEqual(out);
        expect(applyPatch(prev, clone(patch))).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });

  it('telemetry moved at random (latency, loss, null or not; view stamps) rebuilds next through a JSON round trip, with no link or view upserted', () => {
    const telemetry = fc.record({ avg: fc.option(fc.double({ min: 0, max: 1e4, noNaN: true })), max: fc.option(fc.double({ min: 0, max: 1e4, noNaN: true })), loss: fc.option(fc.double({ min: 0, max: 100, noNaN: true })) });
    fc.assert(
      fc.property(snapshotArb(), fc.array(telemetry, { minLength: 64, maxLength: 64 }), fc.integer({ min: 1, max: 1e6 }), (prev, moves, dt) => {
        const next = clone(prev);
        next.links.forEach((l, i) => {
          const m = moves[i % moves.length]!;
          Object.assign(l, { latencyAvgMs: m.avg, latencyMaxMs: m.max, lossPct: m.loss });
        });
        for (const v of next.views) v.observedAt += dt;
        const patch = makePatch(prev, next, 1, 2);
        if (patch === null) return;
        expect(patch.links).toBeUndefined();
        expect(patch.views).toBeUndefined();
        const wire = JSON.parse(JSON.stringify(patch)) as unknown;
        expect(applyPatch(prev, SnapshotPatch.parse(wire))).toEqual(canonicalize(next));
      }),
      { numRuns: 200 },
    );
  });

  it('patches compose along a chain of snapshots', () => {
    fc.assert(
      fc.property(fc.array(snapshotArb(), { minLength: 2, maxLength: 4 }), (chain) => {
        let held = must(chain[0]);
        for (let i = 1; i < chain.length; i++) {
          const patch = makePatch(must(chain[i - 1]), must(chain[i]), i, i + 1);
          if (patch) held = applyPatch(held, patch);
        }
        expect(held).toEqual(canonicalize(must(chain[chain.length - 1])));
      }),
      { numRuns: 200 },
    );
  });

  it('patches are minimal: no unchanged item is upserted, only gone keys are removed', () => {
    fc.assert(
      fc.property(snapshotPairArb(), ([prev, next]) => {
        const patch = makePatch(prev, next, 1, 2);
        if (!patch) return;
        const prevLinks = new Map(prev.links.map((l) => [linkKey(l), l]));
        const nextLinks = new Set(next.links.map(linkKey));
        for (const l of patch.links?.upsert ?? []) expect(prevLinks.get(linkKey(l))).not.toEqual(l);
        for (const k of patch.links?.remove ?? []) expect(nextLinks.has(k)).toBe(false);
        const prevNodes = new Map(prev.nodes.map((n) => [n.id, n]));
        for (const n of patch.nodes?.upsert ?? []) expect(prevNodes.get(n.id)).not.toEqual(n);
        for (const [key, value] of Object.entries(patch.set)) {
          if (key !== 'storage') expect(prev[key as keyof ClusterSnapshot]).not.toEqual(value);
        }
        for (const c of [patch.nodes, patch.links, patch.views, patch.storageItems]) {
          if (c) expect(c.upsert.length + c.remove.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
