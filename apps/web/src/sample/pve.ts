// The `?sample=pve` and `?sample=pve-large` snapshots: a cluster read through the Proxmox VE API without SSH —
// node load, versions and guests, HA, Ceph, and what the API cannot show (links, exact quorum options, the
// early warning, push). pve: 3 nodes, pve3 offline (its storage and guests unknown, its HA LRM dead and being
// fenced, Ceph missing a monitor and its OSDs). pve-large: 12 healthy nodes, Ceph healthy, no HA.
import type { ClusterNode, ClusterSnapshot, NodeResources, Storage } from '@quorate/model';

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

const UNAVAILABLE: NonNullable<ClusterSnapshot['unavailable']> = [
  { what: 'links', why: 'Corosync links (knet) are not in the Proxmox API: add SSH to read corosync-cfgtool' },
  { what: 'quorum-options', why: 'the API does not show corosync.conf’s quorum {} section: expected and needed votes assume the defaults' },
  { what: 'early-warning', why: 'the early warning needs knet link states (SSH)' },
  { what: 'push', why: 'the API has no push: /cluster/status is polled every 2 s' },
];

function resources(i: number, offline: boolean, guests: NodeResources['guests']): NodeResources {
  if (offline) return { cpu: null, cpus: null, memUsedBytes: null, memTotalBytes: null, uptimeS: null, pveVersion: null, kernel: null, guests, haLrm: null };
  return {
    cpu: [0.034, 0.41, 0.12, 0.78, 0.06, 0.93][i % 6] ?? 0.1,
    cpus: [16, 32, 16, 48][i % 4] ?? 16,
    memUsedBytes: [21.4, 88.2, 40.7, 112.9][i % 4]! * GiB,
    memTotalBytes: [62.7, 125.7, 62.7, 125.7][i % 4]! * GiB,
    uptimeS: 12 * 86_400 + 3 * 3600 + i * 7_919,
    pveVersion: i % 5 === 4 ? 'pve-manager/8.2.2/9355359cd7afbae4' : 'pve-manager/8.2.4/faa83925c9641325',
    kernel: '6.8.12-1-pve',
    guests,
    haLrm: null,
  };
}

function storage(names: readonly string[], offline: ReadonlySet<string>): Storage[] {
  const on = (node: string, total: number, used: number) =>
    offline.has(node) ? { node, enabled: true, active: false, totalBytes: 0, usedBytes: 0, availBytes: 0, unknown: true } : { node, enabled: true, active: true, totalBytes: total, usedBytes: used, availBytes: total - used };
  return [
    { id: 'ceph-rbd', type: 'rbd', content: ['images', 'rootdir'], shared: true, nodes: names.map((n) => on(n, 12 * TiB, 4.9 * TiB)) },
    { id: 'local-zfs', type: 'zfspool', content: ['images', 'rootdir'], shared: false, nodes: names.map((n, i) => on(n, 900 * GiB, (200 + (i % 3) * 310) * GiB)) },
  ];
}

/** `base`'s snapshot read through the API: the same nodes, what the API adds, no links */
export function pveSnapshot(base: ClusterSnapshot, large: boolean, now: number): ClusterSnapshot {
  const s = structuredClone(base);
  s.source = 'pve';
  s.links = [];
  s.cluster = { ...s.cluster, quorumOptionsKnown: false, tokenMs: null, runtimeTokenMs: null };
  s.unavailable = UNAVAILABLE;
  const offline = new Set(large ? [] : ['pve3']);
  s.nodes = s.nodes.map((n, i): ClusterNode => {
    const down = offline.has(n.name);
    const guests = down ? { running: 0, stopped: 0, unknown: 2, haManaged: 1 } : { running: 3 + (i % 4), stopped: i % 3, unknown: 0, haManaged: large ? 0 : 1 };
    const r = resources(i, down, guests);
    if (!large) r.haLrm = down ? 'old timestamp - dead?' : i === 0 ? 'active' : 'idle';
    return { ...n, state: down ? 'offline' : 'online', since: down ? now - 95_000 : n.since, resources: r };
  });
  const members = s.nodes.filter((n) => n.state === 'online').map((n) => n.id);
  const present = s.nodes.filter((n) => n.state === 'online').reduce((a, n) => a + n.votes, 0);
  const expected = s.nodes.reduce((a, n) => a + n.votes, 0);
  s.quorum = { expectedVotes: expected, highestExpected: expected, totalVotes: present, quorum: Math.floor(expected / 2) + 1, quorate: true, flags: ['Quorate'], ringId: null, members };
  s.views = s.views.map((v) => (offline.has(v.name) ? { ...v, reachable: false, reason: 'the API answers 595: no route to host', quorum: null } : v));
  s.storage = storage(
    s.nodes.map((n) => n.name),
    offline,
  );
  const monitors = s.nodes.slice(0, 3).map((n) => ({ name: n.name, inQuorum: !offline.has(n.name) }));
  s.ceph = large
    ? { health: 'HEALTH_OK', checks: [], monitors, osdsUp: 24, osdsIn: 24, osdsTotal: 24 }
    : { health: 'HEALTH_WARN', checks: ['1/3 mons down, quorum pve1,pve2', '4 osds down', 'Degraded data redundancy: 1021/3063 objects degraded (33.333%)'], monitors, osdsUp: 8, osdsIn: 12, osdsTotal: 12 };
  s.ha = large
    ? null
    : {
        quorate: true,
        master: 'pve1',
        services: [
          { sid: 'vm:100', node: 'pve1', state: 'started' },
          { sid: 'vm:101', node: 'pve3', state: 'fence' },
          { sid: 'ct:200', node: 'pve2', state: 'error' },
        ],
        fencing: ['pve3'],
      };
  return s;
}
