// Time travel (its stored form: ../timeline.ts) on SQLite or PostgreSQL: per cluster, keyframes and the
// patches after each, pruned in whole spans, oldest first.
//
// Unlike the other parts this one keeps state: the span each cluster writes to now. So the composition
// builds it ONCE per store (createTimelineStore(ctx) on the database), never per transaction; its methods
// run their own write transactions. Only the replica holding a cluster's lease records its timeline, so
// per-process span state is right. A replica that takes a cluster over has no span for it: its first
// change is a keyframe (a new chain). A replica that held the cluster before, lost it and got it back still
// has its old span, no longer the newest stored: record checks that, in its transaction, and then starts a
// keyframe too instead of patching a span someone else has moved on from.
import { ClusterSnapshot, canonicalize, decodeStoredPatch, encodeStoredPatch, keyframeDue, rebuildAt, sameSummary, thinMarks, timelineSummary, TIMELINE_MAX_MARKS } from '@quorate/model';
import type { StoredPatch, TimelineMark, TimelinePatch, TimelineSummary } from '@quorate/model';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { StoreError } from '../errors';
import { deflate, FULL_SCAN_MAX, pack, quorateCol, toMark, unpack } from '../timeline';
import type { TimelineChange, TimelinePruneOptions, TimelineState } from '../timeline';
import type { SqlContext } from './contract';
import type { Schema, TimelineKeyframesTable, TimelinePatchesTable } from './schema';
import { writeTx } from './tx';
import type { Tx } from './tx';

interface OpenSpan {
  id: number;
  at: number;
  patches: number;
  /** the JSON length of its patches (before deflate) */
  jsonBytes: number;
  lastRev: number;
  summary: TimelineSummary;
}

type KeyframeRow = Selectable<TimelineKeyframesTable>;

/** a record or a close waiting for its batch */
interface Op {
  clusterId: string;
  /** null: close (the cluster's next change is a keyframe) */
  change: TimelineChange | null;
  done: (written: 'keyframe' | 'patch' | null) => void;
  fail: (err: unknown) => void;
}
/** calls per batch (one transaction) at most */
const BATCH_MAX = 200;
/** patch rows per INSERT: 9 columns each, far below both engines' parameter limits */
const INSERT_CHUNK = 100;

/** ids per DELETE … IN (…): far below both engines' parameter limits */
const DELETE_CHUNK = 500;
const MARK_COLUMNS = ['at', 'rev', 'quorate', 'nodes_online', 'state', 'transition'] as const;

export type TimelineStore = ReturnType<typeof createTimelineStore>;

