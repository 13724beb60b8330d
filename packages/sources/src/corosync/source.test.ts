import { ClusterSnapshot } from '@quorate/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunnerError } from '../runners';
import { FakeCorosync, fixture, knetStats, trackingLines } from './fake-corosync.test-helper';
import { createCorosyncSource, type CorosyncSource } from './source';
import { CONFIG_MAX_AGE_MS, STOP_GRACE_MS } from './node';
import { createLabSource } from '../lab/source';
import { HOLD_MS, SETTLE_MS, expectedDropMs } from './warnings';

const Q3 = [1, 2, 3].map((n) => fixture(`quorumtool-s__quorate-3of3__node${n}.txt`));
const Q2OF3_N1 = fixture('quorumtool-s__quorate-2of3__node3-sigkill__node1.txt');
const ALONE_N1 = fixture('quorumtool-s__inquorate-1of3__node2-node3-sigstopped__node1.txt');
/** captured on the lab after a runtime add (nodelist + config_version, corosync-cfgtool -R) and pve4's start */
const Q4_N1 = fixture('quorumtool-s__quorate-4of4__after-runtime-add-reload__node1.txt');
/** node 1's cmap after that add: the 3-node capture with pve4 appended to the nodelist */
const CMAP4 = fixture('cmapctl-full-icmap__3of3__node1.txt').replace(
  'nodelist.node.2.ring0_addr (str) = 198.18.0.13\n',
  'nodelist.node.2.ring0_addr (str) = 198.18.0.13\nnodelist.node.3.name (str) = pve4\nnodelist.node.3.nodeid (u32) = 4\nnodelist.node.3.quorum_votes (u32) = 1\nnodelist.node.3.ring0_addr (str) = 198.18.0.14\n',
);
/** the 3-node cmap without pve3 (removed elsewhere: pvecm delnode) */
const CMAP2 = fixture('cmapctl-full-icmap__3of3__node1.txt').replace(/^nodelist\.node\.2\..*\n/gm, '');

/** node 1's report as node `id` would print it (the same membership, another local row). */
function seenBy(report: string, id: number): string {
  return report
    .replace(/^Node ID:(\s+)\d+$/m, `Node ID:$1${id}`)
    .replace(' (local)', '')
    .replace(new RegExp(`^(\\s+${id}\\s+\\d+ pve${id})$`, 'm'), '$1 (local)');
}

interface Rig {
  source: CorosyncSource;
  nodes: FakeCorosync[];
  snaps: ClusterSnapshot[];
  logs: string[];
}

async function rig(): Promise<Rig> {
  const nodes = [1, 2, 3].map((id) => new FakeCorosync(id, Q3[id - 1]!));
  const logs: string[] = [];
  const source = createCorosyncSource({
    clusterId: 'c1',
    kind: 'ssh',
    nodes: nodes.map((r, i) => ({ name: `pve${i + 1}`, runner: r })),
    log: (l) => logs.push(l),
  });
  const snaps: ClusterSnapshot[] = [];
  source.subscribe((s) => snaps.push(ClusterSnapshot.parse(s)));
  await source.start();
  await vi.advanceTimersByTimeAsync(0);
  return { source, nodes, snaps, logs };
}

