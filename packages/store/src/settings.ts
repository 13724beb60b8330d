// Settings kept in kv (sql/settings.ts), each with defaults so a fresh install behaves sensibly.
import { z } from 'zod';
import { parseInput } from './errors';

export const DAY_MS = 86_400_000;

export const Retention = z.object({
  events: z.object({
    maxAgeDays: z.number().int().min(1),
    maxPerCluster: z.number().int().min(1),
  }),
  audit: z.object({ maxAgeDays: z.number().int().min(1) }),
  /** time travel (timeline.ts): whole keyframe spans older than maxAgeDays, or beyond maxMbPerCluster, go */
  timeline: z.object({
    maxAgeDays: z.number().int().min(1),
    /** stored size per cluster (keyframes and patches, deflated), MB; the newest span is always kept */
    maxMbPerCluster: z.number().int().min(1),
  }),
});
export type Retention = z.infer<typeof Retention>;

export const defaultRetention: Retention = {
  events: { maxAgeDays: 90, maxPerCluster: 100_000 },
  audit: { maxAgeDays: 365 },
  // a week at 1 s ticks is ~0.15 GB for a 3-node sim, ~9 GB for 32 nodes × 2 links: see bench/timeline.ts
  timeline: { maxAgeDays: 7, maxMbPerCluster: 1024 },
};

export const RetentionPatch = z.object({
  events: Retention.shape.events.partial().optional(),
  audit: Retention.shape.audit.partial().optional(),
  timeline: Retention.shape.timeline.partial().optional(),
});
export type RetentionPatch = z.input<typeof RetentionPatch>;

export const RETENTION_KEY = 'settings.retention';

/** Drops keys whose value is undefined so a spread does not erase a current value. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The stored values over the defaults. */
export function retentionOf(stored: z.output<typeof RetentionPatch> | undefined): Retention {
  return {
    events: { ...defaultRetention.events, ...defined(stored?.events) },
    audit: { ...defaultRetention.audit, ...defined(stored?.audit) },
    timeline: { ...defaultRetention.timeline, ...defined(stored?.timeline) },
  };
}

/** The patch (validated) over current; throws StoreError('invalid') when the result is not a valid Retention. */
export function mergeRetention(current: Retention, patch: RetentionPatch): Retention {
  const p = parseInput(RetentionPatch, patch, 'retention');
  return parseInput(
    Retention,
    {
      events: { ...current.events, ...defined(p.events) },
      audit: { ...current.audit, ...defined(p.audit) },
      timeline: { ...current.timeline, ...defined(p.timeline) },
    },
    'retention',
  );
}
