// The new parse paths of the pve snapshot, each with bad replies: a field of the wrong type drops that row
// (named in the notes), never the snapshot; an unexpected shape leaves only its part null.
import { ClusterSnapshot } from '@quorate/model';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, type PveReplies } from './build';
import { buildCeph } from './build-ceph';
import { buildHa, lrmState } from './build-ha';
import { versionsOf } from './build-nodes';
import { coverage, missingPrivileges, parsePermissions } from './permissions';
import { NodeStatusReply } from './schemas';

const ctx = { clusterId: 'lab', name: 'lab', observedAt: 1 };
const status = [
  { type: 'cluster', id: 'cluster', name: 'lab', nodes: 3, version: 3, quorate: 1 },
  { type: 'node', id: 'node/pve1', name: 'pve1', nodeid: 1, online: 1, local: 1 },
  { type: 'node', id: 'node/pve2', name: 'pve2', nodeid: 2, online: 1, local: 0 },
  { type: 'node', id: 'node/pve3', name: 'pve3', nodeid: 3, online: 0, local: 0 },
];
const nodeRow = (node: string, extra: Record<string, unknown> = {}) => ({ id: `node/${node}`, type: 'node', node, status: 'online', cpu: 0.25, maxcpu: 8, mem: 1024, maxmem: 4096, uptime: 100, ...extra });
const build = (r: Omit<PveReplies, 'status'>) => {
  const out = buildSnapshot({ status, ...r }, ctx);
  expect(() => ClusterSnapshot.parse(out.snapshot)).not.toThrow();
  return out;
};
const res = (snap: ClusterSnapshot, node: string) => snap.nodes.find((n) => n.name === node)!.resources!;

describe('node load and guests (/cluster/resources)', () => {
  it('load from the node row; an offline node has every field null even when a stale row says more', () => {
    const { snapshot } = build({ resources: [nodeRow('pve1'), nodeRow('pve3', { status: 'online' })] });
    expect(res(snapshot, 'pve1')).toMatchObject({ cpu: 0.25, cpus: 8, memUsedBytes: 1024, memTotalBytes: 4096, uptimeS: 100 });
    expect(res(snapshot, 'pve3')).toMatchObject({ cpu: null, cpus: null, memUsedBytes: null, uptimeS: null });
    // pve2 has no node row (no Sys.Audit on /nodes/pve2): null, not 0
    expect(res(snapshot, 'pve2')).toMatchObject({ cpu: null, memTotalBytes: null });
  });

  it('guests: running/stopped per node, templates out, HA-managed counted, an offline node\'s guests unknown', () => {
    const { snapshot } = build({
      resources: [
        { id: 'qemu/100', type: 'qemu', node: 'pve1', status: 'running', vmid: 100, template: 0, hastate: 'started' },
        { id: 'lxc/101', type: 'lxc', node: 'pve1', status: 'stopped', vmid: 101, template: 0 },
        { id: 'qemu/900', type: 'qemu', node: 'pve1', status: 'stopped', vmid: 900, template: 1 },
        { id: 'qemu/102', type: 'qemu', node: 'pve3', status: 'running', vmid: 102 },
        { id: 'qemu/103', type: 'qemu', node: 'pve3', status: 'unknown', vmid: 103 },
        { id: 'pool/x', type: 'pool', pool: 'x' },
      ],
    });
    expect(res(snapshot, 'pve1').guests).toEqual({ running: 1, stopped: 1, unknown: 0, haManaged: 1 });
    expect(res(snapshot, 'pve2').guests).toEqual({ running: 0, stopped: 0, unknown: 0, haManaged: 0 });
    expect(res(snapshot, 'pve3').guests).toEqual({ running: 0, stopped: 0, unknown: 2, haManaged: 0 });
  });

  it('a node row with a field of the wrong type is dropped and named; the other rows and the snapshot stay', () => {
    const { snapshot, notes } = build({ resources: [nodeRow('pve1', { cpu: 'lots' }), nodeRow('pve2')] });
    expect(notes.join()).toMatch(/cluster\/resources\[0\]: cpu/);
    expect(res(snapshot, 'pve1').cpu).toBeNull();
    expect(res(snapshot, 'pve2').cpu).toBe(0.25);
  });

  it('a resources reply that is not a list: storage and guests null, named, the rest of the snapshot kept', () => {
    const { snapshot, notes } = build({ resources: { oops: 1 } });
    expect(snapshot.storage).toBeNull();
    expect(res(snapshot, 'pve1').guests).toBeNull();
    expect(snapshot.nodes).toHaveLength(3);
    expect(notes.join()).toMatch(/cluster\/resources: expected a list/);
  });

  it('without VM.Audit (per /access/permissions) guests are null and unavailable says why; only on some guests: counted, and said', () => {
    const rows = [{ id: 'qemu/100', type: 'qemu', node: 'pve1', status: 'running' }];
    const none = build({ resources: rows, permissions: { '/': { 'Sys.Audit': 1 }, '/vms': {} } }).snapshot;
    expect(res(none, 'pve1').guests).toBeNull();
    expect(none.unavailable?.find((u) => u.what === 'guests')?.why).toMatch(/lacks VM\.Audit on \/vms/);
    const some = build({ resources: rows, permissions: { '/': { 'Sys.Audit': 1 }, '/vms/100': { 'VM.Audit': 1 } } }).snapshot;
    expect(res(some, 'pve1').guests?.running).toBe(1);
    expect(some.unavailable?.find((u) => u.what === 'guests')?.why).toMatch(/some guests only/);
    const all = build({ resources: rows, permissions: { '/vms': { 'VM.Audit': 1 } } }).snapshot;
    expect(all.unavailable?.some((u) => u.what === 'guests')).toBe(false);
  });
});

