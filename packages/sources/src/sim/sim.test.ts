import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { ClusterSnapshot, failureTolerance, knetLinkDownDetectionMs, membershipDetectionMs, runtimeTokenMs, type SimFault } from '@quorate/model';
import { createSimSource, durableSimState, SimFaultError, VOLATILE_SIM_KEYS, type SimOptions, type SimSource } from './index';

const T0 = 1_780_000_000_000;
const sim = (o: Partial<SimOptions> = {}) => createSimSource({ seed: 42, now: () => T0, ...o });
// 3 nodes, token 3000: runtime token 3650 ms
const RT = runtimeTokenMs(3000, 3);
const DETECT = membershipDetectionMs(RT);
const KNET = knetLinkDownDetectionMs(RT);

const q = (s: SimSource) => s.current()!.quorum!;
const view = (s: SimSource, name: string) => s.current()!.views.find((v) => v.name === name)!;

describe('sim: healthy start', () => {
  it('3 nodes, quorate 3/3, observer pve1, valid snapshot', () => {
    const s = sim();
    const snap = s.current()!;
    expect(() => ClusterSnapshot.parse(snap)).not.toThrow();
    expect(snap.observer).toEqual({ nodeId: 1, name: 'pve1' });
    expect(snap.quorum).toMatchObject({ expectedVotes: 3, totalVotes: 3, quorum: 2, quorate: true, flags: ['Quorate'], members: [1, 2, 3] });
    expect(snap.quorum?.ringId).toMatch(/^1\.[0-9a-f]+$/);
    expect(snap.partitioned).toBe(false);
    expect(snap.nodes.map((n) => [n.name, n.state, n.addresses.map((a) => a.address)])).toEqual([
      ['pve1', 'online', ['198.18.0.11', '198.18.1.11']],
      ['pve2', 'online', ['198.18.0.12', '198.18.1.12']],
      ['pve3', 'online', ['198.18.0.13', '198.18.1.13']],
    ]);
    expect(snap.links).toHaveLength(3 * 2 * 2);
    for (const l of snap.links) {
      expect(l.connected).toBe(true);
      expect(l.latencyAvgMs!).toBeGreaterThan(0.1);
      expect(l.latencyAvgMs!).toBeLessThan(1);
    }
    expect(snap.cluster).toMatchObject({ name: 'lab-cluster', tokenMs: 3000, runtimeTokenMs: 3650 });
    expect(snap.views.map((v) => [v.name, v.reachable])).toEqual([
      ['pve1', true],
      ['pve2', true],
      ['pve3', true],
    ]);
  });

  it('storage: shared and local storages with per-node entries that drift each tick', () => {
    const s = sim();
    const before = s.current()!.storage!;
    expect(before.map((x) => [x.id, x.type, x.shared])).toEqual([
      ['nfs-backup', 'nfs', true],
      ['ceph-rbd', 'rbd', true],
      ['pbs-backup', 'pbs', true],
      ['local-zfs', 'zfspool', false],
      ['local-lvm', 'lvmthin', false],
      ['local', 'dir', false],
    ]);
    for (const st of before) {
      expect(st.nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
      for (const n of st.nodes) expect(n.usedBytes + n.availBytes).toBe(n.totalBytes);
    }
    s.advance(10_000);
    const after = s.current()!.storage!;
    expect(after[0]!.nodes[0]!.usedBytes).not.toBe(before[0]!.nodes[0]!.usedBytes);
    expect(Math.abs(after[0]!.nodes[0]!.usedBytes - before[0]!.nodes[0]!.usedBytes) / before[0]!.nodes[0]!.totalBytes).toBeLessThan(0.01);
  });

  it('emits a snapshot on every tick', () => {
    const s = sim({ tickMs: 100 });
    const seen: number[] = [];
    s.subscribe((x) => seen.push(x.observedAt));
    s.advance(1000);
    expect(seen).toHaveLength(10);
    expect(seen.at(-1)).toBe(T0 + 1000);
  });
});

describe('sim: node failures', () => {
  it('stop pve2+pve3: quorate until the detection delay, then 1 vote of 3, quorum 2, not quorate', () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    expect(q(s)).toMatchObject({ totalVotes: 3, quorate: true });
    expect(view(s, 'pve2')).toMatchObject({ reachable: false, reason: 'node down: not answering', quorum: null });
    s.advance(DETECT - 1);
    expect(q(s).quorate).toBe(true);
    s.advance(1);
    expect(q(s)).toMatchObject({ totalVotes: 1, expectedVotes: 3, quorum: 2, quorate: false, flags: [], members: [1] });
    const nodes = s.current()!.nodes;
    expect(nodes.map((n) => n.state)).toEqual(['online', 'offline', 'offline']);
    expect(nodes[1]!.since).toBe(T0 + DETECT);
    expect(failureTolerance(s.current()!)).toMatchObject({ votesShort: 1, recoveryOptions: [[2], [3]] });
  });

  it('shutdown is noticed at once; start rejoins after a short delay', () => {
    const s = sim();
    const ring0 = q(s).ringId;
    s.applyFault({ action: 'shutdown', nodes: ['pve3'] });
    expect(q(s)).toMatchObject({ totalVotes: 2, members: [1, 2], quorate: true });
    expect(q(s).ringId).not.toBe(ring0);
    expect(view(s, 'pve3').reason).toBe('node down: corosync stopped');
    s.applyFault({ action: 'start', nodes: ['pve3'] });
    expect(view(s, 'pve3').quorum).toMatchObject({ members: [3], quorate: false });
    s.advance(Math.round(0.5 * RT));
    expect(q(s)).toMatchObject({ totalVotes: 3, members: [1, 2, 3] });
    expect(view(s, 'pve3').quorum).toMatchObject({ members: [1, 2, 3], quorate: true });
  });

  it('heal restores 3/3', () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    s.advance(20_000);
    expect(q(s).quorate).toBe(false);
    s.applyFault({ action: 'heal' });
    s.advance(5_000);
    expect(q(s)).toMatchObject({ totalVotes: 3, quorum: 2, quorate: true, members: [1, 2, 3] });
    expect(s.current()!.nodes.every((n) => n.state === 'online')).toBe(true);
  });

  it('the observer moves when pve1 crashes', () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve1'] });
    const snap = s.current()!;
    expect(snap.observer).toEqual({ nodeId: 2, name: 'pve2' });
    expect(snap.views[0]!.name).toBe('pve2');
    expect(snap.quorum!.members).toEqual([1, 2, 3]); // not yet noticed
    s.advance(DETECT);
    expect(q(s)).toMatchObject({ members: [2, 3], quorate: true });
    expect(s.current()!.nodes[0]!.state).toBe('offline');
  });

  it('all nodes down: no observer, no quorum view', () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve1', 'pve2', 'pve3'] });
    const snap = s.current()!;
    expect(snap.observer).toBeNull();
    expect(snap.quorum).toBeNull();
    expect(snap.links).toEqual([]);
    expect(snap.nodes.every((n) => n.state === 'unknown')).toBe(true);
    expect(snap.storage!.every((st) => st.nodes.every((n) => !n.active))).toBe(true);
    expect(() => ClusterSnapshot.parse(snap)).not.toThrow();
  });
});

