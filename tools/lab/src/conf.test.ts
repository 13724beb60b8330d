import { describe, expect, it } from 'vitest';
import { renderCorosyncConf } from './conf';
import { editCorosyncConfText, parseCorosyncConf, serializeCorosyncConf } from '@quorate/corosync';

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

  it('writes no quorum.device without a QDevice', () => {
    expect(conf).not.toContain('device');
  });

  const base = { clusterName: 'lab-cluster', nodes: 2, links: 1, tokenMs: 1000, keyfile: '/k', logfile: '/l', stateDir: '/s', address: (i: number, l: number) => `198.18.${l}.${10 + i}` };

  it('writes quorum.device as pvecm qdevice setup does: model net, votes 1 for ffsplit, tls on', () => {
    const c = renderCorosyncConf({ ...base, configVersion: 2, device: { algorithm: 'ffsplit', host: 'qnetd', votes: 1 } });
    expect(c).toContain('quorum {\n  provider: corosync_votequorum\n  device {\n    model: net\n    votes: 1\n    net {\n      algorithm: ffsplit\n      host: qnetd\n      tls: on\n    }\n  }\n}\n');
    expect(c).toContain('config_version: 2');
    expect(c.split('{').length).toBe(c.split('}').length);
  });

  it('writes link_mode and knet_link_priority per link when given (links.ts); a packages/corosync edit of it reads back as the lab renders it', () => {
    const c = renderCorosyncConf({ ...base, links: 2, linkMode: 'active', linkPriorities: [null, 20] });
    expect(c).toContain('  link_mode: active\n');
    expect(c).toContain('  interface {\n    linknumber: 0\n  }\n  interface {\n    linknumber: 1\n    knet_link_priority: 20\n  }\n');
    const one = renderCorosyncConf({ ...base, configVersion: 1 });
    const edited = editCorosyncConfText(one, { kind: 'add-link', link: 1, addresses: { pve1: '198.18.1.11', pve2: '198.18.1.12' }, priority: 20 });
    if (!edited.ok) throw new Error(edited.error);
    const two = renderCorosyncConf({ ...base, links: 2, configVersion: 2, linkPriorities: [null, 20] });
    const norm = (x: string) => {
      const r = parseCorosyncConf(x);
      return r.ok ? serializeCorosyncConf(r.value) : null;
    };
    expect(norm(edited.text)).toBe(norm(two));
  });

  it('leaves votes out for lms (votequorum gives the QDevice nodes - 1)', () => {
    const c = renderCorosyncConf({ ...base, device: { algorithm: 'lms', host: '198.18.0.250', votes: null } });
    expect(c).toContain('    model: net\n    net {\n      algorithm: lms\n      host: 198.18.0.250\n');
    expect(c).not.toMatch(/^\s+votes:/m);
    expect(parseCorosyncConf(c).ok).toBe(true);
  });
});
