// The join's plan: canJoin follows the checks; quorum before and after from the model's votequorum rules —
// 3 → 4 nodes (expected 3 → 4, needed 2 → 3, can lose 1 both times), two_node 2 → 3, a member offline
// while joining, a node with 2 votes (the biggest voter is lost first).
import { describe, expect, it } from 'vitest';
import { QuorumOptions } from '../snapshot';
import type { JoinFacts } from './facts';
import { joinPlan, quorumFigures } from './plan';

const opts = (o: Partial<QuorumOptions> = {}) => QuorumOptions.parse(o);
const member = (i: number, online = true, votes = 1) => ({ name: `pve${i}`, id: i, votes, online, addresses: [{ link: 0, address: `198.18.0.1${i}` }] });

function facts(members: ReturnType<typeof member>[], options = opts(), over: Partial<JoinFacts['joiner']> = {}): JoinFacts {
  const next = members.length + 1;
  const address = `198.18.0.1${next}`;
  return {
    cluster: { name: 'lab', quorate: true, members, links: [0], qdevice: false, options },
    joiner: {
      name: `pve${next}`,
      addresses: [{ link: 0, address }],
      resolvesTo: [{ on: 'pve1', addresses: [address] }],
      reverse: [],
      localAddresses: [address],
      clustered: { corosyncConf: false, authkey: false, corosyncRunning: false },
      guests: 0,
      clockOffsetMs: 0,
      corosyncVersion: null,
      pveVersion: null,
      ...over,
    },
    probes: members.filter((m) => m.online).map((m) => ({ from: m.name, link: 0, address, reachable: true, udp: true, latencyMs: 0.3, lossPct: 0 })),
  };
}

describe('joinPlan', () => {
  it('3 → 4 nodes: expected 3 → 4, needed 2 → 3, can lose 1 → 1', () => {
    const p = joinPlan(facts([member(1), member(2), member(3)]));
    expect(p.canJoin).toBe(true);
    expect(p.nodeid).toBe(4);
    expect(p.before).toEqual({ expectedVotes: 3, quorum: 2, totalVotes: 3, quorate: true, nodesCanLose: 1 });
    expect(p.after).toEqual({ expectedVotes: 4, quorum: 3, totalVotes: 4, quorate: true, nodesCanLose: 1 });
  });

  it('two_node 2 → 3: needed 1 → 2; two_node no longer counts with three nodes', () => {
    const p = joinPlan(facts([member(1), member(2)], opts({ twoNode: true })));
    expect(p.before).toMatchObject({ expectedVotes: 2, quorum: 1, nodesCanLose: 1 });
    expect(p.after).toMatchObject({ expectedVotes: 3, quorum: 2, nodesCanLose: 1 });
  });

  it('a member offline during the join: the margin is 0 before and after', () => {
    const p = joinPlan(facts([member(1), member(2), member(3, false)]));
    expect(p.before).toEqual({ expectedVotes: 3, quorum: 2, totalVotes: 2, quorate: true, nodesCanLose: 0 });
    expect(p.after).toEqual({ expectedVotes: 4, quorum: 3, totalVotes: 3, quorate: true, nodesCanLose: 0 });
  });

  it('a failing check blocks; a warning does not; a chosen node id and votes are used', () => {
    expect(joinPlan(facts([member(1), member(2), member(3)], opts(), { guests: 1 })).canJoin).toBe(false);
    const warned = joinPlan(facts([member(1), member(2), member(3)], opts(), { clockOffsetMs: 900 }));
    expect(warned.checks.find((c) => c.id === 'clock-skew')?.status).toBe('warn');
    expect(warned.canJoin).toBe(true);
    const heavy = joinPlan(facts([member(1), member(2), member(3)], opts(), { nodeid: 10, votes: 2 }));
    expect(heavy.nodeid).toBe(10);
    // 5 votes, needed 3; losing the 2-vote node first leaves 3: still quorate; then 2: not
    expect(heavy.after).toMatchObject({ expectedVotes: 5, quorum: 3, totalVotes: 5, nodesCanLose: 1 });
  });

  it('bad facts are refused, not guessed', () => {
    expect(() => joinPlan({ ...facts([member(1)]), probes: 'none' } as unknown as JoinFacts)).toThrow();
  });
});

describe('quorumFigures', () => {
  it('not quorate: can lose nothing', () => {
    const nodes = [1, 2, 3].map((id) => ({ id, votes: 1 }));
    expect(quorumFigures(nodes, [1], opts())).toEqual({ expectedVotes: 3, quorum: 2, totalVotes: 1, quorate: false, nodesCanLose: 0 });
  });
  it('a QDevice vote counts (2 nodes + QDevice: can lose 1)', () => {
    const nodes = [1, 2].map((id) => ({ id, votes: 1 }));
    expect(quorumFigures(nodes, [1, 2], opts(), 1)).toEqual({ expectedVotes: 3, quorum: 2, totalVotes: 3, quorate: true, nodesCanLose: 1 });
  });
});