describe('sim: partitions and links', () => {
  it('partition [[pve1],[pve2,pve3]]: each side its own quorum; the quorate side leads', () => {
    const s = sim();
    s.applyFault({ action: 'partition', groups: [['pve1'], ['pve2', 'pve3']] });
    s.advance(DETECT);
    const snap = s.current()!;
    expect(snap.partitioned).toBe(true);
    expect(snap.observer).toEqual({ nodeId: 2, name: 'pve2' });
    expect(snap.quorum).toMatchObject({ members: [2, 3], totalVotes: 2, quorate: true });
    expect(snap.quorum?.ringId).toMatch(/^2\./);
    expect(view(s, 'pve1').quorum).toMatchObject({ members: [1], totalVotes: 1, quorate: false });
    expect(snap.nodes.map((n) => n.state)).toEqual(['offline', 'online', 'online']);
    s.applyFault({ action: 'heal' });
    s.advance(RT);
    expect(s.current()!.partitioned).toBe(false);
    expect(q(s)).toMatchObject({ members: [1, 2, 3], quorate: true });
  });

  it('a node in no group stays with the rest', () => {
    const s = sim({ nodeCount: 4 });
    s.applyFault({ action: 'partition', groups: [['pve1'], ['pve2']] });
    s.advance(30_000);
    expect(view(s, 'pve3').quorum!.members).toEqual([3, 4]);
  });

  it('link-down of all links of pve3: early warning, then the drop', () => {
    const s = sim();
    s.applyFault({ action: 'link-down', node: 'pve3' });
    s.advance(KNET - 1);
    expect(s.current()!.warnings).toEqual([]);
    s.advance(1);
    const snap = s.current()!;
    expect(snap.links.filter((l) => l.from === 1 && l.to === 3).every((l) => !l.connected)).toBe(true);
    expect(snap.warnings).toEqual([
      { nodeId: 3, name: 'pve3', since: T0 + KNET, expectedDropInMs: DETECT - KNET, quorateAfterDrop: true, totalVotesAfterDrop: 2, expectedVotesAfterDrop: 3 },
    ]);
    expect(snap.quorum!.members).toEqual([1, 2, 3]);
    s.advance(DETECT - KNET);
    const after = s.current()!;
    expect(after.warnings).toEqual([]);
    expect(after.quorum).toMatchObject({ members: [1, 2], quorate: true });
    expect(view(s, 'pve3').quorum).toMatchObject({ members: [3], quorate: false });
    expect(after.partitioned).toBe(true);
    expect(after.links.find((l) => l.from === 1 && l.to === 3 && l.link === 0)!.downCount).toBe(1);
  });

  it('the warning clears when a link returns first, and membership never changes', () => {
    const s = sim();
    const ring = q(s).ringId;
    s.applyFault({ action: 'link-down', node: 'pve3' });
    s.advance(KNET + 100);
    expect(s.current()!.warnings).toHaveLength(1);
    s.applyFault({ action: 'link-up', node: 'pve3', link: 1 });
    expect(s.current()!.warnings).toEqual([]);
    s.advance(30_000);
    expect(q(s)).toMatchObject({ members: [1, 2, 3], ringId: ring });
  });

  it('warning predicts quorum loss when the drop would cost it', () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve3'] });
    s.advance(DETECT);
    s.applyFault({ action: 'link-down', node: 'pve2' });
    s.advance(KNET);
    expect(s.current()!.warnings).toMatchObject([{ name: 'pve2', quorateAfterDrop: false, totalVotesAfterDrop: 1 }]);
  });

  it('link-down of one link keeps membership; knet shows it disconnected', () => {
    const s = sim();
    s.applyFault({ action: 'link-down', node: 'pve3', link: 0 });
    s.advance(60_000);
    const snap = s.current()!;
    expect(snap.quorum).toMatchObject({ members: [1, 2, 3], totalVotes: 3 });
    expect(snap.warnings).toEqual([]);
    const l0 = snap.links.filter((l) => (l.from === 3 || l.to === 3) && l.link === 0);
    const l1 = snap.links.filter((l) => (l.from === 3 || l.to === 3) && l.link === 1);
    expect(l0.every((l) => !l.connected && l.downCount === 1 && l.latencyAvgMs === null)).toBe(true);
    expect(l1.every((l) => l.connected)).toBe(true);
  });

  it('link-quality: latency and loss show; full loss cuts the link', () => {
    const s = sim();
    s.applyFault({ action: 'link-quality', node: 'pve2', link: 1, latencyMs: 20, lossPct: 5, jitterMs: 0 });
    s.advance(1000);
    const l = s.current()!.links.find((x) => x.from === 1 && x.to === 2 && x.link === 1)!;
    expect(l.latencyAvgMs!).toBeGreaterThan(20);
    expect(l.lossPct).toBe(5);
    expect(l.connected).toBe(true);
    s.applyFault({ action: 'link-quality', node: 'pve2', latencyMs: 0, lossPct: 100, jitterMs: 0 });
    s.advance(DETECT);
    expect(q(s).members).toEqual([1, 3]);
  });

  it('heavy loss makes a link flap deterministically', () => {
    const s = sim({ linkCount: 1 });
    s.applyFault({ action: 'link-quality', node: 'pve3', link: 0, latencyMs: 0, lossPct: 50, jitterMs: 0 });
    const states: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      s.advance(500);
      states.push(s.current()!.links.find((x) => x.from === 1 && x.to === 3)!.connected);
    }
    expect(states).toContain(true);
    expect(states).toContain(false);
    expect(s.current()!.links.find((x) => x.from === 1 && x.to === 3)!.downCount).toBeGreaterThanOrEqual(2);
    // down 5 s of every 10 s: shorter than the membership timeout, so pve3 stays a member
    expect(q(s).members).toEqual([1, 2, 3]);
  });
});

