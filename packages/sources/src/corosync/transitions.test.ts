// Issue 8, "Transitions: never say what Corosync did not": the corosync source over synthesized
// N-node reports (the shape of the captured fixtures), driven through the moments that used to go
// wrong — a restarting lowest-id node, a split with the lowest id on the minority side, answers that
// cross, a lossy link, an auto_tie_breaker split.
import { ClusterSnapshot, carryForwardKnown, diffSnapshots, type EventDraft } from '@quorate/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeCorosync, knetStats, type KnetPeer } from './fake-corosync.test-helper';
import { createCorosyncSource, type CorosyncSource } from './source';
import { HOLD_MS, SETTLE_MS } from './warnings';

interface Report {
  nodeId: number;
  ring: string;
  members: number[];
  expected?: number;
  quorum?: number;
  quorate?: boolean;
  flags?: string[];
  votes?: Record<number, number>;
}

/** `corosync-quorumtool -s` as node `nodeId` prints it */
function report(r: Report): string {
  const votes = (id: number) => r.votes?.[id] ?? 1;
  const total = r.members.reduce((s, id) => s + votes(id), 0);
  const expected = r.expected ?? 5;
  const quorum = r.quorum ?? Math.floor(expected / 2) + 1;
  const quorate = r.quorate ?? total >= quorum;
  const flags = [...(quorate ? ['Quorate'] : []), ...(r.flags ?? [])];
  const rows = r.members.map((id) => `${String(id).padStart(10)} ${String(votes(id)).padStart(10)} pve${id}${id === r.nodeId ? ' (local)' : ''}`);
  return [
    'Quorum information',
    '------------------',
    'Date:             Tue Dec  1 03:00:00 2026',
    'Quorum provider:  corosync_votequorum',
    `Nodes:            ${r.members.length}`,
    `Node ID:          ${r.nodeId}`,
    `Ring ID:          ${r.ring}`,
    `Quorate:          ${quorate ? 'Yes' : 'No'}`,
    '',
    'Votequorum information',
    '----------------------',
    `Expected votes:   ${expected}`,
    `Highest expected: ${expected}`,
    `Total votes:      ${total}`,
    `Quorum:           ${quorum}  `,
    `Flags:            ${flags.join(' ')} `,
    '',
    'Membership information',
    '----------------------',
    '    Nodeid      Votes Name',
    ...rows,
    '',
  ].join('\n');
}

/** the cmap config of an n-node cluster (the keys the source reads) */
function cmapConfig(n: number, quorum: Record<string, string> = {}, votes: Record<number, number> = {}): string {
  const lines = ['quorum.provider (str) = corosync_votequorum', 'runtime.config.totem.token (u32) = 1650', 'totem.cluster_name (str) = lab', 'totem.config_version (u64) = 1', 'totem.token (u32) = 1000', 'totem.transport (str) = knet'];
  for (const [k, v] of Object.entries(quorum)) lines.push(`quorum.${k} (u32) = ${v}`);
  for (let i = 0; i < n; i++) {
    lines.push(`nodelist.node.${i}.name (str) = pve${i + 1}`, `nodelist.node.${i}.nodeid (u32) = ${i + 1}`, `nodelist.node.${i}.quorum_votes (u32) = ${votes[i + 1] ?? 1}`, `nodelist.node.${i}.ring0_addr (str) = 198.18.0.${11 + i}`);
  }
  return `${lines.sort().join('\n')}\n`;
}

interface Rig {
  source: CorosyncSource;
  nodes: FakeCorosync[];
  snaps: ClusterSnapshot[];
  events: EventDraft[];
  logs: string[];
}

