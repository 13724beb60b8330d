// Time travel (migration 5): per cluster, keyframes (the whole canonical snapshot) and the patches after each,
// one transaction per change. A keyframe starts each chain (a collector's baseline: a new rev line), and one is
// written instead of a patch every KEYFRAME_EVERY_PATCHES patches or KEYFRAME_EVERY_MS (the model's bounds),
// so a rebuild reads one keyframe and at most that many patches. JSON is stored deflated (raw deflate).
// Pruning (retention.timeline) removes whole spans — a keyframe and its patches — oldest first: a kept patch
// always has its keyframe, and the oldest kept keyframe is the earliest moment that can be rebuilt.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  ClusterSnapshot,
  canonicalize,
  decodeStoredPatch,
  encodeStoredPatch,
  keyframeDue,
  rebuildAt,
  sameSummary,
  severityOfState,
  thinMarks,
  timelineSummary,
  TIMELINE_MAX_MARKS,
  type SnapshotPatch,
  type StoredPatch,
  type TimelineMark,
  type TimelinePatch,
  type TimelineSummary,
} from '@quorate/model';
import type { Db } from './db';
import type { CorruptReporter } from './corrupt';
import { StoreError } from './errors';

/** a change as the collector made it: a new chain (baseRev null: the snapshot is a baseline) or a patch */
export interface TimelineChange {
  rev: number;
  /** null: a baseline (the first observation, or a collector that could not patch): a new chain */
  baseRev: number | null;
  /** the patch from baseRev (absent for a baseline) */
  patch?: SnapshotPatch;
  /** the whole state after the change (written when a keyframe is due) */
  snapshot: ClusterSnapshot;
}

export interface TimelineState {
  rev: number;
  /** observedAt of the last change applied */
  at: number;
  snapshot: ClusterSnapshot;
}

export interface TimelinePruneOptions {
  /** drop spans that ended before this (ms since epoch) */
  before?: number;
  /** keep at most this many stored bytes per cluster (the newest span always stays) */
  maxBytesPerCluster?: number;
}

interface OpenSpan {
  id: number;
  at: number;
  patches: number;
  /** the JSON length of its patches (before deflate) */
  jsonBytes: number;
  lastRev: number;
  summary: TimelineSummary;
}

type KeyframeRow = { id: number; at: number; rev: number; chain_start: number; quorate: number | null; nodes_online: number; state: string; transition: number; patches: number; bytes: number };
type MarkRow = { at: number; rev: number; quorate: number | null; nodes_online: number; state: string; transition: number };
type PatchRow = { rev: number; base_rev: number; at: number; data: Buffer };

/** reading every change of a range up to this many; beyond, the marks are the transitions and the keyframes */
export const FULL_SCAN_MAX = 20_000;

export const deflate = (json: string): Buffer => deflateRawSync(Buffer.from(json), { level: 6 });
export const pack = (value: unknown): Buffer => deflate(JSON.stringify(value));
export const unpack = (data: Buffer): unknown => JSON.parse(inflateRawSync(data).toString('utf8')) as unknown;

export function toMark(r: MarkRow): TimelineMark {
  const state = r.state as TimelineMark['state'];
  const severity = severityOfState(state);
  return {
    at: r.at,
    rev: r.rev,
    quorate: r.quorate === null ? null : r.quorate === 1,
    nodesOnline: r.nodes_online,
    state,
    transition: r.transition === 1,
    ...(severity ? { severity } : {}),
  };
}

export const quorateCol = (s: TimelineSummary): number | null => (s.quorate === null ? null : s.quorate ? 1 : 0);

export type TimelineStore = ReturnType<typeof createTimelineStore>;

