import { describe, expect, it } from 'vitest';
import { ADVISOR_CHECK_IDS, AdvisorReport, adviseCluster, sameSubnet, type AdvisorCheckId, type AdvisorFacts } from './advisor';
import type { ClusterSnapshot } from './snapshot';
import { sampleSnapshot, type SampleOptions } from './testing/arbitraries';

const check = (s: ClusterSnapshot, id: AdvisorCheckId, facts: AdvisorFacts = {}) => {
  const c = adviseCluster(s, facts).checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};
const statuses = (s: ClusterSnapshot, facts: AdvisorFacts = {}) => Object.fromEntries(adviseCluster(s, facts).checks.map((c) => [c.id, c.status]));
const snap = (o: SampleOptions = {}, edit: (s: ClusterSnapshot) => void = () => {}) => {
  const s = sampleSnapshot(o);
  edit(s);
  return s;
};
const qdevice = (votes = 1) => ({ votes, state: 'connected' as const, algorithm: 'ffsplit' as const, host: '198.18.9.9', castsVote: true });

describe('adviseCluster: the report', () => {
  it('every check once, in a stable order, valid per the schema; not-checked ones say what they need and how to check by hand', () => {
    const r = adviseCluster(sampleSnapshot());
    expect(r.checks.map((c) => c.id)).toEqual([...ADVISOR_CHECK_IDS]);
    expect(AdvisorReport.parse(r)).toEqual(r);
    for (const c of r.checks) {
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.why.length).toBeGreaterThan(0);
      if (c.status === 'pass') expect(c.fix).toBeNull();
      else expect(c.fix).toBeTruthy();
      if (c.status === 'not-checked') expect(c.measured).toMatch(/^not checked \(needs .+\)$/);
    }
  });

  it('the sim-like 3-node cluster: the design passes; what no sim data shows is not checked', () => {
    expect(statuses(sampleSnapshot({ nodes: 3 }))).toEqual({
      'few-votes': 'pass',
      'qdevice-even-nodes': 'pass',
      'two-node-wait-for-all': 'pass',
      'single-link': 'pass',
      'link-latency': 'pass',
      // the sample has a Ceph pool (rbd) whose monitors' addresses no snapshot carries
      'corosync-shares-storage-network': 'not-checked',
      'clock-skew': 'not-checked',
      'mixed-versions': 'not-checked',
      'ha-on-local-storage': 'not-checked',
      'token-timeout': 'pass',
    });
  });

  it('2 nodes: few votes and an even count — add a QDevice', () => {
    const r = adviseCluster(sampleSnapshot({ nodes: 2 }));
    const advice = r.checks.filter((c) => c.status === 'warn' || c.status === 'fail');
    expect(advice.map((c) => c.id)).toEqual(['few-votes', 'qdevice-even-nodes']);
    expect(advice[0]!.measured).toBe('2 votes and no QDevice');
    expect(advice.every((c) => c.fix!.includes('QDevice'))).toBe(true);
  });

  it('2 nodes with two_node and a QDevice: nothing to advise on votes', () => {
    const s = snap({ nodes: 2 }, (x) => {
      x.qdevice = qdevice();
    });
    expect(statuses(s)).toMatchObject({ 'few-votes': 'pass', 'qdevice-even-nodes': 'pass' });
  });

  it('4 nodes: an even count without a QDevice, and only that', () => {
    const advice = adviseCluster(sampleSnapshot({ nodes: 4 })).checks.filter((c) => c.status === 'warn' || c.status === 'fail');
    expect(advice.map((c) => [c.id, c.measured])).toEqual([['qdevice-even-nodes', '4 nodes (even) and no QDevice']]);
  });

  it('a single-link cluster: add a second link', () => {
    const advice = adviseCluster(sampleSnapshot({ nodes: 3, links: 1 })).checks.filter((c) => c.status === 'warn' || c.status === 'fail');
    expect(advice.map((c) => [c.id, c.measured])).toEqual([['single-link', 'every node has one Corosync link only']]);
  });
});

