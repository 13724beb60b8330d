// The Proxmox GUI's join information: a blob built the way pve-manager's Cluster.js builds it decodes to the
// cluster name, the member's address and fingerprint and the link numbers; every broken paste gets its own
// sentence; encode → decode round-trips. The totem below is ../shared/fixtures/pve/synthetic/
// cluster__config__totem__lab-pve9-defaults__SYNTHETIC.json (every value a string, interface keyed by link).
import { describe, expect, it } from 'vitest';
import { base64Utf8, decodeJoinInfo, encodeJoinInfo, JOIN_INFO_MAX_CHARS } from './join-info';

const FP = 'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90';
const TOTEM = { link_mode: 'passive', cluster_name: 'lab', token_coefficient: '125', config_version: '3', interface: { '0': { linknumber: '0' } }, secauth: 'on', ip_version: 'ipv4-6', version: '2' };
const b64 = (v: unknown) => base64Utf8(typeof v === 'string' ? v : JSON.stringify(v));
declare function atob(data: string): string;
const gui = { ipAddress: '198.18.0.11', fingerprint: FP, peerLinks: { '0': '198.18.0.11' }, ring_addr: ['198.18.0.11'], totem: TOTEM };

describe('decodeJoinInfo', () => {
  it('reads what the Proxmox GUI copies', () => {
    const r = decodeJoinInfo(b64(gui));
    expect(r).toMatchObject({ ok: true, info: { clusterName: 'lab', address: '198.18.0.11', fingerprint: FP, links: [0], peerLinks: [{ link: 0, address: '198.18.0.11' }] } });
  });

  it('takes a paste wrapped over lines, with spaces, lower-case fingerprint and no padding', () => {
    const text = b64({ ...gui, fingerprint: FP.toLowerCase() }).replace(/=+$/, '');
    const wrapped = `  ${text.match(/.{1,60}/g)!.join('\n')}\n`;
    const r = decodeJoinInfo(wrapped);
    expect(r.ok && r.info.fingerprint).toBe(FP);
  });

  it('two links: from totem.interface, in order', () => {
    const r = decodeJoinInfo(b64({ ...gui, peerLinks: { '1': '198.19.0.11', '0': '198.18.0.11' }, totem: { ...TOTEM, interface: { '1': { linknumber: '1' }, '0': { linknumber: '0' } } } }));
    expect(r.ok && r.info.links).toEqual([0, 1]);
    expect(r.ok && r.info.peerLinks.map((l) => l.link)).toEqual([0, 1]);
  });

  it('every way a paste goes wrong says what is wrong', () => {
    const err = (t: string) => {
      const r = decodeJoinInfo(t);
      if (r.ok) throw new Error('expected an error');
      return r.error;
    };
    expect(err('')).toMatch(/empty/);
    expect(err('not a blob!')).toMatch(/not base64/);
    expect(err(b64('{"ipAddress": "198.18.0.11", "fingerp'))).toMatch(/not to JSON \(was it cut short/);
    expect(err(b64({ ...gui, fingerprint: 'AB:CD' }))).toMatch(/^The join information is incomplete or not from Proxmox VE: fingerprint: a SHA-256 fingerprint/);
    expect(err(b64({ ...gui, totem: { version: '2' } }))).toMatch(/totem\.cluster_name/);
    expect(err(b64({ ipAddress: '198.18.0.11' }))).toMatch(/fingerprint/);
    expect(err(b64([1, 2]))).toMatch(/incomplete or not from Proxmox VE/);
    expect(err(b64({ ...gui, totem: { ...TOTEM, interface: { '9': { linknumber: '9' } } } }))).toMatch(/link number outside 0–7/);
    expect(err('A'.repeat(JOIN_INFO_MAX_CHARS + 1))).toMatch(/few thousand at most/);
    // base64 of bytes that are not UTF-8
    expect(err('//79')).toMatch(/does not decode to text/);
  });
});

describe('encodeJoinInfo', () => {
  it('builds the GUI’s blob: decodes to the same member, and as JSON has the GUI’s keys', () => {
    const blob = encodeJoinInfo({ address: '198.18.0.12', fingerprint: FP, peerLinks: [{ link: 0, address: '198.18.0.12' }, { link: 1, address: '198.19.0.12' }] }, { ...TOTEM, interface: { '0': { linknumber: '0' }, '1': { linknumber: '1' } } });
    expect(Object.keys(JSON.parse(atob(blob)) as object)).toEqual(['ipAddress', 'fingerprint', 'peerLinks', 'ring_addr', 'totem']);
    const r = decodeJoinInfo(blob);
    expect(r).toMatchObject({ ok: true, info: { clusterName: 'lab', address: '198.18.0.12', links: [0, 1] } });
  });
  it('a cluster name with non-ASCII letters survives the round trip (UTF-8, not Latin-1)', () => {
    const r = decodeJoinInfo(encodeJoinInfo({ address: '198.18.0.12', fingerprint: FP, peerLinks: [] }, { cluster_name: 'küche' }));
    expect(r.ok && r.info.clusterName).toBe('küche');
    expect(r.ok && r.info.links).toEqual([0]);
  });
});
