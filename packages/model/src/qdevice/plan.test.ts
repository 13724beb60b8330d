import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../testing/arbitraries';
import type { ClusterSnapshot } from '../snapshot';
import type { QdeviceFacts } from './facts';
import { QdeviceRequest, qdevicePlan } from './plan';

const facts = (names: string[], over: Partial<QdeviceFacts['nodes'][number]> = {}): QdeviceFacts => ({
  host: 'qnetd',
  qnetdRunning: true,
  nodes: names.map((name) => ({ name, online: true, qdevicePackage: true, qnetdPort: { ok: true, detail: 'connected' }, ...over })),
});
const byId = (p: ReturnType<typeof qdevicePlan>, id: string) => p.checks.find((c) => c.id === id)!;
const failed = (p: ReturnType<typeof qdevicePlan>) => p.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const withQdevice = (s: ClusterSnapshot): ClusterSnapshot => ({ ...s, qdevice: { votes: 1, state: 'connected' as const, algorithm: 'ffsplit', host: 'qnetd', castsVote: true } });

describe('qdevicePlan: setup', () => {
  it('2 nodes, ffsplit: every check passes; expected 2 → 3, can lose 0 → 1', () => {
    const p = qdevicePlan(sampleSnapshot({ nodes: 2 }), { action: 'setup', host: 'qnetd' }, facts(['pve1', 'pve2']));
    expect(failed(p)).toEqual([]);
    expect(p).toMatchObject({ algorithm: 'ffsplit', votes: 1, before: { expectedVotes: 2, quorum: 2, nodesCanLose: 0 }, after: { expectedVotes: 3, quorum: 2, nodesCanLose: 1 } });
    expect(p.sentence).toBe('2 nodes: expected votes 2 → 3, needed 2 → 2, can lose 0 → 1');
    expect(p.steps[0]).toContain('corosync-qnetd-certutil -i');
  });

  it('3 nodes: refused unless forced (Proxmox discourages a QDevice on odd counts); lms gives N−1 votes', () => {
    const s = sampleSnapshot({ nodes: 3 });
    expect(byId(qdevicePlan(s, { action: 'setup', host: 'qnetd' }, facts(['pve1', 'pve2', 'pve3'])), 'algorithm').status).toBe('fail');
    const lms = qdevicePlan(s, { action: 'setup', host: 'qnetd', algorithm: 'lms', force: true }, facts(['pve1', 'pve2', 'pve3']));
    expect(byId(lms, 'algorithm')).toMatchObject({ status: 'warn', measured: 'lms on 3 nodes (odd), forced' });
    expect(lms).toMatchObject({ votes: 2, after: { expectedVotes: 5, quorum: 3 } });
    expect(lms.after.nodesCanLose).toBe(2);
  });

  it('what fails: an offline node, a QDevice already there, a node without the package, qnetd unreachable or not running', () => {
    const s = sampleSnapshot({ nodes: 2 });
    const off = { ...s, nodes: s.nodes.map((n) => (n.name === 'pve2' ? { ...n, state: 'offline' as const } : n)) };
    expect(failed(qdevicePlan(off, { action: 'setup', host: 'qnetd' }, facts(['pve1', 'pve2'])))).toEqual(['all-online']);
    expect(failed(qdevicePlan(withQdevice(s), { action: 'setup', host: 'qnetd' }, facts(['pve1', 'pve2'])))).toEqual(['no-qdevice-yet']);
    const noPkg = facts(['pve1', 'pve2']);
    noPkg.nodes[1]!.qdevicePackage = false;
    expect(byId(qdevicePlan(s, { action: 'setup', host: 'qnetd' }, noPkg), 'qdevice-package')).toMatchObject({ status: 'fail', measured: 'missing on pve2' });
    const port = facts(['pve1', 'pve2'], { qnetdPort: { ok: false, detail: 'connection refused' } });
    expect(byId(qdevicePlan(s, { action: 'setup', host: 'qnetd' }, port), 'qnetd-port')).toMatchObject({ status: 'fail', measured: 'pve1: connection refused; pve2: connection refused' });
    expect(byId(qdevicePlan(s, { action: 'setup', host: 'qnetd' }, { ...facts(['pve1', 'pve2']), qnetdRunning: false }), 'qnetd-running').status).toBe('fail');
    // no facts at all: nothing runs blind
    expect(failed(qdevicePlan(s, { action: 'setup', host: 'qnetd' }, null))).toEqual(['qdevice-package', 'qnetd-port']);
  });

  it('unmeasured facts warn (never pass); last_man_standing fails, two_node warns', () => {
    const s = sampleSnapshot({ nodes: 2 });
    const u = facts(['pve1', 'pve2'], { qdevicePackage: { unmeasured: 'no SSH' }, qnetdPort: { unmeasured: 'no SSH' } });
    const p = qdevicePlan(s, { action: 'setup', host: 'qnetd' }, { ...u, qnetdRunning: { unmeasured: 'the host is not ours' } });
    expect(['qdevice-package', 'qnetd-port', 'qnetd-running'].map((id) => byId(p, id).status)).toEqual(['warn', 'warn', 'warn']);
    const lms = { ...s, cluster: { ...s.cluster, quorumOptions: { ...s.cluster.quorumOptions, lastManStanding: true } } };
    expect(byId(qdevicePlan(lms, { action: 'setup', host: 'qnetd' }, facts(['pve1', 'pve2'])), 'options').status).toBe('fail');
    const two = { ...s, cluster: { ...s.cluster, quorumOptions: { ...s.cluster.quorumOptions, twoNode: true } } };
    expect(byId(qdevicePlan(two, { action: 'setup', host: 'qnetd' }, facts(['pve1', 'pve2'])), 'options').status).toBe('warn');
  });
});

describe('qdevicePlan: remove', () => {
  it('2 nodes + QDevice: removal leaves no margin (a warning); without a QDevice there is nothing to remove', () => {
    const p = qdevicePlan(withQdevice(sampleSnapshot({ nodes: 2 })), { action: 'remove' }, null);
    expect(failed(p)).toEqual([]);
    expect(byId(p, 'quorum-after').status).toBe('warn');
    expect(p).toMatchObject({ host: 'qnetd', votes: 0, before: { expectedVotes: 3, nodesCanLose: 1 }, after: { expectedVotes: 2, nodesCanLose: 0 } });
    expect(failed(qdevicePlan(sampleSnapshot({ nodes: 2 }), { action: 'remove' }, null))).toEqual(['qdevice-present']);
  });
});

describe('QdeviceRequest', () => {
  it('setup needs a host name or address; remove does not', () => {
    expect(QdeviceRequest.safeParse({ action: 'setup' }).success).toBe(false);
    expect(QdeviceRequest.safeParse({ action: 'setup', host: 'qnetd.example.org', algorithm: 'ffsplit', confirm: true }).success).toBe(true);
    expect(QdeviceRequest.safeParse({ action: 'setup', host: '198.18.0.50' }).success).toBe(true);
    expect(QdeviceRequest.safeParse({ action: 'setup', host: 'a b; rm -rf /' }).success).toBe(false);
    expect(QdeviceRequest.safeParse({ action: 'setup', host: '-oProxyCommand=x' }).success).toBe(false);
    expect(QdeviceRequest.safeParse({ action: 'remove', confirm: true }).success).toBe(true);
    expect(QdeviceRequest.safeParse({ action: 'rename' }).success).toBe(false);
  });
});
