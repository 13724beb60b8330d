// Alert rules (issue 14): what is worth telling someone, on or off per channel, with thresholds. Each rule
// matches incidents (model/incidents.ts: one cause, one incident) or the source's health; one message when
// it opens, one when it closes, reminders while unacknowledged.
import { z } from 'zod';

export const RuleId = z.enum([
  /** quorum lost (and regained: the closing message) */
  'quorum-lost',
  /** a node about to drop, quorum at risk (the early warning) */
  'early-warning',
  'node-offline',
  /** link degraded, down or flapping (damped) */
  'link-degraded',
  /** storage inactive, or above fullPct */
  'storage',
  'qdevice-lost',
  /** HA errors (pve) */
  'ha-error',
  /** the cluster cannot be observed (the source is down) */
  'source-down',
]);
export type RuleId = z.infer<typeof RuleId>;

export const RuleSettings = z
  .object({
    'quorum-lost': z.object({ on: z.boolean() }).strict(),
    'early-warning': z.object({ on: z.boolean() }).strict(),
    'node-offline': z.object({ on: z.boolean() }).strict(),
    'link-degraded': z
      .object({
        on: z.boolean(),
        /** changes of one link within flapWindowS that make it "flapping": one message, then quiet until it settles */
        flapCount: z.number().int().min(2).max(100).default(3),
        flapWindowS: z.number().int().min(10).max(3_600).default(60),
      })
      .strict(),
    storage: z.object({ on: z.boolean(), fullPct: z.number().min(1).max(100).default(90) }).strict(),
    'qdevice-lost': z.object({ on: z.boolean() }).strict(),
    'ha-error': z.object({ on: z.boolean() }).strict(),
    'source-down': z.object({ on: z.boolean(), afterS: z.number().int().min(10).max(3_600).default(60) }).strict(),
  })
  .partial()
  .strict();
export type RuleSettings = z.infer<typeof RuleSettings>;