describe('versions (/nodes/{node}/status)', () => {
  it('kernel from current-kernel.release on newer nodes, else from kversion; pveversion as is', () => {
    expect(versionsOf(NodeStatusReply.parse({ pveversion: 'pve-manager/8.2.4/faa83925', 'current-kernel': { sysname: 'Linux', release: '6.8.12-1-pve' }, kversion: 'Linux 6.8.12-1-pve #1 SMP' }))).toEqual({ pveVersion: 'pve-manager/8.2.4/faa83925', kernel: '6.8.12-1-pve' });
    expect(versionsOf(NodeStatusReply.parse({ kversion: 'Linux 5.15.108-1-pve #1 SMP PVE 5.15.108-2 (2023-07-20T10:06Z)' }))).toEqual({ pveVersion: null, kernel: '5.15.108-1-pve' });
  });

  it('only online nodes get versions; a reply of the wrong shape is a note and null versions', () => {
    const nodeStatus = new Map<string, unknown>([
      ['pve1', { pveversion: 'pve-manager/9.0.3/abc', kversion: 'Linux 6.14.8-2-pve #1' }],
      ['pve2', { pveversion: 42 }],
      ['pve3', { pveversion: 'pve-manager/9.0.3/abc' }],
    ]);
    const { snapshot, notes } = build({ nodeStatus });
    expect(res(snapshot, 'pve1')).toMatchObject({ pveVersion: 'pve-manager/9.0.3/abc', kernel: '6.14.8-2-pve' });
    expect(res(snapshot, 'pve2').pveVersion).toBeNull();
    expect(notes.join()).toMatch(/nodes\/pve2\/status: pveversion/);
    expect(res(snapshot, 'pve3').pveVersion).toBeNull(); // offline
  });

  it('595 on one node: a note, that node\'s versions null, nothing unavailable; 403 is unavailable with the privilege', () => {
    const { snapshot, notes } = build({
      failures: [
        { path: 'nodes/pve2/status', status: 595, message: '595 Errors during connection establishment, proxy handshake: No route to host: node pve2 is unreachable from the answering node (GET /nodes/pve2/status)' },
      ],
    });
    expect(notes.join()).toMatch(/nodes\/pve2\/status: 595 .*node pve2 is unreachable/);
    expect(snapshot.unavailable?.map((u) => u.what)).toEqual(['links', 'quorum-options', 'early-warning', 'push']);
    expect(snapshot.quorum?.quorate).toBe(true);
    const refused = build({ failures: [{ path: 'nodes/pve2/status', status: 403, message: '403 Permission check failed (GET /nodes/pve2/status): the token needs Sys.Audit on /nodes/pve2' }] }).snapshot;
    expect(refused.unavailable?.at(-1)).toEqual({ what: 'node-status', why: expect.stringContaining('Sys.Audit on /nodes/pve2') });
  });
});

