import { describe, expect, it } from 'vitest';
import { renderCorosyncConf } from './conf';
import { CreateClusterOptionsSchema, JoinOptionsSchema, zodMessage } from './membership';
import { blockRules, confFacts, isLabAddress, parseCorosyncVersion, parsePing, renderHosts } from './probe';

describe('parsePing', () => {
  it('reads transmitted, received, loss and the rtt average', () => {
    const out = [
      'PING 198.18.0.12 (198.18.0.12) 56(84) bytes of data.',
      '',
      '--- 198.18.0.12 ping statistics ---',
      '5 packets transmitted, 4 received, 20% packet loss, time 813ms',
      'rtt min/avg/max/mdev = 0.041/0.060/0.084/0.015 ms',
    ].join('\n');
    expect(parsePing(out)).toEqual({ transmitted: 5, received: 4, lossPct: 20, avgMs: 0.06 });
  });

  it('nothing back: no rtt line, 100 % loss; errors counted; garbage is null', () => {
    expect(parsePing('5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 4090ms\n')).toEqual({ transmitted: 5, received: 0, lossPct: 100, avgMs: null });
    expect(parsePing('ping: connect: Network is unreachable')).toBeNull();
  });
});

describe('blockRules', () => {
  it('on: an input hook dropping UDP to 5405, in one transaction that replaces the old table', () => {
    const r = blockRules(true);
    expect(r.split('\n').slice(0, 2)).toEqual(['table inet quorate_lab_block { }', 'delete table inet quorate_lab_block']);
    expect(r).toContain('type filter hook input priority -5; policy accept;');
    expect(r).toContain('udp dport 5405 counter drop');
  });

  it('off: only create-and-delete (idempotent)', () => {
    expect(blockRules(false)).toBe('table inet quorate_lab_block { }\ndelete table inet quorate_lab_block\n');
  });
});

describe('lab addresses, hosts, conf facts', () => {
  it('isLabAddress: 198.18.0.0/15 only', () => {
    expect(['198.18.0.12', '198.19.255.1'].map(isLabAddress)).toEqual([true, true]);
    expect(['198.20.0.1', '8.8.8.8', '198.18.0.256', '198.18.0.12 ', ''].map(isLabAddress)).toEqual([false, false, false, false, false]);
  });

  it('renderHosts lists every node after localhost', () => {
    expect(renderHosts([{ name: 'pve1', address: '198.18.0.11' }]).split('\n').slice(1)).toEqual(['127.0.0.1 localhost', '198.18.0.11 pve1', '']);
  });

  it('confFacts and the version line', () => {
    const conf = renderCorosyncConf({
      clusterName: 'labjoin',
      nodes: 0,
      links: 1,
      tokenMs: 1000,
      keyfile: '/tmp/n3/authkey',
      logfile: '/tmp/n3/corosync.log',
      stateDir: '/tmp/n3/state',
      address: () => 'unused',
      nodelist: [
        { name: 'pve1', nodeid: 1, votes: 1, addresses: ['198.18.0.11'] },
        { name: 'pve3', nodeid: 7, votes: 2, addresses: ['198.18.0.13'] },
      ],
      configVersion: 4,
    });
    expect(conf).toContain('  node {\n    name: pve3\n    nodeid: 7\n    quorum_votes: 2\n    ring0_addr: 198.18.0.13\n  }');
    expect(conf).not.toContain('unused');
    expect(confFacts(conf)).toEqual({ clusterName: 'labjoin', keyfile: '/tmp/n3/authkey', configVersion: 4 });
    expect(confFacts('')).toEqual({ clusterName: null, keyfile: null, configVersion: null });
    expect(parseCorosyncVersion("Corosync Cluster Engine, version '3.1.7'\nCopyright")).toBe('3.1.7');
  });
});

describe('membership input', () => {
  it('refuses bad cluster names and join options with a readable reason', () => {
    const bad = CreateClusterOptionsSchema.safeParse({ clusterName: 'way-too-long-name-x' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(zodMessage(bad.error)).toBe('clusterName: a cluster name is 1-15 letters, digits or "-"');
    const join = JoinOptionsSchema.safeParse({ addresses: [{ link: 0, address: '10.0.0.1' }], votes: 0 });
    expect(join.success).toBe(false);
    if (!join.success) expect(zodMessage(join.error)).toMatch(/^addresses\.0\.address: an address inside the lab \(198\.18\.0\.0\/15\); votes: /);
  });
});
