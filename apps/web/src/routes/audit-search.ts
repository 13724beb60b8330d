// The audit page's filters (its search params), judged by the page and loaded with it: the first load
// carries none of it.
import * as z from 'zod/mini';
import type { AuditResult } from '@quorate/model';
import { offset, optional } from './search';

export const AUDIT_RESULTS = ['ok', 'refused', 'failed'] as const satisfies readonly AuditResult[];

export const auditSearch = z.object({
  operation: optional(z.string().check(z.minLength(1), z.maxLength(128))),
  result: optional(z.enum(AUDIT_RESULTS)),
  /** `cluster`: only the chosen cluster's records; absent: all clusters */
  scope: optional(z.literal('cluster')),
  offset,
});
export type AuditSearch = z.output<typeof auditSearch>;
