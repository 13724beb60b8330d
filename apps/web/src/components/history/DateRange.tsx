// The history's date range: "From" and "To" in the reader's local time (the zone is in the labels), kept
// in the URL as ms (after: inclusive, before: exclusive). The inputs go to the minute, and "To 21:41"
// takes in that whole minute (before = 21:42:00.000).
import { Field } from '../form';

const MINUTE = 60_000;

/** ms since the epoch → the value of a datetime-local input (local time, to the minute) */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** a datetime-local value (local time) → ms since the epoch; '' or nonsense → undefined */
export function fromLocalInput(value: string): number | undefined {
  const ms = value ? new Date(value).getTime() : NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** the "To" field: the minute it shows ends the range */
export const toInputOfBefore = (before: number) => toLocalInput(before - 1);
export function beforeOfToInput(value: string): number | undefined {
  const ms = fromLocalInput(value);
  return ms === undefined ? undefined : ms + MINUTE;
}

export function DateRange({
  after,
  before,
  zone,
  onChange,
}: {
  after: number | undefined;
  before: number | undefined;
  /** the reader's time zone, e.g. "CET" */
  zone: string;
  onChange: (range: { after?: number | undefined; before?: number | undefined }) => void;
}) {
  const backwards = after !== undefined && before !== undefined && after >= before;
  return (
    <>
      <Field label={`From (${zone})`} layout="compact">
        <input
          type="datetime-local"
          className="field"
          value={after === undefined ? '' : toLocalInput(after)}
          max={before === undefined ? undefined : toInputOfBefore(before)}
          onChange={(e) => onChange({ after: fromLocalInput(e.target.value) })}
          data-testid="history-after"
        />
      </Field>
      <Field label={`To (${zone})`} layout="compact" error={backwards ? '“To” is before “From”' : undefined}>
        <input
          type="datetime-local"
          className="field"
          value={before === undefined ? '' : toInputOfBefore(before)}
          min={after === undefined ? undefined : toLocalInput(after)}
          onChange={(e) => onChange({ before: beforeOfToInput(e.target.value) })}
          data-testid="history-before"
        />
      </Field>
      {(after !== undefined || before !== undefined) && (
        <button type="button" className="btn self-end" onClick={() => onChange({ after: undefined, before: undefined })} data-testid="history-range-clear">
          Any time
        </button>
      )}
    </>
  );
}
