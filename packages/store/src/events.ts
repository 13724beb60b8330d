// Persisted, numbered cluster events. seq is per cluster, gap-free and never reused: the counter
// lives in event_seq, which pruning never touches, and is advanced in the same transaction as the insert.
import { z } from 'zod';
import { ClusterEvent, EventDraft, EventTypeName, Severity } from '@quorate/model';
import type { Db } from './db';
import { parseInput } from './errors';
import type { CorruptReporter } from './corrupt';
import { eventFromRow, eventPage, type EventRow } from './event-row';

export const EventListQuery = z.object({
  clusterId: z.string().min(1).optional(),
  types: z.array(EventTypeName).optional(),
  severity: z.union([Severity, z.array(Severity)]).optional(),
  /** only events with at < before (ms since epoch) */
  before: z.number().optional(),
  /** only events with at >= after (ms since epoch): with `before`, the range [after, before) */
  after: z.number().optional(),
  limit: z.number().int().min(1).max(1000),
  offset: z.number().int().min(0).optional(),
});
export type EventListQuery = z.input<typeof EventListQuery>;

export const EventPruneOptions = z.object({
  /** drop events older than this */
  maxAgeMs: z.number().min(0).optional(),
  /** keep at most this many (newest) per cluster */
  maxEvents: z.number().int().min(0).optional(),
});
export type EventPruneOptions = z.input<typeof EventPruneOptions>;

// argument checks of append() and since(), built once: both run for every new event and replay page
const ClusterIdArg = z.string().min(1);
const SinceLimit = z.number().int().min(1).max(10_000);

export type EventPage = { events: ClusterEvent[]; next: number };
export type EventList = { events: ClusterEvent[]; total: number };

export type EventStore = ReturnType<typeof createEventStore>;

type Row = EventRow;

export function createEventStore(db: Db, now: () => number, reportCorrupt: CorruptReporter) {
  const bump = db.prepare(`INSERT INTO event_seq (cluster_id, last_seq) VALUES (?, ?)
    ON CONFLICT (cluster_id) DO UPDATE SET last_seq = last_seq + excluded.last_seq
    RETURNING last_seq`).pluck();
  const insert = db.prepare(
    'INSERT INTO events (cluster_id, seq, at, type, severity, json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const lastSeqStmt = db.prepare('SELECT last_seq FROM event_seq WHERE cluster_id = ?').pluck();
  const firstSeqStmt = db.prepare('SELECT min(seq) FROM events WHERE cluster_id = ?').pluck();
  const sinceStmt = db.prepare(
    'SELECT cluster_id, seq, json FROM events WHERE cluster_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const clusters = db.prepare('SELECT cluster_id FROM event_seq').pluck();
  const nthNewest = db.prepare('SELECT seq FROM events WHERE cluster_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?').pluck();
  const deleteUpTo = db.prepare('DELETE FROM events WHERE cluster_id = ? AND seq <= ?');
  const deleteOlder = db.prepare('DELETE FROM events WHERE at < ?');

  const toEvent = (row: Row): ClusterEvent | null => eventFromRow(row, reportCorrupt);

  const appendTx = db.transaction((clusterId: string, drafts: EventDraft[]): ClusterEvent[] => {
    const last = bump.get(clusterId, drafts.length) as number;
    let seq = last - drafts.length;
    return drafts.map((d) => {
      seq += 1;
      insert.run(clusterId, seq, d.at, d.body.type, d.severity, JSON.stringify(d));
      return { ...d, seq, clusterId };
    });
  });

  function lastSeq(clusterId: string): number {
    return (lastSeqStmt.get(clusterId) as number | undefined) ?? 0;
  }

  return {
    /** Numbers and stores drafts in one transaction; returns them as ClusterEvents in order. */
    append(clusterId: string, drafts: EventDraft[]): ClusterEvent[] {
      parseInput(ClusterIdArg, clusterId, 'clusterId');
      const valid = drafts.map((d, i) => parseInput(EventDraft, d, `event draft ${i}`));
      if (valid.length === 0) return [];
      // IMMEDIATE takes the write lock up front, so two writers never both read the same last_seq.
      return appendTx.immediate(clusterId, valid);
    },

    /**
     * Events with seq > since, ascending, at most `limit`. next is the last seq examined (corrupt rows
     * are skipped but still advance next, so a reader never loops on them), or `since` when none.
     */
    since(clusterId: string, since: number, limit: number): EventPage {
      parseInput(SinceLimit, limit, 'limit');
      const rows = sinceStmt.all(clusterId, since, limit) as Row[];
      return eventPage(rows, since, reportCorrupt);
    },

    /** Highest seq ever assigned for the cluster (0 when none), even if that event was pruned. */
    lastSeq,

    /**
     * Oldest seq still kept; lastSeq + 1 when nothing is kept. A reader at `since` has missed
     * events exactly when since < firstSeq - 1.
     */
    firstSeq(clusterId: string): number {
      const first = firstSeqStmt.get(clusterId) as number | null;
      return first ?? lastSeq(clusterId) + 1;
    },

    /** History page: filtered, newest first, with the total number of matching rows. */
    list(query: EventListQuery): EventList {
      const q = parseInput(EventListQuery, query, 'event query');
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.clusterId !== undefined) {
        where.push('cluster_id = ?');
        args.push(q.clusterId);
      }
      if (q.types !== undefined) {
        where.push(`type IN (${q.types.map(() => '?').join(', ') || 'NULL'})`);
        args.push(...q.types);
      }
      if (q.severity !== undefined) {
        const sev = Array.isArray(q.severity) ? q.severity : [q.severity];
        where.push(`severity IN (${sev.map(() => '?').join(', ') || 'NULL'})`);
        args.push(...sev);
      }
      if (q.before !== undefined) {
        where.push('at < ?');
        args.push(q.before);
      }
      if (q.after !== undefined) {
        where.push('at >= ?');
        args.push(q.after);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = db.prepare(`SELECT count(*) FROM events ${clause}`).pluck().get(...args) as number;
      const rows = db
        .prepare(
          `SELECT cluster_id, seq, json FROM events ${clause} ORDER BY at DESC, cluster_id, seq DESC LIMIT ? OFFSET ?`,
        )
        .all(...args, q.limit, q.offset ?? 0) as Row[];
      const events: ClusterEvent[] = [];
      for (const row of rows) {
        const e = toEvent(row);
        if (e) events.push(e);
      }
      return { events, total };
    },

    /** Retention: deletes old events; never touches the seq counters. Returns the number deleted. */
    prune(options: EventPruneOptions): number {
      const o = parseInput(EventPruneOptions, options, 'event prune options');
      const tx = db.transaction((): number => {
        let deleted = 0;
        if (o.maxAgeMs !== undefined) deleted += deleteOlder.run(now() - o.maxAgeMs).changes;
        if (o.maxEvents !== undefined) {
          for (const clusterId of clusters.all() as string[]) {
            // the newest event beyond the allowance, if any: it and everything older go
            const cut = nthNewest.get(clusterId, o.maxEvents) as number | undefined;
            if (cut !== undefined) deleted += deleteUpTo.run(clusterId, cut).changes;
          }
        }
        return deleted;
      });
      return tx.immediate();
    },
  };
}