export function createTimelineStore(db: Db, reportCorrupt: CorruptReporter) {
  const insertKeyframe = db.prepare(`INSERT INTO timeline_keyframes (cluster_id, at, rev, chain_start, quorate, nodes_online, state, transition, bytes)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertKeyframeData = db.prepare('INSERT INTO timeline_keyframe_data (keyframe_id, data) VALUES (?, ?)');
  const insertPatch = db.prepare(`INSERT INTO timeline_patches (keyframe_id, rev, base_rev, at, quorate, nodes_online, state, transition, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const bumpSpan = db.prepare('UPDATE timeline_keyframes SET patches = patches + 1, bytes = bytes + ? WHERE id = ?');
  const keyframeAtOrBefore = db.prepare(
    'SELECT * FROM timeline_keyframes WHERE cluster_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1',
  );
  const keyframeData = db.prepare('SELECT data FROM timeline_keyframe_data WHERE keyframe_id = ?').pluck();
  const spanPatchesUpTo = db.prepare('SELECT rev, base_rev, at, data FROM timeline_patches WHERE keyframe_id = ? AND at <= ? ORDER BY rev');
  const oldestStmt = db.prepare('SELECT min(at) FROM timeline_keyframes WHERE cluster_id = ?').pluck();
  const newestKeyframe = db.prepare('SELECT * FROM timeline_keyframes WHERE cluster_id = ? ORDER BY at DESC, id DESC LIMIT 1');
  const spanNewest = db.prepare('SELECT max(at) FROM timeline_patches WHERE keyframe_id = ?').pluck();
  const keyframesIn = db.prepare('SELECT * FROM timeline_keyframes WHERE cluster_id = ? AND at >= ? AND at <= ? ORDER BY at, id');
  const spanMarks = db.prepare(
    'SELECT at, rev, quorate, nodes_online, state, transition FROM timeline_patches WHERE keyframe_id = ? AND at >= ? AND at <= ? ORDER BY rev',
  );
  const spanTransitions = db.prepare(
    'SELECT at, rev, quorate, nodes_online, state, transition FROM timeline_patches WHERE keyframe_id = ? AND transition = 1 AND at >= ? AND at <= ? ORDER BY at',
  );
  const clusterIds = db.prepare('SELECT DISTINCT cluster_id FROM timeline_keyframes').pluck();
  const keyframesNewestFirst = db.prepare('SELECT id, at, bytes FROM timeline_keyframes WHERE cluster_id = ? ORDER BY at DESC, id DESC');
  const keyframesOlderThan = db.prepare('SELECT id FROM timeline_keyframes WHERE cluster_id = ? AND (at < ? OR (at = ? AND id < ?))').pluck();
  const deletePatches = db.prepare('DELETE FROM timeline_patches WHERE keyframe_id = ?');
  const deleteData = db.prepare('DELETE FROM timeline_keyframe_data WHERE keyframe_id = ?');
  const deleteKeyframe = db.prepare('DELETE FROM timeline_keyframes WHERE id = ?');
  const countStmt = db.prepare(`SELECT (SELECT count(*) FROM timeline_keyframes WHERE cluster_id = ?) AS keyframes,
    (SELECT coalesce(sum(patches), 0) FROM timeline_keyframes WHERE cluster_id = ?) AS patches,
    (SELECT coalesce(sum(bytes), 0) FROM timeline_keyframes WHERE cluster_id = ?) AS bytes`);

  /** the span each cluster writes to now; none after a start (the first change is then a keyframe) */
  const open = new Map<string, OpenSpan>();

  const writeKeyframe = db.transaction((clusterId: string, rev: number, at: number, chainStart: boolean, summary: TimelineSummary, transition: boolean, data: Buffer): number => {
    const id = Number(
      insertKeyframe.run(clusterId, at, rev, chainStart ? 1 : 0, quorateCol(summary), summary.nodesOnline, summary.state, transition ? 1 : 0, data.length).lastInsertRowid,
    );
    insertKeyframeData.run(id, data);
    return id;
  });
  const writePatch = db.transaction((span: OpenSpan, rev: number, baseRev: number, at: number, summary: TimelineSummary, transition: boolean, data: Buffer) => {
    insertPatch.run(span.id, rev, baseRev, at, quorateCol(summary), summary.nodesOnline, summary.state, transition ? 1 : 0, data);
    bumpSpan.run(data.length, span.id);
  });

  function dropSpan(id: number): void {
    deletePatches.run(id);
    deleteData.run(id);
    deleteKeyframe.run(id);
  }

  function loadKeyframe(row: KeyframeRow, clusterId: string): ClusterSnapshot {
    const key = `${clusterId}#keyframe${row.id}`;
    const data = keyframeData.get(row.id) as Buffer | undefined;
    let parsed: ReturnType<typeof ClusterSnapshot.safeParse> | null = null;
    try {
      if (data) parsed = ClusterSnapshot.safeParse(unpack(data));
    } catch (e) {
      reportCorrupt({ table: 'timeline_keyframe_data', key, problem: (e as Error).message });
      throw new StoreError('corrupt', `the timeline's keyframe at ${new Date(row.at).toISOString()} cannot be read`);
    }
    if (!parsed?.success) {
      reportCorrupt({ table: 'timeline_keyframe_data', key, problem: data ? parsed!.error!.issues.map((i) => i.message).join('; ') : 'missing' });
      throw new StoreError('corrupt', `the timeline's keyframe at ${new Date(row.at).toISOString()} cannot be read`);
    }
    return parsed.data;
  }

  return {
    /**
     * Record one change of the cluster (one transaction): a keyframe for a new chain, when the patch does not
     * follow the open span, or when one is due; else the patch. Returns which was written (null: nothing,
     * a patch that is not newer than the span).
     */
    record(clusterId: string, change: TimelineChange): 'keyframe' | 'patch' | null {
      const at = change.snapshot.observedAt;
      const summary = timelineSummary(change.snapshot);
      const span = open.get(clusterId);
      const transition = span ? !sameSummary(span.summary, summary) : true;
      const follows = span !== undefined && change.baseRev !== null && change.patch !== undefined && change.baseRev === span.lastRev;
      if (span && change.baseRev !== null && change.rev <= span.lastRev) return null;
      const json = follows ? JSON.stringify(encodeStoredPatch(change.patch!)) : '';
      if (follows && !keyframeDue(span.patches, span.at, at, span.jsonBytes + json.length)) {
        writePatch.immediate(span, change.rev, change.baseRev!, at, summary, transition, deflate(json));
        span.patches += 1;
        span.jsonBytes += json.length;
        span.lastRev = change.rev;
        span.summary = summary;
        return 'patch';
      }
      const id = writeKeyframe.immediate(clusterId, change.rev, at, change.baseRev === null || !follows, summary, transition, pack(canonicalize(change.snapshot)));
      open.set(clusterId, { id, at, patches: 0, jsonBytes: 0, lastRev: change.rev, summary });
      return 'keyframe';
    },

    /** the state at t (the newest keyframe at or before t with its patches up to t); null before the oldest kept */
    at(clusterId: string, t: number): TimelineState | null {
      const kf = keyframeAtOrBefore.get(clusterId, t) as KeyframeRow | undefined;
      if (!kf) return null;
      const snapshot = loadKeyframe(kf, clusterId);
      const rows = spanPatchesUpTo.all(kf.id, t) as PatchRow[];
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
    oldest(clusterId: string): number | null {
      return (oldestStmt.get(clusterId) as number | null) ?? null;
    },

    /** the latest change recorded; null when nothing is */
    newest(clusterId: string): number | null {
      const kf = newestKeyframe.get(clusterId) as KeyframeRow | undefined;
      if (!kf) return null;
      const p = spanNewest.get(kf.id) as number | null;
      return p === null ? kf.at : Math.max(kf.at, p);
    },

    /**
     * The changes in [from, to] (oldest first), at most `cap`: every one when the range holds few enough,
     * else every transition and keyframe, thinned (truncated). A keyframe is a change too.
     */
    marks(clusterId: string, from: number, to: number, cap: number = TIMELINE_MAX_MARKS): { marks: TimelineMark[]; truncated: boolean } {
      const before = keyframeAtOrBefore.get(clusterId, from) as KeyframeRow | undefined;
      const inRange = keyframesIn.all(clusterId, from, to) as KeyframeRow[];
      const spans = before && before.at < from ? [before, ...inRange] : inRange;
      const total = spans.reduce((n, s) => n + s.patches + 1, 0);
      const full = total <= FULL_SCAN_MAX;
      const marks: TimelineMark[] = [];
      for (const s of spans) {
        if (s.at >= from) marks.push(toMark(s));
        const rows = (full ? spanMarks : spanTransitions).all(s.id, from, to) as MarkRow[];
        for (const r of rows) marks.push(toMark(r));
      }
      const thinned = thinMarks(marks, cap);
      return { marks: thinned.marks, truncated: thinned.truncated || !full };
    },

    /**
     * Retention: drops whole spans, oldest first — those that ended before `before` (the next keyframe is at
     * or before it), and those beyond maxBytesPerCluster counted from the newest. Returns the spans dropped.
     */
    prune(options: TimelinePruneOptions): number {
      const tx = db.transaction((): number => {
        let dropped = 0;
        for (const clusterId of clusterIds.all() as string[]) {
          const newestFirst = keyframesNewestFirst.all(clusterId) as { id: number; at: number; bytes: number }[];
          // the newest span at or before the cut still covers moments after it: it and the newer ones stay
          let cut: { id: number; at: number } | undefined;
          if (options.before !== undefined) cut = newestFirst.find((k) => k.at <= options.before!);
          if (options.maxBytesPerCluster !== undefined) {
            let sum = 0;
            for (let i = 0; i < newestFirst.length; i++) {
              sum += newestFirst[i]!.bytes;
              if (sum > options.maxBytesPerCluster && i > 0) {
                // this span no longer fits: keep the newer ones (the one before it is the oldest kept)
                const keep = newestFirst[i - 1]!;
                if (!cut || keep.at > cut.at || (keep.at === cut.at && keep.id > cut.id)) cut = keep;
                break;
              }
            }
          }
          if (!cut) continue;
          for (const id of keyframesOlderThan.all(clusterId, cut.at, cut.at, cut.id) as number[]) {
            dropSpan(id);
            dropped++;
            for (const [c, span] of open) if (span.id === id) open.delete(c);
          }
        }
        return dropped;
      });
      return tx.immediate();
    },

    /** forget the open span of a cluster: its next change is a keyframe (a collector replaced) */
    close(clusterId: string): void {
      open.delete(clusterId);
    },

    /** what is stored for a cluster (tests, the benchmark) */
    size(clusterId: string): { keyframes: number; patches: number; bytes: number } {
      return countStmt.get(clusterId, clusterId, clusterId) as { keyframes: number; patches: number; bytes: number };
    },
  };
}
