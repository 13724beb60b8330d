// Static snapshots for looking at layouts without a BFF: ?sample= one of SAMPLE_NAMES (healthy is quorate;
// degraded, two-node, override, qdevice-lost, links-down and partition are each a degraded reason; lost,
// stale and unknown; pve and pve-large: read through the Proxmox API, sample/pve.ts), with their events and incidents. Loaded on demand only; never part of the initial bundle.
import type { QueryClient } from '@tanstack/react-query';
import type { ClusterEvent, ClusterList, ClusterSnapshot, Incident, IncidentList, LinkObservation } from '@quorate/model';
import { queryKeys } from '../api/keys';
import type { SnapshotEntry } from '../live/cache';
import { setConnection } from '../live/connection';
import { pveSnapshot } from './pve';

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

export const SAMPLE_NAMES = [
  'quorate',
  'healthy',
  'degraded',
  'two-node',
  'override',
  'qdevice-lost',
  'links-down',
  'partition',
  'warning',
  'lms',
  'lost',
  'stale',
  'unknown',
  'pve',
  'pve-large',
] as const;

function base(now: number, count = 3): ClusterSnapshot {
  const names = Array.from({ length: count }, (_, i) => `pve${i + 1}`);
  const links: LinkObservation[] = [];
  for (let f = 1; f <= count; f++)
    for (let t = 1; t <= count; t++)
      for (const link of [0, 1])
        if (f !== t)
          links.push({ from: f, to: t, link, enabled: true, connected: true, latencyAvgMs: 0.2 + link * 0.1 + f * 0.03, latencyMaxMs: 1.1, lossPct: 0, downCount: 0 });
  return {
    clusterId: 'lab',
    observedAt: now - 400,
    source: 'sim',
    observer: { nodeId: 1, name: 'pve1' },
    cluster: {
      name: 'lab-cluster',
      configVersion: 3,
      transport: 'knet',
      secureAuth: true,
      quorumOptions: { expectedVotes: null, twoNode: false, waitForAll: null, lastManStanding: false, lastManStandingWindowMs: 10000, autoTieBreaker: false, autoTieBreakerNode: 'lowest' },
      tokenMs: 3000,
      runtimeTokenMs: 3650,
    },
    quorum: { expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, quorate: true, flags: ['Quorate'], ringId: '1.2c', members: [1, 2, 3] },
    nodes: names.map((name, i) => ({
      id: i + 1,
      name,
      votes: 1,
      state: 'online' as const,
      addresses: [
        { link: 0, address: `198.18.0.${i + 1}` },
        { link: 1, address: `198.19.0.${i + 1}` },
      ],
      since: now - 3_600_000,
    })),
    links,
    qdevice: null,
    storage: [
      { id: 'ceph-rbd', type: 'rbd', content: ['images', 'rootdir'], shared: true, nodes: names.map((node) => ({ node, enabled: true, active: true, totalBytes: 12 * TiB, usedBytes: 4.9 * TiB, availBytes: 7.1 * TiB })) },
      { id: 'nfs-backup', type: 'nfs', content: ['backup', 'iso'], shared: true, nodes: names.map((node) => ({ node, enabled: true, active: true, totalBytes: 4 * TiB, usedBytes: 3.1 * TiB, availBytes: 0.9 * TiB })) },
      { id: 'local-zfs', type: 'zfspool', content: ['images', 'rootdir'], shared: false, nodes: names.map((node, i) => ({ node, enabled: true, active: true, totalBytes: 900 * GiB, usedBytes: (200 + (i % 3) * 310) * GiB, availBytes: (700 - (i % 3) * 310) * GiB })) },
    ],
    views: names.map((name, i) => ({ nodeId: i + 1, name, reachable: true, reason: null, observedAt: now - 400, quorum: null })),
    partitioned: false,
    warnings: [],
  };
}

