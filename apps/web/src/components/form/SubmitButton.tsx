// A form's submit button: while the request runs it is disabled and says so ("Signing in…").
import type { ReactNode } from 'react';

export function SubmitButton({
  pending,
  pendingLabel,
  children,
  disabled,
  className = 'btn-primary',
  testId,
}: {
  /** the request is under way */
  pending: boolean;
  /** the label while pending, e.g. "Saving…" */
  pendingLabel: ReactNode;
  children: ReactNode;
  /** disabled for another reason (not ready, rate-limited) */
  disabled?: boolean;
  className?: string;
  testId?: string;
}) {
  return (
    <button type="submit" className={className} disabled={pending || disabled} aria-busy={pending || undefined} data-testid={testId}>
      {pending ? pendingLabel : children}
    </button>
  );
}
