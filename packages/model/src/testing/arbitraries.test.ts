import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterSnapshot } from '../snapshot';
import { sampleSnapshot, snapshotArb, snapshotPairArb } from './arbitraries';

const linkKey = (l: { from: number; to: number; link: number }) => `${l.from}:${l.to}:${l.link}`;
const unique = (xs: readonly (string | number)[]) => new Set(xs).size === xs.length;

describe('snapshot arbitraries', () => {
  it('generate snapshots valid per the schema, with unique keys', () => {
    fc.assert(
      fc.property(snapshotArb({ maxNodeId: 5, maxLink: 2 }), (s) => {
        expect(ClusterSnapshot.parse(s)).toEqual(s);
        expect(unique(s.nodes.map((n) => n.id))).toBe(true);
        expect(unique(s.links.map(linkKey))).toBe(true);
        expect(unique(s.views.map((v) => v.nodeId))).toBe(true);
        expect(unique((s.storage ?? []).map((x) => x.id))).toBe(true);
        for (const l of s.links) expect(l.link).toBeLessThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });

  it('pairs are of one cluster and valid', () => {
    fc.assert(
      fc.property(snapshotPairArb({ clusterId: 'pve-lab' }), ([a, b]) => {
        expect(a.clusterId).toBe('pve-lab');
        expect(b.clusterId).toBe('pve-lab');
        expect(ClusterSnapshot.parse(b)).toEqual(b);
        expect(unique(b.links.map(linkKey))).toBe(true);
        expect(unique(b.nodes.map((n) => n.id))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('pairs often share equal items, so patches and diffs see keeps as well as changes', () => {
    const pairs = fc.sample(snapshotPairArb(), { numRuns: 200, seed: 42 });
    const sharing = pairs.filter(([a, b]) => b.links.some((l) => a.links.some((m) => JSON.stringify(m) === JSON.stringify(l))));
    expect(sharing.length).toBeGreaterThan(40);
  });
});

describe('sampleSnapshot', () => {
  it('is a valid, quorate, fully connected cluster', () => {
    const s = sampleSnapshot({ nodes: 32, links: 8 });
    expect(ClusterSnapshot.parse(s)).toEqual(s);
    expect(s.nodes).toHaveLength(32);
    expect(s.links).toHaveLength(32 * 31 * 8);
    expect(s.links.every((l) => l.connected)).toBe(true);
    expect(s.quorum).toMatchObject({ expectedVotes: 32, totalVotes: 32, quorum: 17, quorate: true });
    expect(s.views[0]?.nodeId).toBe(s.observer?.nodeId);
  });

  it('returns fresh objects every call', () => {
    const a = sampleSnapshot();
    const b = sampleSnapshot();
    expect(a).toEqual(b);
    expect(a.nodes[0]).not.toBe(b.nodes[0]);
    expect(sampleSnapshot({ storage: false }).storage).toBeNull();
  });
});
