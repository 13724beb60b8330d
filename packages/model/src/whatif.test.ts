import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterSnapshot, QuorumOptions, type LinkObservation, type QDevice } from './snapshot';
import { quorumOptionsArb, sampleSnapshot } from './testing/arbitraries';
import { effectiveOptions, evaluateQuorum, qdeviceVoteWinner, tieBreakerNode } from './votequorum';
import {
  RUNNING_MEMORY,
  SMALLEST_FAILURE_MAX_COMBINATIONS,
  WhatIfError,
  WhatIfRequest,
  WhatIfResult,
  canReboot,
  partitionMemory,
  smallestFailure,
  unknownWhatIfNodes,
  whatIf,
} from './whatif';

interface Spec {
  votes: number[];
  options?: Partial<QuorumOptions>;
  qdevice?: Pick<QDevice, 'algorithm' | 'votes' | 'castsVote' | 'state'> | null;
  links?: number;
  /** node ids already down */
  down?: number[];
  /** pair-links the snapshot shows disconnected: [a, b, link] */
  cut?: [number, number, number][];
}

const name = (id: number) => `pve${id}`;

/** a snapshot with no views and no quorum: what-if then assumes a running cluster's memory (RUNNING_MEMORY) */
function cluster(spec: Spec): ClusterSnapshot {
  const ids = spec.votes.map((_, i) => i + 1);
  const L = spec.links ?? 2;
  const down = new Set(spec.down ?? []);
  const cut = new Set((spec.cut ?? []).flatMap(([a, b, l]) => [`${a}:${b}:${l}`, `${b}:${a}:${l}`]));
  const links: LinkObservation[] = [];
  for (const from of ids)
    for (const to of ids)
      for (let link = 0; link < L && from !== to && !down.has(from); link++)
        links.push({ from, to, link, enabled: true, connected: !down.has(to) && !cut.has(`${from}:${to}:${link}`), latencyAvgMs: 0.3, latencyMaxMs: 0.6, lossPct: 0, downCount: 0 });
  return ClusterSnapshot.parse({
    clusterId: 'c',
    observedAt: 0,
    source: 'sim',
    observer: null,
    cluster: { name: 'lab', configVersion: 1, transport: 'knet', secureAuth: true, quorumOptions: QuorumOptions.parse(spec.options ?? {}), tokenMs: 3000, runtimeTokenMs: 3650 },
    quorum: null,
    nodes: ids.map((id, i) => ({
      id,
      name: name(id),
      votes: spec.votes[i],
      state: down.has(id) ? 'offline' : 'online',
      addresses: Array.from({ length: L }, (_, link) => ({ link, address: `198.18.${link}.${id}` })),
    })),
    links,
    qdevice: spec.qdevice ? { ...spec.qdevice, host: '198.18.9.9' } : null,
    storage: null,
    views: [],
    partitioned: false,
  });
}

const ones = (n: number) => Array<number>(n).fill(1);

