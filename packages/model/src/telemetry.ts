// Which patches may wait. A patch that only moves telemetry — the observation time (the snapshot's and each
// node view's), link latency and loss, storage usage — can be merged with the next one for a moment: a
// viewer gains nothing from 10 latency updates a second, and each update is one write per watching socket
// (5,000 sockets × 10 a second was more than a core could send). Everything else — quorum, votes, nodes, warnings, a link connecting or going
// down, a storage appearing or failing — goes out at once.
import { linkKey } from './patching';
import type { SnapshotPatch } from './patch';
import type { ClusterSnapshot, Storage } from './snapshot';

/** a storage without its sizes: what must not wait */
const stateOf = (s: Storage): string =>
  JSON.stringify({ ...s, nodes: s.nodes.map((n) => ({ node: n.node, enabled: n.enabled, active: n.active, unknown: n.unknown })) });

/** true when the patch changes only telemetry of `before` (what clients hold) */
export function telemetryOnly(patch: SnapshotPatch, before: ClusterSnapshot): boolean {
  if (Object.keys(patch.set).some((k) => k !== 'observedAt')) return false;
  if (patch.nodes) return false;
  if (patch.views) {
    // each node's view is stamped when it was asked: a new stamp alone is telemetry
    if (patch.views.remove.length > 0) return false;
    const held = new Map(before.views.map((v) => [v.nodeId, v]));
    for (const v of patch.views.upsert) {
      const was = held.get(v.nodeId);
      if (!was || JSON.stringify({ ...was, observedAt: 0 }) !== JSON.stringify({ ...v, observedAt: 0 })) return false;
    }
  }
  if (patch.links) {
    if (patch.links.remove.length > 0) return false;
    const held = new Map(before.links.map((l) => [linkKey(l), l]));
    for (const l of patch.links.upsert) {
      const was = held.get(linkKey(l));
      if (!was || was.connected !== l.connected || was.enabled !== l.enabled || was.downCount !== l.downCount) return false;
    }
  }
  if (patch.storageItems) {
    if (patch.storageItems.remove.length > 0) return false;
    const held = new Map((before.storage ?? []).map((s) => [s.id, s]));
    for (const s of patch.storageItems.upsert) {
      const was = held.get(s.id);
      if (!was || stateOf(was) !== stateOf(s)) return false;
    }
  }
  return true;
}
