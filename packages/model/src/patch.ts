// A patch turns the snapshot at revision baseRev into the one at rev. Keyed collections carry
// upserts and removals (Pulse-style deltas); single-valued sections are replaced when they change.
import { z } from 'zod';
import { ClusterSnapshot, UnreachableWarning } from './snapshot';

const S = ClusterSnapshot.shape;

export const SnapshotPatch = z.object({
  rev: z.number().int().min(1),
  baseRev: z.number().int().min(0),
  /** top-level fields that are replaced whole */
  set: z
    .object({
      observedAt: S.observedAt,
      source: S.source,
      observer: S.observer,
      cluster: S.cluster,
      quorum: S.quorum,
      qdevice: S.qdevice,
      partitioned: S.partitioned,
      // no default here: parsing a patch must not invent an empty warnings list
      warnings: z.array(UnreachableWarning),
      /** storage null <-> list switches are sent here; per-item changes go through `storage` below */
      storage: S.storage,
      ha: S.ha.unwrap(),
      ceph: S.ceph.unwrap(),
      unavailable: S.unavailable.unwrap(),
    })
    .partial(),
  nodes: z.object({ upsert: S.nodes, remove: z.array(z.number().int()) }).optional(),
  /** key: `${from}:${to}:${link}` */
  links: z.object({ upsert: S.links, remove: z.array(z.string()) }).optional(),
  views: z.object({ upsert: S.views, remove: z.array(z.number().int()) }).optional(),
  /**
   * Link telemetry alone, of links the base holds whose state (enabled, connected, downCount) did not change:
   * [linkKeyNumber, latencyAvgMs, latencyMaxMs, lossPct, …]. Latency moves every link every second: a 16-node,
   * 2-link cluster's 470 changed links are 59 KB of upserts a patch and 11 KB of these.
   */
  linkStats: z.array(z.number().nullable()).refine(isLinkStats, 'quads of [link key, latencyAvgMs, latencyMaxMs, lossPct]').optional(),
  /** node views whose only change is when they were asked: [nodeId, observedAt, …] */
  viewStamps: z.array(z.number()).refine((a) => a.length % 2 === 0, 'pairs of [node id, observedAt]').optional(),
  storageItems: z.object({ upsert: z.array(ClusterSnapshot.shape.storage.unwrap().element), remove: z.array(z.string()) }).optional(),
});
export type SnapshotPatch = z.infer<typeof SnapshotPatch>;

function isLinkStats(a: (number | null)[]): boolean {
  if (a.length % 4 !== 0) return false;
  for (let i = 0; i < a.length; i += 4) {
    const key = a[i];
    const loss = a[i + 3];
    if (typeof key !== 'number' || !Number.isSafeInteger(key) || key < 0) return false;
    if ((a[i + 1] ?? 0) < 0 || (a[i + 2] ?? 0) < 0) return false;
    if (loss !== null && loss !== undefined && (loss < 0 || loss > 100)) return false;
  }
  return true;
}
