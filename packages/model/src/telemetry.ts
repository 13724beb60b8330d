// Which patches may wait. A patch that only moves telemetry — the observation time (the snapshot's and each
// node view's), link latency and loss, storage usage — can be merged with the next one for a moment: a
// viewer gains nothing from 10 latency updates a second, and each update is one write per watching socket
// (5,000 sockets × 10 a second was more than a core could send). Everything else — quorum, votes, nodes,
// warnings, a link connecting or going down, a storage appearing or failing — goes out at once.
import { linkKey } from './patching';
import type { SnapshotPatch } from './patch';
import type { ClusterSnapshot, LinkObservation, NodeView, Storage } from './snapshot';

// what must not wait, per item: everything but its telemetry
const linkState = (l: LinkObservation): string => `${l.connected}/${l.enabled}/${l.downCount}`;
/** each node's view is stamped when it was asked: a new stamp alone is telemetry */
const viewState = (v: NodeView): string => JSON.stringify({ ...v, observedAt: 0 });
const storageState = (s: Storage): string =>
  JSON.stringify({ ...s, nodes: s.nodes.map((n) => ({ node: n.node, enabled: n.enabled, active: n.active, unknown: n.unknown })) });

/** a keyed section of the patch: nothing removed, every upsert an item clients hold, in the same state */
function sameState<T>(change: { upsert: T[]; remove: unknown[] } | undefined, held: readonly T[], key: (x: T) => string | number, state: (x: T) => string): boolean {
  if (!change) return true;
  if (change.remove.length > 0) return false;
  const byKey = new Map(held.map((x) => [key(x), x]));
  return change.upsert.every((x) => {
    const was = byKey.get(key(x));
    return was !== undefined && state(was) === state(x);
  });
}

/** true when the patch changes only telemetry of `before` (what clients hold) */
export function telemetryOnly(patch: SnapshotPatch, before: ClusterSnapshot): boolean {
  return (
    Object.keys(patch.set).every((k) => k === 'observedAt') &&
    !patch.nodes &&
    sameState(patch.views, before.views, (v) => v.nodeId, viewState) &&
    sameState(patch.links, before.links, linkKey, linkState) &&
    sameState(patch.storageItems, before.storage ?? [], (s) => s.id, storageState)
  );
}

/** per snapshot, the earliest one known to hold the same state (only telemetry moved since): see sameStateAs */
const stateRoots = new WeakMap<ClusterSnapshot, ClusterSnapshot>();

/**
 * next differs from prev only in telemetry (telemetryOnly held for the patch between them): what is derived
 * from state alone (the cluster's health, its failure tolerance) can be reused instead of worked out again
 * for every observation — on every replica, for every cluster, once a second (bench:scale).
 */
export function sameStateAs(next: ClusterSnapshot, prev: ClusterSnapshot): void {
  if (next !== prev) stateRoots.set(next, stateRoots.get(prev) ?? prev);
}

/** the earliest snapshot known to hold the same state as s (s itself when none is known) */
export function stateRoot(s: ClusterSnapshot): ClusterSnapshot {
  return stateRoots.get(s) ?? s;
}