describe('each check: pass, warn or fail, not checked', () => {
  it('few-votes', () => {
    expect(check(sampleSnapshot({ nodes: 3 }), 'few-votes')).toMatchObject({ status: 'pass', measured: '3 votes, no QDevice needed' });
    expect(check(sampleSnapshot({ nodes: 2 }), 'few-votes')).toMatchObject({ status: 'warn' });
    expect(check(snap({ nodes: 2 }, (s) => (s.qdevice = qdevice())), 'few-votes')).toMatchObject({ status: 'pass', measured: '2 node votes and a QDevice with 1 vote' });
    expect(check(snap({ nodes: 0 }), 'few-votes')).toMatchObject({ status: 'not-checked', measured: 'not checked (needs the node list)' });
  });

  it('qdevice-even-nodes', () => {
    expect(check(sampleSnapshot({ nodes: 5 }), 'qdevice-even-nodes').status).toBe('pass');
    expect(check(sampleSnapshot({ nodes: 4 }), 'qdevice-even-nodes').status).toBe('warn');
    expect(check(snap({ nodes: 3 }, (s) => (s.qdevice = qdevice(2))), 'qdevice-even-nodes')).toMatchObject({ status: 'warn', measured: '3 nodes (odd) with a QDevice (ffsplit, 2 votes)' });
    expect(check(snap({ nodes: 4 }, (s) => (s.cluster.quorumOptions.autoTieBreaker = true)), 'qdevice-even-nodes').status).toBe('pass');
    expect(check(snap({ nodes: 0 }, (s) => (s.cluster.standalone = true)), 'qdevice-even-nodes')).toMatchObject({ status: 'not-checked', measured: 'not checked (needs a cluster: this is a standalone node)' });
  });

  it('two-node-wait-for-all', () => {
    const two = (waitForAll: boolean | null) => snap({ nodes: 2 }, (s) => Object.assign(s.cluster.quorumOptions, { twoNode: true, waitForAll }));
    expect(check(two(null), 'two-node-wait-for-all')).toMatchObject({ status: 'pass', measured: 'two_node with wait_for_all implied' });
    expect(check(two(false), 'two-node-wait-for-all')).toMatchObject({ status: 'fail', measured: 'two_node: 1 with wait_for_all: 0' });
    expect(check(sampleSnapshot(), 'two-node-wait-for-all')).toMatchObject({ status: 'pass', measured: 'two_node is off' });
    expect(check(snap({}, (s) => (s.cluster.quorumOptionsKnown = false)), 'two-node-wait-for-all').status).toBe('not-checked');
  });

  it('single-link', () => {
    expect(check(sampleSnapshot({ links: 2 }), 'single-link')).toMatchObject({ status: 'pass', measured: 'every node has 2 or more links' });
    const one = snap({ links: 2 }, (s) => (s.nodes[1]!.addresses = s.nodes[1]!.addresses.slice(0, 1)));
    expect(check(one, 'single-link')).toMatchObject({ status: 'warn', measured: 'pve2 has one Corosync link only' });
    const blind = snap({}, (s) => {
      s.links = [];
      for (const n of s.nodes) n.addresses = [];
    });
    expect(check(blind, 'single-link').status).toBe('not-checked');
    // without addresses, knet's observations tell the links
    expect(check(snap({}, (s) => s.nodes.forEach((n) => (n.addresses = []))), 'single-link').status).toBe('pass');
  });

  it('link-latency: latency, jitter, thresholds', () => {
    expect(check(sampleSnapshot(), 'link-latency')).toMatchObject({ status: 'pass', measured: 'worst pve1→pve2 link 0: 0.2 ms average, 0.5 ms max' });
    const slow = (avg: number, max: number) => snap({}, (s) => Object.assign(s.links[3]!, { latencyAvgMs: avg, latencyMaxMs: max }));
    expect(check(slow(7, 8), 'link-latency')).toMatchObject({ status: 'warn', measured: 'worst pve1→pve3 link 1: 7.0 ms average, 8.0 ms max' });
    expect(check(slow(12, 13), 'link-latency').status).toBe('fail');
    expect(check(slow(1, 9), 'link-latency')).toMatchObject({ status: 'warn' });
    expect(check(slow(1, 9), 'link-latency').measured).toContain('jitter on 1 link');
    expect(check(slow(7, 8), 'link-latency', { latency: { warnMs: 8, badMs: 20 } }).status).toBe('pass');
    expect(check(snap({}, (s) => s.links.forEach((l) => (l.latencyAvgMs = null))), 'link-latency').status).toBe('not-checked');
  });

  it('corosync-shares-storage-network', () => {
    const id = 'corosync-shares-storage-network';
    expect(check(sampleSnapshot(), id)).toMatchObject({ status: 'not-checked' });
    expect(check(sampleSnapshot(), id).measured).toContain('ceph-pool (rbd)');
    expect(check(snap({}, (s) => (s.storage = s.storage!.filter((x) => x.type === 'dir'))), id)).toMatchObject({ status: 'pass', measured: 'no network storage' });
    expect(check(snap({}, (s) => (s.storage = null)), id).status).toBe('not-checked');
    expect(check(sampleSnapshot(), id, { storageAddresses: { 'ceph-pool': ['198.18.0.200'] } })).toMatchObject({ status: 'warn' });
    expect(check(sampleSnapshot(), id, { storageAddresses: { 'ceph-pool': ['198.18.0.200'] } }).measured).toMatch(/^same subnet: ceph-pool \(198\.18\.0\.200\) and pve1's link 0/);
    expect(check(sampleSnapshot(), id, { storageAddresses: { 'ceph-pool': ['10.10.10.1', '10.10.10.2'] } }).status).toBe('pass');
  });

  it('clock-skew', () => {
    expect(check(sampleSnapshot(), 'clock-skew').status).toBe('not-checked');
    expect(check(sampleSnapshot(), 'clock-skew', { clockOffsetsMs: { pve1: 0, pve2: 30, pve3: -20 } })).toMatchObject({ status: 'pass', measured: '50 ms between pve3 and pve2' });
    expect(check(sampleSnapshot(), 'clock-skew', { clockOffsetsMs: { pve1: 0, pve2: 900 } }).status).toBe('warn');
    expect(check(sampleSnapshot(), 'clock-skew', { clockOffsetsMs: { pve1: 0, pve2: 3000 } }).status).toBe('fail');
  });

  it('mixed-versions', () => {
    const versions = (...vs: string[]) =>
      snap({}, (s) =>
        s.nodes.forEach((n, i) => {
          n.resources = { cpu: null, cpus: null, memUsedBytes: null, memTotalBytes: null, uptimeS: null, pveVersion: `pve-manager/${vs[i]}/faa83925`, kernel: null, guests: null, haLrm: null };
        }),
      );
    expect(check(versions('8.2.4', '8.2.4', '8.2.4'), 'mixed-versions')).toMatchObject({ status: 'pass', measured: 'Proxmox VE 8.2.4 on 3 nodes' });
    expect(check(versions('8.2.4', '8.3.0', '8.2.4'), 'mixed-versions')).toMatchObject({ status: 'warn', measured: 'Proxmox VE 8.2.4 on pve1 and pve3, 8.3.0 on pve2' });
    expect(check(versions('8.2.4', '9.0.1', '8.2.4'), 'mixed-versions').status).toBe('fail');
    expect(check(sampleSnapshot(), 'mixed-versions', { corosyncVersions: { pve1: '3.1.8', pve2: '2.4.6' } }).status).toBe('fail');
    expect(check(sampleSnapshot(), 'mixed-versions').status).toBe('not-checked');
  });

  it('ha-on-local-storage', () => {
    const ha = (services: string[]) => snap({}, (s) => (s.ha = { quorate: true, master: 'pve1', services: services.map((sid) => ({ sid, node: 'pve1', state: 'started' })), fencing: [] }));
    expect(check(sampleSnapshot(), 'ha-on-local-storage').status).toBe('not-checked');
    expect(check(snap({}, (s) => (s.ha = null)), 'ha-on-local-storage')).toMatchObject({ status: 'pass', measured: 'no HA resources' });
    expect(check(ha(['vm:100']), 'ha-on-local-storage').status).toBe('not-checked');
    expect(check(ha(['vm:100']), 'ha-on-local-storage', { haGuestStorages: { 'vm:100': ['ceph-pool'] } })).toMatchObject({ status: 'pass', measured: '1 HA guest on shared storage' });
    expect(check(ha(['vm:100', 'vm:101']), 'ha-on-local-storage', { haGuestStorages: { 'vm:100': ['ceph-pool'], 'vm:101': ['local', 'ceph-pool'] } })).toMatchObject({
      status: 'fail',
      measured: 'HA guests on local storage: vm:101 on local',
    });
    expect(check(snap({}, (s) => ((s.ha = null), (s.unavailable = [{ what: 'ha', why: 'no Sys.Audit' }]))), 'ha-on-local-storage').status).toBe('not-checked');
  });

  it('token-timeout', () => {
    expect(check(sampleSnapshot({ nodes: 3 }), 'token-timeout')).toMatchObject({ status: 'pass', measured: 'token 3000 ms, 3650 ms at 3 nodes: a new membership takes about 8.0 s' });
    const big = (n: number) => snap({ nodes: n }, (s) => (s.cluster.runtimeTokenMs = null));
    expect(check(big(20), 'token-timeout').status).toBe('warn'); // 3000 + 18 × 650 = 14700 ms → 32.3 s
    expect(check(snap({ nodes: 3 }, (s) => ((s.cluster.tokenMs = 20_000), (s.cluster.runtimeTokenMs = 25_000))), 'token-timeout').status).toBe('fail');
    expect(check(snap({ nodes: 3 }, (s) => ((s.cluster.tokenMs = 500), (s.cluster.runtimeTokenMs = 1150))), 'token-timeout').status).toBe('warn');
    expect(check(snap({}, (s) => (s.cluster.tokenMs = null)), 'token-timeout').status).toBe('not-checked');
  });
});

describe('sameSubnet (assumed /24 and /64)', () => {
  it.each([
    ['198.18.0.1', '198.18.0.200', true],
    ['198.18.0.1', '198.18.1.1', false],
    ['fd00:1:2:3::1', 'fd00:1:2:3:ffff::9', true],
    ['fd00:1:2:3::1', 'fd00:1:2:4::1', false],
    ['[fd00::1]', 'fd00::2', true],
    ['nfs.example', '198.18.0.1', false],
    ['198.18.0.1', 'fd00::1', false],
  ])('%s ~ %s: %s', (a, b, same) => {
    expect(sameSubnet(a, b)).toBe(same);
  });
});
