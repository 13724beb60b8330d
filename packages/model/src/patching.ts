// Snapshot patches: makePatch on the BFF, applyPatch in the browser.
//
// Canonical order (what applyPatch always returns, and what canonicalize() makes of any snapshot):
//   nodes    by id
//   links    by from, to, link
//   views    the observer's view first (as the schema says), then by nodeId
//   storage  by id (when not null)
// Everything inside an item (a node's addresses, a storage's nodes) and the single-valued sections
// (quorum.members, warnings, ...) keep their order: they travel whole. Keys (node id, link
// from:to:link, view nodeId, storage id) are assumed unique within a snapshot.
// Then applyPatch(prev, makePatch(prev, next)) deep-equals canonicalize(next) for any prev of the same cluster.
import type { SnapshotPatch } from './patch';
import type { ClusterNode, ClusterSnapshot, LinkObservation, NodeView, Storage } from './snapshot';

type SetPatch = SnapshotPatch['set'];
/** the sections replaced whole, in the order they are compared; storage is handled apart */
const SET_KEYS = ['observedAt', 'source', 'observer', 'cluster', 'quorum', 'qdevice', 'partitioned', 'warnings'] as const;
/** optional sections (pve): a section that disappears is sent as its empty value (JSON has no undefined) */
const OPTIONAL_KEYS = { ha: null, ceph: null, unavailable: [] as never[] } as const;

/** The patch key of a link: `${from}:${to}:${link}`. */
export function linkKey(l: Pick<LinkObservation, 'from' | 'to' | 'link'>): string {
  return `${l.from}:${l.to}:${l.link}`;
}

/** numeric twin of linkKey, cheaper to hash and to compare (from, to < 2^16, link < 8) */
export function linkKeyNumber(l: Pick<LinkObservation, 'from' | 'to' | 'link'>): number {
  return (l.from * 65536 + l.to) * 8 + l.link;
}
const nodeNum = (n: ClusterNode): number => n.id;
const viewNum = (v: NodeView): number => v.nodeId;
const storageId = (s: Storage): string => s.id;

/**
 * The patch from prev (at baseRev) to next (at rev), or null when nothing changed.
 * Throws when the snapshots are of different clusters: a patch cannot change clusterId.
 */
export function makePatch(prev: ClusterSnapshot, next: ClusterSnapshot, baseRev: number, rev: number): SnapshotPatch | null {
  if (prev.clusterId !== next.clusterId) {
    throw new Error(`makePatch: cluster ${prev.clusterId} cannot become ${next.clusterId}; send a snapshot`);
  }
  const set: SetPatch = {};
  let changed = false;
  for (const key of SET_KEYS) {
    if (!deepEqual(prev[key], next[key])) {
      (set as Record<string, unknown>)[key] = next[key];
      changed = true;
    }
  }
  for (const key of Object.keys(OPTIONAL_KEYS) as (keyof typeof OPTIONAL_KEYS)[]) {
    if (!deepEqual(prev[key], next[key])) {
      (set as Record<string, unknown>)[key] = next[key] === undefined ? OPTIONAL_KEYS[key] : next[key];
      changed = true;
    }
  }
  const patch: SnapshotPatch = { rev, baseRev, set };

  if (prev.storage === null || next.storage === null) {
    if (prev.storage !== next.storage) {
      set.storage = next.storage;
      changed = true;
    }
  } else {
    const items = diffKeyed(prev.storage, next.storage, storageId, (s) => s.id);
    if (items) {
      patch.storageItems = items;
      changed = true;
    }
  }

  const nodes = diffKeyed(prev.nodes, next.nodes, nodeNum, (n) => n.id);
  if (nodes) patch.nodes = nodes;
  // telemetry apart (columns, not items): latency moves every link every tick, a view's stamp every poll
  const linkTelemetry: LinkObservation[] = [];
  const links = diffKeyed(prev.links, next.links, linkKeyNumber, linkKey, linkEqual, linkStateEqual, linkTelemetry);
  if (links) patch.links = links;
  if (linkTelemetry.length > 0) {
    const stats: (number | null)[] = [];
    for (const l of linkTelemetry) stats.push(linkKeyNumber(l), l.latencyAvgMs, l.latencyMaxMs, l.lossPct);
    patch.linkStats = stats;
  }
  const viewTelemetry: NodeView[] = [];
  const views = diffKeyed(prev.views, next.views, viewNum, (v) => v.nodeId, deepEqual, viewStateEqual, viewTelemetry);
  if (views) patch.views = views;
  if (viewTelemetry.length > 0) patch.viewStamps = viewTelemetry.flatMap((v) => [v.nodeId, v.observedAt]);

  return changed || nodes || links || views || linkTelemetry.length > 0 || viewTelemetry.length > 0 ? patch : null;
}

/**
 * Upserts of new and changed items, removals of gone keys; null when the collection is unchanged.
 * Sources list items in the same order tick after tick, so the aligned prefix is compared pairwise
 * and only the rest goes through a map (keys are unique, so a key of the rest is not in the prefix).
 * With `sameState`, a changed item whose state is the same (only its telemetry moved) goes to `telemetry`
 * instead of the upserts.
 */
