// Clusters as the admin manages them (POST/PATCH/DELETE /api/v1/clusters): the same entry shape as one
// element of QUORATE_CLUSTERS — id, name, source (the kind), default, and the kind's own settings beside
// them. The kind's settings are validated by its schema in the BFF (packages/sources' registry).
import { z } from 'zod';
import { ClusterIdParam } from './operations';

/** where a cluster was defined: QUORATE_CLUSTERS (read-only here), or added through the API */
export const ClusterOrigin = z.enum(['config', 'runtime']);
export type ClusterOrigin = z.infer<typeof ClusterOrigin>;

/** the fields every entry has; anything else is the kind's settings */
export const ClusterEntryBase = z.object({
  id: ClusterIdParam,
  name: z.string().trim().min(1).max(128).optional(),
  source: z.string().min(1).max(32).default('sim'),
  default: z.boolean().optional(),
});
export const BASE_KEYS = ['id', 'name', 'source', 'default'] as const;

/** PATCH /api/v1/clusters/:id: a new name, made the default, or settings merged onto the stored ones (the kind stays) */
export const ClusterPatchBase = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  default: z.literal(true, { error: 'default: only true (make this the default cluster)' }).optional(),
});

/** GET /api/v1/clusters/:id (admin): the entry as stored, its secrets by name only */
export const ClusterDetail = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  default: z.boolean(),
  origin: ClusterOrigin,
  settings: z.record(z.string(), z.unknown()),
  /** names of the secrets kept for it (values never leave the BFF) */
  secrets: z.array(z.string()),
  /** the source's health now; `certificate`: the pinned fingerprint no longer matches what a node presents */
  health: z
    .object({
      state: z.enum(['starting', 'ok', 'degraded', 'down']),
      message: z.string().nullable(),
      lastObservedAt: z.number().nullable(),
      certificate: z.object({ url: z.string(), pinned: z.string(), presented: z.string() }).optional(),
    })
    .optional(),
});
export type ClusterDetail = z.infer<typeof ClusterDetail>;

/** a removed cluster whose history is still kept (GET /api/v1/clusters?removed=1) */
export const RemovedCluster = z.object({ id: z.string(), name: z.string(), source: z.string(), removedAt: z.number() });
