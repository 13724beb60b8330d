import { describe, expect, it } from 'vitest';
import { describeEvent } from './describe';
import { eventSeverity } from './diff';
import type { ClusterEvent, EventBody } from './events';
import { Incident, IncidentChange, IncidentQuery, IncidentTracker, MAX_INCIDENT_SEQS, incidentsFrom, type IncidentTopology } from './incidents';

const T0 = 1_700_000_000_000;
const names = Array.from({ length: 16 }, (_, i) => `pve${i + 1}`);
const id = (name: string) => Number(name.slice(3));
const topo16: IncidentTopology = { nodes: names, links: [0, 1] };

/** numbered events, as the BFF stores them (message and severity as the diff makes them) */
function numbering(clusterId = 'c1') {
  let seq = 0;
  return (at: number, body: EventBody): ClusterEvent => ({ seq: ++seq, clusterId, at: T0 + at, severity: eventSeverity(body), message: describeEvent(body), body });
}
type Ev = ReturnType<typeof numbering>;
const node = (name: string) => ({ nodeId: id(name), name });
const link = (type: 'link-down' | 'link-up', from: string, to: string, l: number): EventBody => ({ type, from: id(from), to: id(to), link: l, fromName: from, toName: to });
/** every peer's view of its links to `x`, as the diff orders them (by peer, then link) */
const linksTo = (ev: Ev, at: number, type: 'link-down' | 'link-up', x: string, peers = names.filter((n) => n !== x), links = [0, 1]) =>
  peers.flatMap((p) => links.map((l) => ev(at, link(type, p, x, l))));

function feed(tracker: IncidentTracker, events: ClusterEvent[]): IncidentChange[] {
  return events.flatMap((e) => tracker.add(e));
}
const seqsOf = (events: ClusterEvent[]) => events.map((e) => e.seq);

/** what the simulator gives for `stop pve7` and `start pve7` in a 16-node cluster (see the BFF's test) */
function crashAndReturn(ev: Ev, x = 'pve7') {
  const warning = ev(4_235, { type: 'node-unreachable-warning', ...node(x), expectedDropInMs: 20_933, quorateAfterDrop: true });
  const downs = linksTo(ev, 4_235, 'link-down', x);
  const left = ev(25_168, { type: 'node-left', ...node(x), votes: 1 });
  const ups = linksTo(ev, 40_000, 'link-up', x);
  const joined = ev(46_050, { type: 'node-joined', ...node(x), votes: 1 });
  return { warning, downs, left, ups, joined };
}

