// The delivery log (GET /api/v1/alerts/deliveries): who was told what, when, and the reply — or why not
// (silenced, held, damped). Silences and acknowledgements (REST) are here too.
import { z } from 'zod';
import { ClusterIdParam } from '../operations';
import { NotificationKind } from './notification';
import { ChannelType } from './channels';
import { RuleId } from './rules';

export const DeliveryOutcome = z.enum(['sent', 'failed', 'suppressed']);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

export const Delivery = z.object({
  id: z.number().int(),
  at: z.number(),
  channelId: z.string(),
  channelName: z.string(),
  channelType: ChannelType,
  notificationId: z.string(),
  kind: NotificationKind,
  rule: RuleId.nullable(),
  clusterId: z.string().nullable(),
  incidentId: z.string().nullable(),
  title: z.string(),
  outcome: DeliveryOutcome,
  /** the provider's reply status (HTTP, SMTP) */
  status: z.number().int().nullable(),
  /** the provider's reply in short, or why it was not sent */
  detail: z.string(),
  attempts: z.number().int().min(0),
  /** delivered here because this channel failed (its fallback) */
  fallbackOf: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryQuery = z
  .object({
    channel: z.string().max(64).optional(),
    cluster: ClusterIdParam.optional(),
    outcome: DeliveryOutcome.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;
export const DeliveryPage = z.object({ deliveries: z.array(Delivery), total: z.number().int() });
export type DeliveryPage = z.infer<typeof DeliveryPage>;

/** POST /api/v1/alerts/silences: for N hours from now, or a maintenance window (startsAt..endsAt) */
export const SilenceInput = z
  .object({
    cluster: ClusterIdParam.nullable().optional(),
    rule: RuleId.nullable().optional(),
    hours: z.number().min(0.05).max(24 * 30).optional(),
    startsAt: z.number().int().optional(),
    endsAt: z.number().int().optional(),
    reason: z.string().trim().min(1, 'say why (it is in the delivery log)').max(500),
  })
  .strict()
  .refine((s) => (s.hours !== undefined) !== (s.endsAt !== undefined), { message: 'either hours, or a window with endsAt (and startsAt)' })
  .refine((s) => s.endsAt === undefined || s.startsAt === undefined || s.startsAt < s.endsAt, { message: 'startsAt must be before endsAt', path: ['endsAt'] });
export type SilenceInput = z.infer<typeof SilenceInput>;

export const SilenceView = z.object({
  id: z.string(),
  clusterId: z.string().nullable(),
  rule: RuleId.nullable(),
  startsAt: z.number(),
  endsAt: z.number(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type SilenceView = z.infer<typeof SilenceView>;

/** PUT /api/v1/alerts/deadman: the URL Quorate pings every intervalS (a healthchecks-style check) */
export const DeadmanInput = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://hc-ping.com/<uuid>' }).max(2048),
    intervalS: z.number().int().min(30).max(3_600).default(60),
  })
  .strict();
export type DeadmanInput = z.infer<typeof DeadmanInput>;

/** GET /api/v1/alerts/deadman: configured or not, where (origin only: the URL holds the check's key), the last ping */
export const DeadmanView = z.object({
  configured: z.boolean(),
  hint: z.string().nullable(),
  intervalS: z.number().int().nullable(),
  last: z.object({ at: z.number(), ok: z.boolean(), status: z.number().int().nullable(), detail: z.string() }).nullable(),
});
export type DeadmanView = z.infer<typeof DeadmanView>;
