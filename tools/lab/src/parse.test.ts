import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLinkStatus, parseQuorumStatus } from './parse';

// the repository's copies of the real captures (packages/corosync/fixtures)
const fixture = (name: string) => readFileSync(new URL(`../../../packages/corosync/fixtures/${name}`, import.meta.url), 'utf8');

describe('parseQuorumStatus', () => {
  it('reads a degraded but quorate view', () => {
    expect(parseQuorumStatus(fixture('quorumtool-s__quorate-2of3__node3-sigkill__node1.txt'))).toEqual({
      members: 2,
      quorate: true,
      expectedVotes: 3,
      totalVotes: 2,
      activityBlocked: false,
    });
  });

  it('yields nulls for "Cannot initialize CMAP service"', () => {
    expect(parseQuorumStatus('Cannot initialize CMAP service\n')).toEqual({
      members: null,
      quorate: null,
      expectedVotes: null,
      totalVotes: null,
      activityBlocked: false,
    });
  });

  it('reads the captured fixtures', () => {
    expect(parseQuorumStatus(fixture('quorumtool-s__quorate-3of3__node1.txt'))).toMatchObject({ members: 3, quorate: true });
    expect(parseQuorumStatus(fixture('quorumtool-s__inquorate-1of3__isolated-linkdown__node3.txt'))).toMatchObject({
      members: 1,
      quorate: false,
      activityBlocked: true,
    });
  });
});

describe('parseLinkStatus', () => {
  it('splits per link and per peer state', () => {
    const text = [
      'Local node ID 1, transport knet',
      'LINK ID 0 udp',
      '\taddr\t= 198.18.0.11',
      '\tstatus:',
      '\t\tnodeid:          1:\tlocalhost',
      '\t\tnodeid:          2:\tconnected',
      '\t\tnodeid:          3:\tdisconnected',
      'LINK ID 1 udp',
      '\taddr\t= 198.18.1.11',
      '\tstatus:',
      '\t\tnodeid:          1:\tlocalhost',
      '\t\tnodeid:          2:\tconnected',
      '\t\tnodeid:          3:\tconnected',
    ].join('\n');
    expect(parseLinkStatus(text)).toEqual([
      { link: 0, connected: [2], disconnected: [3] },
      { link: 1, connected: [2, 3], disconnected: [] },
    ]);
  });

  it('reads the captured isolated node', () => {
    expect(parseLinkStatus(fixture('cfgtool-s__inquorate-1of3__isolated__node3.txt'))).toEqual([{ link: 0, connected: [], disconnected: [1, 2] }]);
  });
});
