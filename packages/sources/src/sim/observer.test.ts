// Which node's view the simulator reports (observer.ts): the quorate side of a split, not the lowest id.
import { describe, expect, it } from 'vitest';
import { diffSnapshots, membershipDetectionMs, runtimeTokenMs, type ClusterSnapshot } from '@quorate/model';
import { createSimSource, type SimOptions, type SimSource } from './index';
import { chooseSimObserver } from './observer';

const T0 = 1_780_000_000_000;
const sim = (o: Partial<SimOptions> = {}) => createSimSource({ seed: 42, now: () => T0, ...o });
/** long enough for Corosync to notice a cut on any cluster here (32 nodes included) */
const settle = (n: number) => membershipDetectionMs(runtimeTokenMs(3000, n)) + 1_000;
const names = (ids: number[]) => ids.map((i) => `pve${i}`);

function current(s: SimSource): ClusterSnapshot {
  const snap = s.current();
  if (!snap) throw new Error('no snapshot');
  return snap;
}

/** the timeline messages while `act` runs */
function timeline(s: SimSource, act: () => void): string[] {
  let prev = current(s);
  const out: string[] = [];
  const off = s.subscribe((x) => {
    out.push(...diffSnapshots(prev, x).map((e) => e.message));
    prev = x;
  });
  act();
  off();
  return out;
}

function split(s: SimSource, a: number[], b: number[], n: number): string[] {
  return timeline(s, () => {
    s.applyFault({ action: 'partition', groups: [names(a), names(b)] });
    s.advance(settle(n));
  });
}

