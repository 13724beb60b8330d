import { describe, expect, it } from 'vitest';
import { describePartition, parsePartition, partitionRules } from './partition';
import { knownHostsLine, parseKeygenFingerprint, renderSshdConfig } from './sshd';

describe('parsePartition', () => {
  const ids = [1, 2, 3, 4];

  it('reads groups of names or ids, sorted inside a group', () => {
    expect(parsePartition(['pve1,pve2', 'pve3,pve4'], ids)).toEqual([[1, 2], [3, 4]]);
    expect(parsePartition(['4,pve1', '2', 'pve3'], ids)).toEqual([[1, 4], [2], [3]]);
    expect(describePartition([[1, 4], [2], [3]])).toBe('pve1,pve4 | pve2 | pve3');
  });

  it.each([
    [[], /at least two groups/],
    [['pve1,pve2,pve3,pve4'], /at least two groups/],
    [['pve1,pve2', 'pve3'], /pve4 in no group/],
    [['pve1,pve2', 'pve3,pve4,pve2'], /pve2 is in groups 1 and 2/],
    [['pve1,pve1', 'pve2,pve3,pve4'], /pve1 is in group 1 twice/],
    [['pve1,pve2', 'pve3,pve9'], /no node "pve9" in this lab \(nodes: pve1, pve2, pve3, pve4\)/],
    [['pve1,', 'pve2,pve3,pve4'], /empty node name/],
  ])('refuses %j', (groups, message) => {
    expect(() => parsePartition(groups, ids)).toThrow(message);
  });
});

describe('partitionRules', () => {
  it('drops both directions to the other groups, replacing an earlier table in one transaction', () => {
    const rules = partitionRules(['198.18.0.13', '198.18.1.13']);
    expect(rules.split('\n').slice(0, 2)).toEqual(['table inet quorate_lab_partition { }', 'delete table inet quorate_lab_partition']);
    expect(rules).toContain('type filter hook input priority -10; policy accept;\n    ip saddr { 198.18.0.13, 198.18.1.13 } counter drop');
    expect(rules).toContain('type filter hook output priority -10; policy accept;\n    ip daddr { 198.18.0.13, 198.18.1.13 } counter drop');
    expect(rules.split('{').length).toBe(rules.split('}').length);
  });

  it('with nothing to cut only removes the table (heal)', () => {
    expect(partitionRules([])).toBe('table inet quorate_lab_partition { }\ndelete table inet quorate_lab_partition\n');
  });
});

describe('sshd', () => {
  const conf = renderSshdConfig({
    node: 'pve2',
    listenAddress: '198.18.0.12',
    port: 22,
    hostKeyFile: '/tmp/quorate-lab-x/n2/ssh/ssh_host_ed25519_key',
    pidFile: '/tmp/quorate-lab-x/n2/ssh/sshd.pid',
    authorizedKeysFile: '/tmp/quorate-lab-x/ssh/id_ed25519.pub',
  });

  it('listens on the node address only, key auth only, no PAM or DNS, files in the lab dir', () => {
    for (const line of [
      'ListenAddress 198.18.0.12:22',
      'HostKey /tmp/quorate-lab-x/n2/ssh/ssh_host_ed25519_key',
      'PidFile /tmp/quorate-lab-x/n2/ssh/sshd.pid',
      'AuthorizedKeysFile /tmp/quorate-lab-x/ssh/id_ed25519.pub',
      'AuthenticationMethods publickey',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'UseDNS no',
    ]) {
      expect(conf.split('\n')).toContain(line);
    }
  });

  it('reads ssh-keygen -lf and writes known_hosts lines', () => {
    expect(parseKeygenFingerprint('256 SHA256:eWzJnP4IBZ1kEGpX+fy4Zw9Z7vud2O5I0QanpjfbgN4 root@pve1 (ED25519)\n')).toBe(
      'SHA256:eWzJnP4IBZ1kEGpX+fy4Zw9Z7vud2O5I0QanpjfbgN4',
    );
    expect(parseKeygenFingerprint('not a key')).toBeNull();
    expect(knownHostsLine('198.18.0.11', 22, 'ssh-ed25519 AAAAC3Nza root@pve1\n')).toBe('198.18.0.11 ssh-ed25519 AAAAC3Nza');
    expect(knownHostsLine('198.18.0.11', 2222, 'ssh-ed25519 AAAAC3Nza')).toBe('[198.18.0.11]:2222 ssh-ed25519 AAAAC3Nza');
  });
});