describe('whatIf: hand-written cases', () => {
  it('5 nodes, lose 3: no partition is quorate (2 of 5 votes, 3 needed)', () => {
    const r = whatIf(cluster({ votes: ones(5) }), { nodes: ['pve3', 'pve4', 'pve5'] });
    expect(r.quorate).toBe(false);
    expect(r.partitions).toEqual([
      expect.objectContaining({ nodes: ['pve1', 'pve2'], votes: 2, expectedVotes: 5, quorum: 3, quorate: false, mode: 'votes', reason: '2 of 5 votes, 3 needed' }),
    ]);
    expect(WhatIfResult.parse(r)).toEqual(r);
  });

  it('5 nodes, lose 2: quorate (3 of 5 votes, 3 needed)', () => {
    const r = whatIf(cluster({ votes: ones(5) }), { nodes: ['pve1', 'pve2'] });
    expect(r.partitions).toEqual([expect.objectContaining({ nodes: ['pve3', 'pve4', 'pve5'], quorate: true, reason: '3 of 5 votes, 3 needed' })]);
  });

  it('2 nodes with two_node, lose 1: the other stays quorate', () => {
    const r = whatIf(cluster({ votes: ones(2), options: { twoNode: true } }), { nodes: ['pve2'] });
    expect(r.partitions).toEqual([expect.objectContaining({ nodes: ['pve1'], votes: 1, quorum: 1, quorate: true, mode: 'two-node' })]);
    expect(r.partitions[0]!.reason).toBe('two_node: 1 of 2 nodes is enough (1 of 2 votes)');
  });

  it('4 nodes with auto_tie_breaker lowest split 2/2: the half with pve1 is quorate', () => {
    // pve1, pve2 lose link 1 and pve3, pve4 lose link 0: each pair keeps one link, nothing crosses
    const fail = { links: [{ node: 'pve1', link: 1 }, { node: 'pve2', link: 1 }, { node: 'pve3', link: 0 }, { node: 'pve4', link: 0 }] };
    const r = whatIf(cluster({ votes: ones(4), options: { autoTieBreaker: true } }), fail);
    expect(r.partitions.map((p) => [p.nodes, p.quorate, p.mode])).toEqual([
      [['pve1', 'pve2'], true, 'auto-tie-breaker'],
      [['pve3', 'pve4'], false, 'votes'],
    ]);
    expect(r.partitions[0]!.reason).toBe('auto_tie_breaker: 2 of 4 votes, an even split, and it holds pve1, the lowest id');
    expect(r.partitions[1]!.reason).toBe('2 of 4 votes, 3 needed; auto_tie_breaker: an even split, but pve1 (the lowest id) is not in it');
  });

  it('auto_tie_breaker highest: the half with pve4 wins', () => {
    const fail = { links: [{ node: 'pve1', link: 1 }, { node: 'pve2', link: 1 }, { node: 'pve3', link: 0 }, { node: 'pve4', link: 0 }] };
    const r = whatIf(cluster({ votes: ones(4), options: { autoTieBreaker: true, autoTieBreakerNode: 'highest' } }), fail);
    expect(r.partitions.map((p) => p.quorate)).toEqual([false, true]);
    expect(r.partitions[1]!.reason).toContain('holds pve4, the highest id');
  });

  it('a link the snapshot already shows disconnected stays down', () => {
    // pve3 has lost link 0 to everyone; failing link 1 at pve3 isolates it
    const s = cluster({ votes: ones(3), cut: [[1, 3, 0], [2, 3, 0]] });
    expect(whatIf(s).partitions.map((p) => p.nodes)).toEqual([['pve1', 'pve2', 'pve3']]);
    const r = whatIf(s, { links: [{ node: 'pve3', link: 1 }] });
    expect(r.partitions.map((p) => [p.nodes, p.quorate])).toEqual([
      [['pve1', 'pve2'], true],
      [['pve3'], false],
    ]);
  });

  it('nodes the snapshot shows down stay down and are named', () => {
    const r = whatIf(cluster({ votes: ones(3), down: [3] }));
    expect(r.alreadyDown).toEqual(['pve3']);
    expect(r.partitions).toEqual([expect.objectContaining({ nodes: ['pve1', 'pve2'], votes: 2, quorate: true })]);
  });

  it('QDevice ffsplit on 2 nodes split 1/1: its vote goes to the side with the lowest id', () => {
    const s = cluster({ votes: ones(2), links: 1, qdevice: { algorithm: 'ffsplit', votes: 1, castsVote: true, state: 'connected' } });
    const r = whatIf(s, { links: [{ node: 'pve2', link: 0 }] });
    expect(r.partitions.map((p) => [p.nodes, p.votes, p.quorate, p.qdeviceVote])).toEqual([
      [['pve1'], 2, true, true],
      [['pve2'], 1, false, false],
    ]);
    expect(r.qdevice).toBe('QDevice ffsplit: its vote goes to the partition with pve1: an even split in nodes, won by the side with the lowest node id');
    expect(r.partitions[0]!.reason).toBe(`2 of 3 votes, 2 needed; ${r.qdevice}`);
  });

  it('QDevice lms: 3 nodes, lose 2 — the last one keeps quorum with the QDevice; fail the QDevice too and it does not', () => {
    const s = cluster({ votes: ones(3), qdevice: { algorithm: 'lms', votes: 2, castsVote: true, state: 'connected' } });
    const r = whatIf(s, { nodes: ['pve2', 'pve3'] });
    expect(r.partitions).toEqual([expect.objectContaining({ nodes: ['pve1'], votes: 3, expectedVotes: 5, quorate: true, qdeviceVote: true })]);
    const without = whatIf(s, { nodes: ['pve2', 'pve3'], qdevice: true });
    expect(without.partitions[0]).toMatchObject({ votes: 1, quorate: false, qdeviceVote: false });
    expect(without.qdevice).toBe('QDevice lms: the QDevice fails in this what-if, so no partition gets its 2 votes');
  });

  it('last_man_standing does not rescue an instant failure, and says so', () => {
    const r = whatIf(cluster({ votes: ones(5), options: { lastManStanding: true } }), { nodes: ['pve3', 'pve4', 'pve5'] });
    expect(r.partitions[0]!.quorate).toBe(false);
    expect(r.partitions[0]!.reason).toContain('last_man_standing does not help');
  });

  it('a pvecm expected override the observer shows carries into the prediction', () => {
    const s = sampleSnapshot({ nodes: 5 });
    for (const n of s.nodes) if (n.id > 2) n.state = 'offline';
    s.links = s.links.map((l) => (l.from > 2 || l.to > 2 ? { ...l, connected: false } : l));
    const q = { expectedVotes: 2, highestExpected: 2, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate' as const], ringId: '1.20', members: [1, 2] };
    s.quorum = q;
    s.views = s.views.map((v) => (v.nodeId <= 2 ? { ...v, quorum: q } : { ...v, reachable: false, quorum: null }));
    expect(partitionMemory(s, [1, 2])).toMatchObject({ expectedOverride: 2, seenAll: true });
    expect(whatIf(s).partitions).toEqual([expect.objectContaining({ nodes: ['pve1', 'pve2'], expectedVotes: 2, quorate: true })]);
    // without the override 2 of 5 is not quorate
    expect(whatIf({ ...s, quorum: null, views: [] }).partitions[0]!.quorate).toBe(false);
  });

  it('a partition still waiting for all votes (wait_for_all at start-up) keeps waiting', () => {
    const s = sampleSnapshot({ nodes: 3 });
    s.cluster.quorumOptions.waitForAll = true;
    s.nodes[2]!.state = 'offline';
    s.links = s.links.map((l) => (l.from === 3 || l.to === 3 ? { ...l, connected: false } : l));
    const q = { expectedVotes: 3, highestExpected: 3, totalVotes: 2, quorum: 2, quorate: false, flags: ['WaitForAll' as const], ringId: '1.20', members: [1, 2] };
    s.quorum = q;
    s.views = s.views.map((v) => (v.nodeId <= 2 ? { ...v, quorum: q } : { ...v, reachable: false, quorum: null }));
    const r = whatIf(s);
    expect(r.partitions).toEqual([expect.objectContaining({ nodes: ['pve1', 'pve2'], quorate: false, mode: 'wait-for-all' })]);
    expect(r.partitions[0]!.reason).toBe('wait_for_all: has not seen all 3 votes since it started (2 present)');
    // a running cluster with wait_for_all that has seen all: losing one of three keeps quorum
    expect(whatIf(cluster({ votes: ones(3), options: { waitForAll: true } }), { nodes: ['pve3'] }).quorate).toBe(true);
  });

  it('a partitioned cluster: nodes outside the observer’s membership still run when their own view answers', () => {
    const s = sampleSnapshot({ nodes: 3 });
    s.nodes[2]!.state = 'offline';
    s.links = s.links.map((l) => (l.from === 3 || l.to === 3 ? { ...l, connected: false } : l));
    const mine = { ...s.quorum!, members: [1, 2], totalVotes: 2 };
    const theirs = { ...s.quorum!, members: [3], totalVotes: 1, quorate: false, flags: [] };
    s.quorum = mine;
    s.views = s.views.map((v) => ({ ...v, quorum: v.nodeId === 3 ? theirs : mine }));
    expect(whatIf(s).partitions.map((p) => [p.nodes, p.quorate])).toEqual([
      [['pve1', 'pve2'], true],
      [['pve3'], false],
    ]);
  });

  it('unknown names: listed, and whatIf refuses them', () => {
    const s = cluster({ votes: ones(3) });
    expect(unknownWhatIfNodes(s, { nodes: ['pve9', 'pve1'], links: [{ node: 'pve8', link: 0 }, { node: 'pve9', link: 1 }] })).toEqual(['pve9', 'pve8']);
    expect(() => whatIf(s, { nodes: ['pve9'] })).toThrow(WhatIfError);
    expect(() => whatIf(s, { nodes: ['pve9'] })).toThrow('unknown node: pve9');
  });

  it('the request schema: defaults, strict, bounded link numbers', () => {
    expect(WhatIfRequest.parse({ fail: {} })).toEqual({ fail: { nodes: [], links: [], qdevice: false } });
    expect(WhatIfRequest.safeParse({ fail: { nodes: ['pve1'], extra: 1 } }).success).toBe(false);
    expect(WhatIfRequest.safeParse({ fail: { links: [{ node: 'pve1', link: 8 }] } }).success).toBe(false);
    expect(WhatIfRequest.safeParse({}).success).toBe(false);
  });
});

describe('smallestFailure', () => {
  it.each([
    [3, 2],
    [4, 2],
    [5, 3],
    [7, 4],
  ])('%i nodes of one vote: %i nodes', (n, size) => {
    const r = smallestFailure(cluster({ votes: ones(n) }));
    expect(r).toMatchObject({ size, exact: true, capped: false });
    expect(whatIf(cluster({ votes: ones(n) }), { nodes: r.nodes }).quorate).toBe(false);
  });

  it('says it in words', () => {
    expect(smallestFailure(cluster({ votes: ones(5) })).text).toBe('losing pve3, pve4 and pve5 (3 of 5 running nodes) loses quorum; no 2 nodes do');
    expect(smallestFailure(cluster({ votes: [3, 1, 1] })).text).toBe('losing pve1 alone loses quorum');
  });

  it('already lost: the empty set', () => {
    expect(smallestFailure(cluster({ votes: ones(3), down: [2, 3] }))).toMatchObject({ nodes: [], size: 0, exact: true });
  });

  it('a node that alone bridges two halves is the smallest failure', () => {
    // links: pve1–pve2 and pve3–pve4 cut on every link; pve5 reaches all: without pve5 there are two halves of 2
    const cut: [number, number, number][] = [];
    for (const a of [1, 2]) for (const b of [3, 4]) for (const l of [0, 1]) cut.push([a, b, l]);
    const s = cluster({ votes: ones(5), cut });
    expect(whatIf(s).partitions.map((p) => p.nodes)).toEqual([['pve1', 'pve2', 'pve3', 'pve4', 'pve5']]);
    expect(smallestFailure(s)).toMatchObject({ nodes: ['pve5'], size: 1, exact: true });
  });

  it(`32 nodes: the search stops at ${SMALLEST_FAILURE_MAX_COMBINATIONS} sets and answers the worst-case order as an upper bound`, () => {
    const r = smallestFailure(cluster({ votes: ones(32), links: 1 }));
    expect(r).toMatchObject({ size: 16, exact: false, capped: true, checked: SMALLEST_FAILURE_MAX_COMBINATIONS });
    expect(r.text).toContain('an upper bound: 10,000 sets checked');
  });
});

describe('canReboot', () => {
  it('3 nodes with one down: rebooting another loses quorum — no', () => {
    const r = canReboot(cluster({ votes: ones(3), down: [3] }), 'pve2');
    expect(r).toMatchObject({ canReboot: false, alreadyDown: false, quorateNow: true, margin: 0 });
    expect(r.text).toBe('No: while pve2 reboots, pve1 holds 1 of 3 votes, 2 needed — quorum is lost until it is back: /etc/pve turns read-only and nodes running HA guests fence themselves');
  });

  it('3 healthy nodes: yes, with no margin left', () => {
    const r = canReboot(cluster({ votes: ones(3) }), 'pve2');
    expect(r).toMatchObject({ canReboot: true, margin: 0, marginExact: true });
    expect(r.text).toBe('Yes: while pve2 reboots, pve1 and pve3 hold 2 of 3 votes, 2 needed; no other node may fail until it is back');
  });

  it('5 healthy nodes: yes, 1 more node can fail', () => {
    const r = canReboot(cluster({ votes: ones(5) }), 'pve1');
    expect(r).toMatchObject({ canReboot: true, margin: 1 });
    expect(r.text).toContain('1 more node can fail until it is back');
  });

  it('a node already down, and a cluster already inquorate', () => {
    expect(canReboot(cluster({ votes: ones(3), down: [3] }), 'pve3')).toMatchObject({ canReboot: true, alreadyDown: true });
    const lost = canReboot(cluster({ votes: ones(3), down: [2, 3] }), 'pve1');
    expect(lost).toMatchObject({ canReboot: false, quorateNow: false });
    expect(lost.text).toMatch(/^No: the cluster is not quorate now/);
  });

  it('HA guests on the node (pve): listed with what the shutdown policy does; none without an HA view', () => {
    const base = cluster({ votes: ones(3) });
    expect(canReboot(base, 'pve2').haGuests).toBeNull();
    const ha = {
      quorate: true,
      master: 'pve1',
      fencing: [],
      services: [
        { sid: 'vm:100', node: 'pve2', state: 'started' },
        { sid: 'ct:101', node: 'pve2', state: 'stopped' },
        { sid: 'vm:102', node: 'pve1', state: 'started' },
        { sid: 'vm:103', node: 'pve2', state: 'migrate' },
      ],
    };
    const r = canReboot({ ...base, ha }, 'pve2');
    expect(r.haGuests).toEqual(['vm:100', 'vm:103']);
    expect(r.text).toContain('HA guests on pve2: vm:100 and vm:103 — with the default shutdown policy (conditional) a reboot freezes them');
    expect(canReboot({ ...base, ha }, 'pve3')).toMatchObject({ haGuests: [] });
    expect(canReboot({ ...base, ha }, 'pve3').text).not.toContain('HA guests');
  });

  it('an unknown node is refused', () => {
    expect(() => canReboot(cluster({ votes: ones(3) }), 'pve7')).toThrow(WhatIfError);
  });
});

// ---- the property: what-if is the model's own evaluation over a generated matrix ----

interface Case extends Spec {
  failNodes: number[];
  failLinks: [number, number][];
  failQdevice: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 9 }).chain((n) => {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  return fc.integer({ min: 1, max: 2 }).chain((L) => {
    const pairLinks: [number, number, number][] = [];
    for (const a of ids) for (const b of ids) if (a < b) for (let l = 0; l < L; l++) pairLinks.push([a, b, l]);
    const nodeLinks: [number, number][] = ids.flatMap((id) => Array.from({ length: L }, (_, l) => [id, l] as [number, number]));
    return fc.record({
      votes: fc.array(fc.oneof({ arbitrary: fc.constant(1), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 2 }), { minLength: n, maxLength: n }),
      options: quorumOptionsArb.map((o) => ({ ...o, autoTieBreakerNode: Array.isArray(o.autoTieBreakerNode) ? o.autoTieBreakerNode.map((id) => ((id - 1) % n) + 1) : o.autoTieBreakerNode })),
      qdevice: fc.option(
        fc.record({
          algorithm: fc.constantFrom('ffsplit' as const, 'lms' as const),
          votes: fc.integer({ min: 1, max: Math.max(1, n - 1) }),
          castsVote: fc.boolean(),
          state: fc.constantFrom('connected' as const, 'disconnected' as const),
        }),
        { nil: null },
      ),
      links: fc.constant(L),
      down: fc.subarray(ids, { maxLength: Math.max(0, n - 1) }),
      cut: fc.subarray(pairLinks, { maxLength: Math.min(6, pairLinks.length) }),
      failNodes: fc.subarray(ids),
      failLinks: fc.subarray(nodeLinks, { maxLength: Math.min(6, nodeLinks.length) }),
      failQdevice: fc.boolean(),
    });
  });
});