describe('IncidentTracker: a node crash is one incident', () => {
  it('warning, 30 link-downs and node-left: one open incident with every event; link-ups and node-joined close it', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const { warning, downs, left, ups, joined } = crashAndReturn(ev);

    const opened = feed(t, [warning, ...downs]);
    expect(opened[0]).toMatchObject({ change: 'opened', incident: { subject: 'pve7', cause: 'node-unreachable' } });
    expect(t.list({ open: true })).toHaveLength(1);
    const [inc] = t.list({ open: true });
    expect(inc).toMatchObject({
      id: `c1:${warning.seq}`,
      cause: 'node-unreachable',
      subject: 'pve7',
      title: 'pve7 unreachable from all 15 peers on both links',
      startedAt: warning.at,
      endedAt: null,
      severity: 'warning',
      affected: ['pve7'],
      eventSeqs: seqsOf([warning, ...downs]),
      eventCount: 31,
    });

    feed(t, [left]);
    expect(t.list({ open: true })).toEqual([
      expect.objectContaining({ cause: 'node-left', title: 'pve7 left the cluster after being unreachable from all 15 peers on both links', eventCount: 32 }),
    ]);

    // the links come back before the membership: still open until pve7 has joined
    feed(t, ups);
    expect(t.list({ open: true })).toHaveLength(1);
    const closing = feed(t, [joined]);
    expect(closing).toEqual([{ change: 'closed', incident: expect.objectContaining({ id: inc!.id, endedAt: joined.at }) }]);
    expect(t.list({ open: true })).toEqual([]);
    const [done] = t.list();
    expect(Incident.parse(done)).toMatchObject({ eventSeqs: seqsOf([warning, ...downs, left, ...ups, joined]), eventCount: 63, startedAt: warning.at, endedAt: joined.at });
    // every event is in exactly one incident: nothing left for the feed but this one entry
    expect(new Set(done!.eventSeqs).size).toBe(63);
  });

  it('without topology it still groups, but does not claim "all" or "both"', () => {
    const ev = numbering();
    const { warning, downs, left } = crashAndReturn(ev);
    const [inc] = incidentsFrom([warning, ...downs, left]);
    expect(inc).toMatchObject({ cause: 'node-left', title: 'pve7 left the cluster after being unreachable from 15 peers on links 0 and 1', eventCount: 32 });
  });

  it('link-downs reported before the warning belong to the node the warning names (within the window)', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    // a source that saw three peers' links go first: fewer than half the peers, so they wait
    const early = linksTo(ev, 1_000, 'link-down', 'pve7', ['pve1', 'pve2', 'pve3']);
    expect(feed(t, early)).toEqual([]);
    const warning = ev(3_000, { type: 'node-unreachable-warning', ...node('pve7'), expectedDropInMs: 18_000, quorateAfterDrop: true });
    const rest = linksTo(ev, 3_000, 'link-down', 'pve7', names.filter((n) => !['pve1', 'pve2', 'pve3', 'pve7'].includes(n)));
    feed(t, [warning, ...rest]);
    const open = t.list({ open: true });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: `c1:${early[0]!.seq}`, startedAt: early[0]!.at, eventCount: 31, title: 'pve7 unreachable from all 15 peers on both links' });
  });

  it('without a warning, link-downs from at least half of a node’s peers make it their shared cause; node-left then escalates the same incident', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const downs = linksTo(ev, 1_000, 'link-down', 'pve7');
    const changes = feed(t, downs);
    // it opens when the 8th peer's link goes (the first 14 events waited), and stays one incident
    expect(changes.filter((c) => c.change === 'opened')).toHaveLength(1);
    expect(changes[0]!.incident.eventCount).toBe(15);
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ id: `c1:${downs[0]!.seq}`, cause: 'link-down', subject: 'pve7', title: 'both links of pve7 down to all 15 peers' })]);
    const left = ev(22_000, { type: 'node-left', ...node('pve7'), votes: 1 });
    expect(feed(t, [left])).toEqual([{ change: 'updated', incident: expect.objectContaining({ id: `c1:${downs[0]!.seq}`, cause: 'node-left', eventCount: 31 }) }]);
  });

  it('a flap (warning, links down, links up, warning cleared, no node-left) closes as node-unreachable', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const warning = ev(0, { type: 'node-unreachable-warning', ...node('pve3'), expectedDropInMs: 20_000, quorateAfterDrop: false });
    feed(t, [warning, ...linksTo(ev, 0, 'link-down', 'pve3')]);
    expect(t.list({ open: true })[0]!.title).toBe('pve3 unreachable from all 15 peers on both links (quorum would be lost)');
    feed(t, linksTo(ev, 6_000, 'link-up', 'pve3'));
    expect(t.list({ open: true })).toHaveLength(1);
    const cleared = ev(6_000, { type: 'node-unreachable-cleared', ...node('pve3') });
    expect(feed(t, [cleared])).toEqual([
      { change: 'closed', incident: expect.objectContaining({ cause: 'node-unreachable', startedAt: T0, endedAt: T0 + 6_000, eventCount: 62, title: 'pve3 unreachable from all 15 peers on both links' }) },
    ]);
  });

  it('a warning cleared while a link is still down keeps the incident open until that link is up', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    feed(t, [ev(0, { type: 'node-unreachable-warning', ...node('pve3'), expectedDropInMs: 20_000, quorateAfterDrop: true }), ...linksTo(ev, 0, 'link-down', 'pve3')]);
    feed(t, [...linksTo(ev, 5_000, 'link-up', 'pve3', undefined, [0]), ev(5_000, { type: 'node-unreachable-cleared', ...node('pve3') })]);
    expect(t.list({ open: true })).toHaveLength(1);
    const ups = linksTo(ev, 9_000, 'link-up', 'pve3', undefined, [1]);
    const changes = feed(t, ups);
    expect(changes.at(-1)).toMatchObject({ change: 'closed', incident: { endedAt: T0 + 9_000 } });
  });

  it('a clean shutdown: node-left first, its link-downs later, then back', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const left = ev(0, { type: 'node-left', ...node('pve7'), votes: 1 });
    feed(t, [left, ...linksTo(ev, 4_235, 'link-down', 'pve7')]);
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ id: `c1:${left.seq}`, cause: 'node-left', title: 'pve7 left the cluster; both links down from all 15 peers', eventCount: 31 })]);
    feed(t, [...linksTo(ev, 40_000, 'link-up', 'pve7'), ev(46_000, { type: 'node-joined', ...node('pve7'), votes: 1 })]);
    expect(t.list({ open: true })).toEqual([]);
    expect(t.list()[0]).toMatchObject({ eventCount: 62, endedAt: T0 + 46_000 });
  });

  it('the observer failing: its observer change (before the warning) belongs to its incident', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const moved = ev(0, { type: 'observer-changed', from: node('pve1'), to: node('pve2') });
    expect(feed(t, [moved])).toEqual([]);
    feed(t, [ev(4_235, { type: 'node-unreachable-warning', ...node('pve1'), expectedDropInMs: 20_000, quorateAfterDrop: true }), ...linksTo(ev, 4_235, 'link-down', 'pve1')]);
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ id: `c1:${moved.seq}`, startedAt: T0, subject: 'pve1', eventCount: 32 })]);
  });

  it('an observer change that no warning follows stays loose', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1');
    feed(t, [ev(0, { type: 'observer-changed', from: node('pve1'), to: node('pve2') })]);
    expect(t.tick(T0 + 60_000)).toEqual([]);
    feed(t, [ev(61_000, { type: 'node-unreachable-warning', ...node('pve1'), expectedDropInMs: 20_000, quorateAfterDrop: true })]);
    expect(t.list()[0]).toMatchObject({ eventCount: 1, startedAt: T0 + 61_000 });
  });
});

