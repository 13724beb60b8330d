// Sign in. A 429 shows a countdown until the next attempt is allowed.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { login } from '../api/auth';
import { HttpError } from '../api/http';
import { LoginForm } from '../auth/forms';
import { signedIn } from '../auth/session';
import { useNow } from '../lib/useNow';
import { AuthShell } from '../components/AuthShell';
import { ErrorBox, Field, SubmitButton } from '../components/form';

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

export default function LoginPage() {
  const qc = useQueryClient();
  const now = useNow();
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);
  const {
    register,
    handleSubmit,
    setValue,
    formState: { errors },
  } = useForm<LoginForm>({ resolver: zodResolver(LoginForm), defaultValues: { username: '', password: '' } });
  const m = useMutation({
    mutationFn: (v: LoginForm) => login(v.username, v.password),
    onSuccess: (r) => signedIn(qc, r),
    onError: (err) => {
      const ms = retryAfterMs(err);
      if (ms !== null) setBlockedUntil(Date.now() + ms);
      setValue('password', '');
    },
  });
  const waitS = blockedUntil === null ? 0 : Math.ceil((blockedUntil - now) / 1000);
  const blocked = waitS > 0;
  const err = m.error;
  return (
    <AuthShell title="Sign in" subtitle="to the live view of your Proxmox VE clusters">
      <form onSubmit={handleSubmit((v) => !blocked && m.mutate(v))} className="space-y-4" data-testid="login-form" aria-label="Sign in" noValidate>
        <Field label="Username" error={errors.username?.message}>
          <input className="input" autoComplete="username" autoFocus {...register('username')} data-testid="login-username" />
        </Field>
        <Field label="Password" error={errors.password?.message}>
          <input className="input" type="password" autoComplete="current-password" {...register('password')} data-testid="login-password" />
        </Field>
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
        <SubmitButton pending={m.isPending} pendingLabel="Signing in…" disabled={blocked} className="btn-primary w-full" testId="login-submit">
          Sign in
        </SubmitButton>
      </form>
    </AuthShell>
  );
}
