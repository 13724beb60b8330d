// Time travel (issue 15): the cluster as it was at any past moment. The BFF persists, per cluster, keyframes
// (a whole snapshot) and the patches after each (packages/store/src/timeline.ts); the state at t is the
// newest keyframe at or before t with its patches up to t applied (rebuildAt, pure). A keyframe starts every
// chain (a collector's baseline), then one every KEYFRAME_EVERY_PATCHES patches or KEYFRAME_EVERY_MS,
// whichever comes first, so a rebuild applies at most that many patches. The scrubber's marks carry a
// summary of each moment (quorate, nodes online, the health state) so it can colour them without a rebuild.
import { z } from 'zod';
import { ClusterEvent, Severity } from './events';
import type { HealthState } from './health';
import { ClusterIdParam } from './operations';
import type { SnapshotPatch } from './patch';
import { applyPatch } from './patching';
import { ClusterSnapshot } from './snapshot';
import { stateHealth } from './state-health';

/** a keyframe at least every this many patches (a rebuild applies at most this many) */
export const KEYFRAME_EVERY_PATCHES = 200;
/** and at least every this long (ms): a quiet cluster still gets one per quarter hour */
export const KEYFRAME_EVERY_MS = 15 * 60_000;
/**
 * and when the span's patches add up to this much JSON (as stored, before deflate): a large cluster's every
 * tick changes thousands of link figures (~50 kB a patch at 32 nodes), so it gets a keyframe every few dozen
 * patches and a rebuild stays quick (bench/timeline.ts)
 */
export const KEYFRAME_EVERY_JSON_BYTES = 4_000_000;
/** marks answered per range at most (the scrubber's resolution); beyond, transitions first, the rest thinned */
export const TIMELINE_MAX_MARKS = 2_000;
/** events answered per range at most (newest kept) */
export const TIMELINE_MAX_EVENTS = 1_000;
/** a range spans at most this long (ms): the longest retention the settings allow is far beyond a scrub */
export const TIMELINE_MAX_RANGE_MS = 31 * 86_400_000;

export const TimelineHealthState = z.enum(['healthy', 'degraded', 'lost', 'unknown']);

/** what the scrubber shows of one moment: enough to colour it and to find transitions */
export const TimelineSummary = z.object({
  /** null: no node could be asked */
  quorate: z.boolean().nullable(),
  nodesOnline: z.number().int().min(0),
  state: TimelineHealthState,
});
export type TimelineSummary = z.infer<typeof TimelineSummary>;

/** one recorded change: its time (the snapshot's observedAt), its rev and a summary of the state after it */
export const TimelineMark = TimelineSummary.extend({
  at: z.number(),
  rev: z.number().int().min(0),
  /** lost: critical, degraded: warning; absent when healthy or unknown */
  severity: Severity.optional(),
  /** the summary differs from the change before it (quorum, nodes online or health state moved) */
  transition: z.boolean(),
});
export type TimelineMark = z.infer<typeof TimelineMark>;

const ms = z.coerce.number().int('a time in whole ms since the epoch').min(0);

/** GET /api/v1/timeline?cluster=&from=&to= (ms since epoch, inclusive) */
export const TimelineQuery = z
  .object({ cluster: ClusterIdParam.optional(), from: ms, to: ms })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => q.to - q.from <= TIMELINE_MAX_RANGE_MS, { message: `a range spans at most ${TIMELINE_MAX_RANGE_MS / 86_400_000} days`, path: ['to'] });
export type TimelineQuery = z.infer<typeof TimelineQuery>;

/** GET /api/v1/timeline/at?cluster=&t= */
export const TimelineAtQuery = z.object({ cluster: ClusterIdParam.optional(), t: ms }).strict();
export type TimelineAtQuery = z.infer<typeof TimelineAtQuery>;

export const TimelinePage = z.object({
  clusterId: z.string().min(1),
  from: z.number(),
  to: z.number(),
  /** the earliest moment that can be rebuilt (the oldest keyframe kept); null: nothing recorded */
  oldest: z.number().nullable(),
  /** the latest moment recorded; null: nothing recorded */
  newest: z.number().nullable(),
  /** changes in [from, to], oldest first; the state in force at `from` (if older) is not a mark */
  marks: z.array(TimelineMark),
  /** more changes than TIMELINE_MAX_MARKS in the range: every transition is kept first, the rest thinned */
  truncated: z.boolean(),
  /** the events in [from, to], oldest first (the newest TIMELINE_MAX_EVENTS) */
  events: z.array(ClusterEvent),
  eventsTruncated: z.boolean(),
});
export type TimelinePage = z.infer<typeof TimelinePage>;

export const TimelineAt = z.object({
  clusterId: z.string().min(1),
  /** the moment asked for */
  t: z.number(),
  /** the observedAt of the state shown: the last change at or before t */
  at: z.number(),
  rev: z.number().int().min(0),
  snapshot: ClusterSnapshot,
});
export type TimelineAt = z.infer<typeof TimelineAt>;

/** the scrubber's summary of a snapshot (its health once per state: stateHealth) */
export function timelineSummary(s: ClusterSnapshot): TimelineSummary {
  let state: HealthState;
  try {
    state = stateHealth(s).state;
  } catch {
    state = 'unknown';
  }
  return { quorate: s.quorum ? s.quorum.quorate : null, nodesOnline: s.nodes.reduce((n, x) => n + (x.state === 'online' ? 1 : 0), 0), state };
}

export function severityOfState(state: TimelineSummary['state']): Severity | undefined {
  return state === 'lost' ? 'critical' : state === 'degraded' ? 'warning' : undefined;
}