describe('HA (/cluster/ha/status/current)', () => {
  it('the LRM state out of its status text, old and new formats', () => {
    expect(lrmState('pve3 (old timestamp - dead?, watchdog standby, Tue Nov 25 18:20:02 2025)')).toBe('old timestamp - dead?');
    expect(lrmState('pve1 (active, Tue Nov 25 18:31:38 2025)')).toBe('active');
    expect(lrmState('pve2 (unable to read lrm status)')).toBe('unable to read lrm status');
    expect(lrmState('pve2 (maintenance mode, watchdog active, Tue Nov 25 18:31:38 2025)')).toBe('maintenance mode');
  });

  it('only the quorum entry (HA never used) is null; quorate from "OK" when the flag is absent (older managers)', () => {
    const notes: string[] = [];
    expect(buildHa([{ id: 'quorum', type: 'quorum', node: 'pve1', status: 'OK', quorate: 1 }, { id: 'fencing', type: 'fencing', node: 'pve1', status: 'standby (CRM watchdog standby)', 'armed-state': 'standby' }], notes).ha).toBeNull();
    const ha = buildHa([{ id: 'quorum', type: 'quorum', node: 'pve1', status: "No quorum on node 'pve1'!" }, { id: 'master', type: 'master', node: 'pve2', status: 'pve2 (active, …)' }], notes).ha;
    expect(ha).toEqual({ quorate: false, master: 'pve2', services: [], fencing: [] });
  });

  it('the PVE 9 fencing entry (arm state) is no node being fenced; a service in fence names its node', () => {
    const notes: string[] = [];
    const { ha } = buildHa(
      [
        { id: 'master', type: 'master', node: 'pve2', status: 'x' },
        { id: 'fencing', type: 'fencing', node: 'pve2', status: 'armed (CRM watchdog active)', 'armed-state': 'armed' },
        { id: 'service:vm:101', type: 'service', sid: 'vm:101', node: 'pve3', state: 'fence', crm_state: 'fence' },
        { id: 'service:vm:102', type: 'service', sid: 'vm:102', node: 'pve3', state: 'fence' },
      ],
      notes,
    );
    expect(ha?.fencing).toEqual(['pve3']);
  });

  it('a bad row is dropped and named; a reply that is not a list is null with a note', () => {
    const notes: string[] = [];
    const { ha, lrm } = buildHa([{ id: 'master', type: 'master', node: 'pve2' }, { id: 'service:vm:1', type: 'service', sid: 7 }, { id: 'lrm:pve1', type: 'lrm', node: 'pve1', status: 'pve1 (idle, x)' }], notes);
    expect(ha?.services).toEqual([]);
    expect(lrm.get('pve1')).toBe('idle');
    expect(notes.join()).toMatch(/cluster\/ha\/status\/current\[1\]: sid/);
    expect(buildHa({ data: 'x' }, notes).ha).toBeNull();
    expect(notes.at(-1)).toMatch(/expected a list/);
  });

  it('in the snapshot: per-node haLrm only with HA; a 403 is unavailable naming Sys.Audit', () => {
    const { snapshot } = build({ ha: [{ id: 'master', type: 'master', node: 'pve2', status: 'x' }, { id: 'lrm:pve1', type: 'lrm', node: 'pve1', status: 'pve1 (active, x)' }] });
    expect(res(snapshot, 'pve1').haLrm).toBe('active');
    expect(res(snapshot, 'pve2').haLrm).toBeNull();
    const refused = build({ failures: [{ path: 'cluster/ha/status/current', status: 403, message: '403 Permission check failed (GET /cluster/ha/status/current): the token needs Sys.Audit on /' }] }).snapshot;
    expect(refused.ha).toBeNull();
    expect(refused.unavailable?.find((u) => u.what === 'ha')?.why).toMatch(/^403 .*needs Sys\.Audit on \//);
  });
});

describe('Ceph (/cluster/ceph/status)', () => {
  it('older Ceph: osdmap nested one level deeper, overall_status, no monmap.mons (monitors from quorum_names)', () => {
    const notes: string[] = [];
    const c = buildCeph({ health: { overall_status: 'HEALTH_ERR', checks: { X: { severity: 'HEALTH_ERR' } } }, quorum_names: ['a', 'b'], osdmap: { osdmap: { num_osds: '3', num_up_osds: 2, num_in_osds: 3 } } }, notes);
    expect(c).toEqual({ health: 'HEALTH_ERR', checks: ['X'], monitors: [{ name: 'a', inQuorum: true }, { name: 'b', inQuorum: true }], osdsUp: 2, osdsIn: 3, osdsTotal: 3 });
  });

  it('a reply without health is null with a note, never a crash; a negative count is null', () => {
    const notes: string[] = [];
    expect(buildCeph({ fsid: 'x' }, notes)).toBeNull();
    expect(notes[0]).toMatch(/cluster\/ceph\/status: health/);
    expect(buildCeph({ health: { status: 'HEALTH_OK' }, osdmap: { num_osds: -1 } }, notes)?.osdsTotal).toBeNull();
  });
});

describe('storage configuration (/storage, /nodes/{node}/storage)', () => {
  const rows = [
    { id: 'storage/pve1/nas', type: 'storage', storage: 'nas', node: 'pve1', status: 'available', plugintype: 'cifs', content: 'backup', maxdisk: 100, disk: 10 },
    { id: 'storage/pve2/nas', type: 'storage', storage: 'nas', node: 'pve2', status: 'available', plugintype: 'cifs', content: 'backup', maxdisk: 100, disk: 10 },
  ];
  it('a network type is shared whatever the row says; a disabled storage is disabled on every node, offline ones unknown', () => {
    const { snapshot } = build({ resources: rows, storageConfig: [{ storage: 'nas', type: 'cifs', content: 'backup' }, { storage: 'old', type: 'dir', disable: 1, content: 'iso' }] });
    expect(snapshot.storage?.find((s) => s.id === 'nas')?.shared).toBe(true);
    const old = snapshot.storage?.find((s) => s.id === 'old');
    expect(old?.nodes.map((n) => [n.node, n.enabled, n.unknown ?? false])).toEqual([
      ['pve1', false, false],
      ['pve2', false, false],
      ['pve3', false, true],
    ]);
  });

  it('a config row of the wrong type is dropped and named; /nodes/{node}/storage of an offline node is ignored', () => {
    const { snapshot, notes } = build({ resources: rows, storageConfig: [{ storage: 'nas', type: 5 }], nodeStorage: new Map([['pve3', [{ storage: 'nas', active: 0 }]]]) });
    expect(notes.join()).toMatch(/storage\[0\]: type/);
    expect(snapshot.storage?.find((s) => s.id === 'nas')?.nodes.map((n) => n.node)).toEqual(['pve1', 'pve2']);
  });

  it('never adds sizes across storages or nodes: each node keeps its own', () => {
    const { snapshot } = build({ resources: rows, nodeStorage: new Map([['pve1', [{ storage: 'nas', active: 1, enabled: 1, total: 100, used: 20, avail: 80 }]]]) });
    const nas = snapshot.storage!.find((s) => s.id === 'nas')!;
    expect(nas.nodes.map((n) => n.totalBytes)).toEqual([100, 100]);
    expect(nas.nodes[0]!.usedBytes).toBe(20);
  });
});

describe('permissions (/access/permissions)', () => {
  it('the map, or null for another shape; coverage all/some/none; what is missing', () => {
    expect(parsePermissions([])).toBeNull();
    expect(parsePermissions({ '/': 'x' })).toBeNull();
    const p = parsePermissions({ '/': { 'Sys.Audit': 1 }, '/storage/local': { 'Datastore.Audit': 0 } })!;
    expect(coverage(p, '/', 'Sys.Audit')).toBe('all');
    expect(coverage(p, '/storage', 'Datastore.Audit')).toBe('some');
    expect(coverage(p, '/vms', 'VM.Audit')).toBe('none');
    expect(missingPrivileges(p).map((m) => [m.priv, m.coverage, m.required])).toEqual([
      ['Datastore.Audit', 'some', true],
      ['VM.Audit', 'none', false],
    ]);
  });
});
