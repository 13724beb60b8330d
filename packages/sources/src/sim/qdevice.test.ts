// `pvecm qdevice setup` / `remove` on the simulator: the acceptance story of issue 16 in sim time (2 nodes lose
// quorum when one fails; with an ffsplit QDevice the survivor keeps it), and its failure modes.
import { describe, expect, it } from 'vitest';
import { qdevicePlan } from '@quorate/model';
import { createSimSource, SimFaultError, type SimSource } from './index';

const T0 = 1_780_000_000_000;
const sim = (nodes = 2) => createSimSource({ seed: 7, now: () => T0, nodeCount: nodes });
const ops = (s: SimSource, log: string[] = []) => ({ log: (l: string) => void log.push(l), sleep: async (ms: number) => s.advance(ms) });
const failedChecks = (s: SimSource, host: string) => qdevicePlan(s.current()!, { action: 'setup', host }, s.qdeviceFacts(host)).checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('sim QDevice', () => {
  it('2 nodes: one crash loses quorum; with a QDevice (ffsplit) the survivor stays quorate; removed: 2 expected again', async () => {
    const s = sim();
    s.applyFault({ action: 'stop', nodes: ['pve2'] });
    s.advance(60_000);
    expect(s.current()!.quorum).toMatchObject({ quorate: false, totalVotes: 1, expectedVotes: 2 });
    s.applyFault({ action: 'start', nodes: ['pve2'] });
    s.advance(60_000);
    expect(s.current()!.quorum?.quorate).toBe(true);

    expect(failedChecks(s, 'qnetd')).toEqual([]);
    const log: string[] = [];
    await s.qdeviceSetup({ host: 'qnetd', algorithm: 'ffsplit' }, ops(s, log));
    expect(log[0]).toBe('INFO: initializing qnetd server');
    expect(log.at(-1)).toBe('Done');
    expect(s.current()!.qdevice).toMatchObject({ algorithm: 'ffsplit', host: 'qnetd', votes: 1, castsVote: true });
    expect(s.current()!.quorum).toMatchObject({ quorate: true, expectedVotes: 3, totalVotes: 3, quorum: 2 });
    expect(s.current()!.cluster.configVersion).toBe(2);

    s.applyFault({ action: 'stop', nodes: ['pve2'] });
    s.advance(60_000);
    expect(s.current()!.quorum).toMatchObject({ quorate: true, totalVotes: 2, expectedVotes: 3, quorum: 2 });
    s.applyFault({ action: 'start', nodes: ['pve2'] });
    s.advance(60_000);

    await s.qdeviceRemove(ops(s));
    expect(s.current()!.qdevice).toBeNull();
    expect(s.current()!.quorum).toMatchObject({ quorate: true, expectedVotes: 2 });
    expect(s.current()!.cluster.configVersion).toBe(3);
  });

  it('failure modes: qnetd unreachable, an unknown host, a node offline, a QDevice already there — nothing changes', async () => {
    const s = sim();
    s.applySpareFault({ action: 'qnetd', reachable: false });
    expect(failedChecks(s, 'qnetd')).toEqual(['qnetd-port']);
    await expect(s.qdeviceSetup({ host: 'qnetd' }, ops(s))).rejects.toThrow(/ssh: connect to host qnetd port 22: Connection timed out — nothing was changed/);
    expect(s.current()!.qdevice).toBeNull();
    s.applySpareFault({ action: 'qnetd', reachable: true });

    expect(s.qdeviceFacts('qnetd.example.org').nodes[0]!.qnetdPort).toMatchObject({ ok: false });
    await expect(s.qdeviceSetup({ host: 'qnetd.example.org' }, ops(s))).rejects.toThrow(/Name or service not known/);
    await expect(s.qdeviceSetup({ host: 'bad host;' }, ops(s))).rejects.toThrow(SimFaultError);

    s.applyFault({ action: 'stop', nodes: ['pve2'] });
    s.advance(60_000);
    expect(failedChecks(s, 'qnetd')).toContain('all-online');
    await expect(s.qdeviceSetup({ host: 'qnetd' }, ops(s))).rejects.toThrow('all nodes must be online: pve2 is not');
    s.applyFault({ action: 'start', nodes: ['pve2'] });
    s.advance(60_000);

    await s.qdeviceSetup({ host: '198.19.0.10' }, ops(s));
    await expect(s.qdeviceSetup({ host: 'qnetd' }, ops(s))).rejects.toThrow('QDevice already configured!');
    await expect(sim().qdeviceRemove(ops(s))).rejects.toThrow('no QDevice configured!');
  });

  it('a cancel before the point of no return changes nothing', async () => {
    const s = sim();
    const ac = new AbortController();
    ac.abort();
    await expect(s.qdeviceSetup({ host: 'qnetd' }, { ...ops(s), signal: ac.signal })).rejects.toThrow('the QDevice setup cancelled; nothing was changed');
    expect(s.current()!.qdevice).toBeNull();
  });
});
