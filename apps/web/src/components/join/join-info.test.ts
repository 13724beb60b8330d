// The page's zod/mini decoder of a pasted Join Information gives the model's answers (the BFF decodes with
// the model's): the same info for good blobs, the same sentence for each broken one.
import { describe, expect, it } from 'vitest';
import { decodeJoinInfo as modelDecode, encodeJoinInfo } from '@quorate/model';
import { decodeJoinInfo } from './join-info';

const FP = Array.from({ length: 32 }, (_, i) => (i * 5 + 17).toString(16).padStart(2, '0')).join(':');
const b64 = (x: unknown) => btoa(JSON.stringify(x));
const member = { address: '198.18.0.11', fingerprint: FP, peerLinks: [{ link: 0, address: '198.18.0.11' }, { link: 1, address: '198.19.0.11' }] };
const good = encodeJoinInfo(member, { cluster_name: 'lab', interface: { '0': { linknumber: '0' }, '1': { linknumber: '1' } } });

const CASES: [string, string][] = [
  ['good, two links', good],
  ['good, wrapped and URL-safe', good.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '').replace(/(.{50})/g, '$1\n')],
  ['good, links from peerLinks only', encodeJoinInfo(member, { cluster_name: 'lab' })],
  ['good, no links at all', b64({ ipAddress: '10.0.0.1', fingerprint: FP, totem: { cluster_name: 'x' } })],
  ['empty', '  \n '],
  ['not base64', 'this is not a blob!'],
  ['one char too many', 'QUJD' + 'Q'],
  ['not JSON', btoa('hello there')],
  ['cut short', good.slice(0, 40)],
  ['too long', 'A'.repeat(64 * 1024 + 1)],
  ['a link outside 0–7', b64({ ipAddress: '10.0.0.1', fingerprint: FP, totem: { cluster_name: 'x', interface: { '9': { linknumber: '9' } } } })],
];

describe('decodeJoinInfo (page) agrees with the model', () => {
  it.each(CASES)('%s', (_, text) => {
    expect(decodeJoinInfo(text)).toEqual(modelDecode(text));
  });

  it('a blob with a field missing or wrong: the same place named, ok false in both', () => {
    for (const bad of [
      b64({ fingerprint: FP, totem: { cluster_name: 'x' } }),
      b64({ ipAddress: '10.0.0.1', fingerprint: 'AB:CD', totem: { cluster_name: 'x' } }),
      b64({ ipAddress: '10.0.0.1', fingerprint: FP }),
      b64([1, 2]),
      b64({ ipAddress: '10.0.0.1', fingerprint: FP, peerLinks: { '9': '10.0.0.1' }, totem: { cluster_name: 'x' } }),
      b64({ ipAddress: '10.0.0.1', fingerprint: FP, ring_addr: [''], totem: { cluster_name: 'x' } }),
      b64({ ipAddress: '', fingerprint: FP, totem: { cluster_name: 'x' } }),
      b64({ ipAddress: '10.0.0.1', fingerprint: FP, totem: { cluster_name: '' } }),
    ]) {
      const mine = decodeJoinInfo(bad);
      const model = modelDecode(bad);
      expect(mine.ok).toBe(false);
      expect(model.ok).toBe(false);
      const where = (r: typeof mine) => (r.ok ? '' : r.error.split(': ').slice(0, 2).join(': '));
      expect(where(mine)).toBe(where(model));
    }
  });
});
