// 1-minute link rollups (../link-rollups.ts) on SQLite or PostgreSQL, kept a week. The table's key starts
// with (cluster_id, minute) on both (WITHOUT ROWID on SQLite): a minute's rows are appended together, and a
// pair's week is read by one index seek per minute.
import { sql } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../errors';
import { LINK_ROLLUP_KEEP_MS, Rows } from '../link-rollups';
import type { LinkRollup } from '../link-rollups';
import type { SqlContext } from './contract';
import type { Dialect } from './schema';
import { matchesNothing } from './text';
import { writeTx } from './tx';

const ClusterIdArg = z.string().min(1);
const MINUTE = 60_000;
/** a pair read spans at most this many minutes (the week kept, and a day to spare) */
const MAX_READ_MINUTES = 8 * 24 * 60;
/** bound parameters per statement: SQLite's limit is 32766, PostgreSQL's 65535 */
const MAX_PARAMS: Record<Dialect, number> = { sqlite: 32_766, postgres: 65_535 };
const COLUMNS = 9;

type Row = { minute: number; avg_us: number | null; max_us: number | null; loss_ppm: number | null; loss_max_ppm: number | null };

const us = (ms: number | null) => (ms === null ? null : Math.round(ms * 1000));
const ppm = (pct: number | null) => (pct === null ? null : Math.round(pct * 10_000));
const fromUs = (v: number | null) => (v === null ? null : v / 1000);
const fromPpm = (v: number | null) => (v === null ? null : v / 10_000);

export type LinkRollupStore = ReturnType<typeof createLinkRollupStore>;

export function createLinkRollupStore({ db, dialect, now }: SqlContext) {
  const chunkRows = Math.floor(MAX_PARAMS[dialect] / COLUMNS);

  return {
    /** the rows of one cluster (usually one minute), in one transaction (joined when inside another); returns how many */
    async write(clusterId: string, rows: readonly LinkRollup[]): Promise<number> {
      const id = parseInput(ClusterIdArg, clusterId, 'cluster id');
      const valid = parseInput(Rows, rows, 'link rollups');
      if (valid.length === 0) return 0;
      // a key twice in one batch: the last wins, as a row-by-row INSERT OR REPLACE would have it
      // (PostgreSQL refuses an upsert that touches one row twice in a statement)
      const byKey = new Map(valid.map((r) => [`${r.minute}/${r.a}/${r.b}/${r.link}`, r]));
      const values = [...byKey.values()].map((r) => ({
        cluster_id: id,
        minute: r.minute,
        a: r.a,
        b: r.b,
        link: r.link,
        avg_us: us(r.avgMs),
        max_us: us(r.maxMs),
        loss_ppm: ppm(r.lossPct),
        loss_max_ppm: ppm(r.lossMaxPct),
      }));
      await writeTx(db, dialect, async (tx) => {
        for (let i = 0; i < values.length; i += chunkRows) {
          // a minute written again (a restart within it, a late flush) replaces its rows
          await tx
            .insertInto('link_rollups')
            .values(values.slice(i, i + chunkRows))
            .onConflict((oc) =>
              oc.columns(['cluster_id', 'minute', 'a', 'b', 'link']).doUpdateSet((eb) => ({
                avg_us: eb.ref('excluded.avg_us'),
                max_us: eb.ref('excluded.max_us'),
                loss_ppm: eb.ref('excluded.loss_ppm'),
                loss_max_ppm: eb.ref('excluded.loss_max_ppm'),
              })),
            )
            .execute();
        }
      });
      return valid.length;
    },

    /** one pair and link, minutes from..to (ms, inclusive; at most 8 days back from `to`), oldest first */
    async pair(clusterId: string, a: number, b: number, link: number, from: number, to: number): Promise<LinkRollup[]> {
      const last = Math.floor(to / MINUTE) * MINUTE;
      const first = Math.max(Math.ceil(from / MINUTE) * MINUTE, last - (MAX_READ_MINUTES - 1) * MINUTE);
      if (first > last || matchesNothing(clusterId)) return [];
      const [lo, hi] = a < b ? [a, b] : [b, a];
      // one index seek per minute, the minutes outside: fast however many pairs a minute holds. SQLite: CROSS
      // JOIN fixes the join order. PostgreSQL: the LIMIT keeps the lateral lookup a loop of seeks (joined
      // plainly, it plans a scan of the cluster's rows).
      const columns = sql`r.minute, r.avg_us, r.max_us, r.loss_ppm, r.loss_max_ppm`;
      const match = sql`r.cluster_id = ${clusterId} AND r.minute = m.x AND r.a = ${lo} AND r.b = ${hi} AND r.link = ${link}`;
      const query =
        dialect === 'postgres'
          ? sql<Row>`SELECT r.* FROM generate_series(${first}::bigint, ${last}::bigint, ${MINUTE}::bigint) AS m(x)
              CROSS JOIN LATERAL (SELECT ${columns} FROM link_rollups r WHERE ${match} LIMIT 1) r ORDER BY r.minute`
          : sql<Row>`WITH RECURSIVE m(x) AS (SELECT ${first} UNION ALL SELECT x + ${MINUTE} FROM m WHERE x + ${MINUTE} <= ${last})
              SELECT ${columns} FROM m CROSS JOIN link_rollups r ON ${match} ORDER BY r.minute`;
      const { rows } = await query.execute(db);
      return rows.map((r) => ({
        a: lo,
        b: hi,
        link,
        minute: Number(r.minute),
        avgMs: fromUs(r.avg_us),
        maxMs: fromUs(r.max_us),
        lossPct: fromPpm(r.loss_ppm),
        lossMaxPct: fromPpm(r.loss_max_ppm),
      }));
    },

    /** rows kept for a cluster (tests, benchmarks) */
    async count(clusterId: string): Promise<number> {
      if (matchesNothing(clusterId)) return 0;
      const row = await db.selectFrom('link_rollups').select((eb) => eb.fn.countAll().as('n')).where('cluster_id', '=', clusterId).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** drops minutes that began before `before` (default: a week ago), every cluster's; returns how many rows */
    async prune(before: number = now() - LINK_ROLLUP_KEEP_MS): Promise<number> {
      let removed = 0;
      // one seek per cluster id (a DISTINCT would read every row)
      const next = async (after: string) =>
        (await db.selectFrom('link_rollups').select('cluster_id').where('cluster_id', '>', after).orderBy('cluster_id').limit(1).executeTakeFirst())?.cluster_id;
      for (let id = await next(''); id !== undefined; id = await next(id)) {
        const r = await db.deleteFrom('link_rollups').where('cluster_id', '=', id).where('minute', '<', before).executeTakeFirst();
        removed += Number(r.numDeletedRows);
      }
      return removed;
    },
  };
}