describe('IncidentTracker: links', () => {
  it('link 0 of one node down to every peer: one link-down incident for that node, closed when all are up', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    feed(t, linksTo(ev, 0, 'link-down', 'pve7', undefined, [0]));
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ cause: 'link-down', subject: 'pve7', title: 'link 0 of pve7 down to all 15 peers', eventCount: 15, affected: ['pve7'] })]);
    const changes = feed(t, linksTo(ev, 30_000, 'link-up', 'pve7', undefined, [0]));
    expect(changes.at(-1)).toMatchObject({ change: 'closed', incident: { eventCount: 30, endedAt: T0 + 30_000 } });
    expect(t.list({ open: true })).toEqual([]);
  });

  it('a link between two healthy nodes: pending for the window, then one incident for the pair', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const downs = [ev(0, link('link-down', 'pve1', 'pve3', 0)), ev(0, link('link-down', 'pve3', 'pve1', 0))];
    expect(feed(t, downs)).toEqual([]);
    expect(t.tick(T0 + 5_000)).toEqual([]);
    const opened = t.tick(T0 + 10_000);
    expect(opened).toEqual([
      {
        change: 'opened',
        incident: expect.objectContaining({ id: `c1:${downs[0]!.seq}`, cause: 'link-down', subject: 'pve1–pve3 link0', title: 'link 0 between pve1 and pve3 down', affected: ['pve1', 'pve3'], startedAt: T0 }),
      },
    ]);
    // the other link of the same pair joins it
    feed(t, [ev(12_000, link('link-down', 'pve1', 'pve3', 1))]);
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ subject: 'pve1–pve3', title: 'both links between pve1 and pve3 down', eventCount: 3 })]);
    const ups = [ev(20_000, link('link-up', 'pve1', 'pve3', 0)), ev(20_000, link('link-up', 'pve3', 'pve1', 0))];
    feed(t, ups);
    expect(t.list({ open: true })).toHaveLength(1);
    const closing = feed(t, [ev(21_000, link('link-up', 'pve1', 'pve3', 1))]);
    expect(closing).toEqual([{ change: 'closed', incident: expect.objectContaining({ endedAt: T0 + 21_000, eventCount: 6 }) }]);
  });

  it('a blip shorter than the window becomes one closed incident, not two loose lines', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    feed(t, [ev(0, link('link-down', 'pve2', 'pve5', 1))]);
    const changes = feed(t, [ev(2_000, link('link-up', 'pve2', 'pve5', 1))]);
    expect(changes).toEqual([{ change: 'closed', incident: expect.objectContaining({ subject: 'pve2–pve5 link1', startedAt: T0, endedAt: T0 + 2_000, eventCount: 2 }) }]);
  });

  it('a flapping link is one incident that opens again, not one per flap', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const ids = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const changes = feed(t, [...linksTo(ev, i * 10_000, 'link-down', 'pve16', undefined, [0]), ...linksTo(ev, i * 10_000 + 800, 'link-up', 'pve16', undefined, [0])]);
      expect(changes.at(-1)!.change).toBe('closed');
      for (const c of changes) ids.add(c.incident.id);
    }
    expect(ids.size).toBe(1);
    expect(t.list()).toEqual([expect.objectContaining({ title: 'link 0 of pve16 down to all 15 peers (4 times)', eventCount: 120, startedAt: T0, endedAt: T0 + 30_800 })]);
    // after a quiet window, a new loss is a new incident
    feed(t, linksTo(ev, 45_000, 'link-down', 'pve16', undefined, [0]));
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ title: 'link 0 of pve16 down to all 15 peers', startedAt: T0 + 45_000 })]);
  });

  it('links between two unrelated pairs at once: one incident per pair', () => {
    const ev = numbering();
    const all = incidentsFrom([ev(0, link('link-down', 'pve1', 'pve2', 0)), ev(0, link('link-down', 'pve9', 'pve10', 0))], { topology: topo16 });
    expect(all.map((i) => i.subject)).toEqual(['pve1–pve2 link0', 'pve9–pve10 link0']);
  });

  it('link-degraded: per pair after the window, or one incident for the node most of whose peers it reaches', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const deg = (a: string, b: string, l: number, type: 'link-degraded' | 'link-recovered' = 'link-degraded'): EventBody =>
      type === 'link-degraded'
        ? { type, from: id(a), to: id(b), link: l, fromName: a, toName: b, latencyMs: 80, lossPct: 0, cause: 'latency' }
        : { type, from: id(a), to: id(b), link: l, fromName: a, toName: b, latencyMs: 0.3, lossPct: 0 };
    feed(t, [ev(0, deg('pve1', 'pve2', 0))]);
    feed(
      t,
      names.filter((n) => n !== 'pve9').map((n) => ev(1_000, id(n) < 9 ? deg(n, 'pve9', 1) : deg('pve9', n, 1))),
    );
    t.tick(T0 + 20_000);
    const open = t.list({ open: true });
    expect(open.map((i) => [i.cause, i.subject, i.title])).toEqual([
      ['link-degraded', 'pve9', 'link 1 of pve9 degraded to all 15 peers (latency)'],
      ['link-degraded', 'pve1–pve2 link0', 'link 0 between pve1 and pve2 degraded (latency)'],
    ]);
    expect(open[0]!.severity).toBe('warning');
    const changes = feed(t, [ev(30_000, deg('pve1', 'pve2', 0, 'link-recovered'))]);
    expect(changes).toEqual([{ change: 'closed', incident: expect.objectContaining({ subject: 'pve1–pve2 link0', eventCount: 2 }) }]);
  });
});

