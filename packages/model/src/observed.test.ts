// Reading votequorum back from printed numbers: predictions with the full rules (issue 8 fixes 1-3).
import { describe, expect, it } from 'vitest';
import { memoryFromObserved, quorateReason, quorumAfterLoss, expectedVotesOrigin, type ObservedView } from './observed';
import { ClusterSnapshot, QuorumOptions, type QuorumState } from './snapshot';
import { failureTolerance } from './tolerance';
import { evaluateQuorum, initialQuorumMemory, type QuorumMemory } from './votequorum';

const ones = (n: number) => Array<number>(n).fill(1);

function state(votes: number[], members: number[], options: Partial<QuorumOptions> = {}, memory: Partial<QuorumMemory> = {}): QuorumState {
  return evaluateQuorum({
    options: QuorumOptions.parse(options),
    nodes: votes.map((v, i) => ({ id: i + 1, votes: v })),
    members,
    qdevice: null,
    memory: { ...initialQuorumMemory(), seenAll: true, ...memory },
    now: 0,
  }).state;
}

function view(votes: number[], observed: QuorumState, options: Partial<QuorumOptions> = {}): ObservedView {
  return { options: QuorumOptions.parse(options), nodes: votes.map((v, i) => ({ id: i + 1, votes: v })), qdevice: null, observed };
}

function snap(votes: number[], q: QuorumState, options: Partial<QuorumOptions> = {}): ClusterSnapshot {
  return ClusterSnapshot.parse({
    clusterId: 'c',
    observedAt: 0,
    source: 'lab',
    observer: { nodeId: q.members[0] ?? 1, name: `pve${q.members[0] ?? 1}` },
    cluster: { name: 'lab', configVersion: 1, transport: 'knet', secureAuth: true, quorumOptions: QuorumOptions.parse(options), tokenMs: 1000, runtimeTokenMs: 2300 },
    quorum: q,
    nodes: votes.map((v, i) => ({ id: i + 1, votes: v, name: `pve${i + 1}`, state: q.members.includes(i + 1) ? 'online' : 'offline', addresses: [] })),
    links: [],
    qdevice: null,
    storage: null,
    views: [],
    partitioned: false,
  });
}

describe('quorumAfterLoss: the early warning by the full rules', () => {
  it('auto_tie_breaker: a 2|2 split keeps quorum on the side with the tie-breaker, not on the other', () => {
    const atb = { autoTieBreaker: true };
    const all = state(ones(4), [1, 2, 3, 4], atb);
    // seen from pve1 (holds node 1, the lowest): losing pve3 and pve4 keeps quorum although 2 < quorum 3
    expect(quorumAfterLoss(view(ones(4), all, atb), [3, 4])).toMatchObject({ quorate: true, totalVotes: 2, quorum: 3 });
    // seen from pve3: losing pve1 and pve2 loses it
    expect(quorumAfterLoss(view(ones(4), all, atb), [1, 2]).quorate).toBe(false);
    // plain arithmetic (total >= quorum) would have said 'lost' for both
  });

  it('two_node: losing the peer keeps quorum; weighted votes: losing pve3=2 of 4 loses it', () => {
    const two = { twoNode: true };
    expect(quorumAfterLoss(view([1, 1], state([1, 1], [1, 2], two), two), [2]).quorate).toBe(true);
    const w = [1, 1, 2];
    expect(quorumAfterLoss(view(w, state(w, [1, 2, 3])), [3])).toMatchObject({ quorate: false, totalVotes: 2, quorum: 3 });
    expect(quorumAfterLoss(view(w, state(w, [1, 2, 3])), [1]).quorate).toBe(true);
  });

  it('last_man_standing never rescues an instant loss, but the printed lowered expected votes are kept', () => {
    const lms = { lastManStanding: true, lastManStandingWindowMs: 5000 };
    // 4 nodes, LMS already went down to 3 (expected 3): losing one more at once leaves 2 of 3: quorate
    const lowered = state(ones(4), [1, 2, 3], lms, { lmsExpected: 3 });
    expect(lowered.expectedVotes).toBe(3);
    expect(expectedVotesOrigin(view(ones(4), lowered, lms))).toBe('last-man-standing');
    expect(memoryFromObserved(view(ones(4), lowered, lms))).toMatchObject({ lmsExpected: 3, expectedOverride: null });
    expect(quorumAfterLoss(view(ones(4), lowered, lms), [3]).quorate).toBe(true);
    expect(quorumAfterLoss(view(ones(4), lowered, lms), [2, 3]).quorate).toBe(false);
  });

  it('a manual pvecm expected is told apart from last_man_standing', () => {
    const manual = state(ones(3), [1], {}, { expectedOverride: 1 });
    expect(expectedVotesOrigin(view(ones(3), manual))).toBe('manual');
    expect(memoryFromObserved(view(ones(3), manual)).expectedOverride).toBe(1);
    expect(expectedVotesOrigin(view(ones(3), state(ones(3), [1, 2, 3])))).toBeNull();
  });
});

describe('quorateReason', () => {
  it('names auto_tie_breaker with the tie-breaker node', () => {
    const q = state(ones(4), [1, 2], { autoTieBreaker: true });
    expect(q).toMatchObject({ quorate: true, totalVotes: 2, quorum: 3 });
    expect(quorateReason(snap(ones(4), q, { autoTieBreaker: true }))).toMatchObject({ mode: 'auto-tie-breaker', tieBreaker: { nodeId: 1, name: 'pve1' }, text: expect.stringMatching(/this side holds the tie-breaker pve1/) });
    // the highest node as tie-breaker: pve1+pve2 are then not quorate, nothing to explain
    expect(state(ones(4), [1, 2], { autoTieBreaker: true, autoTieBreakerNode: 'highest' }).quorate).toBe(false);
  });

  it('names last_man_standing with the recalculated expected votes', () => {
    const lms = { lastManStanding: true };
    const q = state(ones(4), [1, 2], lms, { lmsExpected: 2 });
    expect(q.quorate).toBe(true);
    expect(quorateReason(snap(ones(4), q, lms))).toMatchObject({ mode: 'last-man-standing', expectedVotes: 2, configured: 4, text: expect.stringMatching(/expected votes recalculated to 2 \(configured 4\)/) });
  });

  it('names two_node when one node alone is quorate; nothing for a plain majority', () => {
    const q = state([1, 1], [1], { twoNode: true });
    expect(quorateReason(snap([1, 1], q, { twoNode: true }))?.mode).toBe('two-node');
    expect(quorateReason(snap(ones(3), state(ones(3), [1, 2])))).toBeNull();
  });
});

describe('failureTolerance under last_man_standing', () => {
  it('at once vs one at a time', () => {
    const lms = { lastManStanding: true, lastManStandingWindowMs: 10_000 };
    const t = failureTolerance(snap(ones(5), state(ones(5), [1, 2, 3, 4, 5], lms), lms))!;
    expect(t.nodesCanLose).toBe(2);
    // 5 -> 4 -> 3 -> 2, each after the window; 2 -> 1 needs auto_tie_breaker and the tie-breaker left,
    // and the worst case loses the tie-breaker early
    expect(t.nodesCanLoseOneByOne).toBe(3);
    const both = { ...lms, autoTieBreaker: true };
    expect(failureTolerance(snap(ones(5), state(ones(5), [1, 2, 3, 4, 5], both), both))!.nodesCanLoseOneByOne).toBe(3);
    expect(failureTolerance(snap(ones(5), state(ones(5), [1, 2, 3, 4, 5])))!.nodesCanLoseOneByOne).toBeNull();
  });
});
