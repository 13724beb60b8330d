import { describe, expect, it } from 'vitest';
import type { NodeView } from '@quorate/model';
import { assembleSnapshot, membershipsDisagree } from './assemble';
import type { NodeSnapshot } from './node';

const view = (nodeId: number, members: number[] | null): NodeView => ({
  nodeId,
  name: `pve${nodeId}`,
  reachable: members !== null,
  reason: members === null ? 'timeout' : null,
  observedAt: 0,
  quorum: members && { expectedVotes: 3, highestExpected: 3, totalVotes: members.length, quorum: 2, quorate: members.length >= 2, flags: [], ringId: null, members },
});

describe('membershipsDisagree', () => {
  it('is a partition when two sides each leave the other out', () => {
    expect(membershipsDisagree([view(1, [1, 2]), view(2, [1, 2]), view(3, [3])])).toBe(true);
  });
  it('is not one when a node still reports the old membership (detection lag, frozen node)', () => {
    expect(membershipsDisagree([view(1, [1]), view(2, [1, 2, 3]), view(3, null)])).toBe(false);
  });
  it('is not one when every reachable node agrees, or only one answers', () => {
    expect(membershipsDisagree([view(1, [1, 2, 3]), view(2, [1, 2, 3]), view(3, [1, 2, 3])])).toBe(false);
    expect(membershipsDisagree([view(1, [1]), view(2, null), view(3, null)])).toBe(false);
  });
});

describe('assembleSnapshot before any node could be read', () => {
  const unreachable = (name: string, reason: string): NodeSnapshot => ({
    name,
    nodeId: null,
    reachable: false,
    reason,
    lastOkAt: null,
    quorum: null,
    status: null,
    knet: null,
    knetBaseline: null,
    config: null,
    monitorRunning: false,
    monitorStarts: 0,
    viewSince: null,
    sawOthers: false,
  });
  it('shows the configured name and nodes (state unknown), each view with its reason — never "0 of 0"', () => {
    const nodes = [unreachable('pve1', 'connection refused'), unreachable('pve2', 'host key mismatch: expected SHA256:a…, got SHA256:b…')];
    const s = assembleSnapshot({ clusterId: 'prod', kind: 'ssh', now: 1000, nodes, config: null, warnings: [], observer: null, since: new Map(), clusterName: 'Production' });
    expect(s.cluster.name).toBe('Production');
    expect(s.quorum).toBeNull();
    expect(s.nodes.map((n) => [n.id, n.name, n.state])).toEqual([
      [1, 'pve1', 'unknown'],
      [2, 'pve2', 'unknown'],
    ]);
    expect(s.views.map((v) => [v.name, v.reachable, v.reason])).toEqual([
      ['pve1', false, 'connection refused'],
      ['pve2', false, 'host key mismatch: expected SHA256:a…, got SHA256:b…'],
    ]);
  });
});

describe('qdeviceFrom: the QDevice read from the lab captures', () => {
  it("quorumtool's vote and column; corosync-qdevice-tool -s's state toward qnetd when the daemon answered", async () => {
    const { fixture } = await import('./fake-corosync.test-helper');
    const { parseQdeviceToolStatus, parseQuorumtoolStatus } = await import('@quorate/corosync');
    const { qdeviceFrom } = await import('./assemble');
    const status = parseQuorumtoolStatus(fixture('quorumtool-s__qdevice-lab__qnetd-killed__node1.txt'));
    const tool = parseQdeviceToolStatus(fixture('qdevice-tool-s__qnetd-killed__node1.txt'));
    if (!status.ok || !tool.ok) throw new Error('fixtures do not parse');
    const net = tool.value.net!.state;
    expect(net).toBe('Connect failed');
    expect(qdeviceFrom(status.value, null, net)).toMatchObject({ state: 'connect-failed' });
    const connected = parseQdeviceToolStatus(fixture('qdevice-tool-s__connected__node1.txt'));
    expect(connected.ok && qdeviceFrom(status.value, null, connected.value.net!.state)).toMatchObject({ state: 'connected' });
    // no answer from the daemon: quorumtool's column decides, as before
    expect(qdeviceFrom(status.value, null, null)?.state).not.toBe('connect-failed');
  });
});
