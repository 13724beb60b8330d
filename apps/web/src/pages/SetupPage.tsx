// First run (like Uptime Kuma's): create the admin account, the only step before the live cluster.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { authKey, MIN_PASSWORD, setup } from '../api/auth';
import { HttpError } from '../api/http';
import { signedIn } from '../auth/session';
import { AuthShell, ErrorBox, FormField } from '../components/AuthShell';

export default function SetupPage() {
  const qc = useQueryClient();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [tried, setTried] = useState(false);
  const m = useMutation({
    mutationFn: () => setup(username.trim(), password),
    onSuccess: (r) => signedIn(qc, r),
    onError: (err) => {
      // someone else finished the setup first: sign in instead
      if (err instanceof HttpError && err.status === 409) void qc.invalidateQueries({ queryKey: authKey });
    },
  });
  const tooShort = password.length < MIN_PASSWORD;
  const mismatch = repeat !== password;
  const problem = !username.trim()
    ? 'Enter a username.'
    : tooShort
      ? `The password needs at least ${MIN_PASSWORD} characters (${password.length} so far).`
      : mismatch
        ? 'The two passwords differ.'
        : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!problem) m.mutate();
  };
  return (
    <AuthShell
      title="Create the admin account"
      subtitle="Quorate is new here. This account manages users, tokens and settings; the live cluster comes next."
    >
      <form onSubmit={submit} className="space-y-4" data-testid="setup-form" aria-label="Create the admin account" noValidate>
        <FormField label="Username">
          <input
            className="input"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="setup-username"
          />
        </FormField>
        <FormField label="Password" hint={`At least ${MIN_PASSWORD} characters. Kept only as a hash on the server.`}>
          <input
            className="input"
            type="password"
            name="new-password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={tried && tooShort}
            data-testid="setup-password"
          />
        </FormField>
        <FormField label="Repeat the password">
          <input
            className="input"
            type="password"
            name="repeat-password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            aria-invalid={tried && mismatch}
            data-testid="setup-password-repeat"
          />
        </FormField>
        <div aria-live="polite">
          {tried && problem ? (
            <p role="alert" data-testid="setup-problem" className="text-sm font-semibold text-red-800 dark:text-red-300">
              {problem}
            </p>
          ) : (
            <ErrorBox error={m.error} testId="setup-error" />
          )}
        </div>
        <button type="submit" className="btn-primary w-full" disabled={m.isPending} data-testid="setup-submit">
          {m.isPending ? 'Creating…' : 'Create and open the dashboard'}
        </button>
      </form>
    </AuthShell>
  );
}