describe('sim: validation', () => {
  const bad: Array<[SimFault, RegExp]> = [
    [{ action: 'stop', nodes: ['pve1', 'pve9'] }, /unknown node 'pve9'.*pve1\.\.pve3/],
    [{ action: 'link-down', node: 'pve2', link: 5 }, /unknown link 5: this cluster has links 0\.\.1/],
    [{ action: 'partition', groups: [['pve1', 'pve2'], ['pve2', 'pve3']] }, /pve2 is in two partition groups/],
    [{ action: 'partition', groups: [['pve1']] } as SimFault, /invalid fault.*two groups/],
    [{ action: 'explode' } as unknown as SimFault, /invalid fault/],
  ];
  it.each(bad)('%j throws and changes nothing', (fault, message) => {
    const s = sim();
    s.advance(500);
    const before = JSON.stringify(s.exportState());
    expect(() => s.applyFault(fault)).toThrow(SimFaultError);
    expect(() => s.applyFault(fault)).toThrow(message);
    expect(JSON.stringify(s.exportState())).toBe(before);
  });

  it('setExpectedVotes: corosync refuses what it would refuse, accepts pvecm expected 1 on a lone node', () => {
    const s = sim();
    expect(() => s.setExpectedVotes(1)).toThrow(/^Unable to set expected votes: CS_ERR_INVALID_PARAM/);
    s.applyFault({ action: 'partition', groups: [['pve1'], ['pve2', 'pve3']] });
    s.advance(DETECT);
    // asked on the observer: pve2, on the quorate side, where 2 votes are present
    expect(() => s.setExpectedVotes(1)).toThrow(/below the 2 votes present/);
    s.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    s.advance(DETECT);
    expect(s.current()?.observer?.name).toBe('pve1');
    expect(() => s.setExpectedVotes(2)).toThrow(SimFaultError);
    s.setExpectedVotes(1);
    expect(q(s)).toMatchObject({ expectedVotes: 1, quorum: 1, totalVotes: 1, quorate: true });
    s.applyFault({ action: 'heal' });
    s.advance(RT);
    expect(q(s)).toMatchObject({ members: [1, 2, 3], expectedVotes: 3, quorum: 2 });
  });
});

