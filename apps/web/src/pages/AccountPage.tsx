// Your account: change your password (needs the current one).
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { changePassword, MIN_PASSWORD } from '../api/auth';
import { useSessionUser } from '../auth/session';
import { ErrorBox, FormField } from '../components/AuthShell';

export default function AccountPage() {
  const user = useSessionUser();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [tried, setTried] = useState(false);
  const m = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
      setTried(false);
    },
  });
  const problem = next.length < MIN_PASSWORD ? `The new password needs at least ${MIN_PASSWORD} characters.` : next !== repeat ? 'The two new passwords differ.' : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    m.reset();
    if (!problem) m.mutate();
  };
  return (
    <section aria-labelledby="account-title" className="panel max-w-lg" data-testid="account-page">
      <h2 id="account-title" className="panel-title">
        Your account
      </h2>
      {user && (
        <p className="mb-3 text-sm">
          Signed in as <strong>{user.username}</strong>, role <strong>{user.role}</strong>.
        </p>
      )}
      <form onSubmit={submit} className="space-y-3" aria-label="Change password" noValidate>
        <h3 className="font-semibold">Change password</h3>
        <FormField label="Current password">
          <input className="input" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="password-current" />
        </FormField>
        <FormField label="New password" hint={`At least ${MIN_PASSWORD} characters.`}>
          <input className="input" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="password-new" />
        </FormField>
        <FormField label="Repeat the new password">
          <input className="input" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} data-testid="password-repeat" />
        </FormField>
        <div aria-live="polite">
          {tried && problem && <p className="text-sm font-semibold text-red-800 dark:text-red-300">{problem}</p>}
          <ErrorBox error={m.error} testId="password-error" />
          {m.isSuccess && (
            <p className="text-sm font-semibold text-emerald-800 dark:text-emerald-300" data-testid="password-done">
              Password changed.
            </p>
          )}
        </div>
        <button type="submit" className="btn-primary" disabled={m.isPending} data-testid="password-submit">
          {m.isPending ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
