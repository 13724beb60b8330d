import { describe, expect, it } from 'vitest';
import { QuorumOptions } from './snapshot';
import {
  evaluateQuorum,
  initialQuorumMemory,
  mergeQuorumMemory,
  qdeviceVoteWinner,
  validateExpectedVotes,
  type QDeviceInput,
  type QuorumMemory,
  type VoteNode,
} from './votequorum';

const nodes = (n: number, votes = 1): VoteNode[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, votes }));
const ids = (...xs: number[]) => xs;
const opts = (o: Partial<QuorumOptions> = {}) => QuorumOptions.parse(o);
const seen = (): QuorumMemory => ({ ...initialQuorumMemory(), seenAll: true });

function evalq(o: {
  n: number;
  members: number[];
  options?: Partial<QuorumOptions>;
  qdevice?: QDeviceInput | null;
  memory?: QuorumMemory;
  now?: number;
}) {
  return evaluateQuorum({
    options: opts(o.options),
    nodes: nodes(o.n),
    members: o.members,
    qdevice: o.qdevice ?? null,
    memory: o.memory ?? seen(),
    now: o.now ?? 0,
  });
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('evaluateQuorum: arithmetic (facts sheet §3.1)', () => {
  it.each([
    // nodes, members, expected, quorum, quorate
    [2, range(1, 2), 2, 2, true],
    [3, range(1, 3), 3, 2, true],
    [4, range(1, 4), 4, 3, true],
    [5, range(1, 5), 5, 3, true],
    [3, ids(1, 2), 3, 2, true],
    [3, ids(1), 3, 2, false],
    [4, ids(1, 2), 4, 3, false],
    [5, ids(1, 2, 3), 5, 3, true],
    [2, ids(1), 2, 2, false],
  ])('%i nodes, members %j: expected %i, quorum %i, quorate %s', (n, members, expected, quorum, quorate) => {
    const { state } = evalq({ n, members });
    expect(state).toMatchObject({ expectedVotes: expected, highestExpected: expected, totalVotes: members.length, quorum, quorate });
    expect(state.flags).toEqual(quorate ? ['Quorate'] : []);
  });

  it('2 nodes + ffsplit QDevice (1 vote): expected 3, quorum 2', () => {
    const { state } = evalq({ n: 2, members: [1, 2], qdevice: { votes: 1, algorithm: 'ffsplit', castsVote: true } });
    expect(state).toMatchObject({ expectedVotes: 3, totalVotes: 3, quorum: 2, quorate: true, flags: ['Quorate', 'Qdevice'] });
  });

  it('uneven votes: a 3-vote node alone among 1+1+3', () => {
    const r = evaluateQuorum({ options: opts(), nodes: [{ id: 1, votes: 1 }, { id: 2, votes: 1 }, { id: 3, votes: 3 }], members: [3], memory: seen(), now: 0 });
    expect(r.state).toMatchObject({ expectedVotes: 5, totalVotes: 3, quorum: 3, quorate: true });
  });

  it('quorum.expected_votes overrides the nodelist sum, and is raised when more votes are present', () => {
    expect(evalq({ n: 5, members: [1, 2, 3], options: { expectedVotes: 7 } }).state).toMatchObject({ expectedVotes: 7, quorum: 4, quorate: false });
    const raised = evalq({ n: 5, members: [1, 2, 3, 4, 5], options: { expectedVotes: 3 } });
    expect(raised.state).toMatchObject({ expectedVotes: 5, quorum: 3 });
    // the raise is remembered: nodes leaving do not lower quorum again
    const after = evalq({ n: 5, members: [1, 2], options: { expectedVotes: 3 }, memory: raised.memory });
    expect(after.state).toMatchObject({ expectedVotes: 5, quorum: 3, quorate: false });
  });

  it('quorum never decreases by itself as nodes leave', () => {
    let memory = seen();
    const quorums: number[] = [];
    for (const members of [range(1, 5), range(1, 4), range(1, 3), range(1, 2), [1]]) {
      const r = evalq({ n: 5, members, memory });
      memory = r.memory;
      quorums.push(r.state.quorum);
    }
    expect(quorums).toEqual([3, 3, 3, 3, 3]);
  });

  it('pvecm expected lowers it (expectedOverride)', () => {
    const r = evalq({ n: 3, members: [3], memory: { ...seen(), expectedOverride: 1 } });
    expect(r.state).toMatchObject({ expectedVotes: 1, highestExpected: 1, totalVotes: 1, quorum: 1, quorate: true, flags: ['Quorate'] });
  });

  it('members are reported sorted and deduplicated', () => {
    expect(evalq({ n: 3, members: [3, 1, 3] }).state.members).toEqual([1, 3]);
  });
});

describe('two_node', () => {
  it('quorum 1 while at most 2 nodes; flags 2Node and (implied) WaitForAll', () => {
    const both = evalq({ n: 2, members: [1, 2], options: { twoNode: true } });
    expect(both.state).toMatchObject({ expectedVotes: 2, quorum: 1, quorate: true, flags: ['2Node', 'Quorate', 'WaitForAll'] });
    const alone = evalq({ n: 2, members: [2], options: { twoNode: true }, memory: both.memory });
    expect(alone.state).toMatchObject({ expectedVotes: 2, totalVotes: 1, quorum: 1, quorate: true });
  });

  it('wait_for_all on a 2-node cluster starting with one node: inquorate until the peer is seen', () => {
    const start = evalq({ n: 2, members: [1], options: { twoNode: true }, memory: initialQuorumMemory() });
    expect(start.state).toMatchObject({ quorum: 1, quorate: false, flags: ['2Node', 'WaitForAll'] });
    const both = evalq({ n: 2, members: [1, 2], options: { twoNode: true }, memory: start.memory });
    expect(both.state.quorate).toBe(true);
    expect(both.memory.seenAll).toBe(true);
    const peerGone = evalq({ n: 2, members: [1], options: { twoNode: true }, memory: both.memory });
    expect(peerGone.state.quorate).toBe(true);
  });

  it('explicit wait_for_all: false lets a lone node start quorate', () => {
    const r = evalq({ n: 2, members: [1], options: { twoNode: true, waitForAll: false }, memory: initialQuorumMemory() });
    expect(r.state).toMatchObject({ quorate: true, flags: ['2Node', 'Quorate'] });
  });

  it('is ignored with more than 2 configured nodes', () => {
    const r = evalq({ n: 3, members: [1], options: { twoNode: true } });
    expect(r.state).toMatchObject({ quorum: 2, quorate: false, flags: [] });
  });
});

describe('wait_for_all', () => {
  it('a 5-node cluster starting with 3 nodes waits for all, then tolerates losses', () => {
    const o = { waitForAll: true };
    const three = evalq({ n: 5, members: [1, 2, 3], options: o, memory: initialQuorumMemory() });
    expect(three.state).toMatchObject({ quorum: 3, totalVotes: 3, quorate: false, flags: ['WaitForAll'] });
    const all = evalq({ n: 5, members: range(1, 5), options: o, memory: three.memory });
    expect(all.state.quorate).toBe(true);
    const backTo3 = evalq({ n: 5, members: [1, 2, 3], options: o, memory: all.memory });
    expect(backTo3.state).toMatchObject({ quorate: true, flags: ['Quorate', 'WaitForAll'] });
  });

  it('pvecm expected down to the present votes releases the wait', () => {
    const r = evalq({ n: 3, members: [1], options: { waitForAll: true }, memory: { ...initialQuorumMemory(), expectedOverride: 1 } });
    expect(r.state.quorate).toBe(true);
  });
});

describe('last_man_standing (votequorum(5): 8 nodes shrinking step by step)', () => {
  const o = { lastManStanding: true, lastManStandingWindowMs: 10_000 };
  it('lowers expected votes after the window while quorate, down to 2 nodes', () => {
    const steps: Array<[number[], number, Partial<{ expectedVotes: number; quorum: number; quorate: boolean }>]> = [
      [range(1, 8), 0, { expectedVotes: 8, quorum: 5, quorate: true }],
      [range(1, 5), 1_000, { expectedVotes: 8, quorum: 5, quorate: true }], // 3 lost: still quorate
      [range(1, 5), 5_000, { expectedVotes: 8, quorum: 5 }], // window not over yet
      [range(1, 5), 11_000, { expectedVotes: 5, quorum: 3, quorate: true }], // recalculated down
      [range(1, 3), 12_000, { expectedVotes: 5, quorum: 3, quorate: true }], // 2 more lost at once
      [range(1, 3), 22_000, { expectedVotes: 3, quorum: 2, quorate: true }],
      [range(1, 2), 23_000, { expectedVotes: 3, quorum: 2, quorate: true }],
      [range(1, 2), 33_000, { expectedVotes: 2, quorum: 2, quorate: true }],
      [[1], 34_000, { expectedVotes: 2, quorum: 2, quorate: false }], // 2 → 1 needs auto_tie_breaker
      [[1], 60_000, { expectedVotes: 2, quorum: 2, quorate: false }],
    ];
    let memory = seen();
    for (const [members, now, want] of steps) {
      const r = evalq({ n: 8, members, options: o, memory, now });
      memory = r.memory;
      expect({ ...r.state, at: now }).toMatchObject({ ...want, members, at: now });
      if (r.state.quorate) expect(r.state.flags).toEqual(['Quorate', 'LastManStanding']);
    }
  });

  it('with auto_tie_breaker it goes down to the last node (the tie-breaker)', () => {
    const o2 = { ...o, autoTieBreaker: true };
    let memory: QuorumMemory = { ...seen(), lmsExpected: 2, lastMembers: [1, 2] };
    let r = evalq({ n: 8, members: [1], options: o2, memory, now: 0 });
    expect(r.state).toMatchObject({ expectedVotes: 2, quorum: 2, totalVotes: 1, quorate: true, flags: ['Quorate', 'LastManStanding', 'AutoTieBreaker'] });
    memory = r.memory;
    r = evalq({ n: 8, members: [1], options: o2, memory, now: 10_000 });
    expect(r.state).toMatchObject({ expectedVotes: 1, quorum: 1, quorate: true });
  });

  it('a node coming back restores the configured expected votes', () => {
    const memory: QuorumMemory = { ...seen(), lmsExpected: 3, lastMembers: [1, 2, 3] };
    const r = evalq({ n: 8, members: [1, 2, 3, 4], options: o, memory, now: 0 });
    expect(r.state).toMatchObject({ expectedVotes: 8, quorum: 5, quorate: false });
  });

  it('does not lower while inquorate', () => {
    let memory = seen();
    let r = evalq({ n: 5, members: [1, 2], options: o, memory, now: 0 });
    memory = r.memory;
    r = evalq({ n: 5, members: [1, 2], options: o, memory, now: 20_000 });
    expect(r.state).toMatchObject({ expectedVotes: 5, quorate: false });
  });
});

describe('auto_tie_breaker (50/50 split)', () => {
  it.each([
    ['lowest', [1, 2], true],
    ['lowest', [3, 4], false],
    ['highest', [3, 4], true],
    ['highest', [1, 2], false],
    [[3, 1], [3, 4], true],
    [[3, 1], [1, 2], false],
    [[9, 2], [1, 2], true], // 9 is not configured: the next listed node decides
  ] as const)('node %j: members %j quorate=%s', (node, members, quorate) => {
    const r = evalq({ n: 4, members: [...members], options: { autoTieBreaker: true, autoTieBreakerNode: Array.isArray(node) ? [...node] : (node as 'lowest') } });
    expect(r.state).toMatchObject({ expectedVotes: 4, totalVotes: 2, quorum: 3, quorate });
    expect(r.state.flags).toEqual(quorate ? ['Quorate', 'AutoTieBreaker'] : ['AutoTieBreaker']);
  });

  it('does not help a partition below half', () => {
    expect(evalq({ n: 4, members: [1], options: { autoTieBreaker: true } }).state.quorate).toBe(false);
  });

  it('2 nodes without two_node: the lowest node survives the peer loss', () => {
    expect(evalq({ n: 2, members: [1], options: { autoTieBreaker: true } }).state.quorate).toBe(true);
    expect(evalq({ n: 2, members: [2], options: { autoTieBreaker: true } }).state.quorate).toBe(false);
  });
});

describe('QDevice', () => {
  const ff = (castsVote: boolean): QDeviceInput => ({ votes: 1, algorithm: 'ffsplit', castsVote });
  it('split-survivor keeps quorum with the device vote; the isolated side shows the flag without the vote', () => {
    expect(evalq({ n: 2, members: [1], qdevice: ff(true) }).state).toMatchObject({ expectedVotes: 3, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate', 'Qdevice'] });
    expect(evalq({ n: 2, members: [2], qdevice: ff(false) }).state).toMatchObject({ expectedVotes: 3, totalVotes: 1, quorum: 2, quorate: false, flags: ['Qdevice'] });
  });

  it('lms: votes nodes−1, a single node with the vote keeps quorum', () => {
    const q: QDeviceInput = { votes: 3, algorithm: 'lms', castsVote: true };
    expect(evalq({ n: 4, members: [4], qdevice: q }).state).toMatchObject({ expectedVotes: 7, totalVotes: 4, quorum: 4, quorate: true });
    expect(evalq({ n: 4, members: [1, 2, 3], qdevice: { ...q, castsVote: false } }).state).toMatchObject({ totalVotes: 3, quorate: false });
  });

  it('cannot operate with last_man_standing or auto_tie_breaker; replaces two_node', () => {
    const r = evalq({ n: 4, members: [1, 2], options: { autoTieBreaker: true }, qdevice: ff(true) });
    expect(r.state).toMatchObject({ expectedVotes: 4, totalVotes: 2, flags: ['Quorate', 'AutoTieBreaker'] });
    const t = evalq({ n: 2, members: [1, 2], options: { twoNode: true }, qdevice: ff(true) });
    expect(t.state).toMatchObject({ expectedVotes: 3, quorum: 2, flags: ['Quorate', 'Qdevice'] });
  });
});

describe('qdeviceVoteWinner', () => {
  it.each([
    [[[1, 2], [3, 4]], 'ffsplit', 'lowest', [0]],
    [[[3, 4], [1, 2]], 'ffsplit', 'lowest', [1]],
    [[[1, 2], [3, 4]], 'ffsplit', 'highest', [1]],
    [[[1, 2], [3, 4]], 'ffsplit', 3, [1]],
    [[[1, 2], [3, 4]], 'ffsplit', 7, []],
    [[[1], [2, 3, 4]], 'ffsplit', 'lowest', [1]],
    [[[1], [2], [3]], 'ffsplit', 'lowest', []], // nobody has 50 %
    [[[1], [2], [3]], 'lms', 'lowest', [0]],
    [[[2], [1, 3]], 'lms', 'lowest', [1]],
    [[[1]], 'lms', 'lowest', [0]],
    [[], 'ffsplit', 'lowest', []],
  ] as const)('%j %s tie-breaker %s → %j', (partitions, algorithm, tb, want) => {
    expect(qdeviceVoteWinner(partitions.map((p) => [...p]), algorithm, tb)).toEqual(want);
  });
});

describe('validateExpectedVotes', () => {
  const base = { options: opts(), nodes: nodes(3) };
  it('accepts pvecm expected 1 on an isolated node', () => {
    expect(validateExpectedVotes(1, { ...base, members: [3] })).toBeNull();
  });
  it('refuses a value below the present votes', () => {
    expect(validateExpectedVotes(1, { ...base, members: [1, 2] })).toMatch(/^Unable to set expected votes: CS_ERR_INVALID_PARAM \(expected votes 1 is below the 2 votes present\)$/);
  });
  it('refuses a value that would leave the partition inquorate', () => {
    expect(validateExpectedVotes(2, { ...base, members: [3] })).toMatch(/^Unable to set expected votes: CS_ERR_INVALID_PARAM .*needs 2 votes for quorum, only 1 present/);
    expect(validateExpectedVotes(6, { ...base, members: [1, 2, 3] })).toMatch(/needs 4 votes for quorum, only 3 present/);
    expect(validateExpectedVotes(5, { ...base, members: [1, 2, 3] })).toBeNull();
  });
  it('accepts the current total and refuses nonsense', () => {
    expect(validateExpectedVotes(3, { ...base, members: [1, 2, 3] })).toBeNull();
    expect(validateExpectedVotes(0, { ...base, members: [1] })).toMatch(/at least 1/);
    expect(validateExpectedVotes(1.5, { ...base, members: [1] })).toMatch(/whole number/);
  });
});

describe('mergeQuorumMemory', () => {
  it('keeps seenAll from any side and drops an override one side lacks', () => {
    const m = mergeQuorumMemory([{ ...seen(), expectedOverride: 1 }, initialQuorumMemory()]);
    expect(m).toMatchObject({ seenAll: true, expectedOverride: null, lmsExpected: null });
    const r = evalq({ n: 3, members: [1, 2, 3], memory: m });
    expect(r.state).toMatchObject({ expectedVotes: 3, quorum: 2 });
  });
});

// Cross-check with real `corosync-quorumtool -s` captures, numbers transcribed from
// /work/shared/fixtures/corosync/quorumtool-s__*.txt (3-node lab, 2-node two_node, 2-node + ffsplit qdevice).
// [file, members, qdevice row votes ('' = no qdevice), expected, highest, total, quorum, quorate, flags]
const captured: Array<[string, number[], string, number, number, number, number, boolean, string]> = [
  ['after-quorumtool-e1__isolated__node3.txt', [3], '', 1, 1, 1, 1, true, 'Quorate'],
  ['inquorate-1of3__isolated-ifdown__node3.txt', [3], '', 3, 3, 1, 2, false, ''],
  ['inquorate-1of3__isolated-linkdown__node3.txt', [3], '', 3, 3, 1, 2, false, ''],
  ['inquorate-1of3__node2-node3-sigstopped__node1.txt', [1], '', 3, 3, 1, 2, false, ''],
  ['qdevice__2nodes-plus-qnetd__node1.txt', [1, 2], '1', 3, 3, 3, 2, true, 'Quorate Qdevice'],
  ['qdevice__split-isolated__node2.txt', [2], '0', 3, 3, 1, 2, false, 'Qdevice'],
  ['qdevice__split-survivor__node1.txt', [1], '1', 3, 3, 2, 2, true, 'Quorate Qdevice'],
  ['quorate-2of3__node3-ifdown__node1.txt', [1, 2], '', 3, 3, 2, 2, true, 'Quorate'],
  ['quorate-2of3__node3-linkdown__node1.txt', [1, 2], '', 3, 3, 2, 2, true, 'Quorate'],
  ['quorate-2of3__node3-sigkill__node1.txt', [1, 2], '', 3, 3, 2, 2, true, 'Quorate'],
  ['quorate-2of3__node3-sigstop__node1.txt', [1, 2], '', 3, 3, 2, 2, true, 'Quorate'],
  ['quorate-2of3__node3-sigterm__node1.txt', [1, 2], '', 3, 3, 2, 2, true, 'Quorate'],
  ['quorate-3of3__after-all-restores__node1.txt', [1, 2, 3], '', 3, 3, 3, 2, true, 'Quorate'],
  ['quorate-3of3__node1.txt', [1, 2, 3], '', 3, 3, 3, 2, true, 'Quorate'],
  ['quorate-4of4__after-runtime-add-reload__node1.txt', [1, 2, 3, 4], '', 4, 4, 4, 3, true, 'Quorate'],
  ['two_node__peer-killed__node1.txt', [1], '', 2, 2, 1, 1, true, '2Node Quorate WaitForAll'],
  ['two_node__peer-never-seen-waitforall__node1.txt', [1], '', 2, 2, 1, 1, false, '2Node WaitForAll'],
];

describe('captured corosync-quorumtool -s outputs', () => {
  it.each(captured)('%s', (file, members, qdevVotes, expectedVotes, highestExpected, totalVotes, quorum, quorate, flags) => {
    const twoNode = file.startsWith('two_node');
    const configured = qdevVotes !== '' || twoNode ? 2 : file.includes('4of4') ? 4 : 3;
    const qdevice: QDeviceInput | null = qdevVotes === '' ? null : { votes: 1, algorithm: 'ffsplit', castsVote: qdevVotes === '1' };
    const memory: QuorumMemory = {
      ...initialQuorumMemory(),
      seenAll: !file.includes('never-seen'),
      expectedOverride: file.includes('quorumtool-e1') ? 1 : null,
    };
    const r = evalq({ n: configured, members, options: { twoNode }, qdevice, memory });
    expect(r.state).toMatchObject({ expectedVotes, highestExpected, totalVotes, quorum, quorate, flags: flags.split(' ').filter(Boolean) });
  });
});
