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
  storageItems: z.object({ upsert: z.array(ClusterSnapshot.shape.storage.unwrap().element), remove: z.array(z.string()) }).optional(),
});
export type SnapshotPatch = z.infer<typeof SnapshotPatch>;
