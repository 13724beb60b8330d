// The alerts page's search params: the delivery log's filters and page (`/alerts?outcome=failed`), so a reload
// or a shared link shows the same list. A value that does not fit is dropped (as routes/search.ts does).
import * as z from 'zod/mini';
import type { DeliveryOutcome } from '../../api/alerts';

const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

export const DELIVERY_OUTCOMES = ['sent', 'failed', 'suppressed'] as const satisfies readonly DeliveryOutcome[];

export const alertsSearch = z.object({
  /** a channel id */
  channel: optional(z.string().check(z.minLength(1), z.maxLength(64))),
  outcome: optional(z.enum(DELIVERY_OUTCOMES)),
  offset: optional(z.coerce.number().check(z.refine((n) => Number.isInteger(n) && n >= 0))),
});
export type AlertsSearch = z.output<typeof alertsSearch>;
