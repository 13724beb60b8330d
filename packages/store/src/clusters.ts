// Clusters added at runtime (POST /api/v1/clusters) as the cluster part (sql/clusters.ts) keeps them: their
// entry without secrets; the secrets go to the encrypted secret store as cluster/<id>/<name>. Removing keeps
// the row (removed_at): the history of a removed cluster stays readable, and the same id added again continues it.
import { z } from 'zod';
import type { Selectable } from 'kysely';
import { parseJson } from './corrupt';
import type { CorruptReporter } from './corrupt';
import type { ClustersTable } from './sql/schema';

export const StoredCluster = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  isDefault: z.boolean(),
  /** the kind's settings without secrets */
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  updatedAt: z.number(),
  removedAt: z.number().nullable(),
});
export type StoredCluster = z.infer<typeof StoredCluster>;

export interface ClusterWrite {
  id: string;
  name: string;
  kind: string;
  isDefault: boolean;
  settings: Record<string, unknown>;
  /** replaces every secret of the cluster */
  secrets: Record<string, string>;
}

/** a clusters table row */
export type ClusterRow = Selectable<ClustersTable>;

/** "/" cannot occur in a cluster id: no id's prefix is another's */
export const secretPrefix = (id: string) => `cluster/${id}/`;

/** The row as a StoredCluster, or null (reported) when it no longer validates. */
export function storedClusterOf(row: ClusterRow, reportCorrupt: CorruptReporter): StoredCluster | null {
  const settings = parseJson(row.settings);
  const r = StoredCluster.safeParse({
    id: row.id,
    name: row.name,
    kind: row.kind,
    isDefault: row.is_default === 1,
    settings: settings.ok ? settings.value : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    removedAt: row.removed_at,
  });
  if (!r.success) {
    reportCorrupt({ table: 'clusters', key: row.id, problem: settings.ok ? r.error.issues.map((i) => i.message).join('; ') : settings.problem });
    return null;
  }
  return r.data;
}
