// Simulated storage: the usual PVE mix of shared and node-local storage with realistic sizes whose
// usage drifts slowly and deterministically each tick.
import type { Storage } from '@quorate/model';
import { at, SimInvariantError } from './invariant';
import type { Rng } from './rng';

const GiB = 2 ** 30;
const TiB = 2 ** 40;

export interface StorageDef {
  id: string;
  type: string;
  content: string[];
  shared: boolean;
  /** total size; local storage varies a little per node */
  totalBytes: number;
  /** network storage: its servers as storage.cfg names them (server, portal, monhost), on a storage network apart from Corosync's links (198.18.<link>.x) */
  servers?: string[];
}

export const STORAGE_DEFS: readonly StorageDef[] = [
  { id: 'nfs-backup', type: 'nfs', content: ['backup'], shared: true, totalBytes: 8 * TiB, servers: ['198.19.200.5'] },
  { id: 'ceph-rbd', type: 'rbd', content: ['images', 'rootdir'], shared: true, totalBytes: 12 * TiB, servers: ['198.19.200.11', '198.19.200.12', '198.19.200.13'] },
  { id: 'pbs-backup', type: 'pbs', content: ['backup'], shared: true, totalBytes: 16 * TiB, servers: ['198.19.200.20'] },
  { id: 'local-zfs', type: 'zfspool', content: ['images', 'rootdir'], shared: false, totalBytes: 1.8 * TiB },
  { id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], shared: false, totalBytes: 800 * GiB },
  { id: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup'], shared: false, totalBytes: 100 * GiB },
];

/** per storage: one [total, used] pair for shared storage, else one per node (index = node index) */
export type StorageUsage = Record<string, Array<[number, number]>>;

export function initialStorage(nodeCount: number, rng: Rng): StorageUsage {
  const out: StorageUsage = {};
  for (const def of STORAGE_DEFS) {
    const count = def.shared ? 1 : nodeCount;
    out[def.id] = Array.from({ length: count }, () => {
      const total = Math.round(def.shared ? def.totalBytes : def.totalBytes * rng.range(0.95, 1.05));
      return [total, Math.round(total * rng.range(0.2, 0.75))] as [number, number];
    });
  }
  return out;
}

/** the usage of a node new to the cluster (a join): its full size, a third used, sizes varied by index */
export function initialStorageRow(def: StorageDef, index: number): [number, number] {
  const total = Math.round(def.totalBytes * (0.95 + 0.01 * (index % 10)));
  return [total, Math.round(total / 3)];
}

/** one tick: each used figure moves by up to ±0.05 % of the size (backups grow a bit faster), within 5–95 % */
export function driftStorage(usage: StorageUsage, running: (nodeIndex: number) => boolean, rng: Rng): void {
  for (const def of STORAGE_DEFS) {
    const rows = rowsOf(usage, def);
    rows.forEach((row, i) => {
      const delta = rng.range(-0.0005, def.content.includes('backup') ? 0.0007 : 0.0005) * row[0];
      if (!def.shared && !running(i)) return; // a node that is down writes nothing
      row[1] = Math.round(Math.min(0.95 * row[0], Math.max(0.05 * row[0], row[1] + delta)));
    });
  }
}

export function storageSnapshot(usage: StorageUsage, names: readonly string[], running: (nodeIndex: number) => boolean): Storage[] {
  return STORAGE_DEFS.map((def) => ({
    id: def.id,
    type: def.type,
    content: [...def.content],
    shared: def.shared,
    nodes: names.map((node, i) => {
      const [total, used] = at(rowsOf(usage, def), def.shared ? 0 : i, 'usage row');
      return { node, enabled: true, active: running(i), totalBytes: total, usedBytes: used, availBytes: total - used };
    }),
  }));
}

/** a storage's usage rows: every storage of STORAGE_DEFS has them (initialStorage makes them all) */
function rowsOf(usage: StorageUsage, def: StorageDef): Array<[number, number]> {
  const rows = usage[def.id];
  if (!rows) throw new SimInvariantError(`no usage figures for storage ${def.id}`);
  return rows;
}
