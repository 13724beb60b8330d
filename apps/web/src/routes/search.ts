// The search params of each page, as typed schemas (zod/mini: small, and only what the routes use). The
// router parses the query string to plain strings (routes/serialize.ts); these schemas turn them into typed
// values and drop a value that does not fit (a bad bookmark shows the unfiltered page, not an error).
import * as z from 'zod/mini';
import type { AuditResult, EventType, Severity } from '@quorate/model';

/** a value that may be absent; one that does not parse counts as absent */
const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/** a list position: a whole number ≥ 0 */
const offset = optional(z.coerce.number().check(z.refine((n) => Number.isInteger(n) && n >= 0)));

/** every page: the chosen cluster (survives a reload), and the static `?sample=` layouts */
export const rootSearch = z.object({
  cluster: optional(z.string().check(z.minLength(1), z.maxLength(128))),
  sample: optional(z.string().check(z.maxLength(32))),
});
export type RootSearch = z.output<typeof rootSearch>;

/** the history page's filters, by the names the BFF's /history takes */
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

export const AUDIT_RESULTS = ['ok', 'refused', 'failed'] as const satisfies readonly AuditResult[];

export const auditSearch = z.object({
  operation: optional(z.string().check(z.minLength(1), z.maxLength(128))),
  result: optional(z.enum(AUDIT_RESULTS)),
  /** `cluster`: only the chosen cluster's records; absent: all clusters */
  scope: optional(z.literal('cluster')),
  offset,
});
export type AuditSearch = z.output<typeof auditSearch>;
