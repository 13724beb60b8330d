// Time travel's stored form, for the timeline part (sql/timeline.ts): per cluster, keyframes (the whole
// canonical snapshot) and the patches after each. A keyframe starts each chain (a collector's baseline: a
// new rev line), and one is written instead of a patch every KEYFRAME_EVERY_PATCHES patches or
// KEYFRAME_EVERY_MS (the model's bounds), so a rebuild reads one keyframe and at most that many patches.
// JSON is stored deflated (raw deflate). Pruning (retention.timeline) removes whole spans — a keyframe and
// its patches — oldest first: a kept patch always has its keyframe, and the oldest kept keyframe is the
// earliest moment that can be rebuilt.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { severityOfState } from '@quorate/model';
import type { ClusterSnapshot, SnapshotPatch, TimelineMark, TimelineSummary } from '@quorate/model';

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

/** what a mark is made of: a keyframe's or a patch's row */
type MarkRow = { at: number; rev: number; quorate: number | null; nodes_online: number; state: string; transition: number };

/** reading every change of a range up to this many; beyond, the marks are the transitions and the keyframes */
export const FULL_SCAN_MAX = 20_000;

/**
 * Level 1: a holder writes a patch a second per cluster, and level 6 made the timeline the largest part of a
 * replica's CPU at 100 clusters (bench:scale). A 16-node patch: 98 µs for 3.7 KB at level 1, 591 µs for 3.3 KB
 * at level 6; its keyframe 174 µs for 6.9 KB, 816 µs for 5.9 KB.
 */
export const deflate = (json: string): Buffer => deflateRawSync(Buffer.from(json), { level: 1 });
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
