import { describe, expect, it } from 'vitest';
import { parseIpAddr } from './ip-addr';

describe('parseIpAddr', () => {
  it('global addresses, IPv4 and IPv6; loopback and link-local left out; garbage ignored', () => {
    const out = [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever',
      '2: eth0    inet 198.18.0.11/24 brd 198.18.0.255 scope global eth0\\       valid_lft forever preferred_lft forever',
      '3: eth1    inet 198.18.1.11/24 brd 198.18.1.255 scope global eth1\\       valid_lft forever preferred_lft forever',
      '3: eth1    inet6 fd00:20::11/64 scope global \\       valid_lft forever preferred_lft forever',
      '3: eth1    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever',
      'garbage line',
    ].join('\n');
    expect(parseIpAddr(out)).toEqual(['198.18.0.11', '198.18.1.11', 'fd00:20::11']);
    expect(parseIpAddr('')).toEqual([]);
  });
});
