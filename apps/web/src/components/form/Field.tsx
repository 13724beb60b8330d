// One form field: its label, the control, a hint and an error, wired for assistive technology. The control
// (an input, select or textarea given as the only child) gets an id the label points at, aria-describedby
// naming the hint and the error, and aria-invalid while there is an error. Every form field of the page
// goes through here, so that wiring is written once.
import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';

/** what Field sets on its control (the control's own values are kept where it has them) */
interface ControlProps {
  id?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean | 'true' | 'false';
  'data-testid'?: string;
}

/**
 * stack: label above, for the sign-in and account forms. compact: small grey label above, for filters and
 * the one-line admin forms. inline: label, control and `after` on one line. check: a checkbox before its label.
 */
export type FieldLayout = 'stack' | 'compact' | 'inline' | 'check';

export interface FieldProps {
  label: ReactNode;
  children: ReactElement<ControlProps>;
  hint?: ReactNode;
  /** the field's problem; nothing (undefined, null, false, '') when there is none */
  error?: ReactNode;
  layout?: FieldLayout;
  /** text after the control on the same line (inline layout: a unit, what the value means) */
  after?: ReactNode;
  /** a label only screen readers read (the row of a table says what the field is) */
  hideLabel?: boolean;
  className?: string;
  /** the label's classes instead of the layout's */
  labelClassName?: string;
}

const cx = (...parts: (string | false | null | undefined)[]) => parts.filter(Boolean).join(' ');

const LAYOUT: Record<FieldLayout, { box: string; label: string; hint: string; error: string }> = {
  stack: {
    box: 'block',
    label: 'mb-1 block text-sm font-semibold',
    hint: 'mt-1 block text-xs text-slate-600 dark:text-slate-400',
    error: 'mt-1 block text-sm font-semibold text-red-800 dark:text-red-300',
  },
  compact: {
    box: 'flex flex-col text-xs',
    label: 'mb-0.5 text-slate-600 dark:text-slate-400',
    hint: 'mt-0.5 text-slate-600 dark:text-slate-400',
    error: 'mt-0.5 font-semibold text-red-800 dark:text-red-300',
  },
  inline: {
    box: 'flex flex-wrap items-center gap-x-2 gap-y-1',
    label: 'font-semibold',
    hint: 'basis-full text-xs text-slate-600 dark:text-slate-400',
    error: 'basis-full text-sm font-semibold text-red-800 dark:text-red-300',
  },
  check: {
    box: 'grid grid-cols-[auto_1fr] items-start gap-x-2 text-sm',
    label: '',
    hint: 'col-start-2 text-xs text-slate-600 dark:text-slate-400',
    error: 'col-start-2 font-semibold text-red-800 dark:text-red-300',
  },
};

export function Field({ label, children, hint, error, layout = 'stack', after, hideLabel, className, labelClassName }: FieldProps) {
  const auto = useId();
  const own = children.props;
  const id = own.id ?? `${auto}-control`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [own['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : own['aria-invalid'],
  });
  const style = LAYOUT[layout];
  const labelEl = (
    <label htmlFor={id} className={hideLabel ? 'sr-only' : (labelClassName ?? style.label)}>
      {label}
    </label>
  );
  const testId = own['data-testid'];
  return (
    <div className={cx(style.box, className)}>
      {layout === 'check' ? (
        <>
          {control}
          {labelEl}
        </>
      ) : (
        <>
          {labelEl}
          {control}
        </>
      )}
      {after}
      {hint && (
        <span id={hintId} className={style.hint}>
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className={style.error} data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </span>
      )}
    </div>
  );
}
