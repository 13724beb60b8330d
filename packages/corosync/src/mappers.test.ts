import { ClusterNode, LinkObservation, QuorumState } from '@quorate/model';
import { describe, expect, it } from 'vitest';
import { parseCfgtoolStatus } from './cfgtool';
import { parseCmap } from './cmap';
import { cmapNodelist } from './cmap-runtime';
import { parseCorosyncConf } from './corosync-conf';
import { confNodelist } from './corosync-conf-view';
import { fixture, fixtureNames } from './fixtures.test-helper';
import { knetLinkStats, type KnetLinkStats } from './knet-stats';
import {
  buildClusterNodes,
  cfgtoolToLinkObservations,
  knetPingLossPct,
  knetToLinkObservations,
  membersToNodeInfo,
  toQuorumState,
} from './mappers';
import { parseQuorumtoolList } from './quorumtool-list';
import { parseQuorumtoolStatus, type QuorumtoolStatus } from './quorumtool-status';

function status(name: string): QuorumtoolStatus {
  const r = parseQuorumtoolStatus(fixture(name));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function stats(name: string): KnetLinkStats[] {
  const r = parseCmap(fixture(name));
  if (!r.ok) throw new Error(r.error.message);
  return knetLinkStats(r.value);
}

describe('toQuorumState', () => {
  it('gives a schema-valid QuorumState for every -s fixture', () => {
    for (const name of fixtureNames(/^quorumtool-s__/)) {
      const q = toQuorumState(status(name));
      expect(q, name).not.toBeNull();
      expect(QuorumState.safeParse(q).success, name).toBe(true);
    }
  });

  it("the lab's -siH captures: members from hex ids, the partition from both sides", () => {
    const members = (name: string) => toQuorumState(status(name));
    for (const name of fixtureNames(/^quorumtool-siH__/)) expect(QuorumState.safeParse(members(name)).success, name).toBe(true);
    expect(members('quorumtool-siH__quorate-3of3-2links__node1.txt')).toEqual({
      expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, quorate: true, flags: ['Quorate'], ringId: '1.9', members: [1, 2, 3],
    });
    // one link down is not a membership change: same ring, same members
    expect(members('quorumtool-siH__link0-down-pve3-2links__node1.txt')).toMatchObject({ ringId: '1.9', members: [1, 2, 3], quorate: true });
    expect(members('quorumtool-siH__partition-2of3__node1.txt')).toEqual({
      expectedVotes: 3, highestExpected: 3, totalVotes: 2, quorum: 2, quorate: true, flags: ['Quorate'], ringId: '1.d', members: [1, 2],
    });
    expect(members('quorumtool-siH__partition-isolated-1of3__node3.txt')).toEqual({
      expectedVotes: 3, highestExpected: 3, totalVotes: 1, quorum: 2, quorate: false, flags: [], ringId: '3.d', members: [3],
    });
    expect(members('quorumtool-siH__quorate-3of3-2links__after-link-up__node1.txt')).toMatchObject({ ringId: '1.11', members: [1, 2, 3], quorate: true });
  });

  it('healthy and degraded views', () => {
    expect(toQuorumState(status('quorumtool-s__quorate-3of3__node2.txt'))).toEqual({
      expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, quorate: true, flags: ['Quorate'], ringId: '1.9', members: [1, 2, 3],
    });
    expect(toQuorumState(status('quorumtool-s__inquorate-1of3__isolated-ifdown__node3.txt'))).toEqual({
      expectedVotes: 3, highestExpected: 3, totalVotes: 1, quorum: 2, quorate: false, flags: [], ringId: '3.2f', members: [3],
    });
    expect(toQuorumState(status('quorumtool-s__two_node__peer-never-seen-waitforall__node1.txt'))).toMatchObject({
      quorate: false, quorum: 1, flags: ['2Node', 'WaitForAll'], members: [1],
    });
  });

  it('leaves the Qdevice pseudo-node out of members', () => {
    expect(toQuorumState(status('quorumtool-s__qdevice__2nodes-plus-qnetd__node1.txt'))).toMatchObject({
      members: [1, 2], totalVotes: 3, flags: ['Quorate', 'Qdevice'],
    });
    expect(toQuorumState(status('quorumtool-s__qdevice__split-isolated__node2.txt'))).toMatchObject({ members: [2], quorate: false });
  });

  it('is null without votequorum numbers', () => {
    expect(toQuorumState({ quorum: null, votequorum: null, membership: null })).toBeNull();
  });
});

describe('membersToNodeInfo / buildClusterNodes', () => {
  it('membership rows as partial nodes', () => {
    const list = parseQuorumtoolList(fixture('quorumtool-l__3of3__node1.txt'));
    if (!list.ok) throw new Error('list');
    expect(membersToNodeInfo(list.value)).toEqual([
      { id: 1, name: 'pve1', votes: 1, state: 'online', local: true },
      { id: 2, name: 'pve2', votes: 1, state: 'online', local: false },
      { id: 3, name: 'pve3', votes: 1, state: 'online', local: false },
    ]);
    const q = status('quorumtool-s__qdevice__2nodes-plus-qnetd__node1.txt').membership;
    expect(q && membersToNodeInfo(q).map((n) => n.id)).toEqual([1, 2]);
  });

  it('configured nodes from cmap + the observer membership -> ClusterNode[]', () => {
    const dump = parseCmap(fixture('cmapctl-full-icmap__3of3__node1.txt'));
    if (!dump.ok) throw new Error('cmap');
    const members = toQuorumState(status('quorumtool-s__quorate-2of3__node3-linkdown__node1.txt'))?.members ?? null;
    const nodes = buildClusterNodes(cmapNodelist(dump.value), members);
    expect(nodes.map((n) => ClusterNode.safeParse(n).success)).toEqual([true, true, true]);
    expect(nodes.map((n) => [n.id, n.name, n.votes, n.state, n.addresses])).toEqual([
      [1, 'pve1', 1, 'online', [{ link: 0, address: '198.18.0.11' }]],
      [2, 'pve2', 1, 'online', [{ link: 0, address: '198.18.0.12' }]],
      [3, 'pve3', 1, 'offline', [{ link: 0, address: '198.18.0.13' }]],
    ]);
    expect(buildClusterNodes(cmapNodelist(dump.value), null).map((n) => n.state)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('works from corosync.conf nodelists too, dropping entries without id or name', () => {
    const c = parseCorosyncConf('nodelist {\n node {\n  nodeid: 2\n  name: b\n  ring0_addr: 10.0.0.2\n  quorum_votes: 0\n }\n node {\n  name: noid\n }\n node {\n  nodeid: 1\n }\n}\n');
    if (!c.ok) throw new Error('conf');
    expect(buildClusterNodes(confNodelist(c.value), [2])).toEqual([
      { id: 2, name: 'b', votes: 0, state: 'online', addresses: [{ link: 0, address: '10.0.0.2' }], since: null },
    ]);
  });
});

describe('knetToLinkObservations', () => {
  it('healthy stats from node 1: peers only, latency in ms', () => {
    const obs = knetToLinkObservations(stats('cmapctl-m-stats__3of3__node1.txt'), 1);
    expect(obs).toEqual([
      { from: 1, to: 2, link: 0, enabled: true, connected: true, latencyAvgMs: 0.24, latencyMaxMs: 0.286, lossPct: null, downCount: 1 },
      { from: 1, to: 3, link: 0, enabled: true, connected: true, latencyAvgMs: 0.8, latencyMaxMs: 0.99, lossPct: null, downCount: 1 },
    ]);
    expect(obs.every((o) => LinkObservation.safeParse(o).success)).toBe(true);
  });

  it('the loss excerpt: disconnected, 80.7 ms average, 7 downs', () => {
    expect(knetToLinkObservations(stats('cmapctl-m-stats-excerpt__node3-30pct-egress-loss__node1.txt'), 1)).toEqual([
      { from: 1, to: 3, link: 0, enabled: true, connected: false, latencyAvgMs: 80.749, latencyMaxMs: 401.928, lossPct: null, downCount: 7 },
    ]);
  });

  it("the lab's two links from node 1: one observation per peer and link, µs -> ms", () => {
    expect(knetToLinkObservations(stats('cmapctl-m-stats-knet__3of3-2links__node1.txt'), 1)).toEqual([
      { from: 1, to: 2, link: 0, enabled: true, connected: true, latencyAvgMs: 0.944, latencyMaxMs: 2.501, lossPct: null, downCount: 1 },
      { from: 1, to: 2, link: 1, enabled: true, connected: true, latencyAvgMs: 0.852, latencyMaxMs: 0.864, lossPct: null, downCount: 1 },
      { from: 1, to: 3, link: 0, enabled: true, connected: true, latencyAvgMs: 2.592, latencyMaxMs: 15.177, lossPct: null, downCount: 1 },
      { from: 1, to: 3, link: 1, enabled: true, connected: true, latencyAvgMs: 2.201, latencyMaxMs: 20.201, lossPct: null, downCount: 1 },
    ]);
    const down = knetToLinkObservations(stats('cmapctl-m-stats-knet__link0-down-pve3-2links__node1.txt'), 1);
    expect(down.every((o) => LinkObservation.safeParse(o).success)).toBe(true);
    expect(down.map((o) => `${o.to}.${o.link}:${o.connected}:${o.downCount}`)).toEqual(['2.0:true:1', '2.1:true:1', '3.0:false:2', '3.1:true:1']);
    const cut = knetToLinkObservations(stats('cmapctl-m-stats-knet__partition-2of3-2links__node1.txt'), 1);
    expect(cut.map((o) => `${o.to}.${o.link}:${o.connected}:${o.downCount}`)).toEqual(['2.0:true:1', '2.1:true:1', '3.0:false:2', '3.1:false:2']);
  });

  it("ping loss across the lab's successive captures (same corosync processes)", () => {
    const healthy = stats('cmapctl-m-stats-knet__3of3-2links__node1.txt');
    const linkDown = stats('cmapctl-m-stats-knet__link0-down-pve3-2links__node1.txt');
    const partition = stats('cmapctl-m-stats-knet__partition-2of3-2links__node1.txt');
    const loss = (prev: KnetLinkStats[], cur: KnetLinkStats[]) =>
      knetToLinkObservations(cur, 1, prev).map((o) => `${o.to}.${o.link}:${o.lossPct === null ? 'null' : o.lossPct.toFixed(1)}`);
    // healthy -> link 0 of pve3 down: 19 pings to pve3 on each link; 7 pongs on link 0 (before the drop), 19 on link 1
    expect(loss(healthy, linkDown)).toEqual(['2.0:0.0', '2.1:0.0', '3.0:63.2', '3.1:0.0']);
    // link 0 down -> partition: no pong at all on link 0; 10 of 23 on link 1 before it went too
    expect(loss(linkDown, partition)).toEqual(['2.0:0.0', '2.1:0.0', '3.0:100.0', '3.1:56.5']);
  });

  it('computes ping loss between two samples', () => {
    const [cur] = stats('cmapctl-m-stats__3of3__node1.txt').filter((s) => s.nodeId === 2);
    if (!cur) throw new Error('no node 2');
    const prev: KnetLinkStats = { ...cur, txPingPackets: 0, rxPongPackets: 1 };
    // 3 pings sent, 2 pongs back since prev
    expect(knetPingLossPct(prev, cur)).toBeCloseTo(33.333, 2);
    expect(knetToLinkObservations([cur], 1, [prev])[0]?.lossPct).toBeCloseTo(33.333, 2);
    expect(knetPingLossPct(cur, cur)).toBeNull();
    expect(knetPingLossPct({ ...cur, txPingPackets: 10 }, cur)).toBeNull();
  });
});

describe('cfgtoolToLinkObservations', () => {
  it('isolated node 3: both peers disconnected, no latency', () => {
    const r = parseCfgtoolStatus(fixture('cfgtool-s__inquorate-1of3__isolated__node3.txt'));
    if (!r.ok) throw new Error('cfgtool');
    expect(cfgtoolToLinkObservations(r.value)).toEqual([
      { from: 3, to: 1, link: 0, enabled: true, connected: false, latencyAvgMs: null, latencyMaxMs: null, lossPct: null, downCount: 0 },
      { from: 3, to: 2, link: 0, enabled: true, connected: false, latencyAvgMs: null, latencyMaxMs: null, lossPct: null, downCount: 0 },
    ]);
  });

  it("the lab's two links: one observation per peer and link", () => {
    const obs = (name: string) => {
      const r = parseCfgtoolStatus(fixture(name));
      if (!r.ok) throw new Error('cfgtool');
      return cfgtoolToLinkObservations(r.value).map((o) => `${o.from}->${o.to}.${o.link}:${o.connected}`);
    };
    expect(obs('cfgtool-s__3of3-2links__node1.txt')).toEqual(['1->2.0:true', '1->3.0:true', '1->2.1:true', '1->3.1:true']);
    expect(obs('cfgtool-s__link0-down-pve3-2links__node1.txt')).toEqual(['1->2.0:true', '1->3.0:false', '1->2.1:true', '1->3.1:true']);
    expect(obs('cfgtool-s__partition-isolated-1of3-2links__node3.txt')).toEqual(['3->1.0:false', '3->2.0:false', '3->1.1:false', '3->2.1:false']);
  });

  it('healthy node 1', () => {
    const r = parseCfgtoolStatus(fixture('cfgtool-s__3of3__node1.txt'));
    if (!r.ok) throw new Error('cfgtool');
    expect(cfgtoolToLinkObservations(r.value).map((o) => `${o.from}->${o.to}:${o.connected}`)).toEqual(['1->2:true', '1->3:true']);
    expect(cfgtoolToLinkObservations({ localNodeId: null, transport: null, links: [] })).toEqual([]);
  });
});
