// Clusters added at runtime (../clusters.ts), on SQLite or PostgreSQL: the entry without secrets, which go
// to the encrypted secret store as cluster/<id>/<name>. A cluster and its secrets change in one
// transaction, the secret store bound to it (hence a factory of secret stores, not one store).
import { secretPrefix, storedClusterOf } from '../clusters';
import type { ClusterWrite, StoredCluster } from '../clusters';
import { binaryOrder } from './collate';
import type { SqlContext } from './contract';
import type { SecretStore } from './secrets';
import { matchesNothing } from './text';
import { writeTx } from './tx';

export type ClusterStore = ReturnType<typeof createClusterStore>;

/** the secret store on ctx (the database, or a transaction) */
export type SecretsOn = (ctx: SqlContext) => SecretStore;

export function createClusterStore(ctx: SqlContext, secretsOn: SecretsOn) {
  const { db, dialect, now, reportCorrupt } = ctx;

  const secretNames = async (secrets: SecretStore, id: string) =>
    (await secrets.names()).filter((n) => n.startsWith(secretPrefix(id)));

  /** runs fn in one write transaction, with the secret store bound to it */
  const inTx = <T>(fn: (tx: SqlContext, secrets: SecretStore) => Promise<T>) =>
    writeTx(db, dialect, (tx) => {
      const txCtx = { ...ctx, db: tx };
      return fn(txCtx, secretsOn(txCtx));
    });

  return {
    /** add, or replace (also a removed one: it comes back); settings and secrets in one transaction */
    save(c: ClusterWrite): Promise<void> {
      return inTx(async ({ db: tx }, secrets) => {
        const t = now();
        const row = { name: c.name, kind: c.kind, is_default: c.isDefault ? 1 : 0, settings: JSON.stringify(c.settings), updated_at: t };
        await tx
          .insertInto('clusters')
          .values({ id: c.id, ...row, created_at: t, removed_at: null })
          .onConflict((oc) => oc.column('id').doUpdateSet({ ...row, removed_at: null }))
          .execute();
        if (c.isDefault) await tx.updateTable('clusters').set({ is_default: 0 }).where('id', '<>', c.id).where('is_default', '=', 1).execute();
        for (const n of await secretNames(secrets, c.id)) await secrets.delete(n);
        for (const [name, value] of Object.entries(c.secrets)) await secrets.put(`${secretPrefix(c.id)}${name}`, value);
      });
    },

    /** marks it removed and deletes its secrets; false when there is no such (live) cluster */
    async remove(id: string): Promise<boolean> {
      if (matchesNothing(id)) return false;
      return inTx(async ({ db: tx }, secrets) => {
        const t = now();
        const r = await tx
          .updateTable('clusters')
          .set({ removed_at: t, is_default: 0, updated_at: t })
          .where('id', '=', id)
          .where('removed_at', 'is', null)
          .executeTakeFirst();
        const changed = Number(r.numUpdatedRows) > 0;
        if (changed) for (const n of await secretNames(secrets, id)) await secrets.delete(n);
        return changed;
      });
    },

    /** every stored cluster, removed ones included (removedAt); corrupt rows are skipped and reported */
    async list(): Promise<StoredCluster[]> {
      const rows = await db.selectFrom('clusters').selectAll().orderBy('created_at').orderBy(binaryOrder(dialect, 'id')).execute();
      return rows.map((r) => storedClusterOf(r, reportCorrupt)).filter((c): c is StoredCluster => c !== null);
    },

    async get(id: string): Promise<StoredCluster | null> {
      if (matchesNothing(id)) return null;
      const row = await db.selectFrom('clusters').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? storedClusterOf(row, reportCorrupt) : null;
    },

    /** the cluster's secrets (name → value); throws when one cannot be decrypted (a different key file) */
    async secrets(id: string): Promise<Record<string, string>> {
      const secrets = secretsOn(ctx);
      const out: Record<string, string> = {};
      for (const n of await secretNames(secrets, id)) {
        const v = await secrets.get(n);
        if (v !== null) out[n.slice(secretPrefix(id).length)] = v;
      }
      return out;
    },
  };
}
