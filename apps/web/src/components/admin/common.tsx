// Small pieces shared by the admin panels.
import { useState, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ROLES, type Role } from '../../api/types';

/** the roles, in a select; its label comes from the Field around it (which also passes id and aria-* on) */
export function RoleSelect({
  value,
  onChange,
  testId,
  ...rest
}: { value: Role; onChange: (r: Role) => void; testId: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  return (
    <select {...rest} className="field" value={value} onChange={(e) => onChange(e.target.value as Role)} data-testid={testId}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

export const ROLE_HELP: Record<Role, string> = {
  viewer: 'read only',
  operator: 'operations and lab controls',
  admin: 'users, tokens, settings, audit',
};

/** a destructive button that asks once more in place ("Really delete x?") */
export function ConfirmButton({ label, question, onConfirm, testId, disabled, children }: { label: string; question: string; onConfirm: () => void; testId: string; disabled?: boolean; children?: ReactNode }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn btn-danger" onClick={() => setAsking(true)} data-testid={testId} disabled={disabled}>
        {label}
        {children}
      </button>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-1" role="group" aria-label={question}>
      <span className="text-sm font-semibold">{question}</span>
      <button
        type="button"
        className="btn btn-danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={`${testId}-yes`}
        autoFocus
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" className="btn" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
