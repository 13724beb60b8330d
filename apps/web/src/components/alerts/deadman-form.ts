// The dead-man's switch form's values and the request they make: the check URL (write-only — the BFF answers
// its origin only, so the field always starts empty) and the interval in seconds. Judged by a zod/mini copy of
// the model's DeadmanInput (same bounds, same words; deadman-form.test.ts holds the two to the same answers),
// built from channel-rules.ts's parts so the first load carries no new zod/mini function. The BFF judges again.
import * as z from 'zod/mini';
import type { DeadmanInput } from '../../api/alerts';
import { wordsOf } from './channel-form';
import { httpUrl, num, SECRET_SET, type Judged, type RuleIssue } from './channel-rules';

export const INTERVAL_MIN_S = 30;
export const INTERVAL_MAX_S = 3_600;
export const INTERVAL_DEFAULT_S = 60;

/** the model's DeadmanInput, in zod/mini (the interval coerced: the form's text) */
const DeadmanRule = z.strictObject({
  url: httpUrl('an http(s) URL, e.g. https://hc-ping.com/<uuid>'),
  intervalS: z._default(num(INTERVAL_MIN_S, INTERVAL_MAX_S, true), INTERVAL_DEFAULT_S),
});

/** a dead-man's switch as PUT takes it, judged as the model's DeadmanInput would */
export function judgeDeadman(input: unknown): Judged {
  const r = DeadmanRule.safeParse(input, { reportInput: true });
  return r.success ? { success: true, data: r.data } : { success: false, issues: r.error.issues as unknown as RuleIssue[] };
}

export interface DeadmanForm {
  /** typed anew every time: never the stored one */
  url: string;
  intervalS: string;
}

/** an empty URL, and the interval in use (or the default) */
export const emptyDeadman = (intervalS: number | null = null): DeadmanForm => ({ url: '', intervalS: String(intervalS ?? INTERVAL_DEFAULT_S) });

/** judged in place of a kept URL (never sent): the stored one was judged when it was set */
const STORED_STAND_IN = 'https://stored.invalid/';

/**
 * The request, or each field's problem in words ("url", "intervalS"); an empty interval is the default. With
 * a switch already on (`configured`), an empty URL keeps the stored one and sends only the interval.
 */
export function deadmanRequest(f: DeadmanForm, configured = false): { ok: true; input: DeadmanInput } | { ok: false; errors: Record<string, string> } {
  const url = f.url.trim();
  const keep = configured && url === '';
  const interval = f.intervalS.trim();
  const r = judgeDeadman({ ...(url ? { url } : keep ? { url: STORED_STAND_IN } : {}), ...(interval ? { intervalS: Number(interval) } : {}) });
  if (r.success) return { ok: true, input: { ...(r.data as DeadmanInput), ...(keep ? { url: SECRET_SET } : {}) } };
  const errors: Record<string, string> = {};
  for (const i of r.issues) errors[i.path.map(String).join('.')] ??= wordsOf(i);
  return { ok: false, errors };
}