/** `ids` offline since `since`, their links down; the rest is the membership */
function stop(s: ClusterSnapshot, ids: readonly number[], since: number): void {
  const away = new Set(ids);
  for (const n of s.nodes) if (away.has(n.id)) Object.assign(n, { state: 'offline', since });
  for (const l of s.links) if (away.has(l.from) || away.has(l.to)) Object.assign(l, { connected: false, latencyAvgMs: null, latencyMaxMs: null, downCount: 1 });
  s.views = s.views.map((v) => (away.has(v.nodeId) ? { ...v, reachable: false, reason: 'Corosync is not running', quorum: null } : v));
  for (const st of s.storage ?? []) for (const n of st.nodes) if (s.nodes.find((x) => x.name === n.node && away.has(x.id))) n.active = false;
}

/** an incident of the sample (model incidents.ts) grouping sample events; its id is its first event's */
function incident(events: readonly ClusterEvent[], cause: Incident['cause'], subject: string, title: string, seqs: number[], endedAt: number | null, related: number[] = []): Incident {
  const own = events.filter((e) => seqs.includes(e.seq));
  const rank = { info: 0, warning: 1, critical: 2 } as const;
  return {
    id: `lab:${seqs[0]}`,
    clusterId: 'lab',
    cause,
    subject,
    title,
    startedAt: Math.min(...own.map((e) => e.at)),
    endedAt,
    severity: own.reduce<Incident['severity']>((w, e) => (rank[e.severity] > rank[w] ? e.severity : w), 'info'),
    eventSeqs: seqs,
    eventCount: seqs.length,
    affected: cause === 'quorum-lost' || cause === 'partition' ? [] : [subject.split('–')[0] ?? subject],
    related: related.map((r) => `lab:${r}`),
  };
}