describe('sim observer: the headline is the best view', () => {
  it('5 nodes {1,2}|{3,4,5}: the quorate majority leads (pve3); the minority left, quorum is not lost', () => {
    const s = sim({ nodeCount: 5 });
    const events = split(s, [1, 2], [3, 4, 5], 5);
    const snap = current(s);
    expect(snap.observer).toEqual({ nodeId: 3, name: 'pve3' });
    expect(snap.quorum).toMatchObject({ quorate: true, members: [3, 4, 5], totalVotes: 3, expectedVotes: 5 });
    expect(snap.nodes.map((n) => n.state)).toEqual(['offline', 'offline', 'online', 'online', 'online']);
    expect(snap.views[0]?.name).toBe('pve3');
    expect(snap.views.find((v) => v.name === 'pve1')?.quorum).toMatchObject({ quorate: false, members: [1, 2] });
    expect(snap.partitioned).toBe(true);
    expect(events).toContain('observer changed from pve1 to pve3');
    expect(events).toContain('pve1 left the cluster (1 vote)');
    expect(events).toContain('pve2 left the cluster (1 vote)');
    expect(events).toContain('cluster partitioned: reachable nodes disagree on membership');
    expect(events.filter((e) => e.startsWith('quorum lost') || e.includes('warning for'))).toEqual([]);
  });

  it('5 nodes {1,2,3}|{4,5}: pve1 is on the quorate side and stays', () => {
    const s = sim({ nodeCount: 5 });
    const events = split(s, [1, 2, 3], [4, 5], 5);
    const snap = current(s);
    expect(snap.observer).toEqual({ nodeId: 1, name: 'pve1' });
    expect(snap.quorum).toMatchObject({ quorate: true, members: [1, 2, 3] });
    expect(events.filter((e) => e.startsWith('observer') || e.startsWith('quorum lost'))).toEqual([]);
    expect(events).toContain('pve4 left the cluster (1 vote)');
  });

  it('until Corosync notices the cut, all nodes are one ring: the observer does not move early', () => {
    const s = sim({ nodeCount: 5 });
    s.applyFault({ action: 'partition', groups: [names([1, 2]), names([3, 4, 5])] });
    s.advance(1_000);
    expect(current(s).observer?.name).toBe('pve1');
    expect(current(s).quorum?.members).toEqual([1, 2, 3, 4, 5]);
  });

  it('32 nodes split 11|21: quorate 21 of 32 from pve12, not "not quorate 11 of 32"', () => {
    const ids = Array.from({ length: 32 }, (_, i) => i + 1);
    const s = sim({ nodeCount: 32, linkCount: 1 });
    split(s, ids.slice(0, 11), ids.slice(11), 32);
    expect(current(s).observer?.name).toBe('pve12');
    expect(current(s).quorum).toMatchObject({ quorate: true, totalVotes: 21, expectedVotes: 32, quorum: 17 });
  });

  it('after the heal the observer stays where it is: equal views do not flap back to pve1', () => {
    const s = sim({ nodeCount: 5 });
    split(s, [1, 2], [3, 4, 5], 5);
    const events = timeline(s, () => {
      s.applyFault({ action: 'heal' });
      s.advance(30_000);
    });
    expect(current(s).observer?.name).toBe('pve3');
    expect(current(s).quorum).toMatchObject({ quorate: true, members: [1, 2, 3, 4, 5] });
    expect(events).toEqual(expect.arrayContaining(['pve1 joined the cluster (1 vote)', 'pve2 joined the cluster (1 vote)']));
    expect(events.filter((e) => e.startsWith('observer'))).toEqual([]);
  });

  it('a node that starts again (alone in a ring of its own, not quorate) does not take the headline', () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve1'] });
    s.advance(settle(3));
    expect(current(s).observer?.name).toBe('pve2');
    const events = timeline(s, () => {
      s.applyFault({ action: 'start', nodes: ['pve1'] });
      expect(current(s).observer?.name).toBe('pve2');
      expect(current(s).quorum).toMatchObject({ quorate: true, members: [2, 3] });
      s.advance(settle(3));
    });
    expect(current(s).quorum).toMatchObject({ quorate: true, members: [1, 2, 3] });
    expect(events).toContain('pve1 joined the cluster (1 vote)');
    expect(events.filter((e) => e.startsWith('observer') || e.startsWith('quorum'))).toEqual([]);
  });

  // Both halves are inquorate with 2 votes and 2 members: neither is a better headline, and either says
  // honestly "not quorate, 2 of 4". The current observer keeps it (whichever half that is), so the page
  // does not jump between halves; only a crashed observer hands over, to the lowest id among the best.
  it('4 nodes 2|2 without auto_tie_breaker: both sides inquorate, the current observer stays', () => {
    const s = sim({ nodeCount: 4 });
    split(s, [1, 2], [3, 4], 4);
    expect(current(s).observer?.name).toBe('pve1');
    expect(current(s).quorum).toMatchObject({ quorate: false, members: [1, 2], totalVotes: 2 });
    expect(current(s).views.find((v) => v.name === 'pve3')?.quorum).toMatchObject({ quorate: false, members: [3, 4] });

    // the same split with pve3 observing already (pve1 and pve2 restarted since): pve3 stays
    const t = sim({ nodeCount: 4 });
    t.applyFault({ action: 'stop', nodes: ['pve1', 'pve2'] });
    t.advance(settle(4));
    t.applyFault({ action: 'start', nodes: ['pve1', 'pve2'] });
    t.advance(settle(4));
    expect(current(t).quorum).toMatchObject({ quorate: true, members: [1, 2, 3, 4] });
    expect(current(t).observer?.name).toBe('pve3');
    split(t, [1, 2], [3, 4], 4);
    expect(current(t).observer?.name).toBe('pve3');
    expect(current(t).quorum).toMatchObject({ quorate: false, members: [3, 4] });
  });

  it('4 nodes 2|2 with auto_tie_breaker (highest): the side holding pve4 is quorate and leads', () => {
    const s = sim({ nodeCount: 4, quorumOptions: { autoTieBreaker: true, autoTieBreakerNode: 'highest' } });
    split(s, [1, 2], [3, 4], 4);
    expect(current(s).observer?.name).toBe('pve3');
    expect(current(s).quorum).toMatchObject({ quorate: true, members: [3, 4] });
  });

  it.each([
    ['ffsplit', 'lowest', 'pve1', [1, 2]],
    ['ffsplit', 'highest', 'pve3', [3, 4]],
    ['lms', 'lowest', 'pve1', [1, 2]],
    ['lms', 'highest', 'pve3', [3, 4]],
  ] as const)('QDevice %s, tie-breaker %s, 4 nodes 2|2: the side it votes for leads (%s)', (algorithm, tieBreaker, observer, members) => {
    const s = sim({ nodeCount: 4, qdevice: { algorithm, tieBreaker } });
    split(s, [1, 2], [3, 4], 4);
    const snap = current(s);
    expect(snap.observer?.name).toBe(observer);
    expect(snap.quorum).toMatchObject({ quorate: true, members });
    expect(snap.qdevice?.castsVote).toBe(true);
  });

  it('QDevice lms, 5 nodes {1}|{2,3,4,5}: the bigger side has the device vote and leads', () => {
    const s = sim({ nodeCount: 5, qdevice: { algorithm: 'lms' } });
    split(s, [1], [2, 3, 4, 5], 5);
    expect(current(s).observer?.name).toBe('pve2');
    expect(current(s).quorum).toMatchObject({ quorate: true, members: [2, 3, 4, 5] });
  });

  it('a state saved before the observer was kept resumes with the lowest running node, whom it reported', () => {
    const s = sim({ nodeCount: 4 });
    s.applyFault({ action: 'stop', nodes: ['pve1'] });
    s.advance(settle(4));
    s.applyFault({ action: 'start', nodes: ['pve1'] });
    s.advance(settle(4));
    const { observer, ...old } = s.exportState();
    expect(observer).toBe(2); // kept through pve1's return
    expect(current(createSimSource({ state: JSON.parse(JSON.stringify(s.exportState())), now: () => T0 })).observer?.name).toBe('pve2');
    const resumed = createSimSource({ state: JSON.parse(JSON.stringify(old)), now: () => T0 });
    expect(current(resumed).observer?.name).toBe('pve1');
    expect(resumed.exportState().observer).toBe(1);
  });
});

describe('chooseSimObserver', () => {
  const v = (id: number, quorate: boolean, votes: number, members: number) => ({ id, quorate, votes, members });
  it('ranks quorate, then votes, then members, then the current observer, then the lowest id', () => {
    expect(chooseSimObserver([], null)).toBeNull();
    expect(chooseSimObserver([v(1, false, 5, 5), v(2, true, 3, 3)], 1)).toBe(2);
    expect(chooseSimObserver([v(1, false, 2, 2), v(3, false, 3, 2)], 1)).toBe(3);
    expect(chooseSimObserver([v(1, true, 3, 2), v(3, true, 3, 3)], 1)).toBe(3);
    expect(chooseSimObserver([v(1, true, 3, 3), v(2, true, 3, 3), v(3, true, 3, 3)], 2)).toBe(2);
    expect(chooseSimObserver([v(3, true, 3, 3), v(2, true, 3, 3)], 9)).toBe(2);
  });
});