export function createTimelineStore(ctx: SqlContext) {
  const { db, dialect, reportCorrupt } = ctx;

  /** the span each cluster writes to now; none after a start or a takeover (the first change is then a keyframe) */
  const open = new Map<string, OpenSpan>();
  /**
   * record and close calls wait here, in the order called, and go as batches: every call made while a batch
   * commits joins the next one, in one transaction. Under load many clusters' changes share a commit (one a
   * second per cluster: 100 transactions of 5 statements a second were the largest part of a replica's
   * CPU in bench:scale, most of it the socket writes to the database); alone, a call goes at once.
   */
  let queued: Op[] = [];
  let running: Promise<void> | null = null;

  function enqueue(op: Op): void {
    queued.push(op);
    running ??= runBatches();
  }

  async function runBatches(): Promise<void> {
    try {
      // the calls of this turn join the first batch
      await Promise.resolve();
      while (queued.length > 0) {
        const batch = queued.slice(0, BATCH_MAX);
        queued = queued.slice(batch.length);
        await runBatch(batch);
      }
    } finally {
      running = null;
    }
  }

  const newestKeyframe = (on: Kysely<Schema>, clusterId: string) =>
    on.selectFrom('timeline_keyframes').selectAll().where('cluster_id', '=', clusterId).orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();

  const keyframeAtOrBefore = (clusterId: string, t: number) =>
    db
      .selectFrom('timeline_keyframes')
      .selectAll()
      .where('cluster_id', '=', clusterId)
      .where('at', '<=', t)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();

  async function loadKeyframe(row: KeyframeRow, clusterId: string): Promise<ClusterSnapshot> {
    const key = `${clusterId}#keyframe${row.id}`;
    const data = (await db.selectFrom('timeline_keyframe_data').select('data').where('keyframe_id', '=', row.id).executeTakeFirst())?.data;
    const refuse = (problem: string): never => {
      reportCorrupt({ table: 'timeline_keyframe_data', key, problem });
      throw new StoreError('corrupt', `the timeline's keyframe at ${new Date(row.at).toISOString()} cannot be read`);
    };
    if (!data) return refuse('missing');
    let parsed: ReturnType<typeof ClusterSnapshot.safeParse>;
    try {
      parsed = ClusterSnapshot.safeParse(unpack(data));
    } catch (e) {
      return refuse((e as Error).message);
    }
    if (!parsed.success) return refuse(parsed.error.issues.map((i) => i.message).join('; '));
    return parsed.data;
  }

  async function dropSpans(tx: Tx, ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
      const chunk = ids.slice(i, i + DELETE_CHUNK);
      await tx.deleteFrom('timeline_patches').where('keyframe_id', 'in', chunk).execute();
      await tx.deleteFrom('timeline_keyframe_data').where('keyframe_id', 'in', chunk).execute();
      await tx.deleteFrom('timeline_keyframes').where('id', 'in', chunk).execute();
    }
  }

  /**
   * One batch in one write transaction, each call as if alone and in order; the spans' new state is kept
   * only once it committed. A failed batch fails its records (their callers start over with a keyframe);
   * its closes hold all the same (nothing was written).
   */
  async function runBatch(batch: Op[]): Promise<void> {
    /** the spans as this batch leaves them (undefined: closed) */
    const spans = new Map<string, OpenSpan | undefined>();
    const results: ('keyframe' | 'patch' | null)[] = [];
    try {
      await writeTx(db, dialect, async (tx) => {
        const checked = new Set<string>();
        const rows: Insertable<TimelinePatchesTable>[] = [];
        const grown = new Map<number, { patches: number; bytes: number }>();
        for (const op of batch) {
          const { clusterId, change } = op;
          if (change === null) {
            spans.set(clusterId, undefined);
            results.push(null);
            continue;
          }
          let span = spans.has(clusterId) ? spans.get(clusterId) : open.get(clusterId);
          // another replica recorded this cluster since (a takeover and back): its span is not ours to extend
          if (span && !checked.has(clusterId)) {
            checked.add(clusterId);
            if ((await newestKeyframe(tx, clusterId))?.id !== span.id) span = undefined;
          }
          const { written, next } = await recordOne(tx, clusterId, change, span, rows, grown);
          spans.set(clusterId, next);
          results.push(written);
        }
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertInto('timeline_patches').values(rows.slice(i, i + INSERT_CHUNK)).execute();
        for (const [id, g] of grown)
          await tx
            .updateTable('timeline_keyframes')
            .set((eb) => ({ patches: eb('patches', '+', g.patches), bytes: eb('bytes', '+', g.bytes) }))
            .where('id', '=', id)
            .execute();
      });
    } catch (err) {
      for (const op of batch) {
        if (op.change !== null) {
          op.fail(err);
          continue;
        }
        open.delete(op.clusterId);
        op.done(null);
      }
      return;
    }
    for (const [clusterId, span] of spans) {
      if (span) open.set(clusterId, span);
      else open.delete(clusterId);
    }
    batch.forEach((op, i) => op.done(results[i]!));
  }

  /**
   * One change against the span (in the batch's transaction): a keyframe now, or its patch row for the
   * batch's one INSERT at the end (rows) with its keyframe's growth (grown).
   */
  async function recordOne(
    tx: Tx,
    clusterId: string,
    change: TimelineChange,
    span: OpenSpan | undefined,
    rows: Insertable<TimelinePatchesTable>[],
    grown: Map<number, { patches: number; bytes: number }>,
  ): Promise<{ written: 'keyframe' | 'patch' | null; next: OpenSpan | undefined }> {
    const at = change.snapshot.observedAt;
    const summary = timelineSummary(change.snapshot);
    const transition = span ? !sameSummary(span.summary, summary) : true;
    const follows = span !== undefined && change.baseRev !== null && change.patch !== undefined && change.baseRev === span.lastRev;
    if (span && change.baseRev !== null && change.rev <= span.lastRev) return { written: null, next: span };
    const json = follows ? JSON.stringify(encodeStoredPatch(change.patch!)) : '';
    if (span && follows && !keyframeDue(span.patches, span.at, at, span.jsonBytes + json.length)) {
      const data = deflate(json);
      rows.push({
        keyframe_id: span.id,
        rev: change.rev,
        base_rev: change.baseRev!,
        at,
        quorate: quorateCol(summary),
        nodes_online: summary.nodesOnline,
        state: summary.state,
        transition: transition ? 1 : 0,
        data,
      });
      const g = grown.get(span.id) ?? { patches: 0, bytes: 0 };
      grown.set(span.id, { patches: g.patches + 1, bytes: g.bytes + data.length });
      return { written: 'patch', next: { ...span, patches: span.patches + 1, jsonBytes: span.jsonBytes + json.length, lastRev: change.rev, summary } };
    }
    const data = pack(canonicalize(change.snapshot));
    const { id } = await tx
      .insertInto('timeline_keyframes')
      .values({
        cluster_id: clusterId,
        at,
        rev: change.rev,
        chain_start: change.baseRev === null || !follows ? 1 : 0,
        quorate: quorateCol(summary),
        nodes_online: summary.nodesOnline,
        state: summary.state,
        transition: transition ? 1 : 0,
        bytes: data.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('timeline_keyframe_data').values({ keyframe_id: id, data }).execute();
    return { written: 'keyframe', next: { id, at, patches: 0, jsonBytes: 0, lastRev: change.rev, summary } };
  }

  return {
    /**
     * Record one change of the cluster (in a batch's transaction, see enqueue): a keyframe for a new chain,
     * when the patch does not follow the open span, or when one is due; else the patch. Returns which was
     * written (null: nothing, a patch that is not newer than the span).
     */
    record(clusterId: string, change: TimelineChange): Promise<'keyframe' | 'patch' | null> {
      return new Promise((done, fail) => enqueue({ clusterId, change, done, fail }));
    },

    /** the state at t (the newest keyframe at or before t with its patches up to t); null before the oldest kept */
    async at(clusterId: string, t: number): Promise<TimelineState | null> {
      const kf = await keyframeAtOrBefore(clusterId, t);
      if (!kf) return null;
      const snapshot = await loadKeyframe(kf, clusterId);
      const rows = await db
        .selectFrom('timeline_patches')
        .select(['rev', 'base_rev', 'at', 'data'])
        .where('keyframe_id', '=', kf.id)
        .where('at', '<=', t)
        .orderBy('rev')
        .execute();
      const patches: TimelinePatch[] = rows.map((r) => {
        try {
          return { rev: r.rev, baseRev: r.base_rev, at: r.at, patch: decodeStoredPatch(unpack(r.data) as StoredPatch) };
        } catch (e) {
          reportCorrupt({ table: 'timeline_patches', key: `${clusterId}#${kf.id}/${r.rev}`, problem: (e as Error).message });
          throw new StoreError('corrupt', `the timeline's change at ${new Date(r.at).toISOString()} cannot be read`);
        }
      });
      return rebuildAt({ rev: kf.rev, at: kf.at, snapshot }, patches, t);
    },

    /** the earliest moment that can be rebuilt (the oldest keyframe kept); null when nothing is */
    async oldest(clusterId: string): Promise<number | null> {
      const row = await db
        .selectFrom('timeline_keyframes')
        .select((eb) => eb.fn.min('at').as('oldest'))
        .where('cluster_id', '=', clusterId)
        .executeTakeFirst();
      return row?.oldest == null ? null : Number(row.oldest);
    },

    /** the latest change recorded; null when nothing is */
    async newest(clusterId: string): Promise<number | null> {
      const kf = await newestKeyframe(db, clusterId);
      if (!kf) return null;
      const row = await db
        .selectFrom('timeline_patches')
        .select((eb) => eb.fn.max('at').as('newest'))
        .where('keyframe_id', '=', kf.id)
        .executeTakeFirst();
      return row?.newest == null ? kf.at : Math.max(kf.at, Number(row.newest));
    },

    /**
     * The changes in [from, to] (oldest first), at most `cap`: every one when the range holds few enough,
     * else every transition and keyframe, thinned (truncated). A keyframe is a change too.
     */
    async marks(clusterId: string, from: number, to: number, cap: number = TIMELINE_MAX_MARKS): Promise<{ marks: TimelineMark[]; truncated: boolean }> {
      const before = await keyframeAtOrBefore(clusterId, from);
      const inRange = await db
        .selectFrom('timeline_keyframes')
        .selectAll()
        .where('cluster_id', '=', clusterId)
        .where('at', '>=', from)
        .where('at', '<=', to)
        .orderBy('at')
        .orderBy('id')
        .execute();
      const spans = before && before.at < from ? [before, ...inRange] : inRange;
      const total = spans.reduce((n, s) => n + s.patches + 1, 0);
      const full = total <= FULL_SCAN_MAX;
      const marks: TimelineMark[] = [];
      for (const s of spans) {
        if (s.at >= from) marks.push(toMark(s));
        const query = db
          .selectFrom('timeline_patches')
          .select(MARK_COLUMNS)
          .where('keyframe_id', '=', s.id)
          .where('at', '>=', from)
          .where('at', '<=', to);
        // a long range: the transitions alone, through the partial index (its predicate spelled the same)
        const rows = full ? await query.orderBy('rev').execute() : await query.where('transition', '=', 1).orderBy('at').execute();
        for (const r of rows) marks.push(toMark(r));
      }
      const thinned = thinMarks(marks, cap);
      return { marks: thinned.marks, truncated: thinned.truncated || !full };
    },

    /**
     * Retention: drops whole spans, oldest first — those that ended before `before` (the next keyframe is at
     * or before it), and those beyond maxBytesPerCluster counted from the newest. Returns the spans dropped.
     */
    async prune(options: TimelinePruneOptions): Promise<number> {
      const dropped = await writeTx(db, dialect, async (tx) => {
        const ids: number[] = [];
        const clusters = await tx.selectFrom('timeline_keyframes').select('cluster_id').distinct().execute();
        for (const { cluster_id: clusterId } of clusters) {
          const newestFirst = await tx
            .selectFrom('timeline_keyframes')
            .select(['id', 'at', 'bytes'])
            .where('cluster_id', '=', clusterId)
            .orderBy('at', 'desc')
            .orderBy('id', 'desc')
            .execute();
          // the newest span at or before the cut still covers moments after it: it and the newer ones stay
          let cut: { id: number; at: number } | undefined;
          if (options.before !== undefined) cut = newestFirst.find((k) => k.at <= options.before!);
          if (options.maxBytesPerCluster !== undefined) {
            let sum = 0;
            for (let i = 0; i < newestFirst.length; i++) {
              sum += Number(newestFirst[i]!.bytes);
              if (sum > options.maxBytesPerCluster && i > 0) {
                // this span no longer fits: keep the newer ones (the one before it is the oldest kept)
                const keep = newestFirst[i - 1]!;
                if (!cut || keep.at > cut.at || (keep.at === cut.at && keep.id > cut.id)) cut = keep;
                break;
              }
            }
          }
          if (!cut) continue;
          const c = cut;
          const older = await tx
            .selectFrom('timeline_keyframes')
            .select('id')
            .where('cluster_id', '=', clusterId)
            .where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]))
            .execute();
          ids.push(...older.map((r) => r.id));
        }
        await dropSpans(tx, ids);
        return ids;
      });
      const gone = new Set(dropped);
      for (const [c, span] of open) if (gone.has(span.id)) open.delete(c);
      return dropped.length;
    },

    /** forget the open span of a cluster: its next change is a keyframe (a collector replaced) */
    close(clusterId: string): Promise<void> {
      return new Promise((done) => enqueue({ clusterId, change: null, done: () => done(), fail: () => done() }));
    },

    /** what is stored for a cluster (tests, the benchmark) */
    async size(clusterId: string): Promise<{ keyframes: number; patches: number; bytes: number }> {
      const row = await db
        .selectFrom('timeline_keyframes')
        .select((eb) => [
          eb.fn.countAll().as('keyframes'),
          eb.fn.coalesce(eb.fn.sum('patches'), eb.lit(0)).as('patches'),
          eb.fn.coalesce(eb.fn.sum('bytes'), eb.lit(0)).as('bytes'),
        ])
        .where('cluster_id', '=', clusterId)
        .executeTakeFirstOrThrow();
      // PostgreSQL: count and sum(integer) are bigint, sum(bigint) is numeric (a string)
      return { keyframes: Number(row.keyframes), patches: Number(row.patches), bytes: Number(row.bytes) };
    },
  };
}
