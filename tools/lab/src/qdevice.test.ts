import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qdeviceQuorumView } from './qdevice';

const fixture = (name: string) => readFileSync(new URL(`../../../packages/corosync/fixtures/${name}`, import.meta.url), 'utf8');

describe('qdeviceQuorumView (what setupQdevice / removeQdevice wait for)', () => {
  it('healthy 2 nodes + QDevice: flag, row, every node alive, 3 of 3', () => {
    expect(qdeviceQuorumView(fixture('quorumtool-s__qdevice-lab__2nodes-healthy__node1.txt'))).toEqual({
      flag: true, row: true, allAlive: true, quorate: true, members: 2, expectedVotes: 3, totalVotes: 3, quorum: 2, flags: ['Quorate', 'Qdevice'],
    });
  });

  it('the survivor: quorate with the QDevice, total 2', () => {
    expect(qdeviceQuorumView(fixture('quorumtool-s__qdevice-lab__node2-killed-survivor__node1.txt'))).toMatchObject({ flag: true, row: true, quorate: true, members: 1, totalVotes: 2, expectedVotes: 3 });
  });

  it('qnetd killed: the row is there but the vote is not cast (total 2 of 3): not what setup waits for', () => {
    const v = qdeviceQuorumView(fixture('quorumtool-s__qdevice-lab__qnetd-killed__node1.txt'));
    expect(v).toMatchObject({ flag: true, row: true, allAlive: true, totalVotes: 2, expectedVotes: 3 });
    expect(v.totalVotes === v.expectedVotes).toBe(false);
  });

  it('without a QDevice, and on garbage', () => {
    expect(qdeviceQuorumView(fixture('quorumtool-s__quorate-3of3__node1.txt'))).toMatchObject({ flag: false, row: false, allAlive: false, quorate: true });
    expect(qdeviceQuorumView('garbage')).toMatchObject({ flag: false, row: false, quorate: null, expectedVotes: null });
  });
});