function variant(name: string, now: number): { s: ClusterSnapshot; events: ClusterEvent[]; incidents: Incident[] } {
  if (name === 'pve' || name === 'pve-large') {
    const events = [{ seq: 1, at: now - 600_000, severity: 'info', message: 'observing through pve1', body: { type: 'observer-changed', from: null, to: { nodeId: 1, name: 'pve1' } }, clusterId: 'lab' } satisfies ClusterEvent];
    return { s: pveSnapshot(base(now, name === 'pve' ? 3 : 12), name === 'pve-large', now), events, incidents: [] };
  }
  const s = base(now, name === 'two-node' ? 2 : name === 'qdevice-lost' ? 4 : 3);
  const ev = (seq: number, at: number, severity: ClusterEvent['severity'], message: string, body: ClusterEvent['body']): ClusterEvent => ({ seq, at, severity, message, body, clusterId: 'lab' });
  const events: ClusterEvent[] = [ev(1, now - 600_000, 'info', 'pve1 is the observer', { type: 'observer-changed', from: null, to: { nodeId: 1, name: 'pve1' } })];
  const incidents: Incident[] = [];
  if (name === 'lost' || name === 'stale') {
    for (const n of s.nodes) if (n.id !== 1) Object.assign(n, { state: 'offline', since: now - 125_000 });
    for (const l of s.links) Object.assign(l, { connected: false, latencyAvgMs: null, downCount: 1 });
    s.quorum = { expectedVotes: 3, highestExpected: 3, totalVotes: 1, quorum: 2, quorate: false, flags: [], ringId: '1.30', members: [1] };
    for (const st of s.storage ?? []) for (const n of st.nodes) if (n.node !== 'pve1' && st.shared) n.active = false;
    events.push(
      ev(2, now - 126_000, 'warning', 'pve2 left (1 vote)', { type: 'node-left', nodeId: 2, name: 'pve2', votes: 1 }),
      ev(3, now - 125_000, 'warning', 'pve3 left (1 vote)', { type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 }),
      ev(4, now - 125_000, 'critical', 'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)', { type: 'quorum-lost', totalVotes: 1, quorum: 2, expectedVotes: 3, missing: [{ nodeId: 2, name: 'pve2' }, { nodeId: 3, name: 'pve3' }] }),
    );
    incidents.push(
      incident(events, 'node-left', 'pve2', 'pve2 left the cluster', [2], null, [4]),
      incident(events, 'node-left', 'pve3', 'pve3 left the cluster', [3], null, [4]),
      incident(events, 'quorum-lost', 'cluster', 'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)', [4], null, [2, 3]),
    );
    if (name === 'stale') s.observedAt = now - 42_000;
  }
  if (name === 'warning') {
    for (const l of s.links) if (l.from === 3 || l.to === 3) Object.assign(l, { connected: false, latencyAvgMs: null, downCount: 1 });
    s.warnings = [{ nodeId: 3, name: 'pve3', since: now - 800, expectedDropInMs: 3650, quorateAfterDrop: true, totalVotesAfterDrop: 2, expectedVotesAfterDrop: 3 }];
    const l = s.links.find((x) => x.from === 1 && x.to === 2 && x.link === 1);
    if (l) Object.assign(l, { latencyAvgMs: 62, latencyMaxMs: 140, lossPct: 2.5 });
    events.push(
      ev(2, now - 240_000, 'warning', 'link 1 pve1→pve2 degraded: 58 ms, 2.5 % loss', {
        type: 'link-degraded', from: 1, to: 2, link: 1, fromName: 'pve1', toName: 'pve2', latencyMs: 58, lossPct: 2.5, cause: 'latency',
      }),
    );
    incidents.push(incident(events, 'link-degraded', 'pve1–pve2 link1', 'link 1 between pve1 and pve2 degraded (latency)', [2], null));
  }
  if (name === 'degraded') {
    // one node down of three: still quorate, but the next failure loses quorum
    stop(s, [3], now - 95_000);
    s.quorum = { expectedVotes: 3, highestExpected: 3, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate'], ringId: '1.2e', members: [1, 2] };
    events.push(ev(2, now - 95_000, 'warning', 'pve3 left (1 vote)', { type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 }));
    incidents.push(incident(events, 'node-left', 'pve3', 'pve3 left the cluster', [2], null));
  }
  if (name === 'two-node') {
    // two nodes, no QDevice, no two_node: either failure loses quorum
    s.quorum = { expectedVotes: 2, highestExpected: 2, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate'], ringId: '1.8', members: [1, 2] };
  }
  if (name === 'override') {
    // pve2 and pve3 down, expected votes lowered by hand (pvecm expected 1) to get quorum back
    stop(s, [2, 3], now - 20 * 60_000);
    s.quorum = { expectedVotes: 1, highestExpected: 1, totalVotes: 1, quorum: 1, quorate: true, flags: ['Quorate'], ringId: '1.30', members: [1] };
    events.push(
      ev(2, now - 20 * 60_000, 'warning', 'pve2 left (1 vote)', { type: 'node-left', nodeId: 2, name: 'pve2', votes: 1 }),
      ev(3, now - 20 * 60_000, 'warning', 'pve3 left (1 vote)', { type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 }),
      ev(4, now - 20 * 60_000, 'critical', 'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)', { type: 'quorum-lost', totalVotes: 1, quorum: 2, expectedVotes: 3, missing: [{ nodeId: 2, name: 'pve2' }, { nodeId: 3, name: 'pve3' }] }),
      ev(5, now - 12 * 60_000, 'warning', 'expected votes changed from 3 to 1', { type: 'expected-votes-changed', from: 3, to: 1 }),
      ev(6, now - 12 * 60_000, 'info', 'quorum regained: 1 of 1 votes, 1 needed', { type: 'quorum-regained', totalVotes: 1, quorum: 1, expectedVotes: 1 }),
    );
  }
  if (name === 'qdevice-lost') {
    // four nodes and a QDevice that lost its qnetd: its vote is missing, the nodes still have margin
    s.qdevice = { votes: 1, state: 'disconnected', algorithm: 'ffsplit', host: '198.18.0.9', castsVote: false };
    s.quorum = { expectedVotes: 5, highestExpected: 5, totalVotes: 4, quorum: 3, quorate: true, flags: ['Quorate'], ringId: '1.40', members: [1, 2, 3, 4] };
  }
  if (name === 'links-down') {
    // link1 between pve1 and pve2 is down: they still talk on link0, one failure from losing contact
    for (const l of s.links)
      if (l.link === 1 && ((l.from === 1 && l.to === 2) || (l.from === 2 && l.to === 1)))
        Object.assign(l, { connected: false, latencyAvgMs: null, latencyMaxMs: null, downCount: 3 });
  }
  if (name === 'partition') {
    // pve3 cut off; the ffsplit QDevice gives its vote to the pve1+pve2 side (3 of 4, 3 needed)
    s.partitioned = true;
    s.quorum = { expectedVotes: 4, highestExpected: 4, totalVotes: 3, quorum: 3, quorate: true, flags: ['Quorate', 'Qdevice'], ringId: '1.34', members: [1, 2] };
    const n3 = s.nodes[2];
    if (n3) Object.assign(n3, { state: 'offline', since: now - 20_000 });
    for (const l of s.links) if (l.from === 3 || l.to === 3) Object.assign(l, { connected: false, latencyAvgMs: null });
    s.views = [
      { nodeId: 1, name: 'pve1', reachable: true, reason: null, observedAt: now, quorum: s.quorum },
      { nodeId: 2, name: 'pve2', reachable: true, reason: null, observedAt: now, quorum: s.quorum },
      { nodeId: 3, name: 'pve3', reachable: true, reason: null, observedAt: now, quorum: { expectedVotes: 4, highestExpected: 4, totalVotes: 1, quorum: 3, quorate: false, flags: ['Qdevice'], ringId: '3.34', members: [3] } },
    ];
    s.storage = null;
    s.qdevice = { votes: 1, state: 'connected', algorithm: 'ffsplit', host: '198.18.0.9', castsVote: true };
    events.push(ev(2, now - 20_000, 'critical', 'cluster partitioned: reachable nodes disagree on membership', { type: 'partition-changed', partitioned: true }));
    incidents.push(incident(events, 'partition', 'cluster', 'cluster partitioned: reachable nodes disagree on membership', [2], null));
  }
  if (name === 'lms') {
    // last_man_standing: pve3 left, the window passed, expected votes were recalculated to 2
    s.cluster.quorumOptions = { ...s.cluster.quorumOptions, lastManStanding: true };
    const n3 = s.nodes[2];
    if (n3) Object.assign(n3, { state: 'offline', since: now - 60_000 });
    for (const l of s.links) if (l.from === 3 || l.to === 3) Object.assign(l, { connected: false, latencyAvgMs: null });
    s.quorum = { expectedVotes: 2, highestExpected: 2, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate', 'LastManStanding'], ringId: '1.38', members: [1, 2] };
    s.views = s.views.map((v) => (v.nodeId === 3 ? { ...v, reachable: false, reason: 'no Corosync running', quorum: null } : { ...v, quorum: s.quorum }));
  }
  if (name === 'unknown') {
    // before any node could be read (what the SSH source sends at first): the configured name and nodes,
    // each with the reason it could not be asked; nothing else is known
    s.quorum = null;
    s.observer = null;
    s.cluster = { ...s.cluster, configVersion: null, transport: null, secureAuth: null, tokenMs: null, runtimeTokenMs: null };
    s.nodes = s.nodes.map((n) => ({ ...n, state: 'unknown', addresses: [], since: null }));
    s.links = [];
    s.storage = null;
    const reasons = [
      'ssh: connection refused',
      'ssh: timed out after 10 s',
      'ssh: host key mismatch: expected SHA256:q3xT…, got SHA256:Zk9v…',
    ];
    s.views = s.views.map((v, i) => ({ ...v, reachable: false, reason: reasons[i] ?? 'unreachable', quorum: null }));
    events.length = 0;
  }
  return { s, events: events.reverse(), incidents: incidents.reverse() };
}

export function seedSample(qc: QueryClient, name: string): ClusterList {
  const now = Date.now();
  const { s, events, incidents } = variant(name === 'healthy' ? 'quorate' : name, now);
  qc.setQueryData<SnapshotEntry>(queryKeys.snapshot('lab'), { rev: 1, snapshot: s, receivedAt: name === 'stale' ? now - 42_000 : now });
  qc.setQueryData(queryKeys.events(''), events);
  qc.setQueryData<IncidentList>(queryKeys.incidents(''), { incidents });
  setConnection({ status: name === 'stale' ? 'reconnecting' : 'live' });
  if (name.startsWith('pve')) return { clusters: [{ id: 'lab', name: 'lab-cluster', source: 'pve', default: true, origin: 'config', capabilities: [] }] };
  return { clusters: [{ id: 'lab', name: 'lab-cluster', source: 'sim', default: true, origin: 'config', capabilities: ['faults', 'expectedVotes', 'stateExport'] }] };
}
