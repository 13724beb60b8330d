// The silence form's values and the request they make: for N hours from now, or a window (the browser's local
// time, as <input type="datetime-local"> gives it); a cluster and a rule optional; the reason required. The
// bounds are the model's SilenceInput's (the BFF judges again).
import type { RuleId, SilenceRequest } from '../../api/alerts';

export const HOURS_MIN = 0.05;
export const HOURS_MAX = 24 * 30;
export const REASON_MAX = 500;

export interface SilenceForm {
  mode: 'hours' | 'window';
  hours: string;
  /** datetime-local text ('' for the window: from now) */
  startsAt: string;
  endsAt: string;
  /** a cluster id; '' = every cluster */
  cluster: string;
  /** a rule; '' = every rule */
  rule: RuleId | '';
  reason: string;
}

export const emptySilence = (): SilenceForm => ({ mode: 'hours', hours: '2', startsAt: '', endsAt: '', cluster: '', rule: '', reason: '' });

/** local datetime-local text → ms since the epoch (NaN when it is none) */
const local = (text: string): number => (text.trim() === '' ? Number.NaN : new Date(text).getTime());

export function silenceRequest(f: SilenceForm, now: number): { ok: true; request: SilenceRequest } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const reason = f.reason.trim();
  if (reason === '') errors.reason = 'Say why (it is in the delivery log).';
  else if (reason.length > REASON_MAX) errors.reason = `At most ${REASON_MAX} characters.`;
  const scope = { cluster: f.cluster || null, rule: f.rule || null, reason };
  if (f.mode === 'hours') {
    const hours = Number(f.hours.trim());
    if (f.hours.trim() === '' || !Number.isFinite(hours)) errors.hours = 'A number of hours.';
    else if (hours < HOURS_MIN || hours > HOURS_MAX) errors.hours = `From ${HOURS_MIN} (3 minutes) to ${HOURS_MAX} hours (30 days).`;
    return Object.keys(errors).length ? { ok: false, errors } : { ok: true, request: { ...scope, hours } };
  }
  const startsAt = f.startsAt.trim() === '' ? undefined : local(f.startsAt);
  const endsAt = local(f.endsAt);
  if (startsAt !== undefined && Number.isNaN(startsAt)) errors.startsAt = 'A date and time.';
  if (Number.isNaN(endsAt)) errors.endsAt = 'When the window ends.';
  else if (endsAt <= now) errors.endsAt = 'That is already over.';
  else if (startsAt !== undefined && !Number.isNaN(startsAt) && startsAt >= endsAt) errors.endsAt = 'The end must come after the start.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: startsAt === undefined ? { ...scope, endsAt } : { ...scope, startsAt, endsAt } };
}
