// Snapshot patches: make (BFF) and apply (web). STUB: sends whole sections; the owner replaces this.
import type { SnapshotPatch } from './patch';
import type { ClusterSnapshot } from './snapshot';

export function makePatch(prev: ClusterSnapshot, next: ClusterSnapshot, baseRev: number, rev: number): SnapshotPatch | null {
  if (JSON.stringify(prev) === JSON.stringify(next)) return null;
  const { clusterId: _c, nodes, links, views, storage, ...rest } = next;
  return {
    rev,
    baseRev,
    set: { ...rest, storage },
    nodes: { upsert: nodes, remove: prev.nodes.filter((n) => !nodes.some((m) => m.id === n.id)).map((n) => n.id) },
    links: { upsert: links, remove: [] },
    views: { upsert: views, remove: prev.views.filter((v) => !views.some((w) => w.nodeId === v.nodeId)).map((v) => v.nodeId) },
  };
}

export function applyPatch(snapshot: ClusterSnapshot, patch: SnapshotPatch): ClusterSnapshot {
  const out: ClusterSnapshot = { ...snapshot, ...patch.set } as ClusterSnapshot;
  if (patch.nodes) out.nodes = patch.nodes.upsert;
  if (patch.links) out.links = patch.links.upsert;
  if (patch.views) out.views = patch.views.upsert;
  return out;
}