function diffKeyed<T, K, R>(
  prev: readonly T[],
  next: readonly T[],
  key: (item: T) => K,
  removeKey: (item: T) => R,
  equal: (a: T, b: T) => boolean = deepEqual,
  sameState?: (a: T, b: T) => boolean,
  telemetry?: T[],
): { upsert: T[]; remove: R[] } | null {
  const upsert: T[] = [];
  const remove: R[] = [];
  const changedTo = (a: T, b: T) => {
    if (sameState && telemetry && sameState(a, b)) telemetry.push(b);
    else upsert.push(b);
  };
  const aligned = Math.min(prev.length, next.length);
  let i = 0;
  for (; i < aligned; i++) {
    const a = prev[i] as T;
    const b = next[i] as T;
    if (key(a) !== key(b)) break;
    if (a !== b && !equal(a, b)) changedTo(a, b);
  }
  if (i < prev.length || i < next.length) {
    const before = new Map<K, T>();
    for (let j = i; j < prev.length; j++) before.set(key(prev[j] as T), prev[j] as T);
    const seen = new Set<K>();
    for (let j = i; j < next.length; j++) {
      const item = next[j] as T;
      const k = key(item);
      seen.add(k);
      const old = before.get(k);
      if (old === undefined) upsert.push(item);
      else if (old !== item && !equal(old, item)) changedTo(old, item);
    }
    for (let j = i; j < prev.length; j++) if (!seen.has(key(prev[j] as T))) remove.push(removeKey(prev[j] as T));
  }
  return upsert.length > 0 || remove.length > 0 ? { upsert, remove } : null;
}

/** field by field: 7,936 of these per tick at 32 nodes x 8 links */
function linkEqual(a: LinkObservation, b: LinkObservation): boolean {
  return (
    a.connected === b.connected &&
    a.enabled === b.enabled &&
    a.latencyAvgMs === b.latencyAvgMs &&
    a.latencyMaxMs === b.latencyMaxMs &&
    a.lossPct === b.lossPct &&
    a.downCount === b.downCount &&
    a.from === b.from &&
    a.to === b.to &&
    a.link === b.link
  );
}

/** all but the telemetry (latency, loss) equal; exactly the schema's fields, so a link rebuilt from stats is `b` */
function linkStateEqual(a: LinkObservation, b: LinkObservation): boolean {
  return a.connected === b.connected && a.enabled === b.enabled && a.downCount === b.downCount && hasLinkFieldsOnly(a) && hasLinkFieldsOnly(b);
}
const LINK_FIELDS = 9;
function hasLinkFieldsOnly(l: LinkObservation): boolean {
  let n = 0;
  for (const _ in l) n++;
  return n === LINK_FIELDS && l.latencyAvgMs !== undefined && l.latencyMaxMs !== undefined && l.lossPct !== undefined;
}

/** all but observedAt equal */
function viewStateEqual(a: NodeView, b: NodeView): boolean {
  return deepEqual({ ...a, observedAt: 0 }, { ...b, observedAt: 0 });
}

/**
 * The snapshot a patch turns `snapshot` into, in canonical order. Pure: the input is never mutated;
 * unchanged items and sections are shared with it. Removing an absent key is a no-op. Throws when
 * the patch does not fit (storageItems for a snapshot without storage): the client should then ask
 * for a full snapshot. Whether patch.baseRev matches is the caller's check (a snapshot has no rev).
 */
export function applyPatch(snapshot: ClusterSnapshot, patch: SnapshotPatch): ClusterSnapshot {
  const out: ClusterSnapshot = { ...snapshot };
  const set = patch.set as Record<string, unknown>;
  // undefined = absent: none of these sections is optional in a snapshot
  for (const key of [...SET_KEYS, 'storage', ...(Object.keys(OPTIONAL_KEYS) as (keyof typeof OPTIONAL_KEYS)[])] as const) {
    if (set[key] !== undefined) (out as Record<string, unknown>)[key] = set[key];
  }
  if (patch.nodes) out.nodes = applyKeyed(out.nodes, patch.nodes.upsert, new Set(patch.nodes.remove), nodeNum, byNodeId);
  else if (!isSorted(out.nodes, byNodeId)) out.nodes = [...out.nodes].sort(byNodeId);

  if (patch.links) {
    const remove = new Set(patch.links.remove.map(parseLinkKey));
    out.links = applyKeyed(out.links, patch.links.upsert, remove, linkKeyNumber, byLinkKey);
  } else if (!isSorted(out.links, byLinkKey)) out.links = [...out.links].sort(byLinkKey);
  if (patch.linkStats) out.links = applyLinkStats(out.links, patch.linkStats);

  if (patch.storageItems) {
    if (out.storage === null) throw new Error('applyPatch: storageItems for a snapshot without storage');
    out.storage = applyKeyed(out.storage, patch.storageItems.upsert, new Set(patch.storageItems.remove), storageId, byStorageId);
  } else if (out.storage !== null && !isSorted(out.storage, byStorageId)) out.storage = [...out.storage].sort(byStorageId);

  const byView = viewOrder(out.observer?.nodeId ?? null);
  if (patch.views) out.views = applyKeyed(out.views, patch.views.upsert, new Set(patch.views.remove), viewNum, byView);
  else if (!isSorted(out.views, byView)) out.views = [...out.views].sort(byView);
  if (patch.viewStamps) out.views = applyViewStamps(out.views, patch.viewStamps);
  return out;
}

