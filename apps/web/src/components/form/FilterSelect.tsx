// A filter of a list page (history, audit): a labelled select whose first option means "no filter" ('').
import { Field } from './Field';

export interface FilterOption<T extends string> {
  value: T;
  label: string;
}

export function FilterSelect<T extends string>({
  label,
  value,
  onChange,
  options,
  allLabel,
  testId,
}: {
  label: string;
  /** '' = all */
  value: T | '';
  onChange: (value: T | '') => void;
  options: readonly (T | FilterOption<T>)[];
  /** the text of the no-filter option, e.g. "all severities" */
  allLabel: string;
  testId?: string;
}) {
  return (
    <Field label={label} layout="compact">
      <select className="field" value={value} onChange={(e) => onChange(e.target.value as T | '')} data-testid={testId}>
        <option value="">{allLabel}</option>
        {options.map((o) => {
          const { value: v, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </Field>
  );
}
