// Sign in. A 429 shows a countdown until the next attempt is allowed.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { login } from '../api/auth';
import { HttpError } from '../api/http';
import { signedIn } from '../auth/session';
import { useNow } from '../lib/useNow';
import { AuthShell, ErrorBox, FormField } from '../components/AuthShell';

function retryAfterMs(err: unknown): number | null {
  if (!(err instanceof HttpError) || err.status !== 429) return null;
  const raw = err.raw as { retryAfterS?: unknown } | null;
  const s = typeof raw?.retryAfterS === 'number' ? raw.retryAfterS : Number(/(\d+)\s*s/.exec(err.message)?.[1] ?? 60);
  return s * 1000;
}

/** why the server refused, when it is more than "too many attempts" (which limit, what is not affected) */
function refusalReason(err: unknown): string | null {
  if (!(err instanceof HttpError) || err.status !== 429) return null;
  const why = err.message.replace(/:\s*try again in \d+\s*s/, '').trim();
  return /^too many attempts$/i.test(why) ? null : why.charAt(0).toUpperCase() + why.slice(1) + '.';
}

export function LoginPage() {
  const qc = useQueryClient();
  const now = useNow();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);
  const m = useMutation({
    mutationFn: () => login(username.trim(), password),
    onSuccess: (r) => signedIn(qc, r),
    onError: (err) => {
      const ms = retryAfterMs(err);
      if (ms !== null) setBlockedUntil(Date.now() + ms);
      setPassword('');
    },
  });
  const waitS = blockedUntil === null ? 0 : Math.ceil((blockedUntil - now) / 1000);
  const blocked = waitS > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!blocked) m.mutate();
  };
  const err = m.error;
  return (
    <AuthShell title="Sign in" subtitle="to the live view of your Proxmox VE clusters">
      <form onSubmit={submit} className="space-y-4" data-testid="login-form" aria-label="Sign in">
        <FormField label="Username">
          <input
            className="input"
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
          />
        </FormField>
        <FormField label="Password">
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </FormField>
        <div aria-live="polite">
          {blocked ? (
            <p role="alert" data-testid="login-wait" className="rounded border-2 border-amber-600 bg-amber-50 p-2 text-sm font-semibold text-amber-950 dark:bg-amber-950 dark:text-amber-50">
              Too many attempts: try again in <span className="tabular-nums">{waitS} s</span>.
              {refusalReason(err) && (
                <span className="mt-1 block font-normal" data-testid="login-wait-reason">
                  {refusalReason(err)}
                </span>
              )}
            </p>
          ) : err && retryAfterMs(err) === null ? (
            <ErrorBox error={err} testId="login-error" />
          ) : null}
        </div>
        <button type="submit" className="btn-primary w-full" disabled={m.isPending || blocked} data-testid="login-submit">
          {m.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthShell>
  );
}