/** a copy of the links with new telemetry; a key the links lack: the patch does not fit (throws) */
function applyLinkStats(links: readonly LinkObservation[], stats: readonly (number | null)[]): LinkObservation[] {
  const at = new Map<number, number>();
  for (let i = 0; i < links.length; i++) at.set(linkKeyNumber(links[i] as LinkObservation), i);
  const out = [...links];
  for (let i = 0; i + 3 < stats.length; i += 4) {
    const j = at.get(stats[i] as number);
    if (j === undefined) throw new Error(`applyPatch: telemetry for link ${stats[i]}, which the snapshot lacks`);
    const l = out[j] as LinkObservation;
    out[j] = {
      from: l.from,
      to: l.to,
      link: l.link,
      enabled: l.enabled,
      connected: l.connected,
      latencyAvgMs: stats[i + 1] ?? null,
      latencyMaxMs: stats[i + 2] ?? null,
      lossPct: stats[i + 3] ?? null,
      downCount: l.downCount,
    };
  }
  return out;
}

function applyViewStamps(views: NodeView[], stamps: readonly number[]): NodeView[] {
  const out = [...views];
  for (let i = 0; i + 1 < stamps.length; i += 2) {
    const j = out.findIndex((v) => v.nodeId === stamps[i]);
    if (j < 0) throw new Error(`applyPatch: a stamp for node ${stamps[i]}'s view, which the snapshot lacks`);
    out[j] = { ...(out[j] as NodeView), observedAt: stamps[i + 1] as number };
  }
  return out;
}

/** A copy of a snapshot in canonical order (see the top of this file); the input is not mutated. */
export function canonicalize(snapshot: ClusterSnapshot): ClusterSnapshot {
  const byView = viewOrder(snapshot.observer?.nodeId ?? null);
  return {
    ...snapshot,
    nodes: [...snapshot.nodes].sort(byNodeId),
    links: [...snapshot.links].sort(byLinkKey),
    views: [...snapshot.views].sort(byView),
    storage: snapshot.storage === null ? null : [...snapshot.storage].sort(byStorageId),
  };
}

/**
 * Replace upserted keys in place, drop removed ones, append new ones; sort only when that broke the order.
 * Returns `items` itself when the patch changes nothing in it (cheap re-render checks downstream).
 */
function applyKeyed<T, K>(items: T[], upsert: readonly T[], remove: ReadonlySet<K>, key: (item: T) => K, order: (a: T, b: T) => number): T[] {
  const updates = new Map<K, T>();
  for (const item of upsert) updates.set(key(item), item);
  const out: T[] = [];
  let changed = false;
  for (const item of items) {
    const k = key(item);
    const u = updates.get(k);
    if (u !== undefined) {
      out.push(u);
      updates.delete(k);
      changed = true;
    } else if (remove.has(k)) changed = true;
    else out.push(item);
  }
  for (const item of updates.values()) out.push(item);
  if (!changed && updates.size === 0) return isSorted(items, order) ? items : out.sort(order);
  return isSorted(out, order) ? out : out.sort(order);
}

function isSorted<T>(items: readonly T[], order: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i++) if (order(items[i - 1] as T, items[i] as T) > 0) return false;
  return true;
}

function parseLinkKey(k: string): number {
  const [from, to, link] = k.split(':').map(Number);
  return linkKeyNumber({ from: from ?? NaN, to: to ?? NaN, link: link ?? NaN });
}

const byNodeId = (a: ClusterNode, b: ClusterNode): number => a.id - b.id;
const byLinkKey = (a: LinkObservation, b: LinkObservation): number => linkKeyNumber(a) - linkKeyNumber(b);
const byStorageId = (a: Storage, b: Storage): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
function viewOrder(observer: number | null): (a: NodeView, b: NodeView) => number {
  return (a, b) => {
    if (a.nodeId === b.nodeId) return 0;
    if (a.nodeId === observer) return -1;
    if (b.nodeId === observer) return 1;
    return a.nodeId - b.nodeId;
  };
}

/** Structural equality of JSON-like values (key order ignored, array order not). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let n = 0;
  for (const k in ra) {
    if (!Object.prototype.hasOwnProperty.call(ra, k)) continue;
    n++;
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !deepEqual(ra[k], rb[k])) return false;
  }
  for (const k in rb) if (Object.prototype.hasOwnProperty.call(rb, k)) n--;
  return n === 0;
}
