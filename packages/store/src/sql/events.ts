// Numbered cluster events on SQLite or PostgreSQL. seq is per cluster, gap-free and never reused, even after
// pruning. It is earned the same way on both engines: the counter lives in event_seq (pruning never touches
// it) and is bumped by an upsert in the same transaction as the inserts. On PostgreSQL the upsert's row lock
// is held to commit, so concurrent appenders of one cluster take turns and commit in seq order: a reader
// never sees seq n+1 before n.
import { z } from 'zod';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { ClusterEvent, EventDraft } from '@quorate/model';
import { parseInput } from '../errors';
import { eventFromRow, eventPage } from '../event-row';
import { EventListQuery, EventPruneOptions } from '../events';
import type { EventList, EventPage } from '../events';
import { binaryOrder } from './collate';
import type { SqlContext } from './contract';
import { checkFence, Fence } from './fence';
import type { Schema } from './schema';
import { writeTx } from './tx';
import type { Tx } from './tx';

const ClusterIdArg = z.string().min(1);
const SinceLimit = z.number().int().min(1).max(10_000);
/** rows per INSERT: 6 parameters each stays far below both engines' parameter limits */
const INSERT_CHUNK_ROWS = 500;

export type EventStore = ReturnType<typeof createEventStore>;

/** The event part on ctx.db (the database or a transaction). */
export function createEventStore({ db, dialect, now, reportCorrupt }: SqlContext) {
  /** Reserves n seqs; returns the last one. Row-locks the cluster's counter until the transaction ends. */
  async function bump(tx: Tx, clusterId: string, n: number): Promise<number> {
    const row = await tx
      .insertInto('event_seq')
      .values({ cluster_id: clusterId, last_seq: n })
      .onConflict((oc) =>
        oc.column('cluster_id').doUpdateSet((eb) => ({ last_seq: eb('event_seq.last_seq', '+', eb.ref('excluded.last_seq')) })),
      )
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    return row.last_seq;
  }

  async function lastSeq(clusterId: string): Promise<number> {
    const row = await db.selectFrom('event_seq').select('last_seq').where('cluster_id', '=', clusterId).executeTakeFirst();
    return row?.last_seq ?? 0;
  }

  return {
    /**
     * Numbers and stores drafts in one transaction; returns them as ClusterEvents in order. With a
     * fence, throws FencedError and writes nothing unless that lease is still current.
     */
    async append(clusterId: string, drafts: EventDraft[], fence?: Fence): Promise<ClusterEvent[]> {
      parseInput(ClusterIdArg, clusterId, 'clusterId');
      const valid = drafts.map((d, i) => parseInput(EventDraft, d, `event draft ${i}`));
      const f = fence === undefined ? undefined : parseInput(Fence, fence, 'fence');
      if (valid.length === 0) return [];
      return writeTx(db, dialect, async (tx) => {
        // the lease first, then the counter: the one lock order every writer uses
        if (f) await checkFence(tx, dialect, clusterId, f, now());
        const last = await bump(tx, clusterId, valid.length);
        const events = valid.map((d, i): ClusterEvent => ({ ...d, seq: last - valid.length + 1 + i, clusterId }));
        for (let i = 0; i < events.length; i += INSERT_CHUNK_ROWS) {
          const rows = events.slice(i, i + INSERT_CHUNK_ROWS).map((e) => ({
            cluster_id: clusterId,
            seq: e.seq,
            at: e.at,
            type: e.body.type,
            severity: e.severity,
            json: JSON.stringify({ at: e.at, severity: e.severity, message: e.message, body: e.body }),
          }));
          await tx.insertInto('events').values(rows).execute();
        }
        return events;
      });
    },

    /**
     * Events with seq > since, ascending, at most `limit`. next is the last seq examined (corrupt rows
     * are skipped but still advance next, so a reader never loops on them), or `since` when none.
     */
    async since(clusterId: string, since: number, limit: number): Promise<EventPage> {
      parseInput(SinceLimit, limit, 'limit');
      const rows = await db
        .selectFrom('events')
        .select(['cluster_id', 'seq', 'json'])
        .where('cluster_id', '=', clusterId)
        .where('seq', '>', since)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return eventPage(rows, since, reportCorrupt);
    },

    /** Highest seq ever assigned for the cluster (0 when none), even if that event was pruned. */
    lastSeq,

    /**
     * Oldest seq still kept; lastSeq + 1 when nothing is kept. A reader at `since` has missed
     * events exactly when since < firstSeq - 1.
     */
    async firstSeq(clusterId: string): Promise<number> {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.min('seq').as('first'))
        .where('cluster_id', '=', clusterId)
        .executeTakeFirst();
      const first = row?.first ?? null;
      return first === null ? (await lastSeq(clusterId)) + 1 : Number(first);
    },

    /** History page: filtered, newest first, with the total number of matching rows. */
    async list(query: EventListQuery): Promise<EventList> {
      const q = parseInput(EventListQuery, query, 'event query');
      const severities = q.severity === undefined ? undefined : Array.isArray(q.severity) ? q.severity : [q.severity];
      // an empty set matches nothing (SQL has no empty IN list)
      if (q.types?.length === 0 || severities?.length === 0) return { events: [], total: 0 };
      const filter = (eb: ExpressionBuilder<Schema, 'events'>) => {
        const c: Expression<SqlBool>[] = [];
        if (q.clusterId !== undefined) c.push(eb('cluster_id', '=', q.clusterId));
        if (q.types !== undefined) c.push(eb('type', 'in', q.types));
        if (severities !== undefined) c.push(eb('severity', 'in', severities));
        if (q.before !== undefined) c.push(eb('at', '<', q.before));
        if (q.after !== undefined) c.push(eb('at', '>=', q.after));
        return eb.and(c);
      };
      const counted = await db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where(filter).executeTakeFirstOrThrow();
      const rows = await db
        .selectFrom('events')
        .select(['cluster_id', 'seq', 'json'])
        .where(filter)
        .orderBy('at', 'desc')
        .orderBy(binaryOrder(dialect, 'cluster_id'))
        .orderBy('seq', 'desc')
        .limit(q.limit)
        .offset(q.offset ?? 0)
        .execute();
      const events = rows.map((r) => eventFromRow(r, reportCorrupt)).filter((e): e is ClusterEvent => e !== null);
      return { events, total: Number(counted.n) };
    },

    /** Retention: deletes old events; never touches the seq counters. Returns the number deleted. */
    async prune(options: EventPruneOptions): Promise<number> {
      const o = parseInput(EventPruneOptions, options, 'event prune options');
      return writeTx(db, dialect, async (tx) => {
        let deleted = 0;
        if (o.maxAgeMs !== undefined) {
          const r = await tx.deleteFrom('events').where('at', '<', now() - o.maxAgeMs).executeTakeFirst();
          deleted += Number(r.numDeletedRows);
        }
        if (o.maxEvents !== undefined) {
          const clusters = await tx.selectFrom('event_seq').select('cluster_id').execute();
          for (const { cluster_id } of clusters) {
            // the newest event beyond the allowance, if any: it and everything older go
            const cut = await tx
              .selectFrom('events')
              .select('seq')
              .where('cluster_id', '=', cluster_id)
              .orderBy('seq', 'desc')
              .limit(1)
              .offset(o.maxEvents)
              .executeTakeFirst();
            if (cut === undefined) continue;
            const r = await tx.deleteFrom('events').where('cluster_id', '=', cluster_id).where('seq', '<=', cut.seq).executeTakeFirst();
            deleted += Number(r.numDeletedRows);
          }
        }
        return deleted;
      });
    },
  };
}
