// Time travel (issue 15): GET /api/v1/timeline (the changes of a range as marks, the oldest moment kept, the
// range's events) and GET /api/v1/timeline/at (the cluster as the BFF held it at t). Answers are judged by
// zod/mini copies of the model's TimelinePage and TimelineAt (timeline.test.ts holds them to the model): the
// envelope and marks whole, the snapshot by its outline (the panels read it; the BFF built it from its own
// validated records). They judge; the answer itself is kept as sent (an outline would strip the rest). Only
// zod/mini functions the first load already carries (a new one would land in the shared chunk: 125 KB budget).
import * as z from 'zod/mini';
import type { TimelineAt, TimelinePage } from '@quorate/model';
import { query, request } from './http';

export type { TimelineAt, TimelineMark, TimelinePage } from '@quorate/model';

/** the query keys of this page (kept here: the page is the only user, and it is its own chunk) */
export const timelineKeys = {
  range: (clusterId: string, from: number, to: number) => ['timeline', clusterId, from, to] as const,
  at: (clusterId: string, t: number) => ['timeline-at', clusterId, t] as const,
};

const num = z.number();
/** a whole number ≥ 0 (refine: the first load's zod/mini has it, int() and minimum() it has not) */
const count = z.number().check(z.refine((n) => Number.isInteger(n) && n >= 0));
const Severity = z.enum(['info', 'warning', 'critical']);

export const TimelineMarkMini = z.object({
  at: num,
  rev: count,
  quorate: z.nullable(z.boolean()),
  nodesOnline: count,
  state: z.enum(['healthy', 'degraded', 'lost', 'unknown']),
  severity: z.optional(Severity),
  transition: z.boolean(),
});

/** an event as the page shows it (seq, time, severity, its line); the rest rides along */
const EventMini = z.object({ seq: count, clusterId: z.string(), at: num, severity: Severity, message: z.string(), body: z.object({ type: z.string() }) });

export const TimelinePageMini = z.object({
  clusterId: z.string().check(z.minLength(1)),
  from: num,
  to: num,
  oldest: z.nullable(num),
  newest: z.nullable(num),
  marks: z.array(TimelineMarkMini),
  truncated: z.boolean(),
  events: z.array(EventMini),
  eventsTruncated: z.boolean(),
});

/** the snapshot's outline: what every panel reads first */
const SnapshotOutline = z.object({
  clusterId: z.string().check(z.minLength(1)),
  observedAt: num,
  source: z.enum(['sim', 'lab', 'ssh', 'pve']),
  observer: z.nullable(z.object({ nodeId: num, name: z.string() })),
  cluster: z.object({ name: z.string(), quorumOptions: z.object({}) }),
  quorum: z.nullable(z.object({ quorate: z.boolean(), members: z.array(num) })),
  nodes: z.array(z.object({ id: num, name: z.string(), state: z.enum(['online', 'offline', 'unknown']) })),
  links: z.array(z.object({ from: num, to: num, link: num })),
  qdevice: z.nullable(z.object({})),
  storage: z.nullable(z.array(z.object({ id: z.string() }))),
  views: z.array(z.object({ nodeId: num })),
  partitioned: z.boolean(),
  warnings: z.array(z.object({ nodeId: num })),
});

export const TimelineAtMini = z.object({
  clusterId: z.string().check(z.minLength(1)),
  t: num,
  at: num,
  rev: count,
  snapshot: SnapshotOutline,
});

/** the changes of [from, to] (ms), the oldest moment kept and the range's events */
export async function fetchTimeline(clusterId: string, from: number, to: number): Promise<TimelinePage> {
  const raw = await request<unknown>(`/api/v1/timeline${query({ cluster: clusterId, from, to })}`);
  TimelinePageMini.parse(raw);
  return raw as TimelinePage;
}

/** the cluster as it was at t (ms) */
export async function fetchTimelineAt(clusterId: string, t: number): Promise<TimelineAt> {
  const raw = await request<unknown>(`/api/v1/timeline/at${query({ cluster: clusterId, t })}`);
  TimelineAtMini.parse(raw);
  return raw as TimelineAt;
}
