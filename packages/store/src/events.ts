// The event part's queries and pages (sql/events.ts keeps the numbered events).
import { z } from 'zod';
import type { ClusterEvent } from '@quorate/model';
import { EventTypeName, Severity } from '@quorate/model';

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

export type EventPage = { events: ClusterEvent[]; next: number };
export type EventList = { events: ClusterEvent[]; total: number };