async function rig(n: number, opts: { quorum?: Record<string, string>; votes?: Record<number, number>; expected?: number; flags?: string[] } = {}): Promise<Rig> {
  const all = Array.from({ length: n }, (_, i) => i + 1);
  const nodes = all.map((id) => {
    const f = new FakeCorosync(id, report({ nodeId: id, ring: '1.10', members: all, expected: opts.expected ?? n, flags: opts.flags ?? [], ...(opts.votes ? { votes: opts.votes } : {}) }));
    f.config = cmapConfig(n, opts.quorum, opts.votes);
    f.knet = knetStats(id, all.filter((x) => x !== id).map((x) => ({ nodeId: x, connected: true })));
    return f;
  });
  const logs: string[] = [];
  const source = createCorosyncSource({ clusterId: 'c1', kind: 'lab', nodes: nodes.map((r, i) => ({ name: `pve${i + 1}`, nodeId: i + 1, runner: r })), log: (l) => logs.push(l) });
  const snaps: ClusterSnapshot[] = [];
  const events: EventDraft[] = [];
  let baseline: ClusterSnapshot | null = null;
  source.subscribe((s) => {
    const snap = ClusterSnapshot.parse(s);
    snaps.push(snap);
    // what the collector does: diff against the carried-forward baseline
    events.push(...diffSnapshots(baseline, snap));
    baseline = carryForwardKnown(baseline, snap);
  });
  await source.start();
  await vi.advanceTimersByTimeAsync(0);
  return { source, nodes, snaps, events, logs };
}

const last = (r: Rig) => r.snaps.at(-1)!;
const types = (events: EventDraft[]) => events.map((e) => e.body.type);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-01T03:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a restart of the lowest-id node', () => {
  it('its fresh ring of one neither leads nor counts as a partition: no quorum-lost, node-left or partition event', async () => {
    const r = await rig(5);
    const [n1, ...rest] = r.nodes as [FakeCorosync, ...FakeCorosync[]];
    expect(last(r).observer?.name).toBe('pve1');
    const quorate: boolean[] = [];
    r.source.subscribe((s) => quorate.push(s.quorum?.quorate ?? false));

    // pve1 stops cleanly: the others see it leave at once (a real node-left)
    n1.mode = { kind: 'dead' };
    n1.liveStream!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    rest.forEach((f, i) => f.change(report({ nodeId: i + 2, ring: '2.14', members: [2, 3, 4, 5] })));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(last(r).observer?.name).toBe('pve2');
    const before = r.events.length;

    // pve1 starts: its Corosync forms a ring of its own first (ring 1.18), then merges (ring 1.1c)
    n1.mode = { kind: 'ok' };
    n1.status = report({ nodeId: 1, ring: '1.18', members: [1] });
    // the watcher restarts with backoff and reports the ring of one
    const alone = () => last(r).views.find((v) => v.name === 'pve1')?.quorum?.members.length === 1;
    for (let i = 0; i < 50 && !alone(); i++) await vi.advanceTimersByTimeAsync(100);
    expect(alone()).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000); // merging takes a few seconds (within the join grace)
    expect(last(r).observer?.name).toBe('pve2');
    expect(last(r).partitioned).toBe(false);
    n1.change(report({ nodeId: 1, ring: '1.1c', members: [1, 2, 3, 4, 5] }));
    rest.forEach((f, i) => f.change(report({ nodeId: i + 2, ring: '1.1c', members: [1, 2, 3, 4, 5] })));
    await vi.advanceTimersByTimeAsync(1_000);

    const during = r.events.slice(before);
    expect(types(during)).not.toContain('quorum-lost');
    expect(types(during)).not.toContain('node-left');
    expect(types(during)).not.toContain('partition-changed');
    expect(types(during)).toContain('node-joined');
    expect(quorate.every(Boolean)).toBe(true);
    await r.source.stop();
  });

  it('a node still alone after the join grace is cut off: then it is a partition', async () => {
    const r = await rig(3);
    const n3 = r.nodes[2]!;
    n3.mode = { kind: 'dead' };
    n3.liveStream!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    r.nodes.slice(0, 2).forEach((f, i) => f.change(report({ nodeId: i + 1, ring: '1.14', members: [1, 2], expected: 3 })));
    n3.mode = { kind: 'ok' };
    n3.status = report({ nodeId: 3, ring: '3.18', members: [3], expected: 3 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(last(r).partitioned).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(last(r).partitioned).toBe(true);
    expect(last(r).observer?.name).toBe('pve1');
    await r.source.stop();
  });
});

