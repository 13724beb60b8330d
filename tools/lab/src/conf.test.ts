import { describe, expect, it } from 'vitest';
import { renderCorosyncConf } from './conf';

describe('renderCorosyncConf', () => {
  const conf = renderCorosyncConf({
    clusterName: 'lab-cluster',
    nodes: 3,
    links: 2,
    tokenMs: 1000,
    keyfile: '/tmp/k',
    logfile: '/tmp/n1/corosync.log',
    stateDir: '/tmp/n1/state',
    address: (i, l) => `198.18.${l}.${10 + i}`,
  });

  it('lists every node with an address per link', () => {
    expect(conf).toContain('    name: pve3\n    nodeid: 3\n    quorum_votes: 1\n    ring0_addr: 198.18.0.13\n    ring1_addr: 198.18.1.13\n');
    expect(conf.match(/linknumber: \d/g)).toEqual(['linknumber: 0', 'linknumber: 1']);
  });

  it('sets token, cluster name, sched_rr and balanced braces', () => {
    expect(conf).toContain('  token: 1000\n');
    expect(conf).toContain('  cluster_name: lab-cluster\n');
    expect(conf).toContain('  sched_rr: no\n');
    expect(conf.split('{').length).toBe(conf.split('}').length);
  });
});
