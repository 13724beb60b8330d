// The advisor's facts over the API, against a fake transport: /storage is the storage-config fixture's (a
// synthetic storage.cfg index, see fixtures/SOURCES.md); the guest configs follow the documented qm/pct config
// format (SYNTHETIC here, written for this test); /time answers from a clock set 1.2 s ahead for pve2.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@quorate/model/testing';
import { PveClient } from './client';
import { diskStorages, hostOf, pveAdvisorFacts, storageServers } from './advisor-facts';
import type { PveTransport } from './transport';

const storage = JSON.parse(readFileSync(new URL('./fixtures/storage-config/storage.json', import.meta.url), 'utf8')) as { data: unknown };

const CONFIGS: Record<string, unknown> = {
  'nodes/pve1/qemu/100/config': { scsi0: 'ceph-rbd:vm-100-disk-0,size=32G', ide2: 'local:iso/debian-12.iso,media=cdrom', efidisk0: 'ceph-rbd:vm-100-disk-1,size=1M', net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0' },
  'nodes/pve2/lxc/200/config': { rootfs: 'local-lvm:vm-200-disk-0,size=8G', mp0: '/srv/data,mp=/data', mp1: 'backup-nfs:200/vm-200-disk-1.raw,mp=/backup' },
};

function transport(offsets: Record<string, number>, missing: Set<string> = new Set()): PveTransport {
  const reply = (data: unknown) => ({ status: 200, reason: 'OK', headers: {}, body: JSON.stringify({ data }) });
  return {
    describe: 'fake',
    async get(path: string) {
      const p = path.replace(/^\/+/, '');
      if (missing.has(p)) return { status: 403, reason: 'Permission check failed', headers: {}, body: '{"data":null}' };
      if (p === 'storage') return reply(storage.data);
      const time = /^nodes\/([^/]+)\/time$/.exec(p);
      if (time) return reply({ time: Math.floor((Date.now() + (offsets[time[1]!] ?? 0)) / 1000), localtime: 0, timezone: 'UTC' });
      if (/^nodes\/[^/]+\/apt\/versions$/.test(p)) return reply([{ Package: 'corosync', Version: '3.1.7-pve3' }, { Package: 'pve-manager', Version: '8.2.4' }]);
      if (p in CONFIGS) return reply(CONFIGS[p]);
      return { status: 404, reason: 'Not Found', headers: {}, body: '{"data":null}' };
    },
  };
}

const ha = {
  quorate: true,
  master: 'pve1',
  fencing: [],
  services: [
    { sid: 'vm:100', node: 'pve1', state: 'started' },
    { sid: 'ct:200', node: 'pve2', state: 'started' },
  ],
};

describe('pve advisor facts', () => {
  it('reads the storage servers, the HA guests\' disks, Corosync versions and clocks', async () => {
    const snap = { ...sampleSnapshot({ nodes: 2 }), ha };
    const facts = await pveAdvisorFacts(new PveClient(transport({ pve2: 1200 })), snap);
    expect(facts.storageAddresses).toEqual({ 'backup-nfs': ['198.18.0.50'] });
    expect(facts.haGuestStorages).toEqual({ 'vm:100': ['ceph-rbd'], 'ct:200': ['backup-nfs', 'local-lvm'] });
    expect(facts.corosyncVersions).toEqual({ pve1: '3.1.7', pve2: '3.1.7' });
    // /time has whole seconds; the tick-timed read places it to about 100 ms
    expect(Math.abs(facts.clockOffsetsMs!.pve1!)).toBeLessThan(250);
    expect(Math.abs(facts.clockOffsetsMs!.pve2! - 1200)).toBeLessThan(250);
  });

  it('a part the token may not read is left out (its check says "not checked"), the others stay', async () => {
    const snap = { ...sampleSnapshot({ nodes: 2 }), ha };
    const facts = await pveAdvisorFacts(new PveClient(transport({}, new Set(['storage', 'nodes/pve1/qemu/100/config']))), snap);
    expect(facts.storageAddresses).toBeUndefined();
    expect(facts.haGuestStorages).toEqual({ 'ct:200': ['backup-nfs', 'local-lvm'] });
    expect(facts.corosyncVersions).toEqual({ pve1: '3.1.7', pve2: '3.1.7' });
  });

  it('storage.cfg servers: server(2), iSCSI portals with ports, Ceph monhost lists', () => {
    expect(hostOf('10.0.0.5:3260')).toBe('10.0.0.5');
    expect(hostOf('[fd00::5]:3260')).toBe('fd00::5');
    expect(hostOf('fd00::5')).toBe('fd00::5');
    expect(storageServers({ storage: 'nfs', server: '10.0.0.5', server2: '10.0.0.6' })).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(storageServers({ storage: 'iscsi', portal: '10.0.1.5:3260' })).toEqual(['10.0.1.5']);
    expect(storageServers({ storage: 'ceph', monhost: '10.0.2.1 10.0.2.2;10.0.2.3,10.0.2.1' })).toEqual(['10.0.2.1', '10.0.2.2', '10.0.2.3']);
    expect(storageServers({ storage: 'local' })).toEqual([]);
  });

  it('a guest config\'s disks: CD-ROMs, bind mounts, "none" and non-disk keys are not on a storage', () => {
    expect(diskStorages({ scsi0: 'a:vm-1-disk-0', ide2: 'none,media=cdrom', sata1: 'local:iso/x.iso,media=cdrom', unused0: 'b:vm-1-disk-9', net0: 'virtio=x' }, 'qemu')).toEqual(['a']);
    expect(diskStorages({ rootfs: 'c:subvol-2-disk-0', mp0: '/mnt/host,mp=/x', mp1: 'd:2/vm-2-disk-1.raw' }, 'lxc')).toEqual(['c', 'd']);
  });
});