describe('the headline follows quorum', () => {
  it('pve1 and pve2 cut off from a quorate pve3-pve5: the headline is the quorate side', async () => {
    const r = await rig(5);
    const [n1, n2, n3, n4, n5] = r.nodes as [FakeCorosync, FakeCorosync, FakeCorosync, FakeCorosync, FakeCorosync];
    // the majority side reports first, the minority still has its old ring
    for (const [f, id] of [[n3, 3], [n4, 4], [n5, 5]] as const) f.change(report({ nodeId: id, ring: '3.14', members: [3, 4, 5] }));
    let s = last(r);
    expect(s.observer?.name).toBe('pve3');
    expect(s.quorum).toMatchObject({ quorate: true, members: [3, 4, 5] });
    for (const [f, id] of [[n1, 1], [n2, 2]] as const) f.change(report({ nodeId: id, ring: '1.14', members: [1, 2] }));
    s = last(r);
    expect(s.observer?.name).toBe('pve3');
    expect(s.quorum).toMatchObject({ quorate: true, members: [3, 4, 5] });
    expect(s.partitioned).toBe(true);
    expect(s.nodes.filter((n) => n.state === 'offline').map((n) => n.name)).toEqual(['pve1', 'pve2']);
    // the per-node views stay as they are
    expect(s.views.find((v) => v.name === 'pve1')?.quorum).toMatchObject({ quorate: false, members: [1, 2] });
    expect(types(r.events)).not.toContain('quorum-lost');
    await r.source.stop();
  });

  it('the observer cut off alone hands the headline to the quorate side at once: pve1 left, quorum never lost', async () => {
    const r = await rig(3);
    const [n1, n2, n3] = r.nodes as [FakeCorosync, FakeCorosync, FakeCorosync];
    expect(last(r).observer?.name).toBe('pve1');
    const before = r.events.length;
    // pve1 reports its new ring first: alone; pve2 and pve3 still show the old ring with pve1 in it
    n1.change(report({ nodeId: 1, ring: '1.14', members: [1], expected: 3 }));
    expect(last(r).observer?.name).toBe('pve2');
    expect(last(r).quorum?.quorate).toBe(true);
    for (const [f, id] of [[n2, 2], [n3, 3]] as const) f.change(report({ nodeId: id, ring: '2.18', members: [2, 3], expected: 3 }));
    const s = last(r);
    expect(s.observer?.name).toBe('pve2');
    expect(s.quorum).toMatchObject({ quorate: true, members: [2, 3] });
    const after = r.events.slice(before);
    expect(types(after)).toEqual(expect.arrayContaining(['observer-changed', 'node-left']));
    expect(types(after)).not.toContain('quorum-lost');
    expect(types(after)).not.toContain('node-joined');
    await r.source.stop();
  });
});

describe('answers that cross', () => {
  it('a -s asked before a membership change never overwrites the -m block that reported it', async () => {
    const r = await rig(3);
    const n1 = r.nodes[0]!;
    // the periodic -s is asked while the ring is still 1.10 and answers late (after the -m block)
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const realRun = n1.run.bind(n1);
    const old = report({ nodeId: 1, ring: '1.10', members: [1, 2, 3], expected: 3 });
    n1.run = async (cmd, args, opts) => {
      if (cmd === 'corosync-quorumtool' && args[0] === '-s') {
        await gate;
        return { code: 0, signal: null, stdout: old, stderr: '', timedOut: false, truncated: false, durationMs: 1 };
      }
      return realRun(cmd, args, opts);
    };
    await vi.advanceTimersByTimeAsync(5_100); // the -s refresh is in flight
    n1.change(report({ nodeId: 1, ring: '1.14', members: [1, 2], expected: 3 }));
    expect(last(r).quorum?.members).toEqual([1, 2]);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(last(r).views.find((v) => v.name === 'pve1')?.quorum?.members).toEqual([1, 2]);
    await r.source.stop();
  });
});