/** the partitions by the definition: running, not failed, connected through links not cut and not failed at either end */
function referencePartitions(c: Case): number[][] {
  const ids = c.votes.map((_, i) => i + 1).filter((id) => !c.down?.includes(id) && !c.failNodes.includes(id));
  const L = c.links ?? 2;
  const linkOk = (a: number, b: number, l: number) =>
    !c.cut?.some(([x, y, k]) => k === l && ((x === a && y === b) || (x === b && y === a))) && !c.failLinks.some(([n, k]) => k === l && (n === a || n === b));
  const group = new Map(ids.map((id) => [id, id]));
  const find = (x: number): number => (group.get(x) === x ? x : find(group.get(x)!));
  for (const a of ids) for (const b of ids) if (a < b && Array.from({ length: L }, (_, l) => l).some((l) => linkOk(a, b, l))) group.set(find(a), find(b));
  const out = new Map<number, number[]>();
  for (const id of ids) out.set(find(id), [...(out.get(find(id)) ?? []), id]);
  return [...out.values()].map((p) => p.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

describe('whatIf equals evaluateQuorum (property, 1–9 nodes, every option)', () => {
  it('partitions, votes, quorum and verdicts', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = cluster(c);
        const names = (ids: number[]) => ids.map(name);
        const r = whatIf(s, { nodes: names(c.failNodes), links: c.failLinks.map(([id, link]) => ({ node: name(id), link })), qdevice: c.failQdevice });
        const parts = referencePartitions(c);
        expect(r.partitions.map((p) => p.nodeIds)).toEqual(parts);
        expect(r.partitions.map((p) => p.nodes)).toEqual(parts.map(names));

        const options = s.cluster.quorumOptions;
        const nodes = s.nodes.map((n) => ({ id: n.id, votes: n.votes }));
        const reachable = c.qdevice && !c.failQdevice && (c.qdevice.state === 'connected' || c.qdevice.castsVote);
        const winners = new Set(c.qdevice && reachable ? qdeviceVoteWinner(parts, c.qdevice.algorithm, 'lowest') : []);
        const eff = effectiveOptions(options, nodes.length, Boolean(c.qdevice));
        parts.forEach((members, i) => {
          const qdevice = c.qdevice ? { votes: c.qdevice.votes, algorithm: c.qdevice.algorithm, castsVote: winners.has(i) } : null;
          const { state } = evaluateQuorum({ options, nodes, members, qdevice, memory: { ...RUNNING_MEMORY }, now: 0 });
          const p = r.partitions[i]!;
          expect({ votes: p.votes, expectedVotes: p.expectedVotes, quorum: p.quorum, quorate: p.quorate }).toEqual({
            votes: state.totalVotes,
            expectedVotes: state.expectedVotes,
            quorum: state.quorum,
            quorate: state.quorate,
          });
          expect(p.qdeviceVote).toBe(eff.qdevice && winners.has(i));
          // the words agree with the verdict
          if (p.mode === 'votes' && p.quorate) expect(p.votes).toBeGreaterThanOrEqual(p.quorum);
          if (p.mode === 'votes') expect(p.reason.startsWith(`${p.votes} of ${p.expectedVotes} votes, ${p.quorum} needed`)).toBe(true);
          if (p.mode === 'auto-tie-breaker') expect(members).toContain(tieBreakerNode(options, nodes));
          if (p.mode === 'two-node') expect(eff.twoNode && p.quorate).toBe(true);
        });
        expect(r.quorate).toBe(r.partitions.some((p) => p.quorate));
        // plain majority (no two_node, no explicit expected votes): never two quorate sides
        if (!eff.twoNode && options.expectedVotes === null) expect(r.partitions.filter((p) => p.quorate).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 600 },
    );
  });

  it('smallestFailure is a smallest set (brute force over every subset)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = cluster({ ...c, cut: c.cut });
        const r = smallestFailure(s);
        const up = s.nodes.filter((n) => n.state === 'online').map((n) => n.name);
        const loses = (set: string[]) => !whatIf(s, { nodes: set }).quorate;
        expect(r.exact).toBe(true);
        expect(loses(r.nodes)).toBe(true);
        // no smaller subset of the running nodes loses quorum
        for (let mask = 0; mask < 1 << up.length; mask++) {
          const set = up.filter((_, i) => mask & (1 << i));
          if (set.length < r.size) expect(loses(set)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});