describe('sim: determinism and resume', () => {
  const script = (s: SimSource) => {
    const out: string[] = [];
    s.subscribe((x) => out.push(JSON.stringify(x)));
    s.applyFault({ action: 'link-quality', node: 'pve2', latencyMs: 3, lossPct: 40, jitterMs: 2 });
    s.advance(4_000);
    s.applyFault({ action: 'stop', nodes: ['pve3'] });
    s.advance(12_345);
    s.applyFault({ action: 'scenario', name: 'split-brain' });
    s.advance(30_000);
    return out;
  };
  it('same seed + same faults + same advance() ⇒ identical snapshots', () => {
    const a = script(sim());
    const b = script(sim());
    expect(a.length).toBeGreaterThan(40);
    expect(a).toEqual(b);
    const c = script(sim({ seed: 43 }));
    expect(c).not.toEqual(a);
  });

  it('exportState/state resumes exactly, through JSON', () => {
    const a = sim();
    a.applyFault({ action: 'scenario', name: 'rolling-failure' });
    a.advance(17_000);
    const saved = JSON.parse(JSON.stringify(a.exportState()));
    const b = sim({ state: saved, now: () => 0 });
    expect(b.current()).toEqual(a.current());
    a.advance(50_000);
    b.advance(50_000);
    expect(b.current()).toEqual(a.current());
  });

  it('a durable state (no usage figures, no tick bookkeeping) resumes the same cluster; only usage starts afresh', () => {
    const a = sim();
    a.applyFault({ action: 'scenario', name: 'rolling-failure' });
    a.applyFault({ action: 'link-quality', node: 'pve1', link: 1, latencyMs: 5, lossPct: 40, jitterMs: 1 });
    a.advance(17_000);
    const durable = JSON.parse(JSON.stringify(durableSimState(a.exportState())));
    for (const k of VOLATILE_SIM_KEYS) expect(durable).not.toHaveProperty(k);
    // idle ticks change nothing durable
    const idle = sim();
    const before = JSON.stringify({ ...durableSimState(idle.exportState()), clock: 0 });
    idle.advance(120_000);
    expect(JSON.stringify({ ...durableSimState(idle.exportState()), clock: 0 })).toBe(before);

    const b = sim({ state: durable, now: () => 0 });
    const sansUsage = (s: SimSource) => ({
      ...s.current()!,
      storage: s.current()!.storage!.map((st) => ({ ...st, nodes: st.nodes.map((n) => ({ ...n, totalBytes: 0, usedBytes: 0, availBytes: 0 })) })),
    });
    expect(sansUsage(b)).toEqual(sansUsage(a));
    a.advance(50_000);
    b.advance(50_000);
    expect(sansUsage(b)).toEqual(sansUsage(a));
    // storage sizes are those of a fresh simulation of the same seed
    const totals = (s: SimSource) => s.current()!.storage!.map((st) => st.nodes.map((n) => n.totalBytes));
    expect(totals(b)).toEqual(totals(sim()));
  });

  it('refuses a state it does not understand', () => {
    expect(() => sim({ state: { version: 9 } })).toThrow(SimFaultError);
  });
});

