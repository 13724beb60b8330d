import { describe, expect, it } from 'vitest';
import { ClusterSnapshot, QuorumOptions, type QDevice } from './snapshot';
import { failureTolerance, nodesToRestore } from './tolerance';
import { evaluateQuorum, initialQuorumMemory, type QuorumMemory } from './votequorum';

function snap(o: {
  votes: number[];
  members: number[];
  options?: Partial<QuorumOptions>;
  qdevice?: Omit<QDevice, 'state' | 'host'> | null;
  memory?: Partial<QuorumMemory>;
}): ClusterSnapshot {
  const options = QuorumOptions.parse(o.options ?? {});
  const nodes = o.votes.map((votes, i) => ({ id: i + 1, votes }));
  const { state } = evaluateQuorum({
    options,
    nodes,
    members: o.members,
    qdevice: o.qdevice ?? null,
    memory: { ...initialQuorumMemory(), seenAll: true, ...o.memory },
    now: 0,
  });
  return ClusterSnapshot.parse({
    clusterId: 'c',
    observedAt: 0,
    source: 'sim',
    observer: { nodeId: o.members[0] ?? 1, name: `pve${o.members[0] ?? 1}` },
    cluster: { name: 'lab', configVersion: 1, transport: 'knet', secureAuth: true, quorumOptions: options, tokenMs: 3000, runtimeTokenMs: 3650 },
    quorum: state,
    nodes: nodes.map((n) => ({ ...n, name: `pve${n.id}`, state: o.members.includes(n.id) ? 'online' : 'offline', addresses: [] })),
    links: [],
    qdevice: o.qdevice ? { ...o.qdevice, state: 'connected', host: '198.18.9.9' } : null,
    storage: null,
    views: [],
    partitioned: false,
  });
}

const ones = (n: number) => Array<number>(n).fill(1);

describe('failureTolerance: quorate', () => {
  it.each([
    // votes, members, votesCanLose, nodesCanLose, critical
    [ones(3), [1, 2, 3], 1, 1, []],
    [ones(3), [1, 2], 0, 0, [1, 2]],
    [ones(4), [1, 2, 3, 4], 1, 1, []],
    [ones(5), [1, 2, 3, 4, 5], 2, 2, []],
    [ones(5), [1, 2, 3], 0, 0, [1, 2, 3]],
    [ones(7), [1, 2, 3, 4, 5, 6, 7], 3, 3, []],
    // highest votes first: 3+1+1 → quorum 3; losing the 3-vote node loses quorum
    [[3, 1, 1], [1, 2, 3], 2, 0, [1]],
  ])('votes %j members %j → can lose %i votes / %i nodes, critical %j', (votes, members, v, n, critical) => {
    const t = failureTolerance(snap({ votes, members }))!;
    expect(t).toMatchObject({ votesCanLose: v, nodesCanLose: n, criticalNodes: critical, votesShort: 0, recoveryOptions: [], expectedVotesToRestore: null });
  });

  it('two_node: either node alone stays quorate', () => {
    const t = failureTolerance(snap({ votes: ones(2), members: [1, 2], options: { twoNode: true } }))!;
    expect(t).toMatchObject({ votesCanLose: 1, nodesCanLose: 1, criticalNodes: [] });
  });

  it('auto_tie_breaker: worst case loses the tie-breaker first', () => {
    const t = failureTolerance(snap({ votes: ones(4), members: [1, 2, 3, 4], options: { autoTieBreaker: true } }))!;
    // losing 2 nodes keeps quorum only if node 1 survives; worst case it does not
    expect(t).toMatchObject({ nodesCanLose: 1, criticalNodes: [] });
    const half = failureTolerance(snap({ votes: ones(4), members: [1, 2], options: { autoTieBreaker: true } }))!;
    expect(half).toMatchObject({ nodesCanLose: 0, criticalNodes: [1, 2] });
  });

  it('qdevice ffsplit on 2 nodes: one node can go, the device vote is critical once a node is gone', () => {
    const full = failureTolerance(snap({ votes: ones(2), members: [1, 2], qdevice: { votes: 1, algorithm: 'ffsplit', castsVote: true } }))!;
    expect(full).toMatchObject({ votesCanLose: 1, nodesCanLose: 1, criticalNodes: [], qdeviceCritical: false, nodesCanLoseWithoutQdevice: 0 });
    const survivor = failureTolerance(snap({ votes: ones(2), members: [1], qdevice: { votes: 1, algorithm: 'ffsplit', castsVote: true } }))!;
    expect(survivor).toMatchObject({ votesCanLose: 0, nodesCanLose: 0, criticalNodes: [1], qdeviceCritical: true, nodesCanLoseWithoutQdevice: 0 });
  });

  it('qdevice lms on 4 nodes: down to one node while qnetd is reachable', () => {
    const t = failureTolerance(snap({ votes: ones(4), members: [1, 2, 3, 4], qdevice: { votes: 3, algorithm: 'lms', castsVote: true } }))!;
    expect(t).toMatchObject({ nodesCanLose: 3, qdeviceCritical: false, nodesCanLoseWithoutQdevice: 0 });
  });

  it('without a qdevice the qdevice fields are neutral', () => {
    expect(failureTolerance(snap({ votes: ones(3), members: [1, 2, 3] }))).toMatchObject({ qdeviceCritical: false, nodesCanLoseWithoutQdevice: null, offlineNodes: [] });
  });
});

