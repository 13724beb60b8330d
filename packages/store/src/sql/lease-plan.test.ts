import { describe, expect, it } from 'vitest';
import { MAX_HANDOVERS_PER_ROUND, PRESENCE_PREFIX, planLeases, type LeaseView } from './lease-plan';

const NOW = 1_000_000;
const clusters = Array.from({ length: 10 }, (_, i) => `c${i}`);
const live = (holder: string, ids: string[]): LeaseView[] => ids.map((clusterId) => ({ clusterId, holder, expiresAt: NOW + 5000 }));

describe('planLeases: each replica its share', () => {
  it('alone: takes every free lease', () => {
    const p = planLeases({ self: 'a', now: NOW, clusters, leases: [], held: new Set() });
    expect(p.acquire.sort()).toEqual([...clusters].sort());
    expect(p.release).toEqual([]);
  });

  it("beside a replica holding 5: takes the other 5, never one of that replica's", () => {
    const b = live('b', clusters.slice(0, 5));
    const p = planLeases({ self: 'a', now: NOW, clusters, leases: b, held: new Set() });
    expect(p.acquire.sort()).toEqual(clusters.slice(5).sort());
  });

  it("a dead replica's leases (expired) are free", () => {
    const dead = clusters.map((clusterId) => ({ clusterId, holder: 'b', expiresAt: NOW }));
    const p = planLeases({ self: 'a', now: NOW, clusters, leases: dead, held: new Set() });
    expect(p.acquire).toHaveLength(10);
  });

  it('holding all 10 when a third replica appears: gives one back a round until the split is 4/3/3', () => {
    let held = { a: new Set(clusters.slice(0, 5)), b: new Set(clusters.slice(5)), c: new Set<string>() };
    // c holds nothing yet: it is seen by its presence lease
    const leases = () => [...(Object.entries(held) as [string, Set<string>][]).flatMap(([h, s]) => live(h, [...s])), ...['a', 'b', 'c'].flatMap((h) => live(h, [`${PRESENCE_PREFIX}${h}`]))];
    for (let round = 0; round < 10; round++) {
      for (const self of ['a', 'b', 'c'] as const) {
        const p = planLeases({ self, now: NOW, clusters, leases: leases(), held: held[self] });
        for (const r of p.release) held[self].delete(r);
        for (const a of p.acquire) if (!leases().some((l) => l.clusterId === a)) held[self].add(a);
      }
      held = { ...held };
    }
    const sizes = Object.values(held).map((s) => s.size).sort();
    expect(sizes).toEqual([3, 3, 4]);
    // every cluster held exactly once
    expect(Object.values(held).flatMap((s) => [...s]).sort()).toEqual([...clusters].sort());
  });

  it(`holding 100 alone when two replicas appear: gives back at most ${MAX_HANDOVERS_PER_ROUND} a round, balanced within 10 rounds`, () => {
    const many = Array.from({ length: 100 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const held = { a: new Set(many), b: new Set<string>(), c: new Set<string>() };
    const leases = () => [...(Object.entries(held) as [string, Set<string>][]).flatMap(([h, s]) => live(h, [...s])), ...['a', 'b', 'c'].flatMap((h) => live(h, [`${PRESENCE_PREFIX}${h}`]))];
    let rounds = 0;
    while (Math.max(...Object.values(held).map((s) => s.size)) > 34 && rounds < 50) {
      const p = planLeases({ self: 'a', now: NOW, clusters: many, leases: leases(), held: held.a });
      expect(p.release.length).toBeLessThanOrEqual(MAX_HANDOVERS_PER_ROUND);
      for (const r of p.release) held.a.delete(r);
      for (const self of ['b', 'c'] as const) {
        const q = planLeases({ self, now: NOW, clusters: many, leases: leases(), held: held[self] });
        for (const x of q.acquire) if (!leases().some((l) => l.clusterId === x)) held[self].add(x);
      }
      rounds++;
    }
    expect(rounds).toBeLessThanOrEqual(10);
    // each at or under the share (34), every cluster held once
    const sizes = Object.values(held).map((s) => s.size);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(34);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(32);
    expect(new Set(Object.values(held).flatMap((s) => [...s])).size).toBe(100);
  });

  it('two replicas at 5/5: nothing moves', () => {
    const p = planLeases({ self: 'a', now: NOW, clusters, leases: live('b', clusters.slice(5)), held: new Set(clusters.slice(0, 5)) });
    expect(p).toEqual({ acquire: [], release: [] });
  });

  it('balanced (4/3/3): nothing moves', () => {
    const leases = [...live('a', clusters.slice(0, 4)), ...live('b', clusters.slice(4, 7)), ...live('c', clusters.slice(7))];
    for (const [self, ids] of [['a', clusters.slice(0, 4)], ['b', clusters.slice(4, 7)], ['c', clusters.slice(7)]] as const) {
      expect(planLeases({ self, now: NOW, clusters, leases, held: new Set(ids) })).toEqual({ acquire: [], release: [] });
    }
  });

  it('a lease of a cluster no longer configured does not count toward a share', () => {
    const p = planLeases({ self: 'a', now: NOW, clusters: ['c0', 'c1'], leases: live('b', ['old1', 'old2', 'old3']), held: new Set() });
    // b holds only clusters that are gone: it is not counted, so a's share is both
    expect(p.acquire.sort()).toEqual(['c0', 'c1']);
  });

  it('a held lease of a cluster no longer listed (removed through the API) goes back', () => {
    const p = planLeases({ self: 'a', now: NOW, clusters: ['c0', 'c1'], leases: live('a', ['c0', 'gone']), held: new Set(['c0', 'gone']) });
    expect(p.release).toEqual(['gone']);
    expect(p.acquire).toEqual(['c1']);
  });
});