describe('sim: scenarios', () => {
  it('rolling-failure crashes nodes until quorum is gone, then heals', () => {
    const s = sim();
    const quorate: boolean[] = [];
    s.subscribe((x) => quorate.push(x.quorum?.quorate ?? false));
    s.applyFault({ action: 'scenario', name: 'rolling-failure' });
    s.advance(40_000);
    expect(q(s)).toMatchObject({ quorate: false, members: [1] });
    s.advance(40_000);
    expect(q(s)).toMatchObject({ quorate: true, members: [1, 2, 3] });
  });

  it('split-brain on 4 nodes: both halves inquorate, then healed', () => {
    const s = sim({ nodeCount: 4 });
    s.applyFault({ action: 'scenario', name: 'split-brain' });
    s.advance(20_000);
    expect(s.current()!.partitioned).toBe(true);
    expect(q(s)).toMatchObject({ members: [1, 2], quorate: false });
    expect(view(s, 'pve3').quorum).toMatchObject({ members: [3, 4], quorate: false });
    s.advance(60_000);
    expect(q(s)).toMatchObject({ members: [1, 2, 3, 4], quorate: true });
  });

  it('flapping-link counts link downs on pve3 link0 and keeps membership', () => {
    const s = sim();
    s.applyFault({ action: 'scenario', name: 'flapping-link' });
    s.advance(65_000);
    const l = s.current()!.links.find((x) => x.from === 1 && x.to === 3 && x.link === 0)!;
    expect(l.downCount).toBe(6);
    expect(q(s).members).toEqual([1, 2, 3]);
  });
});