const last = (r: Rig) => {
  const s = r.snaps.at(-1);
  if (!s) throw new Error('no snapshot yet');
  return s;
};
const view = (s: ClusterSnapshot, name: string) => s.views.find((v) => v.name === name)!;
const nodeState = (s: ClusterSnapshot, name: string) => s.nodes.find((n) => n.name === name)?.state;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-25T22:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createCorosyncSource over captured Corosync output', () => {
  it('starts with 3/3 quorate, the config from cmap and one view per node', async () => {
    const r = await rig();
    const s = last(r);
    expect(s.source).toBe('ssh');
    expect(s.observer).toEqual({ nodeId: 1, name: 'pve1' });
    expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 3, expectedVotes: 3, quorum: 2, members: [1, 2, 3] });
    expect(s.cluster).toMatchObject({ name: 'lab', configVersion: 1, transport: 'knet', secureAuth: true, tokenMs: 3000, runtimeTokenMs: 3650 });
    expect(s.nodes.map((n) => [n.name, n.state])).toEqual([
      ['pve1', 'online'],
      ['pve2', 'online'],
      ['pve3', 'online'],
    ]);
    expect(s.views.map((v) => [v.name, v.reachable])).toEqual([
      ['pve1', true],
      ['pve2', true],
      ['pve3', true],
    ]);
    expect(s.storage).toBeNull();
    expect(s.qdevice).toBeNull();
    expect(s.partitioned).toBe(false);
    // one link per ordered pair, latency converted from microseconds
    expect(s.links).toHaveLength(6);
    expect(s.links[0]).toMatchObject({ from: 1, to: 2, link: 0, connected: true, latencyAvgMs: 1.5 });
    expect(r.source.health()).toMatchObject({ state: 'ok', message: null });
    // exactly one watcher per node
    expect(r.nodes.map((n) => n.streams.length)).toEqual([1, 1, 1]);
    expect(r.nodes[0]!.streams[0]!.args).toEqual(['-oL', 'corosync-quorumtool', '-m']);
    await r.source.stop();
  });

  it('a member the nodelist does not hold (a node joined after it was read): the nodelist is read again', async () => {
    const r = await rig();
    const n1 = r.nodes[0]!;
    expect(CMAP4).toContain('nodelist.node.3.name (str) = pve4');
    // the reload happened after the source read the nodelist; then pve4 comes up and joins
    n1.config = CMAP4;
    const reads = () => n1.calls.filter((c) => c.startsWith('corosync-cmapctl totem.')).length;
    const before = reads();
    n1.change(Q4_N1);
    await vi.advanceTimersByTimeAsync(0);
    expect(reads()).toBe(before + 1);
    const s = last(r);
    expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 4, expectedVotes: 4, quorum: 3, members: [1, 2, 3, 4] });
    expect(s.nodes.map((n) => [n.name, n.state])).toEqual([
      ['pve1', 'online'],
      ['pve2', 'online'],
      ['pve3', 'online'],
      ['pve4', 'online'],
    ]);
    await r.source.stop();
  });

  it('a node removed elsewhere (no membership change of the watched nodes): gone within CONFIG_MAX_AGE_MS', async () => {
    const r = await rig();
    for (const n of r.nodes) n.config = CMAP2;
    expect(last(r).nodes.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3']);
    await vi.advanceTimersByTimeAsync(CONFIG_MAX_AGE_MS + 5_000 + 100);
    expect(last(r).nodes.map((n) => n.name)).toEqual(['pve1', 'pve2']);
    await r.source.stop();
  });

  it('3/3 -> pve3 gone (2/3 quorate) -> pve1 isolated and inquorate, each -m block emitted at once', async () => {
    const r = await rig();
    const [n1, n2, n3] = r.nodes as [FakeCorosync, FakeCorosync, FakeCorosync];

    // pve3's Corosync dies: its watcher ends, its tools cannot connect
    n3.mode = { kind: 'dead' };
    n3.liveStream!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    await vi.advanceTimersByTimeAsync(0);
    expect(view(last(r), 'pve3')).toMatchObject({ reachable: false, quorum: null, reason: 'no Corosync running (Cannot initialize CMAP service)' });

    const before = r.snaps.length;
    n1.change(Q2OF3_N1);
    // no timer advanced: the snapshot went out synchronously with the block's closing line
    expect(r.snaps.length).toBe(before + 1);
    let s = last(r);
    expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 2, quorum: 2, members: [1, 2] });
    expect(nodeState(s, 'pve3')).toBe('offline');
    expect(s.nodes.find((n) => n.name === 'pve3')?.since).toBe(Date.now());
    // pve2 has not reported yet: its view lags, which is not a partition (pve2 still counts pve1 in)
    expect(s.partitioned).toBe(false);
    n2.change(seenBy(Q2OF3_N1, 2));
    expect(last(r).partitioned).toBe(false);
    expect(r.source.health()).toMatchObject({ state: 'degraded', message: 'pve3: no Corosync running (Cannot initialize CMAP service)' });

    // pve2 freezes: its watcher goes silent, its tools hang; pve1 ends up alone
    n2.mode = { kind: 'hang' };
    n1.change(ALONE_N1);
    s = last(r);
    expect(s.quorum).toMatchObject({ quorate: false, totalVotes: 1, quorum: 2, members: [1] });
    expect(nodeState(s, 'pve2')).toBe('offline');
    await vi.advanceTimersByTimeAsync(1_000 + 3_000 + 50);
    s = last(r);
    expect(view(s, 'pve2')).toMatchObject({ reachable: false, quorum: null, reason: 'timeout after 3 s (Corosync frozen or overloaded?)' });
    expect(s.observer?.name).toBe('pve1');
    expect(r.source.health().state).toBe('degraded');
    await r.source.stop();
  });

  it('replays the captured -m stream of a link-down: 3/3 -> 2/3 -> 3/3', async () => {
    const r = await rig();
    const n1 = r.nodes[0]!;
    const stream = n1.liveStream!;
    const lines = trackingLines('sample.default.linkdown.quorumtool-m.txt').filter((l) => l.rep === 'rep1');
    const seen: number[][] = [];
    r.source.subscribe((s) => seen.push(s.quorum?.members ?? []));
    for (const { line } of lines) stream.lines(`${line}\n`);
    expect(seen).toEqual([
      [1, 2],
      [1, 2, 3],
    ]);
    expect(last(r).quorum?.ringId).toBe('1.11');
    await r.source.stop();
  });

  it('warns when every knet link to a member is down, and clears it when a link returns first', async () => {
    const r = await rig();
    const n1 = r.nodes[0]!;
    // the observer has watched the links for a while (a new observer's first samples tell no history)
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    n1.knet = knetStats(1, [
      { nodeId: 2, connected: true },
      { nodeId: 3, connected: false, downCount: 1 },
    ]);
    await vi.advanceTimersByTimeAsync(260);
    const downAt = Date.now();
    // one sample is not yet a warning: the condition must hold for HOLD_MS
    expect(last(r).warnings).toEqual([]);
    await vi.advanceTimersByTimeAsync(HOLD_MS);
    let s = last(r);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatchObject({
      nodeId: 3,
      name: 'pve3',
      expectedDropInMs: expectedDropMs(3650),
      quorateAfterDrop: true,
      totalVotesAfterDrop: 2,
      expectedVotesAfterDrop: 3,
    });
    expect(expectedDropMs(3650)).toBeGreaterThan(5_000);
    expect(s.links.find((l) => l.from === 1 && l.to === 3)).toMatchObject({ connected: false, downCount: 1 });
    // since stays put across samples
    await vi.advanceTimersByTimeAsync(1_000);
    expect(last(r).warnings[0]?.since).toBeLessThanOrEqual(downAt);

    n1.knet = knetStats(1, [
      { nodeId: 2, connected: true },
      { nodeId: 3, connected: true, downCount: 1 },
    ]);
    await vi.advanceTimersByTimeAsync(260);
    s = last(r);
    expect(s.warnings).toEqual([]);
    expect(nodeState(s, 'pve3')).toBe('online');
    await r.source.stop();
  });

  it('replaces the warning by the membership change when Corosync drops the node', async () => {
    const r = await rig();
    const [n1, n2] = r.nodes as [FakeCorosync, FakeCorosync];
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    n1.knet = knetStats(1, [
      { nodeId: 2, connected: true },
      { nodeId: 3, connected: false },
    ]);
    await vi.advanceTimersByTimeAsync(260 + HOLD_MS);
    expect(last(r).warnings.map((w) => w.nodeId)).toEqual([3]);
    n1.change(Q2OF3_N1);
    n2.change(seenBy(Q2OF3_N1, 2));
    const s = last(r);
    expect(s.warnings).toEqual([]);
    expect(nodeState(s, 'pve3')).toBe('offline');
    await r.source.stop();
  });

  it('a timed-out observer leaves: its view turns unreachable, the next node leads, it stays a member', async () => {
    const r = await rig();
    const n1 = r.nodes[0]!;
    n1.mode = { kind: 'hang' };
    await vi.advanceTimersByTimeAsync(250 + 3_000 + 50);
    const s = last(r);
    expect(s.observer).toEqual({ nodeId: 2, name: 'pve2' });
    expect(s.views[0]?.name).toBe('pve2');
    const v1 = view(s, 'pve1');
    expect(v1).toMatchObject({ reachable: false, quorum: null, reason: 'timeout after 3 s (Corosync frozen or overloaded?)' });
    // the age of what we knew: observedAt is the last good contact, not now
    expect(v1.observedAt).toBeLessThan(s.observedAt);
    // pve2 still counts pve1 as a member until Corosync says otherwise
    expect(nodeState(s, 'pve1')).toBe('online');
    expect(s.quorum?.members).toEqual([1, 2, 3]);
    expect(r.logs).toContain('observer: pve1 -> pve2 (quorate, 3 members)');

    // thawed: the next poll answers and the view is asked again; pve2 keeps leading (an equal view does
    // not take over: no flapping, and a thawed node's first knet samples say nothing yet)
    n1.mode = { kind: 'ok' };
    await vi.advanceTimersByTimeAsync(1_100);
    expect(last(r).observer?.name).toBe('pve2');
    expect(view(last(r), 'pve1').reachable).toBe(true);
    await r.source.stop();
  });

  it('restarts the -m watcher with backoff after it exits', async () => {
    const r = await rig();
    const n2 = r.nodes[1]!;
    n2.streams[0]!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    await vi.advanceTimersByTimeAsync(0);
    expect(view(last(r), 'pve2').reachable).toBe(false);
    expect(n2.streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(n2.streams).toHaveLength(2);
    expect(view(last(r), 'pve2').reachable).toBe(true);
    // a Corosync that stays away: restarts back off (200, 400, 800 ... ms), not a tight loop
    n2.mode = { kind: 'dead' };
    n2.liveStream!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    await vi.advanceTimersByTimeAsync(10_000);
    const starts = n2.streams.length;
    expect(starts).toBeGreaterThan(3);
    expect(starts).toBeLessThan(12);
    n2.mode = { kind: 'ok' };
    await vi.advanceTimersByTimeAsync(6_000);
    expect(n2.liveStream).toBeDefined();
    expect(view(last(r), 'pve2').reachable).toBe(true);
    await r.source.stop();
    expect(r.nodes.every((n) => n.liveStream === undefined)).toBe(true);
  });

  it('marks a node unreachable on unexpected output, without quoting it', async () => {
    const r = await rig();
    const n2 = r.nodes[1]!;
    n2.liveStream!.block('Quorum information\n------------------\nDate: x\nQuorum provider:  corosync_votequorum\nNodes: lots SECRET=hunter2\n\nMembership information\n----------------------\n    Nodeid      Votes Name\n');
    const v = view(last(r), 'pve2');
    expect(v.reachable).toBe(false);
    expect(v.reason).toMatch(/^unexpected output: /);
    expect(JSON.stringify(last(r))).not.toContain('hunter2');
    expect(r.logs.join('\n')).not.toContain('hunter2');
    await r.source.stop();
  });

  it('says why SSH nodes cannot be asked, and is down when none can', async () => {
    const r = await rig();
    const [n1, n2, n3] = r.nodes as [FakeCorosync, FakeCorosync, FakeCorosync];
    n1.mode = { kind: 'error', error: new RunnerError('host-key-mismatch', 'HOST KEY MISMATCH', 'ssh root@a') };
    n2.mode = { kind: 'error', error: new RunnerError('auth-failed', 'refused', 'ssh root@b') };
    n3.mode = { kind: 'error', error: new RunnerError('unreachable', 'no route', 'ssh root@c') };
    await vi.advanceTimersByTimeAsync(1_100);
    const s = last(r);
    expect(s.views.map((v) => [v.name, v.reason])).toEqual([
      ['pve1', 'host key mismatch'],
      ['pve2', 'auth failed'],
      ['pve3', 'unreachable'],
    ]);
    expect(s.observer).toBeNull();
    expect(s.quorum).toBeNull();
    expect(s.nodes.every((n) => n.state === 'unknown')).toBe(true);
    expect(r.source.health()).toMatchObject({ state: 'down', message: 'pve1: host key mismatch; pve2: auth failed; pve3: unreachable' });
    await r.source.stop();
  });

  it('does the same work whatever the number of subscribers', async () => {
    const count = async (subscribers: number) => {
      const r = await rig();
      for (let i = 0; i < subscribers; i++) r.source.subscribe(() => {});
      const before = r.nodes.reduce((s, n) => s + n.calls.length, 0);
      await vi.advanceTimersByTimeAsync(5_000);
      const calls = r.nodes.reduce((s, n) => s + n.calls.length, 0) - before;
      await r.source.stop();
      return calls;
    };
    const one = await count(1);
    expect(one).toBeGreaterThan(0);
    expect(await count(100)).toBe(one);
  });

  it('reports the QDevice the observer shows', async () => {
    const n1 = new FakeCorosync(1, fixture('quorumtool-s__qdevice__2nodes-plus-qnetd__node1.txt'));
    const source = createCorosyncSource({ clusterId: 'q', kind: 'ssh', nodes: [{ name: 'pve1', runner: n1 }] });
    await source.start();
    const s = ClusterSnapshot.parse(source.current());
    expect(s.qdevice).toMatchObject({ votes: 1, state: 'connected', castsVote: true });
    expect(s.quorum?.flags).toContain('Qdevice');
    await source.stop();
  });
});

