// Per-cluster leases: which replica runs the cluster's one collector. Each grant to a new holder, or after
// expiry, takes the next fencing token; the holder passes {holder, token} with its writes (fence.ts).
// Holder names must be unique per process incarnation (e.g. host, pid and a random part): a restarted
// process reusing its old name could otherwise renew what its paused predecessor still believes it holds.
import { z } from 'zod';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { parseInput } from '../errors';
import { PRESENCE_PREFIX } from './lease-plan';
import type { Dialect, Schema } from './schema';

const ClusterIdArg = z.string().min(1);
const Holder = z.string().min(1).max(200);
/** an hour at most: a lease is kept alive by renewing, not by a long ttl */
const TtlMs = z.number().int().min(1).max(3_600_000);
const Token = z.number().int().min(1);

export type Lease = { clusterId: string; holder: string; token: number; expiresAt: number };
export type LeaseStore = ReturnType<typeof createLeaseStore>;

export function createLeaseStore(db: Kysely<Schema>, _dialect: Dialect, now: () => number) {
  /** sets the expiry of a lease we still hold live with this token; false when it expired or moved on */
  async function expireAt(clusterId: string, holder: string, token: number, t: number, expiresAt: number): Promise<boolean> {
    parseInput(Token, token, 'token');
    const r = await db
      .updateTable('leases')
      .set({ expires_at: expiresAt })
      .where('cluster_id', '=', clusterId)
      .where('holder', '=', holder)
      .where('token', '=', token)
      .where('expires_at', '>', t)
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  return {
    /**
     * Takes the lease when it is free (never held, released or expired) or already ours and live.
     * Returns the fencing token, or null while someone else holds it. One upsert, atomic on both engines:
     * the conflict update's WHERE is evaluated on the locked, latest row. A live lease of ours keeps its
     * token; any other grant takes token + 1, so a token is never handed out twice.
     */
    async acquire(clusterId: string, holder: string, ttlMs: number): Promise<{ token: number } | null> {
      parseInput(ClusterIdArg, clusterId, 'clusterId');
      parseInput(Holder, holder, 'holder');
      parseInput(TtlMs, ttlMs, 'ttlMs');
      const t = now();
      const row = await db
        .insertInto('leases')
        .values({ cluster_id: clusterId, holder, token: 1, expires_at: t + ttlMs })
        .onConflict((oc) =>
          oc
            .column('cluster_id')
            .doUpdateSet((eb) => ({
              holder: eb.ref('excluded.holder'),
              token: eb
                .case()
                .when(sql<boolean>`leases.holder = excluded.holder AND leases.expires_at > ${t}`)
                .then(eb.ref('leases.token'))
                .else(eb('leases.token', '+', 1))
                .end(),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where((eb) => eb.or([eb('leases.holder', '=', eb.ref('excluded.holder')), eb('leases.expires_at', '<=', t)])),
        )
        .returning('token')
        .executeTakeFirst();
      return row ? { token: row.token } : null;
    },

    /** Extends a live lease we hold with this token; false when it expired or moved on (then stop writing). */
    async renew(clusterId: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
      parseInput(TtlMs, ttlMs, 'ttlMs');
      const t = now();
      return expireAt(clusterId, holder, token, t, t + ttlMs);
    },

    /** Frees the lease now if we still hold it with this token. Keeps the row so the token keeps counting. */
    async release(clusterId: string, holder: string, token: number): Promise<boolean> {
      const t = now();
      return expireAt(clusterId, holder, token, t, t);
    },

    /** The live lease of a cluster (who runs its collector now), or null when nobody holds it. */
    async live(clusterId: string): Promise<Lease | null> {
      const r = await db.selectFrom('leases').selectAll().where('cluster_id', '=', clusterId).where('expires_at', '>', now()).executeTakeFirst();
      return r ? { clusterId: r.cluster_id, holder: r.holder, token: r.token, expiresAt: r.expires_at } : null;
    },

    /**
     * Deletes the presence rows (lease-plan.ts) of replicas gone for longer than olderThanMs: each process
     * start leaves one. Their tokens mean nothing, unlike a cluster's row, which is never deleted.
     */
    async prunePresence(olderThanMs: number): Promise<number> {
      const r = await db
        .deleteFrom('leases')
        .where('cluster_id', 'like', `${PRESENCE_PREFIX}%`)
        .where('expires_at', '<', now() - olderThanMs)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    /** Every lease row, live or not (expiresAt <= now means free). */
    async list(): Promise<Lease[]> {
      const rows = await db.selectFrom('leases').selectAll().orderBy('cluster_id').execute();
      return rows.map((r) => ({ clusterId: r.cluster_id, holder: r.holder, token: r.token, expiresAt: r.expires_at }));
    },
  };
}
