import { describe, expect, it } from 'vitest';
import { describeEvent, formatDuration, linkLabel, nameList, plural, storageStateWord, votesSentence } from './describe';
import type { EventBody } from './events';

describe('wording helpers', () => {
  it('plural', () => {
    expect(plural(1, 'vote')).toBe('1 vote');
    expect(plural(0, 'vote')).toBe('0 votes');
    expect(plural(2, 'vote')).toBe('2 votes');
  });

  it('votesSentence', () => {
    expect(votesSentence({ totalVotes: 1, expectedVotes: 3, quorum: 2 })).toBe('1 of 3 votes, 2 needed');
    expect(votesSentence({ totalVotes: 1, expectedVotes: 1, quorum: 1 })).toBe('1 of 1 vote, 1 needed');
  });

  it('nameList keeps a long list to one line', () => {
    expect(nameList([])).toBe('');
    expect(nameList(['pve2'])).toBe('pve2');
    expect(nameList(['pve2', 'pve3'])).toBe('pve2, pve3');
    expect(nameList(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
  });

  it('linkLabel, formatDuration, storageStateWord', () => {
    expect(linkLabel(0, 'pve1', 'pve3')).toBe('link 0 pve1→pve3');
    expect(formatDuration(800)).toBe('800 ms');
    expect(formatDuration(3200)).toBe('3.2 s');
    expect(formatDuration(3000)).toBe('3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(storageStateWord({ enabled: true, active: true })).toBe('active');
    // an offline node's view of a storage (the Proxmox API source) is not known: never 'inactive'
    expect(storageStateWord({ enabled: true, active: false, unknown: true })).toBe('unknown');
    expect(storageStateWord({ enabled: true, active: false })).toBe('inactive');
    expect(storageStateWord({ enabled: false, active: true })).toBe('disabled');
  });
});

describe('describeEvent', () => {
  const cases: [EventBody, string][] = [
    [{ type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 }, 'pve3 left the cluster (1 vote)'],
    [{ type: 'node-joined', nodeId: 3, name: 'pve3', votes: 2 }, 'pve3 joined the cluster (2 votes)'],
    [
      { type: 'quorum-lost', totalVotes: 1, quorum: 2, expectedVotes: 3, missing: [{ nodeId: 2, name: 'pve2' }, { nodeId: 3, name: 'pve3' }] },
      'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)',
    ],
    [{ type: 'quorum-lost', totalVotes: 1, quorum: 2, expectedVotes: 3, missing: [] }, 'quorum lost: 1 of 3 votes, 2 needed'],
    [{ type: 'quorum-regained', totalVotes: 2, quorum: 2, expectedVotes: 3 }, 'quorum regained: 2 of 3 votes, 2 needed'],
    [{ type: 'expected-votes-changed', from: 3, to: 4 }, 'expected votes changed from 3 to 4'],
    [{ type: 'link-down', from: 1, to: 3, link: 0, fromName: 'pve1', toName: 'pve3' }, 'link 0 pve1→pve3 down'],
    [{ type: 'link-up', from: 1, to: 3, link: 1, fromName: 'pve1', toName: 'pve3' }, 'link 1 pve1→pve3 up'],
    [{ type: 'config-version-changed', from: 3, to: 4 }, 'cluster configuration version changed from 3 to 4'],
    [{ type: 'config-version-changed', from: null, to: 4 }, 'cluster configuration version changed from unknown to 4'],
    [{ type: 'storage-state-changed', storage: 'local', node: 'pve2', active: false, enabled: true }, 'storage local on pve2 inactive'],
    [{ type: 'storage-state-changed', storage: 'local', node: 'pve2', active: false, enabled: false }, 'storage local on pve2 disabled'],
    [
      { type: 'observer-changed', from: { nodeId: 1, name: 'pve1' }, to: { nodeId: 2, name: 'pve2' } },
      'observer changed from pve1 to pve2',
    ],
    [{ type: 'observer-changed', from: { nodeId: 1, name: 'pve1' }, to: null }, 'no node can be asked (observer was pve1)'],
    [{ type: 'observer-changed', from: null, to: { nodeId: 2, name: 'pve2' } }, 'observing through pve2'],
    [{ type: 'partition-changed', partitioned: true }, 'cluster partitioned: reachable nodes disagree on membership'],
    [{ type: 'partition-changed', partitioned: false }, 'partition healed: reachable nodes agree on membership'],
    [
      { type: 'node-unreachable-warning', nodeId: 3, name: 'pve3', expectedDropInMs: 3200, quorateAfterDrop: true },
      'pve3 unreachable on every link: drop expected in 3.2 s, quorum would be kept',
    ],
    [
      { type: 'node-unreachable-warning', nodeId: 3, name: 'pve3', expectedDropInMs: 800, quorateAfterDrop: false },
      'pve3 unreachable on every link: drop expected in 800 ms, quorum would be lost',
    ],
    [{ type: 'node-unreachable-cleared', nodeId: 3, name: 'pve3' }, 'unreachable warning for pve3 cleared'],
    [
      { type: 'ha-error', sid: 'ct:200', node: 'pve2', state: 'error' },
      'HA resource ct:200 on pve2 is in error state: the HA manager stopped trying (fix it, then disable and re-enable it)',
    ],
    [{ type: 'ha-error', sid: 'vm:9', node: null, state: 'error' }, 'HA resource vm:9 is in error state: the HA manager stopped trying (fix it, then disable and re-enable it)'],
    [{ type: 'ha-error-cleared', sid: 'ct:200', node: 'pve2', state: 'disabled' }, 'HA resource ct:200 on pve2 left the error state (now disabled)'],
    [{ type: 'ha-fencing', node: 'pve3' }, 'HA is fencing pve3: its HA resources wait until it is fenced, then recover on other nodes'],
    [{ type: 'ceph-health-changed', from: 'HEALTH_OK', to: 'HEALTH_WARN' }, 'Ceph health changed from HEALTH_OK to HEALTH_WARN'],
  ];
  it.each(cases)('%j', (body, message) => {
    expect(describeEvent(body)).toBe(message);
  });
});