describe('IncidentTracker: quorum, partition, storage', () => {
  it('nine of sixteen nodes crash: nine node incidents and one quorum incident related to them; quorum-regained closes it', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: topo16 });
    const down = names.slice(0, 9);
    const alive = names.slice(9);
    const events = [
      ev(0, { type: 'observer-changed', from: node('pve1'), to: node('pve10') }),
      ...down.map((n) => ev(4_235, { type: 'node-unreachable-warning', ...node(n), expectedDropInMs: 20_000, quorateAfterDrop: false })),
      ...alive.flatMap((a) => down.flatMap((d) => [0, 1].map((l) => ev(4_235, link('link-down', a, d, l))))),
      ...down.map((n) => ev(25_168, { type: 'node-left', ...node(n), votes: 1 })),
      ev(25_168, { type: 'quorum-lost', totalVotes: 7, quorum: 9, expectedVotes: 16, missing: down.map(node) }),
    ];
    feed(t, events);
    const open = t.list({ open: true });
    expect(open).toHaveLength(10);
    const quorum = open.find((i) => i.cause === 'quorum-lost')!;
    expect(quorum).toMatchObject({ subject: 'cluster', severity: 'critical', affected: down, eventCount: 1, title: events.at(-1)!.message });
    const nodes = open.filter((i) => i.cause === 'node-left');
    expect(nodes.map((i) => i.subject).sort()).toEqual([...down].sort());
    expect(quorum.related.sort()).toEqual(nodes.map((i) => i.id).sort());
    for (const n of nodes) expect(n.related).toEqual([quorum.id]);
    // every event is in one incident
    expect(open.reduce((s, i) => s + i.eventCount, 0)).toBe(events.length);

    feed(t, [ev(40_000, { type: 'quorum-regained', totalVotes: 16, quorum: 9, expectedVotes: 16 })]);
    expect(t.get(quorum.id)).toMatchObject({ endedAt: T0 + 40_000, eventCount: 2 });
  });

  it('partition-changed opens and closes a partition incident related to the unreachable nodes', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1');
    feed(t, [ev(0, { type: 'node-unreachable-warning', ...node('pve9'), expectedDropInMs: 20_000, quorateAfterDrop: false })]);
    feed(t, [ev(21_000, { type: 'partition-changed', partitioned: true })]);
    const p = t.list({ open: true }).find((i) => i.cause === 'partition')!;
    expect(p).toMatchObject({ subject: 'cluster', affected: ['pve9'], related: [t.list({ open: true }).find((i) => i.subject === 'pve9')!.id] });
    feed(t, [ev(40_000, { type: 'partition-changed', partitioned: false })]);
    expect(t.get(p.id)).toMatchObject({ endedAt: T0 + 40_000, eventCount: 2 });
  });

  it('storage inactive on healthy nodes: one incident per storage; on a node that is gone: part of its incident', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1');
    const st = (nodeName: string, active: boolean, enabled = true): EventBody => ({ type: 'storage-state-changed', storage: 'ceph', node: nodeName, active, enabled });
    feed(t, [ev(0, st('pve1', false)), ev(0, st('pve2', false))]);
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ cause: 'storage-inactive', subject: 'ceph', title: 'storage ceph inactive on pve1, pve2', affected: ['pve1', 'pve2'] })]);
    feed(t, [ev(5_000, st('pve1', true))]);
    expect(t.list({ open: true })).toHaveLength(1);
    // disabled on purpose is not a fault
    expect(feed(t, [ev(6_000, st('pve2', false, false))])).toEqual([{ change: 'closed', incident: expect.objectContaining({ endedAt: T0 + 6_000, eventCount: 4 }) }]);

    feed(t, [ev(10_000, { type: 'node-left', ...node('pve4'), votes: 1 }), ev(11_000, st('pve4', false))]);
    expect(t.list({ open: true })).toEqual([expect.objectContaining({ subject: 'pve4', eventCount: 2 })]);
  });

  it('config changes and joins with nothing open belong to no incident', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1');
    expect(
      feed(t, [
        ev(0, { type: 'config-version-changed', from: 3, to: 4 }),
        ev(0, { type: 'node-joined', ...node('pve4'), votes: 1 }),
        ev(0, { type: 'quorum-regained', totalVotes: 3, quorum: 2, expectedVotes: 3 }),
      ]),
    ).toEqual([]);
    expect(t.list()).toEqual([]);
  });
});