describe('early warnings that are forecasts', () => {
  const peers = (down: number[], extra: Partial<KnetPeer> = {}) =>
    [2, 3, 4].map((id) => ({ nodeId: id, connected: !down.includes(id), ...(down.includes(id) ? extra : {}) }));

  it('a flapping link is no forecast: after one spell down and up, the next spell gives no warning', async () => {
    const r = await rig(4, { expected: 4 });
    const n1 = r.nodes[0]!;
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 500);
    const warned: number[] = [];
    r.source.subscribe((s) => warned.push(s.warnings.length));
    for (let spell = 0; spell < 3; spell++) {
      n1.knet = knetStats(1, peers([4]));
      await vi.advanceTimersByTimeAsync(spell === 0 ? 250 : 1_500);
      n1.knet = knetStats(1, peers([]));
      await vi.advanceTimersByTimeAsync(1_500);
    }
    // the first spell was shorter than the hold; the later ones follow a flap: never a warning
    expect(Math.max(...warned)).toBe(0);
    expect(types(r.events)).not.toContain('node-unreachable-warning');
    await r.source.stop();
  });

  it('a flap seen by another node first counts too: the observer’s first spell down is then no forecast', async () => {
    const r = await rig(3);
    const [n1, n2] = r.nodes as [FakeCorosync, FakeCorosync];
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 500);
    // pve2's link to pve3 flaps (pve2's knet is asked once a second)
    n2.knet = knetStats(2, [
      { nodeId: 1, connected: true },
      { nodeId: 3, connected: false },
    ]);
    await vi.advanceTimersByTimeAsync(1_500);
    n2.knet = knetStats(2, [
      { nodeId: 1, connected: true },
      { nodeId: 3, connected: true },
    ]);
    await vi.advanceTimersByTimeAsync(1_500);
    // then the observer loses pve3 on every link for the first time
    n1.knet = knetStats(1, [
      { nodeId: 2, connected: true },
      { nodeId: 3, connected: false },
    ]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(last(r).warnings).toEqual([]);
    await r.source.stop();
  });

  it('a clean cut is warned about after the hold, with quorum after the drop by the full rules (auto_tie_breaker)', async () => {
    const r = await rig(4, { quorum: { auto_tie_breaker: '1' }, expected: 4, flags: ['AutoTieBreaker'] });
    const n1 = r.nodes[0]!;
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 500);
    // pve3 and pve4 unreachable on every link from pve1 (holds node 1, the tie-breaker)
    n1.knet = knetStats(1, peers([3, 4]));
    await vi.advanceTimersByTimeAsync(250 + HOLD_MS);
    const s = last(r);
    expect(s.warnings.map((w) => [w.name, w.quorateAfterDrop, w.totalVotesAfterDrop])).toEqual([
      ['pve3', true, 2],
      ['pve4', true, 2],
    ]);
    await r.source.stop();
  });

  it('pongs missing while others still come back mark the link lossy: no warning; pongs stopping at a clean cut do not', async () => {
    /** pve1's knet with its counters to pve3 (tx pings, rx pongs) */
    const sample = (up3: boolean, tx: number, rx: number) =>
      knetStats(1, [
        { nodeId: 2, connected: true },
        { nodeId: 3, connected: up3 },
      ])
        .replace('stats.knet.node3.link0.tx_ping_packets (u64) = 100', `stats.knet.node3.link0.tx_ping_packets (u64) = ${tx}`)
        .replace('stats.knet.node3.link0.rx_pong_packets (u64) = 100', `stats.knet.node3.link0.rx_pong_packets (u64) = ${rx}`);
    for (const [lossy, expected] of [
      [true, 0],
      [false, 1],
    ] as const) {
      const r = await rig(3);
      const n1 = r.nodes[0]!;
      n1.knet = sample(true, 100, 100);
      await vi.advanceTimersByTimeAsync(SETTLE_MS);
      // lossy: 10 pings, 6 pongs back; clean: every pong back until the cut, then none for the last 3 pings
      n1.knet = lossy ? sample(true, 110, 106) : sample(true, 110, 110);
      await vi.advanceTimersByTimeAsync(1_000);
      n1.knet = lossy ? sample(true, 113, 106) : sample(true, 113, 110);
      await vi.advanceTimersByTimeAsync(500);
      n1.knet = sample(false, 114, lossy ? 106 : 110);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(last(r).warnings.length, lossy ? 'lossy' : 'clean').toBe(expected);
      await r.source.stop();
    }
  });
});