describe('stopping a watcher that ignores SIGTERM', () => {
  it('SIGKILL after the grace: stop() ends instead of waiting forever', async () => {
    const n1 = new FakeCorosync(1, fixture('quorumtool-s__qdevice__2nodes-plus-qnetd__node1.txt'));
    n1.ignoresTerm = true;
    const source = createCorosyncSource({ clusterId: 'q', kind: 'ssh', nodes: [{ name: 'pve1', runner: n1 }] });
    await source.start();
    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(STOP_GRACE_MS - 1);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await stopping;
    expect(n1.streams.at(-1)!.signals).toEqual(['SIGTERM', 'SIGKILL']);
  });
});

describe('createLabSource', () => {
  it('says how to start a lab when none runs', async () => {
    await expect(createLabSource('qnolab9')).rejects.toThrow(/sudo npm run lab -- up --nodes 3/);
  });
});

describe('createCorosyncSource in poll mode (the Proxmox GUI model)', () => {
  async function pollRig(pollMs = 3_000): Promise<Rig> {
    const nodes = [1, 2, 3].map((id) => new FakeCorosync(id, Q3[id - 1]!));
    const logs: string[] = [];
    const source = createCorosyncSource({
      clusterId: 'c1',
      kind: 'ssh',
      mode: 'poll',
      pollMs,
      nodes: nodes.map((r, i) => ({ name: `pve${i + 1}`, runner: r })),
      log: (l) => logs.push(l),
    });
    const snaps: ClusterSnapshot[] = [];
    source.subscribe((s) => snaps.push(ClusterSnapshot.parse(s)));
    await source.start();
    await vi.advanceTimersByTimeAsync(0);
    return { source, nodes, snaps, logs };
  }
  const statusCalls = (n: FakeCorosync) => n.calls.filter((c) => c === 'corosync-quorumtool -s').length;

  it('starts no -m watcher and no knet poll; asks every node with -s every pollMs', async () => {
    const r = await pollRig();
    expect(r.source.mode).toBe('poll');
    expect(last(r).quorum).toMatchObject({ quorate: true, members: [1, 2, 3] });
    expect(r.nodes.map((n) => statusCalls(n))).toEqual([1, 1, 1]);
    await vi.advanceTimersByTimeAsync(3_000 * 4 + 10);
    expect(r.nodes.map((n) => statusCalls(n))).toEqual([5, 5, 5]);
    for (const n of r.nodes) {
      expect(n.streams).toHaveLength(0);
      expect(n.calls.some((c) => c.startsWith('corosync-cmapctl -m'))).toBe(false);
      expect(n.calls.some((c) => c.startsWith('stream'))).toBe(false);
    }
    // no knet: no link matrix, and no early warning even when knet would report a link down
    r.nodes[0]!.knet = knetStats(1, [
      { nodeId: 2, connected: true },
      { nodeId: 3, connected: false },
    ]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(last(r).links).toEqual([]);
    expect(last(r).warnings).toEqual([]);
    await r.source.stop();
  });

  it('sees a membership change only at the next poll, then emits it once', async () => {
    const r = await pollRig();
    const [n1, n2, n3] = r.nodes as [FakeCorosync, FakeCorosync, FakeCorosync];
    await vi.advanceTimersByTimeAsync(1_000);
    const before = r.snaps.length;
    n3.mode = { kind: 'dead' };
    n1.status = Q2OF3_N1;
    n2.status = seenBy(Q2OF3_N1, 2);
    // no watcher pushes it: nothing until the poll 2 s later
    await vi.advanceTimersByTimeAsync(1_900);
    expect(r.snaps.length).toBe(before);
    expect(last(r).quorum?.members).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(150);
    const s = last(r);
    expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 2, members: [1, 2] });
    expect(nodeState(s, 'pve3')).toBe('offline');
    expect(view(s, 'pve3')).toMatchObject({ reachable: false, reason: 'no Corosync running (Cannot initialize CMAP service)' });
    // unchanged answers on later polls do not produce a snapshot per node per poll
    const after = r.snaps.length;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(r.snaps.length - after).toBeLessThanOrEqual(1);
    await r.source.stop();
  });

  it('a frozen node times out on its poll and is back at the first poll after it thaws', async () => {
    const r = await pollRig();
    const n2 = r.nodes[1]!;
    n2.mode = { kind: 'hang' };
    await vi.advanceTimersByTimeAsync(3_000 + 3_000 + 50);
    expect(view(last(r), 'pve2')).toMatchObject({ reachable: false, reason: 'timeout after 3 s (Corosync frozen or overloaded?)' });
    n2.mode = { kind: 'ok' };
    await vi.advanceTimersByTimeAsync(3_000);
    expect(view(last(r), 'pve2').reachable).toBe(true);
    expect(n2.streams).toHaveLength(0);
    await r.source.stop();
    // stopped: no more polls
    const calls = statusCalls(n2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(statusCalls(n2)).toBe(calls);
  });

  it('rejects a poll interval below 100 ms', () => {
    expect(() => createCorosyncSource({ clusterId: 'x', kind: 'ssh', mode: 'poll', pollMs: 10, nodes: [{ name: 'pve1', runner: new FakeCorosync(1, Q3[0]!) }] })).toThrow(/pollMs/);
  });
});
