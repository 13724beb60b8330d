// A scrolling data table with its header row: the column names, and an unnamed (screen-reader only) column
// for row actions when `actions` names it. The rows are the caller's. A column may be sortable: its name is
// then a button, and the sorted one carries aria-sort (a screen reader says how the rows are ordered).
import type { ReactNode } from 'react';

export interface Column {
  label: string;
  /** e.g. `max-sm:hidden` (the row's cell hides with it: the caller gives it the same class) */
  className?: string;
  sort?: {
    /** how the rows are sorted by this column; null: not by this one */
    dir: 'ascending' | 'descending' | null;
    onSort: () => void;
    /** what a press does, for the button's title: "sort by name, A to Z" */
    hint: string;
  };
}

interface Props {
  columns: readonly (string | Column)[];
  /** the label of a last column of buttons, read by screen readers only */
  actions?: string;
  className?: string;
  wrapClassName?: string;
  children: ReactNode;
}

function HeaderCell({ c }: { c: Column }) {
  const s = c.sort;
  if (!s) return <th className={c.className}>{c.label}</th>;
  return (
    <th className={c.className} aria-sort={s.dir ?? 'none'}>
      <button type="button" className="inline-flex items-center gap-1 uppercase hover:underline max-sm:min-h-11" onClick={s.onSort} title={s.hint}>
        {c.label}
        <span aria-hidden="true" className="w-3 text-center">
          {s.dir === 'ascending' ? '▲' : s.dir === 'descending' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

export function DataTable({ columns, actions, className = '', wrapClassName = '', children }: Props) {
  return (
    <div className={`overflow-x-auto ${wrapClassName}`}>
      <table className={`data-table ${className}`}>
        <thead>
          <tr>
            {columns.map((c) => (typeof c === 'string' ? <th key={c}>{c}</th> : <HeaderCell key={c.label} c={c} />))}
            {actions !== undefined && (
              <th>
                <span className="sr-only">{actions}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
