// Clusters added at runtime (POST /api/v1/clusters): their entry without secrets; the secrets go to the
// encrypted secret store as cluster/<id>/<name>. Removing keeps the row (removed_at): the history of a
// removed cluster stays readable, and the same id added again continues it.
import { z } from 'zod';
import type { Db } from './db';
import { parseJson } from './corrupt';
import type { CorruptReporter } from './corrupt';
import type { SecretStore } from './secrets';

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

export type ClusterStore = ReturnType<typeof createClusterStore>;

/** a clusters table row */
export interface ClusterRow {
  id: string;
  name: string;
  kind: string;
  is_default: number;
  settings: string;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

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

export function createClusterStore(db: Db, secrets: SecretStore, now: () => number, reportCorrupt: CorruptReporter) {
  const upsert = db.prepare(`INSERT INTO clusters (id, name, kind, is_default, settings, created_at, updated_at, removed_at)
    VALUES (@id, @name, @kind, @isDefault, @settings, @now, @now, NULL)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, is_default = excluded.is_default,
      settings = excluded.settings, updated_at = excluded.updated_at, removed_at = NULL`);
  const clearDefault = db.prepare('UPDATE clusters SET is_default = 0 WHERE id <> ? AND is_default = 1');
  const markRemoved = db.prepare('UPDATE clusters SET removed_at = ?, is_default = 0, updated_at = ? WHERE id = ? AND removed_at IS NULL');
  const all = db.prepare('SELECT * FROM clusters ORDER BY created_at, id');
  const one = db.prepare('SELECT * FROM clusters WHERE id = ?');

  const secretNames = (id: string) => secrets.names().filter((n) => n.startsWith(secretPrefix(id)));

  return {
    /** add, or replace (also a removed one: it comes back); settings and secrets in one transaction */
    save(c: ClusterWrite): void {
      db.transaction(() => {
        upsert.run({ id: c.id, name: c.name, kind: c.kind, isDefault: c.isDefault ? 1 : 0, settings: JSON.stringify(c.settings), now: now() });
        if (c.isDefault) clearDefault.run(c.id);
        for (const n of secretNames(c.id)) secrets.delete(n);
        for (const [name, value] of Object.entries(c.secrets)) secrets.put(`${secretPrefix(c.id)}${name}`, value);
      }).immediate();
    },

    /** marks it removed and deletes its secrets; false when there is no such (live) cluster */
    remove(id: string): boolean {
      return db
        .transaction(() => {
          const t = now();
          const changed = markRemoved.run(t, t, id).changes > 0;
          if (changed) for (const n of secretNames(id)) secrets.delete(n);
          return changed;
        })
        .immediate();
    },

    /** every stored cluster, removed ones included (removedAt); corrupt rows are skipped and reported */
    list(): StoredCluster[] {
      return (all.all() as ClusterRow[]).map((r) => storedClusterOf(r, reportCorrupt)).filter((c): c is StoredCluster => c !== null);
    },

    get(id: string): StoredCluster | null {
      const row = one.get(id) as ClusterRow | undefined;
      return row ? storedClusterOf(row, reportCorrupt) : null;
    },

    /** the cluster's secrets (name → value); throws when one cannot be decrypted (a different key file) */
    secrets(id: string): Record<string, string> {
      const out: Record<string, string> = {};
      for (const n of secretNames(id)) {
        const v = secrets.get(n);
        if (v !== null) out[n.slice(secretPrefix(id).length)] = v;
      }
      return out;
    },
  };
}
