import { describe, expect, it } from 'vitest';
import { clusterHealth } from './health';
import { ClusterSnapshot, QuorumOptions, type LinkObservation, type QDevice } from './snapshot';
import { evaluateQuorum, initialQuorumMemory } from './votequorum';

function snap(o: {
  nodes: number;
  members: number[];
  options?: Partial<QuorumOptions>;
  qdevice?: Partial<QDevice> | null;
  expectedVotes?: number;
  links?: Partial<LinkObservation>[];
  partitioned?: boolean;
  unknown?: boolean;
}): ClusterSnapshot {
  const options = QuorumOptions.parse(o.options ?? {});
  const nodes = Array.from({ length: o.nodes }, (_, i) => ({ id: i + 1, votes: 1 }));
  const qdevice = o.qdevice ? { votes: 1, algorithm: 'ffsplit' as const, castsVote: true, state: 'connected' as const, host: '198.18.9.9', ...o.qdevice } : null;
  const { state } = evaluateQuorum({
    options,
    nodes,
    members: o.members,
    qdevice: qdevice ? { votes: qdevice.votes, algorithm: qdevice.algorithm, castsVote: qdevice.castsVote } : null,
    memory: { ...initialQuorumMemory(), seenAll: true, ...(o.expectedVotes !== undefined ? { expectedOverride: o.expectedVotes } : {}) },
    now: 0,
  });
  return ClusterSnapshot.parse({
    clusterId: 'c',
    observedAt: 0,
    source: 'sim',
    observer: { nodeId: o.members[0] ?? 1, name: `pve${o.members[0] ?? 1}` },
    cluster: { name: 'lab', configVersion: 1, transport: 'knet', secureAuth: true, quorumOptions: options, tokenMs: 3000, runtimeTokenMs: 3650 },
    quorum: o.unknown ? null : state,
    nodes: nodes.map((n) => ({ ...n, name: `pve${n.id}`, state: o.members.includes(n.id) ? 'online' : 'offline', addresses: [] })),
    links: (o.links ?? []).map((l) => ({ from: 1, to: 2, link: 0, enabled: true, connected: true, latencyAvgMs: 1, latencyMaxMs: 1, lossPct: 0, downCount: 0, ...l })),
    qdevice,
    storage: null,
    views: [],
    partitioned: o.partitioned ?? false,
  });
}

const codes = (s: ClusterSnapshot) => clusterHealth(s).reasons.map((r) => r.code);

describe('clusterHealth', () => {
  it('healthy only with margin and nothing missing', () => {
    expect(clusterHealth(snap({ nodes: 3, members: [1, 2, 3] }))).toEqual({ state: 'healthy', reasons: [] });
    expect(clusterHealth(snap({ nodes: 5, members: [1, 2, 3, 4, 5], links: [{ from: 1, to: 2, link: 0 }, { from: 2, to: 1, link: 1 }] })).state).toBe('healthy');
  });

  it('lost and unknown', () => {
    expect(clusterHealth(snap({ nodes: 3, members: [1] })).state).toBe('lost');
    expect(clusterHealth(snap({ nodes: 3, members: [1, 2, 3], unknown: true })).state).toBe('unknown');
  });

  it('a node offline: degraded, and with no margin left that is said too', () => {
    const h = clusterHealth(snap({ nodes: 3, members: [1, 2] }));
    expect(h.state).toBe('degraded');
    expect(h.reasons.map((r) => r.code)).toEqual(['nodes-offline', 'no-margin']);
    expect(h.reasons[0]!.text).toBe('pve3 is offline (2 of 3 nodes online)');
    expect(h.reasons[1]!.text).toMatch(/^can lose 0 more/);
    // 5 nodes, 1 down: margin left, still not green
    expect(codes(snap({ nodes: 5, members: [1, 2, 3, 4] }))).toEqual(['nodes-offline']);
  });

  it('a 2-node cluster without a QDevice is amber by design, and says what fixes it; with one it is healthy', () => {
    const plain = clusterHealth(snap({ nodes: 2, members: [1, 2] }));
    expect(plain.state).toBe('degraded');
    expect(plain.reasons).toEqual([expect.objectContaining({ code: 'two-node', text: expect.stringMatching(/^can lose 0 more/), fix: expect.stringMatching(/QDevice/) })]);
    expect(codes(snap({ nodes: 2, members: [1, 2], options: { twoNode: true } }))).toEqual(['two-node']);
    expect(clusterHealth(snap({ nodes: 2, members: [1, 2], qdevice: {} })).state).toBe('healthy');
  });

  it('partitioned, QDevice lost, links down between members, a manual expected-votes override', () => {
    expect(codes(snap({ nodes: 5, members: [1, 2, 3, 4, 5], partitioned: true }))).toEqual(['partitioned']);
    const qd = clusterHealth(snap({ nodes: 4, members: [1, 2, 3, 4], qdevice: { state: 'disconnected', castsVote: false } }));
    expect(qd.reasons.map((r) => r.code)).toContain('qdevice-lost');
    expect(qd.reasons.find((r) => r.code === 'qdevice-lost')!.text).toBe('the QDevice (198.18.9.9) is disconnected: its 1 vote is missing');
    const links = clusterHealth(snap({ nodes: 3, members: [1, 2, 3], links: [{ from: 1, to: 2, link: 1, connected: false }, { from: 2, to: 1, link: 1, connected: false }] }));
    expect(links.reasons).toEqual([expect.objectContaining({ code: 'links-down', text: 'fewer working links than configured: link1 pve1–pve2 (link1)' })]);
    // a link to an offline node is the node's problem, not a link's
    expect(codes(snap({ nodes: 5, members: [1, 2, 3, 4], links: [{ from: 1, to: 5, link: 0, connected: false }] }))).toEqual(['nodes-offline']);
    const manual = clusterHealth(snap({ nodes: 3, members: [1], expectedVotes: 1 }));
    expect(manual.state).toBe('degraded');
    expect(manual.reasons.map((r) => r.code)).toEqual(['nodes-offline', 'expected-override', 'no-margin']);
  });
});
