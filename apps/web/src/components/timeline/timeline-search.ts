// The time-travel page's search params (judged here, loaded with the page: the router only casts them):
// `t` the moment shown (ms since the epoch), `w` the scrubber's window in minutes around it. A value that
// does not fit counts as absent (a bad link shows the latest moment, not an error).
import * as z from 'zod/mini';

export const WINDOWS_MIN = [15, 60, 360, 1440, 10080] as const;
export const DEFAULT_WINDOW_MIN = 60;

const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

export const timelineSearch = z.object({
  t: optional(z.coerce.number().check(z.refine((n) => Number.isInteger(n) && n >= 0))),
  w: optional(z.coerce.number().check(z.refine((n) => (WINDOWS_MIN as readonly number[]).includes(n)))),
});
export type TimelineSearch = z.output<typeof timelineSearch>;

export const windowLabel = (min: number): string => (min < 60 ? `${min} min` : min < 1440 ? `${min / 60} h` : `${min / 1440} d`);

/** the scrubber's range: the window around t (ending now when t is near it, never past now) */
export function rangeOf(t: number | undefined, windowMin: number, now: number): { from: number; to: number } {
  const w = windowMin * 60_000;
  if (t === undefined) return { from: now - w, to: now };
  const to = Math.min(now, t + w / 2);
  return { from: Math.max(0, Math.min(t, to - w)), to: Math.max(to, t) };
}

/** the mark before / after t (marks oldest first); null at the ends */
export function stepMark<M extends { at: number }>(marks: readonly M[], t: number, dir: -1 | 1, pick: (m: M) => boolean = () => true): M | null {
  if (dir > 0) {
    for (const m of marks) if (m.at > t && pick(m)) return m;
    return null;
  }
  for (let i = marks.length - 1; i >= 0; i--) if (marks[i]!.at < t && pick(marks[i]!)) return marks[i]!;
  return null;
}

/** "2025-11-25 21:41:07Z": the same moment in UTC */
export const formatUtc = (at: number): string => `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