describe('sim: votequorum configurations', () => {
  it('two_node: the peer crashes, the survivor stays quorate (2Node WaitForAll)', () => {
    const s = sim({ nodeCount: 2, quorumOptions: { twoNode: true } });
    expect(q(s)).toMatchObject({ quorum: 1, flags: ['2Node', 'Quorate', 'WaitForAll'] });
    s.applyFault({ action: 'stop', nodes: ['pve2'] });
    s.advance(10_000);
    expect(q(s)).toMatchObject({ expectedVotes: 2, totalVotes: 1, quorum: 1, quorate: true, flags: ['2Node', 'Quorate', 'WaitForAll'] });
  });

  it('two_node cold start with one node: waits for all', () => {
    const s = sim({ nodeCount: 2, quorumOptions: { twoNode: true } });
    s.applyFault({ action: 'stop', nodes: ['pve1', 'pve2'] });
    s.applyFault({ action: 'start', nodes: ['pve1'] });
    s.advance(10_000);
    expect(q(s)).toMatchObject({ totalVotes: 1, quorum: 1, quorate: false, flags: ['2Node', 'WaitForAll'] });
    s.applyFault({ action: 'start', nodes: ['pve2'] });
    s.advance(5_000);
    expect(q(s)).toMatchObject({ totalVotes: 2, quorate: true });
  });

  it('qdevice ffsplit on 2 nodes: split survivor is the lowest node id', () => {
    const s = sim({ nodeCount: 2, qdevice: { algorithm: 'ffsplit' } });
    expect(q(s)).toMatchObject({ expectedVotes: 3, totalVotes: 3, quorum: 2, quorate: true, flags: ['Quorate', 'Qdevice'] });
    expect(s.current()!.qdevice).toMatchObject({ votes: 1, algorithm: 'ffsplit', castsVote: true, state: 'connected' });
    s.applyFault({ action: 'partition', groups: [['pve1'], ['pve2']] });
    s.advance(10_000);
    expect(q(s)).toMatchObject({ expectedVotes: 3, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate', 'Qdevice'] });
    expect(view(s, 'pve2').quorum).toMatchObject({ totalVotes: 1, quorate: false, flags: ['Qdevice'] });
    expect(() => ClusterSnapshot.parse(s.current())).not.toThrow();
  });

  it('qdevice lms on 3 nodes: one node with the device vote stays quorate', () => {
    const s = sim({ qdevice: { algorithm: 'lms' } });
    expect(q(s)).toMatchObject({ expectedVotes: 5, totalVotes: 5, quorum: 3 });
    s.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    s.advance(DETECT);
    expect(q(s)).toMatchObject({ totalVotes: 3, quorum: 3, quorate: true });
  });

  it('last_man_standing shrinks expected votes after the window', () => {
    const s = sim({ nodeCount: 5, quorumOptions: { lastManStanding: true, lastManStandingWindowMs: 10_000 } });
    s.applyFault({ action: 'stop', nodes: ['pve4', 'pve5'] });
    s.advance(30_000);
    expect(q(s)).toMatchObject({ members: [1, 2, 3], expectedVotes: 3, quorum: 2, quorate: true });
  });
});

describe('sim: scale', () => {
  it('32 nodes × 8 links: 7,936 link observations, valid snapshot, and ticks are cheap', () => {
    const s = sim({ nodeCount: 32, linkCount: 8, tickMs: 100 });
    const snap = s.current()!;
    expect(snap.links).toHaveLength(7936);
    expect(snap.nodes[31]!.addresses[7]!.address).toBe('198.18.7.42');
    expect(() => ClusterSnapshot.parse(snap)).not.toThrow();
    s.advance(5_000); // warm up the JIT before the printed figure
    let count = 0;
    s.subscribe(() => count++);
    const t = performance.now();
    s.advance(10_000);
    const perTick = (performance.now() - t) / count;
    expect(count).toBe(100);
    // printed, not asserted: unit tests do not time things
    console.log(`sim 32×8: ${perTick.toFixed(2)} ms per tick (incl. snapshot)`);
    s.applyFault({ action: 'stop', nodes: ['pve1', 'pve2', 'pve3'] });
    s.advance(runtimeTokenMs(3000, 32) * 3);
    expect(s.current()!.quorum).toMatchObject({ members: Array.from({ length: 29 }, (_, i) => i + 4), quorate: true, quorum: 17 });
    expect(s.current()!.observer).toEqual({ nodeId: 4, name: 'pve4' });
  });
});

describe('sim: real timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it('start() drives the clock with timers and emits each tick; stop() ends it', async () => {
    vi.useFakeTimers({ now: T0 });
    const s = createSimSource({ seed: 1, now: () => Date.now() });
    const seen: number[] = [];
    s.subscribe((x) => seen.push(x.observedAt));
    expect(s.health().state).toBe('starting');
    await s.start();
    expect(s.health()).toMatchObject({ state: 'ok', message: null });
    vi.advanceTimersByTime(3_000);
    expect(s.now()).toBe(T0 + 3_000);
    expect(seen.filter((t) => t > T0)).toEqual([T0 + 1_000, T0 + 2_000, T0 + 3_000]);
    s.applyFault({ action: 'stop', nodes: ['pve3'] });
    vi.advanceTimersByTime(10_000);
    expect(s.current()!.quorum!.members).toEqual([1, 2]);
    await s.stop();
    const n = seen.length;
    vi.advanceTimersByTime(5_000);
    expect(seen).toHaveLength(n);
  });
});