describe('failureTolerance: not quorate (what restores it)', () => {
  it('1 of 3: one vote short, either offline node restores it; last resort pvecm expected 1', () => {
    const t = failureTolerance(snap({ votes: ones(3), members: [1] }))!;
    expect(t).toMatchObject({
      votesCanLose: 0,
      nodesCanLose: 0,
      votesShort: 1,
      recoveryOptions: [[2], [3]],
      expectedVotesToRestore: 1,
      waitingForAll: false,
      offlineNodes: [
        { id: 2, name: 'pve2', votes: 1 },
        { id: 3, name: 'pve3', votes: 1 },
      ],
    });
  });

  it('2 of 7: two more needed, every pair of offline nodes works (capped list)', () => {
    const t = failureTolerance(snap({ votes: ones(7), members: [1, 2] }))!;
    expect(t.votesShort).toBe(2);
    expect(t.recoveryOptions.length).toBeGreaterThan(0);
    expect(t.recoveryOptions.length).toBeLessThanOrEqual(8);
    for (const set of t.recoveryOptions) expect(set).toHaveLength(2);
  });

  it('uneven votes: the heavy node alone restores it', () => {
    const t = failureTolerance(snap({ votes: [1, 1, 1, 3], members: [1] }))!;
    // expected 6, quorum 4, 1 present
    expect(t.votesShort).toBe(3);
    expect(t.recoveryOptions).toEqual([[4]]);
    expect(t.offlineNodes[0]).toMatchObject({ id: 4, votes: 3 });
  });

  it('wait_for_all: the missing nodes must all come back', () => {
    const t = failureTolerance(snap({ votes: ones(2), members: [1], options: { twoNode: true }, memory: { seenAll: false } }))!;
    expect(t).toMatchObject({ waitingForAll: true, votesShort: 1, recoveryOptions: [[2]] });
  });

  it('null without a quorum view', () => {
    expect(failureTolerance({ ...snap({ votes: ones(3), members: [1, 2, 3] }), quorum: null })).toBeNull();
  });

  it('32 nodes, 4 present: returns quickly with minimal sets', () => {
    const t = failureTolerance(snap({ votes: ones(32), members: [1, 2, 3, 4] }))!;
    expect(t.votesShort).toBe(13);
    expect(t.recoveryOptions.length).toBeGreaterThan(0);
    for (const set of t.recoveryOptions) expect(set).toHaveLength(13);
  });
});

describe('nodesToRestore', () => {
  it('most votes first, then the lowest id; everyone when even that is short; nodes without votes never', () => {
    const n = (id: number, votes: number) => ({ id, votes });
    expect(nodesToRestore([n(2, 1), n(3, 2), n(4, 1)], 2)).toEqual([n(3, 2)]);
    expect(nodesToRestore([n(4, 1), n(2, 1), n(5, 0)], 2)).toEqual([n(2, 1), n(4, 1)]);
    expect(nodesToRestore([n(2, 1), n(5, 0)], 3)).toEqual([n(2, 1)]);
    expect(nodesToRestore([], 1)).toEqual([]);
  });
});
