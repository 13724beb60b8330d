// Troubleshooting from the live state: quorum lost in votes and nodes, nodes down while quorate, the links
// between running nodes that are not well (one entry per pair and link, worst first; links to a dead node are
// that node's problem, not a link's), link incidents worth a look, and where a failed operation's checks are.
import { describe, expect, it } from 'vitest';
import { JITTER_WARN_MS as MODEL_JITTER, type ClusterSnapshot, type Incident, type Task } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import { DEFAULT_LINK_THRESHOLDS } from '../../api/links';
import { pairLinkId } from '../../lib/link-health';
import { JITTER_WARN_MS, linkIncidents, nodesDown, quorumLoss, RECENT_TASK_MS, recentFailures, taskLinks, unstableLinks } from './troubleshoot';

const NOW = Date.parse('2025-11-25T21:41:07Z');

/** pve1..pveN with `gone` offline and out of the membership, their links down */
function down(n: number, gone: number[], quorate: boolean): ClusterSnapshot {
  const s = sampleSnapshot({ nodes: n, storage: false });
  for (const node of s.nodes) if (gone.includes(node.id)) node.state = 'offline';
  for (const l of s.links) if (gone.includes(l.from) || gone.includes(l.to)) Object.assign(l, { connected: false, latencyAvgMs: null, latencyMaxMs: null, downCount: 1 });
  const members = s.nodes.filter((x) => !gone.includes(x.id)).map((x) => x.id);
  s.quorum = { ...s.quorum!, members, totalVotes: members.length, quorate };
  return s;
}

const link = (s: ClusterSnapshot, from: number, to: number, l: number) => s.links.find((x) => x.from === from && x.to === to && x.link === l)!;

describe('quorum', () => {
  it('lost: the votes present, needed, short, and the nodes missing', () => {
    expect(quorumLoss(down(3, [2, 3], false))).toEqual({ present: 1, expected: 3, needed: 2, short: 1, missing: ['pve2', 'pve3'] });
    expect(quorumLoss(sampleSnapshot())).toBeNull();
    expect(nodesDown(down(3, [2, 3], false))).toBeNull();
  });

  it('quorate with a node down: the margin it took', () => {
    expect(nodesDown(down(3, [3], true))).toEqual({ missing: ['pve3'], present: 2, expected: 3, needed: 2, spare: 0 });
    expect(nodesDown(down(5, [5], true))).toMatchObject({ spare: 1 });
    expect(nodesDown(sampleSnapshot())).toBeNull();
    expect(quorumLoss(down(3, [3], true))).toBeNull();
  });
});

describe('unstableLinks', () => {
  it('a healthy cluster has none; links to a dead node are not listed', () => {
    expect(unstableLinks(sampleSnapshot({ nodes: 5 }), DEFAULT_LINK_THRESHOLDS)).toEqual([]);
    expect(unstableLinks(down(3, [3], true), DEFAULT_LINK_THRESHOLDS)).toEqual([]);
  });

  it('one entry per pair and link (both directions together), worst first, with each problem in words', () => {
    const s = sampleSnapshot({ nodes: 3 });
    Object.assign(link(s, 1, 3, 1), { connected: false, latencyAvgMs: null });
    Object.assign(link(s, 2, 1, 0), { lossPct: 4 });
    Object.assign(link(s, 1, 2, 0), { latencyAvgMs: 12, latencyMaxMs: 30 });
    Object.assign(link(s, 3, 2, 1), { latencyAvgMs: 1, latencyMaxMs: 9 });
    const out = unstableLinks(s, DEFAULT_LINK_THRESHOLDS, new Set([pairLinkId(2, 3, 1)]));
    expect(out.map((l) => [l.label, l.problems.map((p) => p.text)])).toEqual([
      ['pve1–pve3 link 1', ['down while both nodes run']],
      ['pve1–pve2 link 0', ['loss 4 % (the limit is 1 %)', 'latency 12 ms average (bad above 10 ms)', 'jitter: up to 30 ms against 12 ms on average']],
      ['pve2–pve3 link 1', ['jitter: up to 9.0 ms against 1.0 ms on average', 'link-degraded open']],
    ]);
  });

  it('a slow link (above the warn mark) is named as slow', () => {
    const s = sampleSnapshot({ nodes: 3 });
    Object.assign(link(s, 1, 2, 0), { latencyAvgMs: 6, latencyMaxMs: 7 });
    expect(unstableLinks(s, DEFAULT_LINK_THRESHOLDS)[0]?.problems).toEqual([{ kind: 'latency', text: 'latency 6.0 ms average (slow above 5.0 ms)' }]);
  });

  it("jitter is the advisor's: the same mark", () => {
    expect(JITTER_WARN_MS).toBe(MODEL_JITTER);
  });
});

describe('link incidents', () => {
  const inc = (over: Partial<Incident>): Incident => ({
    id: 'c:1',
    clusterId: 'c',
    cause: 'link-down',
    subject: 'pve1–pve3 link0',
    title: 'link 0 between pve1 and pve3 down',
    startedAt: NOW - 60_000,
    endedAt: null,
    severity: 'warning',
    eventSeqs: [1],
    eventCount: 1,
    affected: [],
    related: [],
    ...over,
  });
  it('open ones, and recently closed ones that opened again (flapping); not a closed one-off or a node incident', () => {
    const list = [
      inc({ id: 'open' }),
      inc({ id: 'flap', title: 'link 0 between pve1 and pve3 down (6 times)', endedAt: NOW - 60_000 }),
      inc({ id: 'old-flap', title: 'x (2 times)', endedAt: NOW - 3600_000 }),
      inc({ id: 'once', endedAt: NOW - 60_000 }),
      inc({ id: 'node', cause: 'node-unreachable' }),
    ];
    expect(linkIncidents(list, NOW).map((i) => [i.id, i.flapping])).toEqual([
      ['open', false],
      ['flap', true],
    ]);
  });
});

describe('failed operations', () => {
  const task = (over: Partial<Task>): Task => ({
    id: 'task_0000000000000001',
    operation: 'join',
    clusterId: 'c',
    status: 'failed',
    startedAt: NOW - 120_000,
    endedAt: NOW - 60_000,
    actor: { kind: 'user', id: 'u', name: 'admin' },
    params: { node: 'pve4' },
    message: 'corosync port blocked',
    log: [],
    ...over,
  });
  it('the recent ones, newest first', () => {
    const old = task({ id: 'old', endedAt: NOW - RECENT_TASK_MS - 1 });
    const newer = task({ id: 'newer', endedAt: NOW - 1_000 });
    expect(recentFailures([task({}), old, newer, task({ id: 'ok', status: 'ok' })], NOW).map((t) => t.id)).toEqual(['newer', 'task_0000000000000001']);
  });
  it("a join links to its checks and its log; delnode to the remove page; expected votes to nothing", () => {
    expect(taskLinks(task({}))).toEqual([
      { to: '/join', search: { step: 'preflight', node: 'pve4' }, label: 'the join’s checks for pve4' },
      { to: '/join', search: { step: 'run', node: 'pve4', task: 'task_0000000000000001' }, label: 'its log' },
    ]);
    expect(taskLinks(task({ operation: 'delnode', params: { node: 'pve3' } }))).toEqual([{ to: '/remove', search: { node: 'pve3', task: 'task_0000000000000001' }, label: 'removing pve3: its log' }]);
    expect(taskLinks(task({ operation: 'expected-votes', params: {} }))).toEqual([]);
  });
});
