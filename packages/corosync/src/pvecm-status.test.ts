import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.test-helper';
import { parsePvecmStatus } from './pvecm-status';

describe('parsePvecmStatus', () => {
  it('reads the admin guide sample: cluster header, hex ids, IPs', () => {
    const r = parsePvecmStatus(fixture('pvecm-status__quorate-4of4-hex-ip__admin-guide.txt'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // the guide's sample is inconsistent: Node ID 0x00000001 but (local) on 0x00000002; we say so
    expect(r.warnings).toEqual(['"Node ID: 1" but the (local) row is node 2']);
    const s = r.value;
    expect(s.cluster).toEqual({ name: 'prod-central', configVersion: 3, transport: 'knet', secureAuth: true });
    expect(s.quorum).toEqual({
      date: 'Tue Sep 14 11:06:47 2021',
      provider: 'corosync_votequorum',
      nodes: 4,
      nodeId: 1,
      ringId: '1.1a8',
      quorate: true,
    });
    expect(s.votequorum).toMatchObject({ expectedVotes: 4, highestExpected: 4, totalVotes: 4, quorum: 3, activityBlocked: false, flags: ['Quorate'] });
    expect(s.membership?.nodeIdFormat).toBe('hex');
    expect(s.membership?.rows.map((x) => [x.nodeId, x.votes, x.name, x.local])).toEqual([
      [1, 1, '192.168.15.91', false],
      [2, 1, '192.168.15.92', true],
      [3, 1, '192.168.15.93', false],
      [4, 1, '192.168.15.94', false],
    ]);
  });

  it("reads the lab's captured -siH bodies under pvecm's header: partition seen from both sides", () => {
    // pvecm status = its "Cluster information" block + `corosync-quorumtool -siH`; the header is the lab's totem
    const header = ['Cluster information', '-------------------', 'Name:             lab-cluster', 'Config Version:   1', 'Transport:        knet', 'Secure auth:      on', ''].join('\n');
    const survivor = parsePvecmStatus(`${header}\n${fixture('quorumtool-siH__partition-2of3__node1.txt')}`);
    expect(survivor.ok).toBe(true);
    if (!survivor.ok) return;
    expect(survivor.warnings).toBeUndefined();
    expect(survivor.value.cluster).toEqual({ name: 'lab-cluster', configVersion: 1, transport: 'knet', secureAuth: true });
    expect(survivor.value.quorum).toMatchObject({ nodes: 2, nodeId: 1, ringId: '1.d', quorate: true });
    expect(survivor.value.votequorum).toMatchObject({ totalVotes: 2, quorum: 2, activityBlocked: false, flags: ['Quorate'] });
    expect(survivor.value.membership?.rows.map((x) => [x.nodeId, x.votes, x.name, x.local])).toEqual([
      [1, 1, '198.18.0.11', true],
      [2, 1, '198.18.0.12', false],
    ]);
    const isolated = parsePvecmStatus(`${header}\n${fixture('quorumtool-siH__partition-isolated-1of3__node3.txt')}`);
    expect(isolated.ok).toBe(true);
    if (!isolated.ok) return;
    expect(isolated.warnings).toBeUndefined();
    expect(isolated.value.quorum).toMatchObject({ nodes: 1, nodeId: 3, ringId: '3.d', quorate: false });
    expect(isolated.value.votequorum).toMatchObject({ totalVotes: 1, quorum: 2, activityBlocked: true, flags: [] });
    expect(isolated.value.membership?.rows.map((x) => [x.nodeId, x.name, x.local])).toEqual([[3, '198.18.0.13', true]]);
    // without pvecm's header the body still parses; only the header is reported missing
    const bare = parsePvecmStatus(fixture('quorumtool-siH__quorate-3of3-2links__node1.txt'));
    expect(bare.ok && bare.warnings).toEqual(['no "Cluster information" section (not pvecm output?)']);
    expect(bare.ok && bare.value.membership?.rows.map((x) => x.nodeId)).toEqual([1, 2, 3]);
  });

  it('reads the QDevice fragment (no cluster or quorum section: warned, not fatal)', () => {
    const r = parsePvecmStatus(fixture('pvecm-status__qdevice-fragment__admin-guide.txt'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual(['no "Cluster information" section (not pvecm output?)']);
    expect(r.value.cluster).toBeNull();
    expect(r.value.quorum).toBeNull();
    expect(r.value.votequorum).toMatchObject({ expectedVotes: 3, totalVotes: 3, quorum: 2, flags: ['Quorate', 'Qdevice'] });
    expect(r.value.membership?.rows.map((x) => [x.nodeId, x.votes, x.qdevice?.raw ?? null, x.name, x.local, x.isQdevice])).toEqual([
      [1, 1, 'A,V,NMW', '192.168.22.180', true, false],
      [2, 1, 'A,V,NMW', '192.168.22.181', false, false],
      [0, 1, null, 'Qdevice', false, true],
    ]);
  });

  it("reads pvecm's defaults for missing totem keys and an inquorate block", () => {
    const text = [
      'Cluster information',
      '-------------------',
      'Name:             UNKOWN?',
      'Config Version:   -1',
      'Transport:        knet',
      'Secure auth:      off',
      '',
      fixture('quorumtool-s__inquorate-1of3__isolated-linkdown__node3.txt'),
    ].join('\n');
    const r = parsePvecmStatus(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.cluster).toEqual({ name: 'UNKOWN?', configVersion: -1, transport: 'knet', secureAuth: false });
    expect(r.value.quorum?.quorate).toBe(false);
    expect(r.value.votequorum?.activityBlocked).toBe(true);
  });

  it('fails on a broken cluster header with the line', () => {
    const text = fixture('pvecm-status__quorate-4of4-hex-ip__admin-guide.txt').replace('Secure auth:      on', 'Secure auth:      maybe');
    expect(parsePvecmStatus(text)).toEqual({
      ok: false,
      error: { line: 6, message: 'Cluster information: "Secure auth" is neither on nor off', text: 'Secure auth:      maybe' },
    });
    const missing = fixture('pvecm-status__quorate-4of4-hex-ip__admin-guide.txt').replace('Transport:        knet\n', '');
    expect(parsePvecmStatus(missing)).toMatchObject({ ok: false, error: { line: 1, message: 'Cluster information: missing "Transport:"' } });
  });

  it('fails on the error pvecm prints outside a cluster', () => {
    const r = parsePvecmStatus("Error: Corosync config '/etc/pve/corosync.conf' does not exist - is this node part of a cluster?\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(1);
  });
});
