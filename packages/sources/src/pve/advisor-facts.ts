// The design advisor's facts over the API (token): each online node's Corosync version (apt/versions) and
// clock (/time, tick-timed: clock.ts), the network storages' servers (/storage: server, portal, monhost) and
// the storages of each HA guest's disks (its qemu/lxc config). Each part that fails or is not permitted is
// left out, so its check says "not checked"; none fails the others.
import { z } from 'zod';
import type { AdvisorFacts, ClusterSnapshot } from '@quorate/model';
import type { PveClient } from './client';
import { clockVsLocal } from './clock';
import { corosyncVersionOf } from './join-cluster-facts';
import { parseRows } from './schemas';
import { mapLimit, NODE_CONCURRENCY } from './source';

/** at most this many HA guests' configs are read per ask (one call each) */
export const HA_GUESTS_MAX = 64;

const StorageRow = z.object({
  storage: z.string().min(1),
  type: z.string().optional(),
  server: z.string().optional(),
  server2: z.string().optional(),
  portal: z.string().optional(),
  monhost: z.string().optional(),
});

/** "10.0.0.5:3260", "[fd00::5]:3260", "fd00::5" → the host alone */
export function hostOf(address: string): string {
  const a = address.trim();
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracket) return bracket[1]!;
  const v4port = /^([^:]+):\d+$/.exec(a);
  return v4port ? v4port[1]! : a;
}

/** the servers a storage.cfg entry names: server(2), an iSCSI portal, Ceph's monhost list (space, comma or semicolon separated) */
export function storageServers(row: z.infer<typeof StorageRow>): string[] {
  const parts = [row.server, row.server2, row.portal, ...(row.monhost ?? '').split(/[\s,;]+/)];
  return [...new Set(parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map(hostOf))];
}

const QEMU_DISK = /^(ide|sata|scsi|virtio|efidisk|tpmstate)\d+$/;
const LXC_DISK = /^(rootfs|mp\d+)$/;

/** the storage ids of a guest config's disks: "local-lvm:vm-100-disk-0,size=32G" → local-lvm; CD-ROMs, bind mounts and "none" are not disks on a storage */
export function diskStorages(config: Record<string, unknown>, kind: 'qemu' | 'lxc'): string[] {
  const key = kind === 'qemu' ? QEMU_DISK : LXC_DISK;
  const out = new Set<string>();
  for (const [k, v] of Object.entries(config)) {
    if (!key.test(k) || typeof v !== 'string') continue;
    if (/(^|,)media=cdrom(,|$)/.test(v)) continue;
    const volume = v.split(',')[0]!;
    const m = /^([A-Za-z][A-Za-z0-9_.-]*):/.exec(volume);
    if (m && volume !== 'none') out.add(m[1]!);
  }
  return [...out].sort();
}

async function storageAddresses(client: PveClient): Promise<Record<string, string[]> | undefined> {
  const rows = parseRows(await client.get('storage'), StorageRow, 'storage').rows;
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const servers = storageServers(r);
    if (servers.length > 0) out[r.storage] = servers;
  }
  return out;
}

async function haGuestStorages(client: PveClient, snapshot: ClusterSnapshot): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const guests = (snapshot.ha?.services ?? []).filter((s) => s.node !== null && /^(vm|ct):\d+$/.test(s.sid)).slice(0, HA_GUESTS_MAX);
  await mapLimit(guests, NODE_CONCURRENCY, async (g) => {
    const [type, id] = g.sid.split(':') as [string, string];
    const kind = type === 'vm' ? 'qemu' : 'lxc';
    const config = await client.get(`nodes/${encodeURIComponent(g.node!)}/${kind}/${id}/config`).catch(() => null);
    if (config !== null && typeof config === 'object' && !Array.isArray(config)) out[g.sid] = diskStorages(config as Record<string, unknown>, kind);
  });
  return out;
}

export async function pveAdvisorFacts(client: PveClient, snapshot: ClusterSnapshot | null): Promise<AdvisorFacts> {
  const online = (snapshot?.nodes ?? []).filter((n) => n.state === 'online').map((n) => n.name);
  const corosyncVersions: Record<string, string> = {};
  const clockOffsetsMs: Record<string, number> = {};
  const [storage, ha] = await Promise.all([
    storageAddresses(client).catch(() => undefined),
    snapshot?.ha ? haGuestStorages(client, snapshot).catch(() => undefined) : Promise.resolve(undefined),
    mapLimit(online, NODE_CONCURRENCY, async (n) => {
      const [version, clock] = await Promise.all([corosyncVersionOf(client, n).catch(() => null), clockVsLocal(client, n).catch(() => null)]);
      if (version !== null) corosyncVersions[n] = version;
      if (clock !== null) clockOffsetsMs[n] = Math.round(clock);
    }),
  ]);
  return { corosyncVersions, clockOffsetsMs, ...(storage ? { storageAddresses: storage } : {}), ...(ha ? { haGuestStorages: ha } : {}) };
}