export const sameSummary = (a: TimelineSummary, b: TimelineSummary): boolean => a.quorate === b.quorate && a.nodesOnline === b.nodesOnline && a.state === b.state;

/** a stored keyframe: the whole snapshot at rev, observed at `at` */
export interface TimelineKeyframe {
  rev: number;
  at: number;
  snapshot: ClusterSnapshot;
}

/** a stored patch: from baseRev to rev, observed at `at` */
export interface TimelinePatch {
  rev: number;
  baseRev: number;
  at: number;
  patch: SnapshotPatch;
}

export class TimelineGapError extends Error {
  constructor(
    readonly expectedBaseRev: number,
    readonly got: { rev: number; baseRev: number },
  ) {
    super(`timeline: patch ${got.rev} is based on ${got.baseRev}, the state is at ${expectedBaseRev}`);
    this.name = 'TimelineGapError';
  }
}

/**
 * The state at t: the keyframe with its patches (oldest first, all of its span) applied while they were
 * observed at or before t. Pure. Throws TimelineGapError when a patch does not follow the one before (a
 * span with a hole must not pass for the past). `at` is the observedAt of the last change applied.
 */
export function rebuildAt(keyframe: TimelineKeyframe, patches: readonly TimelinePatch[], t: number): { rev: number; at: number; snapshot: ClusterSnapshot } {
  let snapshot = keyframe.snapshot;
  let rev = keyframe.rev;
  let at = keyframe.at;
  for (const p of patches) {
    if (p.at > t) break;
    if (p.rev <= keyframe.rev) continue;
    if (p.baseRev !== rev) throw new TimelineGapError(rev, p);
    snapshot = applyPatch(snapshot, p.patch);
    rev = p.rev;
    at = p.at;
  }
  return { rev, at, snapshot };
}

/** whether the next change should be written as a keyframe (a new chain always is: the caller knows) */
export function keyframeDue(patchesSinceKeyframe: number, keyframeAt: number, at: number, jsonBytesSinceKeyframe = 0): boolean {
  return patchesSinceKeyframe >= KEYFRAME_EVERY_PATCHES || at - keyframeAt >= KEYFRAME_EVERY_MS || jsonBytesSinceKeyframe >= KEYFRAME_EVERY_JSON_BYTES;
}

/**
 * At most `cap` marks, oldest first: every transition (the newest ones when even they are too many), then
 * the other changes evenly spread over the rest. `marks` oldest first.
 */
export function thinMarks(marks: readonly TimelineMark[], cap: number = TIMELINE_MAX_MARKS): { marks: TimelineMark[]; truncated: boolean } {
  if (marks.length <= cap) return { marks: [...marks], truncated: false };
  const transitions: number[] = [];
  const others: number[] = [];
  marks.forEach((m, i) => (m.transition ? transitions : others).push(i));
  const keep = new Set(transitions.slice(-cap));
  const room = cap - keep.size;
  if (room > 0) {
    const step = others.length / room;
    for (let k = 0; k < room; k++) keep.add(others[Math.floor(k * step)]!);
  }
  return { marks: [...keep].sort((a, b) => a - b).map((i) => marks[i]!), truncated: true };
}

// ---------------------------------------------------------------- stored patch form

const LINK_KEYS = ['from', 'to', 'link', 'enabled', 'connected', 'latencyAvgMs', 'latencyMaxMs', 'lossPct', 'downCount'] as const;

/** link upserts as columns: a 32-node cluster's tick is ~2,000 of them, and keys repeated per item cost 5× */
interface LinkColumns {
  /** linkKeyNumber: (from × 65536 + to) × 8 + link */
  k: number[];
  /** enabled + 2 × connected */
  f: number[];
  a: (number | null)[];
  m: (number | null)[];
  l: (number | null)[];
  d: number[];
  /** removed keys, as the patch has them */
  r: string[];
}

/** a patch as the timeline stores it: the same, with link upserts as columns (`L`) when they have the known fields */
export type StoredPatch = Omit<SnapshotPatch, 'links'> & { links?: SnapshotPatch['links']; L?: LinkColumns };

export function encodeStoredPatch(patch: SnapshotPatch): StoredPatch {
  const links = patch.links;
  if (!links || !links.upsert.every((l) => Object.keys(l).length === LINK_KEYS.length && LINK_KEYS.every((k) => k in l))) return patch;
  const c: LinkColumns = { k: [], f: [], a: [], m: [], l: [], d: [], r: links.remove };
  for (const x of links.upsert) {
    c.k.push((x.from * 65536 + x.to) * 8 + x.link);
    c.f.push((x.enabled ? 1 : 0) + (x.connected ? 2 : 0));
    c.a.push(x.latencyAvgMs);
    c.m.push(x.latencyMaxMs);
    c.l.push(x.lossPct);
    c.d.push(x.downCount);
  }
  const { links: _links, ...rest } = patch;
  return { ...rest, L: c };
}

export function decodeStoredPatch(stored: StoredPatch): SnapshotPatch {
  const c = stored.L;
  if (!c) return stored as SnapshotPatch;
  const { L: _c, ...rest } = stored;
  const upsert = c.k.map((key, i) => {
    const link = key % 8;
    const pair = (key - link) / 8;
    const to = pair % 65536;
    return {
      from: (pair - to) / 65536,
      to,
      link,
      enabled: (c.f[i]! & 1) === 1,
      connected: (c.f[i]! & 2) === 2,
      latencyAvgMs: c.a[i] ?? null,
      latencyMaxMs: c.m[i] ?? null,
      lossPct: c.l[i] ?? null,
      downCount: c.d[i]!,
    };
  });
  return { ...rest, links: { upsert, remove: c.r } } as SnapshotPatch;
}