describe('sim: random fault sequences (property)', () => {
  it('snapshots stay valid, and heal always converges to one quorate membership', () => {
    const name = fc.integer({ min: 1, max: 4 }).map((i) => `pve${i}`);
    const fault: fc.Arbitrary<SimFault> = fc.oneof(
      fc.record({ action: fc.constantFrom('stop' as const, 'shutdown' as const, 'start' as const), nodes: fc.array(name, { minLength: 1, maxLength: 3 }) }),
      fc.record({ action: fc.constantFrom('link-down' as const, 'link-up' as const), node: name, link: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }) }),
      fc.record({
        action: fc.constant('link-quality' as const),
        node: name,
        link: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
        latencyMs: fc.integer({ min: 0, max: 50 }),
        lossPct: fc.constantFrom(0, 10, 40, 100),
        jitterMs: fc.integer({ min: 0, max: 5 }),
      }),
      fc.constant({ action: 'partition', groups: [['pve1', 'pve2'], ['pve3']] } as SimFault),
      fc.constant({ action: 'scenario', name: 'flapping-link' } as SimFault),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fault, fc.integer({ min: 0, max: 9_000 })), { maxLength: 12 }), (steps) => {
        const s = sim({ nodeCount: 4 });
        for (const [f, ms] of steps) {
          s.applyFault(f);
          s.advance(ms);
          const snap = s.current()!;
          ClusterSnapshot.parse(snap);
          if (snap.quorum) expect(snap.quorum.members).toContain(snap.observer!.nodeId);
        }
        s.applyFault({ action: 'heal' });
        s.advance(60_000);
        const snap = s.current()!;
        expect(snap.partitioned).toBe(false);
        expect(snap.quorum).toMatchObject({ members: [1, 2, 3, 4], quorate: true });
        expect(snap.warnings).toEqual([]);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});

describe('sim: clock', () => {
  it('starts at wall time, however old its saved state: observedAt is a real time', async () => {
    let wall = 1_000_000;
    const first = createSimSource({ clusterId: 'c', now: () => wall, tickMs: 1000 });
    first.applyFault({ action: 'stop', nodes: ['pve3'] });
    const saved = first.exportState();
    wall += 3_600_000; // an hour later, e.g. after a BFF restart
    const resumed = createSimSource({ clusterId: 'c', now: () => wall, state: saved });
    await resumed.start();
    expect(resumed.current()!.observedAt).toBe(wall);
    // the crash fell due long ago: pve3 is gone from the membership now, not in 7.6 s
    expect(resumed.current()!.quorum!.members).toEqual([1, 2]);
    await resumed.stop();
  });
});

