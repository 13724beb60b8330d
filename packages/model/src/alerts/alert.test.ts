import { describe, expect, it } from 'vitest';
import { storageUse } from './alert';

const on = (node: string, used: number, total: number, o: { unknown?: boolean; enabled?: boolean } = {}) => ({ node, enabled: o.enabled ?? true, active: true, totalBytes: total, usedBytes: used, availBytes: total - used, ...(o.unknown ? { unknown: true } : {}) });

describe('storageUse', () => {
  it('a shared storage once (its fullest view), a local one per node, unknown/disabled/empty left out', () => {
    expect(
      storageUse([
        { id: 'ceph', type: 'rbd', content: ['images'], shared: true, nodes: [on('pve1', 80, 100), on('pve2', 81, 100), on('pve3', 0, 0, { unknown: true })] },
        { id: 'local-lvm', type: 'lvmthin', content: ['images'], shared: false, nodes: [on('pve1', 10, 100), on('pve2', 95, 100), on('pve3', 5, 100, { enabled: false })] },
        { id: 'empty', type: 'dir', content: [], shared: false, nodes: [on('pve1', 0, 0)] },
      ]),
    ).toEqual([
      { id: 'ceph', usedPct: 81 },
      { id: 'local-lvm on pve1', usedPct: 10 },
      { id: 'local-lvm on pve2', usedPct: 95 },
    ]);
  });
});
