// A scrolling data table with its header row: the column names, and an unnamed (screen-reader only) column
// for row actions when `actions` names it. The rows are the caller's.
import type { ReactNode } from 'react';

interface Props {
  columns: readonly string[];
  /** the label of a last column of buttons, read by screen readers only */
  actions?: string;
  className?: string;
  wrapClassName?: string;
  children: ReactNode;
}

export function DataTable({ columns, actions, className = '', wrapClassName = '', children }: Props) {
  return (
    <div className={`overflow-x-auto ${wrapClassName}`}>
      <table className={`data-table ${className}`}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
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