describe('sim: drift', () => {
  it('storage usage drifts at pvestatd pace (10 s); link latency refreshes about once a second, links out of step', () => {
    let wall = 5_000_000;
    const sim = createSimSource({ clusterId: 'c', now: () => wall, tickMs: 100 });
    const used = () => sim.current()!.storage!.flatMap((st) => st.nodes.map((n) => n.usedBytes));
    const lat = () => sim.current()!.links.map((l) => l.latencyAvgMs);
    const u0 = used();
    const perTick: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = lat();
      sim.advance(100);
      wall += 100;
      perTick.push(lat().filter((v, k) => v !== before[k]).length);
    }
    // 12 links, each refreshed once per second: a 100 ms tick changes only a few of them
    expect(Math.max(...perTick)).toBeLessThan(12);
    expect(perTick.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    sim.advance(10_000);
    expect(used()).not.toEqual(u0);
  });
});

describe('sim: storage follows membership', () => {
  it("a crashed node's storage stays as last reported until Corosync drops the node; the timeline says node left, not 'storage inactive' ×N", async () => {
    const { diffSnapshots } = await import('@quorate/model');
    let wall = 7_000_000;
    const sim = createSimSource({ clusterId: 'c', now: () => wall, tickMs: 1000 });
    const activeOn = (node: string) => sim.current()!.storage!.map((st) => st.nodes.find((n) => n.node === node)!.active);
    sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    sim.advance(1000);
    wall += 1000;
    expect(activeOn('pve3').every(Boolean)).toBe(true); // not detected yet
    const types: string[] = [];
    let prev = sim.current()!;
    sim.subscribe((s) => {
      types.push(...diffSnapshots(prev, s).map((e) => e.body.type));
      prev = s;
    });
    sim.advance(10_000);
    expect(activeOn('pve3').some(Boolean)).toBe(false);
    expect(types).toContain('node-left');
    expect(types).not.toContain('storage-state-changed');
  });
});

describe('sim: rejoin is not a partition', () => {
  it('nodes starting again join without a "partitioned / healed" pair on the timeline', async () => {
    const { diffSnapshots } = await import('@quorate/model');
    let wall = 9_000_000;
    const sim = createSimSource({ clusterId: 'c', now: () => wall, tickMs: 1000 });
    sim.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    sim.advance(10_000);
    wall += 10_000;
    expect(sim.current()!.quorum!.quorate).toBe(false);
    const types: string[] = [];
    let prev = sim.current()!;
    sim.subscribe((s) => {
      types.push(...diffSnapshots(prev, s).map((e) => e.body.type));
      prev = s;
    });
    sim.applyFault({ action: 'heal' });
    sim.advance(10_000);
    expect(sim.current()!.quorum).toMatchObject({ quorate: true, members: [1, 2, 3] });
    expect(types).toContain('quorum-regained');
    expect(types).not.toContain('partition-changed');
  });
});

describe('sim: faults in real time', () => {
  it('a fault between ticks is observed when it happens, not when the clock last moved; a refused one changes nothing', async () => {
    let wall = 9_000_000;
    const sim = createSimSource({ clusterId: 'c', now: () => wall, tickMs: 1000 });
    await sim.start();
    const seen: number[] = [];
    const off = sim.subscribe((s) => seen.push(s.observedAt));
    wall += 700; // no timer has fired (the clock still says 9_000_000)
    sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    expect(seen.at(-1)).toBe(wall);
    // a refused fault changes nothing, the clock included
    const before = JSON.stringify(sim.exportState());
    wall += 100;
    expect(() => sim.applyFault({ action: 'stop', nodes: ['pve9'] })).toThrow(/pve9/);
    expect(JSON.stringify(sim.exportState())).toBe(before);
    off();
    await sim.stop();
  });
});
