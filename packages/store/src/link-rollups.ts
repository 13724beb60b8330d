// A 1-minute rollup of link latency and loss per node pair (a < b) and link, as the link rollup part
// (sql/link-rollups.ts) takes and gives it, and how long rollups are kept (a week).
import { z } from 'zod';

export const LinkRollup = z.object({
  a: z.number().int().min(0).max(65535),
  b: z.number().int().min(0).max(65535),
  link: z.number().int().min(0).max(7),
  /** start of the minute (ms since epoch, a whole minute) */
  minute: z.number().int().multipleOf(60_000),
  avgMs: z.number().min(0).nullable(),
  maxMs: z.number().min(0).nullable(),
  lossPct: z.number().min(0).max(100).nullable(),
  lossMaxPct: z.number().min(0).max(100).nullable(),
});
export type LinkRollup = z.infer<typeof LinkRollup>;

/** one write's rows */
export const Rows = z.array(LinkRollup.refine((r) => r.a < r.b, 'a must be below b')).max(100_000);
/** how long rollups are kept */
export const LINK_ROLLUP_KEEP_MS = 7 * 86_400_000;
