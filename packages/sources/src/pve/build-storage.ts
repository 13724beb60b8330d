// Storage: /cluster/resources is the base (one row per storage and node it serves; shared storages repeat
// per node). /storage (storage.cfg) corrects `shared` (network types are shared whatever the row says) and
// says where a storage is disabled: restricted to other nodes (`nodes`) or `disable`d → enabled:false on the
// nodes it does not serve (/cluster/resources leaves those out). /nodes/{node}/storage (online nodes only)
// says whether it is active there: an NFS whose server is down is configured but `active:0`, while
// /cluster/resources only shows its row going stale ('unknown' after ~5 minutes).
// An offline node's view stays `unknown`. Sizes stay per storage and node, never added across storages.
import type { ClusterNode, Storage } from '@quorate/model';
import { NodeStorageRow, StorageConfigRow, parseRows, type ResourceRow } from './schemas';

/** storage types pve-storage always treats as shared (Plugin.pm @SHARED_STORAGE, older releases included) */
export const SHARED_TYPES = new Set(['iscsi', 'nfs', 'cifs', 'rbd', 'cephfs', 'iscsidirect', 'zfs', 'drbd', 'pbs', 'glusterfs', 'sheepdog']);

type OnNode = Storage['nodes'][number];

const blank = (node: string, enabled: boolean, unknown: boolean): OnNode => ({ node, enabled, active: false, totalBytes: 0, usedBytes: 0, availBytes: 0, ...(unknown ? { unknown: true } : {}) });

function fromResources(rows: ResourceRow[], online: ReadonlyMap<string, boolean>): Map<string, Storage> {
  const byId = new Map<string, Storage>();
  for (const r of rows) {
    if (r.type !== 'storage' || !r.storage || !r.node) continue;
    let s = byId.get(r.storage);
    if (!s) {
      s = { id: r.storage, type: r.plugintype ?? 'unknown', content: (r.content ?? '').split(',').filter(Boolean), shared: r.shared ?? false, nodes: [] };
      byId.set(r.storage, s);
    }
    if (r.shared) s.shared = true;
    // /cluster/status is the authority on online/offline: a row of an offline node is stale or unknown
    const known = r.status === 'available' && online.get(r.node) === true && r.maxdisk !== undefined;
    const total = known ? (r.maxdisk ?? 0) : 0;
    const used = known ? (r.disk ?? 0) : 0;
    s.nodes.push(known ? { node: r.node, enabled: true, active: true, totalBytes: total, usedBytes: used, availBytes: Math.max(0, total - used) } : blank(r.node, true, true));
  }
  return byId;
}

function applyConfig(byId: Map<string, Storage>, data: unknown, nodes: readonly ClusterNode[], notes: string[]): void {
  let rows: StorageConfigRow[];
  try {
    const p = parseRows(data, StorageConfigRow, 'storage');
    notes.push(...p.dropped);
    rows = p.rows;
  } catch (err) {
    notes.push((err as Error).message);
    return;
  }
  for (const c of rows) {
    const only = c.nodes === undefined ? null : new Set(c.nodes.split(',').map((n) => n.trim()).filter(Boolean));
    const serves = (node: string) => c.disable !== true && (only === null || only.has(node));
    let s = byId.get(c.storage);
    if (!s) {
      // disabled everywhere (or not reported yet): only the configuration knows it
      s = { id: c.storage, type: c.type, content: (c.content ?? '').split(',').filter(Boolean), shared: false, nodes: [] };
      byId.set(c.storage, s);
    }
    if (s.type === 'unknown') s.type = c.type;
    if (s.content.length === 0 && c.content) s.content = c.content.split(',').filter(Boolean);
    s.shared = s.shared || c.shared === true || SHARED_TYPES.has(c.type);
    const have = new Set(s.nodes.map((n) => n.node));
    for (const n of s.nodes) {
      if (serves(n.node)) continue;
      Object.assign(n, { enabled: false, active: false });
    }
    for (const n of nodes) {
      if (have.has(n.name)) continue;
      // a node it does not serve: disabled there; one it serves but nothing reported: not known
      s.nodes.push(blank(n.name, serves(n.name), n.state !== 'online' || serves(n.name)));
    }
  }
}

function applyNodeStorage(byId: Map<string, Storage>, node: string, data: unknown, notes: string[]): void {
  let rows: NodeStorageRow[];
  try {
    const p = parseRows(data, NodeStorageRow, `nodes/${node}/storage`);
    notes.push(...p.dropped);
    rows = p.rows;
  } catch (err) {
    notes.push((err as Error).message);
    return;
  }
  for (const r of rows) {
    let s = byId.get(r.storage);
    if (!s) {
      s = { id: r.storage, type: r.type ?? 'unknown', content: (r.content ?? '').split(',').filter(Boolean), shared: r.shared === true || SHARED_TYPES.has(r.type ?? ''), nodes: [] };
      byId.set(r.storage, s);
    }
    let on = s.nodes.find((n) => n.node === node);
    if (!on) {
      on = blank(node, true, false);
      s.nodes.push(on);
    }
    const enabled = r.enabled ?? on.enabled;
    const active = enabled && (r.active ?? on.active);
    const sized = active && r.total !== undefined;
    const total = sized ? r.total! : active && !on.unknown ? on.totalBytes : 0;
    const used = sized ? (r.used ?? 0) : active && !on.unknown ? on.usedBytes : 0;
    const avail = sized ? (r.avail ?? Math.max(0, total - used)) : Math.max(0, total - used);
    Object.assign(on, { enabled, active, totalBytes: total, usedBytes: used, availBytes: avail });
    delete on.unknown;
  }
}

export interface StorageInputs {
  /** parsed /cluster/resources rows */
  resources: ResourceRow[];
  /** GET /storage data; undefined = not read */
  config?: unknown;
  /** node → GET /nodes/{node}/storage data (online nodes only) */
  nodeStorage?: ReadonlyMap<string, unknown>;
}

export function buildStorage(inputs: StorageInputs, nodes: readonly ClusterNode[], notes: string[]): Storage[] {
  const online = new Map(nodes.map((n) => [n.name, n.state === 'online']));
  const byId = fromResources(inputs.resources, online);
  if (inputs.config !== undefined) applyConfig(byId, inputs.config, nodes, notes);
  for (const [node, data] of inputs.nodeStorage ?? []) {
    if (online.get(node) === true) applyNodeStorage(byId, node, data, notes);
  }
  const list = [...byId.values()];
  for (const s of list) s.nodes.sort((a, b) => a.node.localeCompare(b.node));
  return list.sort((a, b) => a.id.localeCompare(b.id));
}