describe('IncidentTracker: bounds and replay', () => {
  it('replaying the events gives the same incidents, ids included; events already seen are ignored', () => {
    const ev = numbering();
    const storage = ev(0, { type: 'storage-state-changed', storage: 'nfs', node: 'pve2', active: false, enabled: true });
    const { warning, downs, left } = crashAndReturn(ev);
    const events = [storage, warning, ...downs, left];
    const live = new IncidentTracker('c1', { topology: topo16 });
    feed(live, events);
    const replayed = new IncidentTracker('c1', { topology: topo16 });
    feed(replayed, events);
    expect(feed(replayed, events)).toEqual([]);
    expect(live.list()).toHaveLength(2);
    expect(replayed.list()).toEqual(live.list());
    expect(incidentsFrom(events, { topology: topo16 })).toEqual([...live.list()].reverse());
  });

  it('an incident lists at most MAX_INCIDENT_SEQS seqs and counts all', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1');
    const events = [ev(0, { type: 'node-left', ...node('pve1'), votes: 1 })];
    for (let i = 0; i < 300; i++) events.push(ev(i, link('link-down', 'pve2', 'pve1', 0)), ev(i, link('link-up', 'pve2', 'pve1', 0)));
    feed(t, events);
    const [inc] = t.list();
    expect(inc!.eventSeqs).toHaveLength(MAX_INCIDENT_SEQS);
    expect(inc!.eventCount).toBe(601);
    expect(inc!.eventSeqs[0]).toBe(1);
  });

  it('at most maxOpen open incidents (the rest counted as dropped) and maxClosed closed ones kept', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { maxOpen: 3, maxClosed: 2 });
    feed(t, names.slice(0, 5).map((n) => ev(0, { type: 'node-left', ...node(n), votes: 1 })));
    expect(t.list({ open: true }).map((i) => i.subject).sort()).toEqual(['pve1', 'pve2', 'pve3']);
    expect(t.dropped).toBe(2);
    feed(t, names.slice(0, 3).map((n) => ev(1_000, { type: 'node-joined', ...node(n), votes: 1 })));
    expect(t.list({ open: false }).map((i) => i.subject)).toEqual(['pve3', 'pve2']);
    expect(t.list({ limit: 1 })).toHaveLength(1);
  });

  it('a node removed from the configuration while down: its incident closes on the next tick', () => {
    const ev = numbering();
    const t = new IncidentTracker('c1', { topology: { nodes: ['pve1', 'pve2', 'pve3', 'pve4'], links: [0] } });
    feed(t, [ev(0, { type: 'node-left', ...node('pve4'), votes: 1 })]);
    expect(t.tick(T0 + 1_000)).toEqual([]);
    t.setTopology({ nodes: ['pve1', 'pve2', 'pve3'], links: [0] });
    expect(t.tick(T0 + 2_000)).toEqual([{ change: 'closed', incident: expect.objectContaining({ subject: 'pve4', endedAt: T0 + 2_000 }) }]);
  });

  it('events of another cluster are ignored', () => {
    const t = new IncidentTracker('c1');
    expect(t.add(numbering('c2')(0, { type: 'node-left', ...node('pve1'), votes: 1 }))).toEqual([]);
  });

  it('IncidentQuery: open as a boolean, a bounded limit, nothing unknown', () => {
    expect(IncidentQuery.parse({ open: 'true', cluster: 'lab' })).toEqual({ open: true, cluster: 'lab', limit: 100 });
    expect(IncidentQuery.parse({ open: 'false', limit: '5' })).toEqual({ open: false, limit: 5 });
    expect(IncidentQuery.safeParse({ open: 'yes' }).success).toBe(false);
    expect(IncidentQuery.safeParse({ limit: '501' }).success).toBe(false);
    expect(IncidentQuery.safeParse({ since: '1' }).success).toBe(false);
  });
});
