// What a channel is asked to deliver: one message, already worded (every provider renders the same facts).
import { z } from 'zod';
import { Severity } from '../events';
import { RuleId } from './rules';

export const NotificationKind = z.enum(['opened', 'closed', 'reminder', 'test']);
export type NotificationKind = z.infer<typeof NotificationKind>;

export const Notification = z.object({
  /** stable per incident and kind (and reminder number): a retry or a fallback carries the same id */
  id: z.string(),
  kind: NotificationKind,
  rule: RuleId.nullable(),
  clusterId: z.string().nullable(),
  clusterName: z.string().nullable(),
  severity: Severity,
  /** one line, e.g. "lab: quorum lost — 1 of 3 votes, 2 needed" */
  title: z.string().max(250),
  /** plain text: what happened, since when, what it blocks, how to recover; closed: for how long */
  body: z.string().max(4_000),
  at: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** closed: how long it lasted */
  durationMs: z.number().nullable(),
  incidentId: z.string().nullable(),
  /** the dashboard page for it, when the public URL is configured */
  url: z.string().nullable(),
});
export type Notification = z.infer<typeof Notification>;

/** a sender's answer: delivered or not, the provider's status, a short reason (never a secret) */
export const SendResult = z.object({ ok: z.boolean(), status: z.number().int().nullable(), detail: z.string().max(500) });
export type SendResult = z.infer<typeof SendResult>;
