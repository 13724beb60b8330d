// mergeCorosync: Corosync wins on membership, quorum, links and options; the API keeps storage, load,
// guests, HA and Ceph; without a usable Corosync view the API's snapshot stands and says why.
import type { ClusterSnapshot, NodeResources } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import { describe, expect, it } from 'vitest';
import { mergeCorosync } from './merge';

const resources: NodeResources = { cpu: 0.1, cpus: 8, memUsedBytes: 1e9, memTotalBytes: 8e9, uptimeS: 100, pveVersion: 'pve-manager/8.2.4/faa83925', kernel: '6.8.12-1-pve', guests: { running: 2, stopped: 1, unknown: 0, haManaged: 1 }, haLrm: 'active' };

/** what the pve source builds: every node online by the API's 2 s poll, defaults assumed, no links */
function apiSnapshot(): ClusterSnapshot {
  const s = sampleSnapshot({ clusterId: 'c1', observedAt: 1000 });
  return {
    ...s,
    source: 'pve',
    links: [],
    cluster: { ...s.cluster, quorumOptionsKnown: false, runtimeTokenMs: null },
    nodes: s.nodes.map((n) => ({ ...n, resources })),
    ha: { quorate: true, master: 'pve2', services: [], fencing: [] },
    ceph: null,
    unavailable: [
      { what: 'links', why: 'needs SSH' },
      { what: 'quorum-options', why: 'needs SSH' },
      { what: 'push', why: 'needs SSH' },
      { what: 'ceph', why: '403' },
    ],
  };
}

/** Corosync says pve3 has left (the API has not polled since) and two_node is set */
function corosyncSnapshot(): ClusterSnapshot {
  const s = sampleSnapshot({ clusterId: 'c1', observedAt: 2000 });
  return {
    ...s,
    source: 'ssh',
    storage: null,
    cluster: { ...s.cluster, quorumOptions: { ...s.cluster.quorumOptions, waitForAll: true } },
    nodes: s.nodes.map((n) => (n.name === 'pve3' ? { ...n, state: 'offline' as const } : n)),
    quorum: { ...s.quorum!, totalVotes: 2, members: [1, 2] },
  };
}

describe('mergeCorosync', () => {
  it('takes membership, quorum, links and quorum options from Corosync, the rest from the API', () => {
    const m = mergeCorosync(apiSnapshot(), corosyncSnapshot(), null)!;
    expect(m.source).toBe('pve');
    expect(m.nodes.find((n) => n.name === 'pve3')?.state).toBe('offline');
    expect(m.quorum?.totalVotes).toBe(2);
    expect(m.links.length).toBeGreaterThan(0);
    expect(m.cluster.quorumOptions.waitForAll).toBe(true);
    expect(m.cluster.quorumOptionsKnown).toBeUndefined();
    expect(m.cluster.runtimeTokenMs).toBe(corosyncSnapshot().cluster.runtimeTokenMs);
    expect(m.nodes.every((n) => n.resources?.pveVersion === resources.pveVersion)).toBe(true);
    expect(m.storage).toEqual(apiSnapshot().storage);
    expect(m.ha?.master).toBe('pve2');
    expect(m.observedAt).toBe(2000);
    // what SSH brings is no longer unavailable; what it does not bring still is
    expect(m.unavailable).toEqual([{ what: 'ceph', why: '403' }]);
  });

  it('keeps a node only the API knows, as unknown', () => {
    const api = apiSnapshot();
    api.nodes.push({ id: 4, name: 'pve4', votes: 1, state: 'online', addresses: [], since: null });
    const m = mergeCorosync(api, corosyncSnapshot(), null)!;
    expect(m.nodes.find((n) => n.name === 'pve4')?.state).toBe('unknown');
  });

  it('without a Corosync view the API snapshot stands and says why SSH did not help', () => {
    const coro = { ...corosyncSnapshot(), observer: null, quorum: null };
    const m = mergeCorosync(apiSnapshot(), coro, 'pve1: unreachable (ECONNREFUSED)')!;
    expect(m.quorum).toEqual(apiSnapshot().quorum);
    expect(m.cluster.quorumOptionsKnown).toBe(false);
    expect(m.unavailable?.find((u) => u.what === 'links')?.why).toMatch(/SSH is configured but: pve1: unreachable/);
    expect(mergeCorosync(apiSnapshot(), null, null)).toEqual(apiSnapshot());
  });

  it('a standalone node is the API’s word even if a Corosync answered', () => {
    const api = apiSnapshot();
    api.cluster.standalone = true;
    expect(mergeCorosync(api, corosyncSnapshot(), null)?.quorum).toEqual(api.quorum);
  });

  it('the API down and Corosync up: Corosync’s view, storage said unknown', () => {
    const m = mergeCorosync(null, corosyncSnapshot(), null)!;
    expect(m.source).toBe('pve');
    expect(m.quorum?.totalVotes).toBe(2);
    expect(m.unavailable?.map((u) => u.what)).toEqual(['storage']);
    expect(mergeCorosync(null, null, 'x')).toBeNull();
  });
});
