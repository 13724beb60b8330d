import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterSnapshot, diffSnapshots, joinPlan } from '@quorate/model';
import { createSimSource, SimFaultError, SIM_TASK_STEP_MS as TASK_STEP_MS, type SimOptions, type SimSource } from './index';

const T0 = 1_780_000_000_000;
const sim = (o: Partial<SimOptions> = {}) => createSimSource({ seed: 42, now: () => T0, spareCount: 2, ...o });
/** the spare's own addresses on both links: a join that passes the link checks */
const own = (s: SimSource, name: string) => ({ addresses: s.spares().find((x) => x.name === name)!.addresses.map((address, link) => ({ link, address })) });
const verdict = (s: SimSource, spare: string, request: object = own(s, spare)) => Object.fromEntries(joinPlan(s.joinFacts(spare, request)).checks.map((c) => [c.id, c.status]));
const ops = (s: SimSource, log: string[] = []) => ({ log: (l: string) => void log.push(l), sleep: async (ms: number) => s.advance(ms) });

describe('sim spares: each pre-flight failure can be set up', () => {
  it('a clean spare: nothing fails, nothing unmeasured; the even count and link advice are the only warnings', () => {
    const s = sim();
    expect(s.spares().map((x) => [x.name, x.addresses])).toEqual([
      ['pve4', ['198.18.0.14', '198.18.1.14']],
      ['pve5', ['198.18.0.15', '198.18.1.15']],
    ]);
    const plan = joinPlan(s.joinFacts('pve4', own(s, 'pve4')));
    expect(plan.canJoin).toBe(true);
    expect(plan.checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['advice-qdevice']);
    expect(plan.checks.some((c) => c.measured.startsWith('not checked'))).toBe(false);
    expect(plan.nodeid).toBe(4);
    expect([plan.after.expectedVotes, plan.after.quorum]).toEqual([4, 3]);
  });

  it.each([
    ['already clustered', { clustered: { clusterName: 'other' } }, 'not-clustered', 'fail'],
    ['Corosync port blocked', { corosyncPortBlocked: true }, 'corosync-port', 'fail'],
    ['clock 5 s ahead', { clockOffsetMs: 5000 }, 'clock-skew', 'fail'],
    ['clock 1 s behind', { clockOffsetMs: -1000 }, 'clock-skew', 'warn'],
    ['guests', { guests: 2 }, 'no-guests', 'fail'],
    ['Corosync 2', { corosyncVersion: '2.4.5' }, 'versions', 'fail'],
    ['a slow path', { latencyMs: 20 }, 'link-latency', 'fail'],
    ['a lossy path', { lossPct: 5 }, 'link-latency', 'fail'],
  ])('%s → %s %s', (_what, settings, id, status) => {
    const s = sim();
    expect(verdict(s, 'pve4')[id]).toBe('pass');
    s.applySpareFault({ action: 'spare-set', spare: 'pve4', ...settings });
    expect(verdict(s, 'pve4')[id]).toBe(status);
    expect(verdict(s, 'pve5')[id]).toBe('pass');
  });

  it('duplicate name: a spare renamed (or added) as a member fails name-unique', () => {
    const s = sim();
    s.applySpareFault({ action: 'spare-rename', spare: 'pve4', name: 'pve2' });
    expect(verdict(s, 'pve2', own(s, 'pve2'))['name-unique']).toBe('fail');
    s.applySpareFault({ action: 'spare-add', name: 'pve3' });
    expect(s.spares().at(-1)).toMatchObject({ name: 'pve3', addresses: ['198.18.0.16', '198.18.1.16'] });
    expect(verdict(s, 'pve3', own(s, 'pve3'))['name-unique']).toBe('fail');
    expect(() => s.applySpareFault({ action: 'spare-add', name: 'pve3' })).toThrow(SimFaultError);
  });

  it('QDevice on fails no-qdevice; off passes again', () => {
    const s = sim();
    s.applySpareFault({ action: 'qdevice', enabled: true });
    expect(s.current()!.qdevice).not.toBeNull();
    expect(verdict(s, 'pve4')['no-qdevice']).toBe('fail');
    s.applySpareFault({ action: 'qdevice', enabled: false });
    expect(verdict(s, 'pve4')['no-qdevice']).toBe('pass');
  });

  it('a member whose links are down does not reach the spare; a partition separates too', () => {
    const s = sim();
    s.applyFault({ action: 'link-down', node: 'pve2' });
    const facts = s.joinFacts('pve4', own(s, 'pve4'));
    expect((facts.probes as { from: string; reachable: boolean }[]).filter((p) => !p.reachable).map((p) => p.from)).toEqual(['pve2', 'pve2']);
    expect(verdict(s, 'pve4')['links-reachable']).toBe('fail');
    const p = sim();
    // the spare is in the last group (the rest of the network): pve1 alone is cut off from it
    p.applyFault({ action: 'partition', groups: [['pve1'], ['pve2', 'pve3']] });
    const cut = p.joinFacts('pve4', own(p, 'pve4'));
    expect((cut.probes as { from: string; reachable: boolean }[]).filter((x) => !x.reachable).map((x) => x.from)).toEqual(['pve1', 'pve1']);
    expect(verdict(p, 'pve4')['links-reachable']).toBe('fail');
  });

  it('no addresses on a two-link cluster fails link-set; not quorate fails quorate', () => {
    const s = sim();
    expect(verdict(s, 'pve4', {})['link-set']).toBe('fail');
    s.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    s.advance(60_000);
    expect(verdict(s, 'pve4')['quorate']).toBe('fail');
  });

  it('bad set-ups are refused whole', () => {
    const s = sim();
    expect(() => s.applySpareFault({ action: 'spare-set', spare: 'pve4', clockOffsetMs: 'soon' })).toThrow(SimFaultError);
    expect(() => s.applySpareFault({ action: 'spare-set', spare: 'pve9', guests: 1 })).toThrow(/unknown spare 'pve9'/);
    expect(() => s.joinFacts('pve4', { nodeid: -1 })).toThrow(SimFaultError);
    expect(s.spares()[0]).toMatchObject({ clockOffsetMs: 0, guests: 0 });
  });
});

