// The history page's filters (its search params), judged by the page and loaded with it: the first load
// carries none of it.
import * as z from 'zod/mini';
import type { EventType, Severity } from '@quorate/model';
import { offset, optional } from './search';

/** each event type in words, by the names the BFF's /history takes */
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  'quorum-lost': 'quorum lost',
  'quorum-regained': 'quorum regained',
  'node-left': 'node left',
  'node-joined': 'node joined',
  'node-unreachable-warning': 'early warning',
  'node-unreachable-cleared': 'early warning cleared',
  'expected-votes-changed': 'expected votes changed',
  'link-down': 'link down',
  'link-up': 'link up',
  'link-degraded': 'link degraded',
  'link-recovered': 'link recovered',
  'partition-changed': 'partition',
  'observer-changed': 'observer changed',
  'config-version-changed': 'config version changed',
  'storage-state-changed': 'storage state',
  'ha-error': 'HA error',
  'ha-error-cleared': 'HA error cleared',
  'ha-fencing': 'HA fencing',
  'ceph-health-changed': 'Ceph health',
};
const EVENT_TYPES = Object.keys(EVENT_TYPE_LABELS) as [EventType, ...EventType[]];
export const SEVERITIES = ['critical', 'warning', 'info'] as const satisfies readonly Severity[];

export const historySearch = z.object({
  type: optional(z.enum(EVENT_TYPES)),
  severity: optional(z.enum(SEVERITIES)),
  /** only events before this time (ms since the epoch; the range's end, exclusive) */
  before: offset,
  /** only events at or after this time (ms since the epoch; the range's start) */
  after: offset,
  offset,
});
export type HistorySearch = z.output<typeof historySearch>;
