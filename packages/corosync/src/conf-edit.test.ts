// Link edits on real corosync.conf layouts (the lab's, and pve-cluster's with 2 links and a QDevice): each
// bumps config_version, keeps what it does not touch (comments, the quorum device, key order), reads back as
// written, and is refused in words where corosync would reject it or the cluster could split.
import { describe, expect, it } from 'vitest';
import { confNodelist, confTotem } from './corosync-conf-view';
import { editCorosyncConfText, isLinkAddress, linksOf, type LinkEdit } from './conf-edit';
import { parseCorosyncConf } from './corosync-conf';
import { fixture } from './fixtures.test-helper';

const LAB = fixture('corosync-conf__lab-3node__netns-demo-node1.conf');
const PVE = fixture('corosync-conf__pve-4node-2link-qdevice__assembled.conf');

function edited(text: string, edit: LinkEdit) {
  const r = editCorosyncConfText(text, edit);
  if (!r.ok) throw new Error(r.error);
  const parsed = parseCorosyncConf(r.text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { ...r, totem: confTotem(parsed.value)!, nodes: confNodelist(parsed.value) };
}
const refusal = (text: string, edit: LinkEdit) => {
  const r = editCorosyncConfText(text, edit);
  return r.ok ? null : r.error;
};

describe('link edits', () => {
  it('add link 1 to the lab cluster: an address per node, an interface section, config_version 1 → 2', () => {
    const r = edited(LAB, { kind: 'add-link', link: 1, addresses: { pve1: '198.19.0.11', pve2: '198.19.0.12', pve3: '198.19.0.13' }, priority: 10 });
    expect(r.configVersion).toEqual({ from: 1, to: 2 });
    expect(r.totem.configVersion).toBe(2);
    expect(r.totem.interfaces.map((i) => [i.linknumber, i.knetLinkPriority])).toEqual([
      [0, null],
      [1, 10],
    ]);
    expect(r.nodes.map((n) => n.addresses)).toEqual([1, 2, 3].map((k) => [{ link: 0, address: `198.18.0.1${k}` }, { link: 1, address: `198.19.0.1${k}` }]));
    // the new address right after ring0_addr, the rest of the file as it was
    expect(r.text).toContain('    ring0_addr: 198.18.0.11\n    ring1_addr: 198.19.0.11\n  }');
    expect(r.text).toContain('logging {\n  to_logfile: yes');
    expect(linksOf(r.conf)).toEqual([0, 1]);
  });

  it('on the pve layout: remove link 1 (its addresses and interface go, the QDevice stays), change an address, a priority, the link mode', () => {
    const removed = edited(PVE, { kind: 'remove-link', link: 1 });
    expect(removed.configVersion).toEqual({ from: 7, to: 8 });
    expect(removed.nodes.every((n) => n.addresses.length === 1 && n.addresses[0]!.link === 0)).toBe(true);
    expect(removed.totem.interfaces.map((i) => i.linknumber)).toEqual([0]);
    expect(removed.text).toContain('# Assembled in the layout pve-cluster writes');
    expect(removed.text).toContain('algorithm: ffsplit');

    const moved = edited(PVE, { kind: 'set-address', node: 'pve3', link: 0, address: '10.10.11.3' });
    expect(moved.nodes.find((n) => n.name === 'pve3')!.addresses).toEqual([
      { link: 0, address: '10.10.11.3' },
      { link: 1, address: '10.20.20.3' },
    ]);
    expect(edited(PVE, { kind: 'set-priority', link: 0, priority: 30 }).totem.interfaces[0]!.knetLinkPriority).toBe(30);
    expect(edited(PVE, { kind: 'set-link-mode', mode: 'active' }).totem.linkMode).toBe('active');
    // a priority on a link without an interface section gets one
    expect(edited(LAB, { kind: 'set-priority', link: 0, priority: 5 }).totem.interfaces).toMatchObject([{ linknumber: 0, knetLinkPriority: 5 }]);
  });

  it('refused in words: what corosync would reject or what could split the cluster', () => {
    const three = { pve1: '198.19.0.11', pve2: '198.19.0.12', pve3: '198.19.0.13' };
    expect(refusal(LAB, { kind: 'add-link', link: 0, addresses: three })).toBe('link 0 exists already');
    expect(refusal(LAB, { kind: 'add-link', link: 8, addresses: three })).toBe('link 8: links are 0 to 7');
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: { pve1: '198.19.0.11', pve2: '198.19.0.12' } })).toBe('every node needs an address on link 1: none for pve3');
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: { ...three, pve9: '198.19.0.19' } })).toBe('not in the nodelist: pve9');
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: { ...three, pve3: '198.19.0.12' } })).toBe('two nodes on one address on link 1');
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: { ...three, pve3: '198.18.0.13' } })).toBe('already used on another link: 198.18.0.13 (each link needs its own network)');
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: { ...three, pve3: '198.19.0.13; rm -rf /' } })).toMatch(/^not an address: pve3/);
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: { ...three, pve3: '198.19.0.13\n}' } })).toMatch(/^not an address/);
    expect(refusal(LAB, { kind: 'add-link', link: 1, addresses: three, priority: 256 })).toBe('knet_link_priority is 0 to 255');
    expect(refusal(LAB, { kind: 'remove-link', link: 0 })).toBe('link 0 is the only link: the cluster would have none');
    expect(refusal(LAB, { kind: 'remove-link', link: 3 })).toBe('there is no link 3');
    expect(refusal(PVE, { kind: 'set-address', node: 'pve3', link: 0, address: '10.10.10.2' })).toBe("10.10.10.2 is pve2's");
    expect(refusal(PVE, { kind: 'set-address', node: 'pve3', link: 0, address: '10.20.20.3' })).toBe("10.20.20.3 is pve3's address on another link");
    expect(refusal(PVE, { kind: 'set-address', node: 'pve9', link: 0, address: '10.10.10.9' })).toBe('no node pve9 in the nodelist');
    expect(refusal(PVE, { kind: 'set-address', node: 'pve3', link: 0, address: '10.10.10.3' })).toBe('pve3 has 10.10.10.3 on link 0 already');
    expect(refusal(PVE, { kind: 'set-link-mode', mode: 'fast' as never })).toBe('link_mode is one of passive, active, rr');
    expect(refusal('totem {\n', { kind: 'remove-link', link: 0 })).toMatch(/^corosync.conf does not parse/);
    expect(refusal('nodelist {\n}\n', { kind: 'remove-link', link: 0 })).toBe('corosync.conf has no totem section');
  });

  it('a full house: 8 links (link numbers 0–7; any other number is refused)', () => {
    let text = LAB;
    for (let l = 1; l < 8; l++) text = edited(text, { kind: 'add-link', link: l, addresses: { pve1: `10.${l}.0.1`, pve2: `10.${l}.0.2`, pve3: `10.${l}.0.3` } }).text;
    const parsed = parseCorosyncConf(text);
    expect(parsed.ok && linksOf(parsed.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(text).toContain('config_version: 8');
  });

  it('addresses: IPv4, IPv6, host names; nothing else', () => {
    expect(['10.0.0.1', 'fd00::4', 'pve1-corosync.example.org'].every(isLinkAddress)).toBe(true);
    expect(['10.0.0.256', '', 'a b', 'x;y', '-x', 'a..b', '10.0.0.1\n'].some(isLinkAddress)).toBe(false);
  });
});