describe('sim operations', () => {
  it('join of a spare into 3 nodes: the task log in order, then 4 members, expected 4, quorum 3', async () => {
    const s = sim();
    const log: string[] = [];
    const seen: ClusterSnapshot[] = [s.current()!];
    s.subscribe((x) => void seen.push(x));
    const t0 = s.now();
    await s.join('pve4', own(s, 'pve4'), ops(s, log));
    expect(log).toEqual([
      "Establishing API connection with host '198.18.0.11'",
      'Login succeeded.',
      'check cluster join API version',
      'Request addition of this node',
      'Join request OK, finishing setup locally',
      'stopping pve-cluster service',
      `backup old database to '/var/lib/pve-cluster/backup/config-${Math.floor((t0 + 3 * TASK_STEP_MS) / 1000)}.sql.gz'`,
      'waiting for quorum...OK',
      '(re)generate node files',
      'generate new node certificate',
      'merge authorized SSH keys',
      'generated new node certificate, restart pveproxy and pvedaemon services',
      "successfully added node 'pve4' to cluster.",
    ]);
    const snap = s.current()!;
    expect(() => ClusterSnapshot.parse(snap)).not.toThrow();
    expect(snap.nodes.map((n) => [n.name, n.id, n.state, n.addresses.map((a) => a.address)])).toContainEqual(['pve4', 4, 'online', ['198.18.0.14', '198.18.1.14']]);
    expect(snap.quorum).toMatchObject({ members: [1, 2, 3, 4], expectedVotes: 4, quorum: 3, totalVotes: 4, quorate: true });
    expect(snap.links).toHaveLength(4 * 3 * 2);
    expect(s.spares().map((x) => x.name)).toEqual(['pve5']);
    // the snapshots on the way: pve4 in the nodelist offline first, then online
    expect(seen.some((x) => x.nodes.find((n) => n.name === 'pve4')?.state === 'offline')).toBe(true);
    const events = seen.slice(1).flatMap((x, k) => diffSnapshots(seen[k]!, x).map((e) => e.body));
    expect(events).toContainEqual({ type: 'config-version-changed', from: 1, to: 2 });
    expect(events).toContainEqual({ type: 'node-joined', nodeId: 4, name: 'pve4', votes: 1 });
    // a 4-node cluster tolerates one loss: stopping two loses quorum
    s.applyFault({ action: 'stop', nodes: ['pve1', 'pve2'] });
    s.advance(60_000);
    expect(s.current()!.quorum).toMatchObject({ quorate: false, expectedVotes: 4 });
  });

  it('join with a node id and 2 votes; refused when a check fails, nothing changed', async () => {
    const s = sim();
    await s.join('pve4', { ...own(s, 'pve4'), nodeid: 7, votes: 2 }, ops(s));
    expect(s.current()!.quorum).toMatchObject({ expectedVotes: 5, quorum: 3, quorate: true });
    expect(s.current()!.nodes.at(-1)).toMatchObject({ name: 'pve4', id: 7, votes: 2 });
    s.applySpareFault({ action: 'spare-set', spare: 'pve5', corosyncPortBlocked: true });
    const before = s.exportState();
    await expect(s.join('pve5', own(s, 'pve5'), ops(s))).rejects.toThrow(/cannot join pve5: Corosync’s UDP port 5405 passes — UDP dropped/);
    expect(s.exportState()).toEqual(before);
  });

  it('cancelled before "Request addition of this node": nothing changed', async () => {
    const s = sim();
    const ac = new AbortController();
    const log: string[] = [];
    const before = s.exportState();
    const run = s.join('pve4', own(s, 'pve4'), { ...ops(s, log), log: (l) => (log.push(l), l === 'check cluster join API version' && ac.abort()), signal: ac.signal });
    await expect(run).rejects.toThrow(/join cancelled; nothing was changed/);
    expect(log).not.toContain('Request addition of this node');
    const after = s.exportState();
    expect({ nodelist: after.nodelist, spares: after.spares, status: after.status }).toEqual({ nodelist: before.nodelist, spares: before.spares, status: before.status });
    expect(s.current()!.nodes).toHaveLength(3);
  });

  it('one operation at a time', async () => {
    const s = sim();
    const first = s.join('pve4', own(s, 'pve4'), ops(s));
    await expect(s.join('pve5', own(s, 'pve5'), ops(s))).rejects.toThrow(/the join of pve4 is running/);
    await first;
  });

  it('create from 3 spares in a simulation without members: 3 members, quorate', async () => {
    const s = createSimSource({ seed: 7, now: () => T0, nodeCount: 0, spareCount: 3 });
    const empty = s.current()!;
    expect(() => ClusterSnapshot.parse(empty)).not.toThrow();
    expect([empty.nodes.length, empty.quorum, empty.cluster.standalone]).toEqual([0, null, true]);
    expect(s.spares().map((x) => x.name)).toEqual(['pve1', 'pve2', 'pve3']);
    const log: string[] = [];
    await s.create('lab', ['pve1', 'pve2', 'pve3'], ops(s, log));
    const snap = s.current()!;
    expect(snap.cluster).toMatchObject({ name: 'lab' });
    expect(snap.cluster.standalone).toBeUndefined();
    expect(snap.nodes.map((n) => [n.name, n.id, n.state])).toEqual([
      ['pve1', 1, 'online'],
      ['pve2', 2, 'online'],
      ['pve3', 3, 'online'],
    ]);
    expect(snap.quorum).toMatchObject({ quorate: true, expectedVotes: 3, quorum: 2, members: [1, 2, 3] });
    expect(log.filter((l) => l.startsWith('successfully added node'))).toHaveLength(2);
    expect(s.spares()).toEqual([]);
    await expect(s.create('again', ['pve1'], ops(s))).rejects.toThrow(/already has a cluster/);
  });

  it('create refuses a bad name, an unknown spare and a clustered first node', async () => {
    const s = createSimSource({ seed: 7, now: () => T0, nodeCount: 0, spareCount: 2 });
    await expect(s.create('a name', ['pve1'], ops(s))).rejects.toThrow(SimFaultError);
    await expect(s.create('lab', ['pve9'], ops(s))).rejects.toThrow(/unknown spare/);
    s.applySpareFault({ action: 'spare-set', spare: 'pve1', clustered: { clusterName: 'old' } });
    await expect(s.create('lab', ['pve1'], ops(s))).rejects.toThrow("cluster config '/etc/pve/corosync.conf' already exists");
    await expect(s.create('lab', ['pve2', 'pve1'], ops(s))).rejects.toThrow('cannot join the other nodes: pve1 is in cluster old');
    expect(s.current()!.nodes).toHaveLength(0);
  });

  it('delnode: refused while online and without quorum; after a shutdown the node leaves, expected 3 → 2, and it is a spare with the old configuration', async () => {
    const s = sim({ nodeCount: 3 });
    await expect(s.delnode('pve3', ops(s))).rejects.toThrow(/pve3 is online: power it off for good first/);
    await expect(s.delnode('pve9', ops(s))).rejects.toThrow('Node/IP: pve9 is not a known host of the cluster.');
    s.applyFault({ action: 'shutdown', nodes: ['pve3'] });
    s.advance(10_000);
    const log: string[] = [];
    await s.delnode('pve3', ops(s, log));
    expect(log).toEqual(['Killing node 3', 'Could not kill node (error = CS_ERR_NOT_EXIST)']);
    const snap = s.current()!;
    expect(snap.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2']);
    expect(snap.quorum).toMatchObject({ expectedVotes: 2, quorate: true });
    expect(s.spares().find((x) => x.name === 'pve3')).toMatchObject({ clustered: { clusterName: 'lab-cluster' }, addresses: ['198.18.0.13', '198.18.1.13'] });
    expect(verdict(s, 'pve3')['not-clustered']).toBe('fail');
    // a stopped node and a lost quorum: delnode needs quorum
    s.applyFault({ action: 'stop', nodes: ['pve2'] });
    s.advance(60_000);
    await expect(s.delnode('pve2', ops(s))).rejects.toThrow('cluster not ready - no quorum?');
  });

  it('spares and the nodelist survive export and resume', async () => {
    const s = sim();
    await s.join('pve4', own(s, 'pve4'), ops(s));
    s.applySpareFault({ action: 'spare-set', spare: 'pve5', clockOffsetMs: 900 });
    const r = createSimSource({ state: s.exportState(), now: () => s.now() });
    expect(r.current()!.nodes.map((n) => [n.name, n.state])).toEqual(s.current()!.nodes.map((n) => [n.name, n.state]));
    expect(r.current()!.quorum).toMatchObject({ expectedVotes: 4, quorate: true });
    expect(r.spares()).toEqual(s.spares());
    expect(verdict(r, 'pve5')['clock-skew']).toBe('warn');
  });

  it('delnode of the lowest node, then the old machine reinstalled under a new name joins: ids 2, 3, 4, 1 and a valid, quorate snapshot', async () => {
    const s = sim({ spareCount: 1 });
    await s.join('pve4', own(s, 'pve4'), ops(s));
    s.applyFault({ action: 'shutdown', nodes: ['pve1'] });
    s.advance(10_000);
    await s.delnode('pve1', ops(s));
    expect(s.current()!.quorum).toMatchObject({ members: [2, 3, 4], expectedVotes: 3, quorate: true });
    // reinstalled: clean, and renamed
    s.applySpareFault({ action: 'spare-set', spare: 'pve1', clustered: null });
    s.applySpareFault({ action: 'spare-rename', spare: 'pve1', name: 'pve1b' });
    expect(joinPlan(s.joinFacts('pve1b', own(s, 'pve1b'))).nodeid).toBe(1);
    await s.join('pve1b', own(s, 'pve1b'), ops(s));
    const snap = s.current()!;
    expect(() => ClusterSnapshot.parse(snap)).not.toThrow();
    expect(snap.nodes.map((n) => [n.id, n.name, n.state])).toEqual([
      [1, 'pve1b', 'online'],
      [2, 'pve2', 'online'],
      [3, 'pve3', 'online'],
      [4, 'pve4', 'online'],
    ]);
    expect(snap.quorum).toMatchObject({ members: [1, 2, 3, 4], expectedVotes: 4, quorum: 3, quorate: true });
    expect(snap.cluster.configVersion).toBe(4);
    // faults still find the nodes by name after the indices moved
    s.applyFault({ action: 'stop', nodes: ['pve4'] });
    s.advance(60_000);
    expect(s.current()!.quorum).toMatchObject({ members: [1, 2, 3], quorate: true });
  });

  it('create and delnode cancelled before they change anything', async () => {
    const s = createSimSource({ seed: 7, now: () => T0, nodeCount: 0, spareCount: 2 });
    const ac = new AbortController();
    ac.abort();
    await expect(s.create('lab', ['pve1', 'pve2'], { ...ops(s), signal: ac.signal })).rejects.toThrow(/create cancelled/);
    expect([s.current()!.nodes.length, s.spares().length]).toEqual([0, 2]);
    const d = sim();
    d.applyFault({ action: 'shutdown', nodes: ['pve3'] });
    await expect(d.delnode('pve3', { ...ops(d), signal: ac.signal })).rejects.toThrow(/delnode cancelled/);
    expect(d.current()!.nodes).toHaveLength(3);
  });

  describe('on real timers (the sim started, as in npm start)', () => {
    afterEach(() => void vi.useRealTimers());
    it('a join with the default sleep: lines a step apart on the wall clock, pve4 online at the end', async () => {
      vi.useFakeTimers({ now: T0 });
      const s = createSimSource({ seed: 42, spareCount: 1 });
      await s.start();
      const at: number[] = [];
      const run = s.join('pve4', own(s, 'pve4'), { log: () => void at.push(Date.now()) });
      await vi.advanceTimersByTimeAsync(30_000);
      await run;
      expect(at[1]! - at[0]!).toBe(TASK_STEP_MS);
      expect(s.current()!.quorum).toMatchObject({ members: [1, 2, 3, 4], quorate: true });
      await s.stop();
    });

    it('through the capabilities the BFF uses: candidates, facts, create with given addresses, join, delnode', async () => {
      vi.useFakeTimers({ now: T0 });
      const s = createSimSource({ seed: 42, nodeCount: 0, spareCount: 4, linkCount: 1 });
      await s.start();
      const { join, create, delnode } = s.capabilities;
      expect(await join!.candidates()).toEqual([1, 2, 3, 4].map((h) => ({ name: `pve${h}`, addresses: [{ link: 0, address: `198.18.0.${h + 10}` }] })));
      const log: string[] = [];
      const io = { log: (l: string) => void log.push(l), signal: new AbortController().signal };
      const made = create!.create({ clusterName: 'lab', nodes: [{ name: 'pve1', addresses: [{ link: 0, address: '198.18.0.11' }] }, { name: 'pve2' }] }, io);
      await vi.advanceTimersByTimeAsync(60_000);
      await made;
      // one link: no addresses given falls back to the node's own address, as pvecm does
      const facts = await join!.joinFacts({ name: 'pve3', password: 'not used by the sim' });
      expect(joinPlan(facts).canJoin).toBe(true);
      const joined = join!.join({ name: 'pve3' }, io);
      await vi.advanceTimersByTimeAsync(60_000);
      await joined;
      expect(log).toContain("No cluster network links passed explicitly, fallback to local node IP '198.18.0.13'");
      expect(s.current()!.quorum).toMatchObject({ members: [1, 2, 3], expectedVotes: 3, quorate: true });
      s.applyFault({ action: 'shutdown', nodes: ['pve3'] });
      const removed = delnode!.delnode('pve3', io);
      await vi.advanceTimersByTimeAsync(1_000);
      await removed;
      expect(s.current()!.nodes.map((n) => n.name)).toEqual(['pve1', 'pve2']);
      await s.stop();
    });
  });
});
