// 1-minute rollups of link latency and loss per node pair (a < b) and link, kept for a week (migration 3).
// Written a minute at a time per cluster (one transaction: the minute's rows are appended together, see
// the migration for why the key starts with the minute); a pair's week is read by point lookups.
import { z } from 'zod';
import type { Db } from './db';
import { parseInput } from './errors';

export const LinkRollup = z.object({
  a: z.number().int().min(0).max(65535),
  b: z.number().int().min(0).max(65535),
  link: z.number().int().min(0).max(7),
  /** start of the minute (ms since epoch, a whole minute) */
  minute: z.number().int().multipleOf(60_000),
  avgMs: z.number().min(0).nullable(),
  maxMs: z.number().min(0).nullable(),
  lossPct: z.number().min(0).max(100).nullable(),
  lossMaxPct: z.number().min(0).max(100).nullable(),
});
export type LinkRollup = z.infer<typeof LinkRollup>;

export const Rows = z.array(LinkRollup.refine((r) => r.a < r.b, 'a must be below b')).max(100_000);
const ClusterIdArg = z.string().min(1);
const MINUTE = 60_000;
/** how long rollups are kept */
export const LINK_ROLLUP_KEEP_MS = 7 * 86_400_000;
/** a pair read spans at most this many minutes (the week kept, and a day to spare) */
const MAX_READ_MINUTES = 8 * 24 * 60;

type Row = { minute: number; avg_us: number | null; max_us: number | null; loss_ppm: number | null; loss_max_ppm: number | null };

const us = (ms: number | null) => (ms === null ? null : Math.round(ms * 1000));
const ppm = (pct: number | null) => (pct === null ? null : Math.round(pct * 10_000));
const fromUs = (v: number | null) => (v === null ? null : v / 1000);
const fromPpm = (v: number | null) => (v === null ? null : v / 10_000);

export type LinkRollupStore = ReturnType<typeof createLinkRollupStore>;

export function createLinkRollupStore(db: Db, now: () => number) {
  // a minute written again (a restart within it, a late flush) replaces its rows
  const insert = db.prepare(`INSERT OR REPLACE INTO link_rollups (cluster_id, minute, a, b, link, avg_us, max_us, loss_ppm, loss_max_ppm)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // one seek per minute (CROSS JOIN keeps the minutes outside): fast however many pairs a minute holds
  const pair = db.prepare(`WITH RECURSIVE m(x) AS (SELECT ? UNION ALL SELECT x + ${MINUTE} FROM m WHERE x + ${MINUTE} <= ?)
    SELECT r.minute, r.avg_us, r.max_us, r.loss_ppm, r.loss_max_ppm FROM m CROSS JOIN link_rollups r
    ON r.cluster_id = ? AND r.minute = m.x AND r.a = ? AND r.b = ? AND r.link = ? ORDER BY r.minute`);
  const nextCluster = db.prepare('SELECT cluster_id FROM link_rollups WHERE cluster_id > ? ORDER BY cluster_id LIMIT 1').pluck();
  const pruneCluster = db.prepare('DELETE FROM link_rollups WHERE cluster_id = ? AND minute < ?');
  const count = db.prepare('SELECT count(*) FROM link_rollups WHERE cluster_id = ?').pluck();

  const writeAll = db.transaction((clusterId: string, rows: LinkRollup[]) => {
    for (const r of rows) insert.run(clusterId, r.minute, r.a, r.b, r.link, us(r.avgMs), us(r.maxMs), ppm(r.lossPct), ppm(r.lossMaxPct));
  });

  return {
    /** the rows of one cluster (usually one minute), in one transaction (a savepoint inside another); returns how many */
    write(clusterId: string, rows: readonly LinkRollup[]): number {
      const id = parseInput(ClusterIdArg, clusterId, 'cluster id');
      const valid = parseInput(Rows, rows, 'link rollups');
      if (valid.length > 0) writeAll.immediate(id, valid);
      return valid.length;
    },

    /** one pair and link, minutes from..to (ms, inclusive; at most 8 days back from `to`), oldest first */
    pair(clusterId: string, a: number, b: number, link: number, from: number, to: number): LinkRollup[] {
      const last = Math.floor(to / MINUTE) * MINUTE;
      const first = Math.max(Math.ceil(from / MINUTE) * MINUTE, last - (MAX_READ_MINUTES - 1) * MINUTE);
      if (first > last) return [];
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const rows = pair.all(first, last, clusterId, lo, hi, link) as Row[];
      return rows.map((r) => ({
        a: lo,
        b: hi,
        link,
        minute: r.minute,
        avgMs: fromUs(r.avg_us),
        maxMs: fromUs(r.max_us),
        lossPct: fromPpm(r.loss_ppm),
        lossMaxPct: fromPpm(r.loss_max_ppm),
      }));
    },

    /** rows kept for a cluster (tests, benchmarks) */
    count(clusterId: string): number {
      return count.get(clusterId) as number;
    },

    /** drops minutes that began before `before` (default: a week ago), every cluster's; returns how many rows */
    prune(before: number = now() - LINK_ROLLUP_KEEP_MS): number {
      let removed = 0;
      // one seek per cluster id (a DISTINCT would read every row)
      for (let id = nextCluster.get('') as string | undefined; id !== undefined; id = nextCluster.get(id) as string | undefined)
        removed += pruneCluster.run(id, before).changes;
      return removed;
    },
  };
}
