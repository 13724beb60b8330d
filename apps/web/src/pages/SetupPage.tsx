// First run (like Uptime Kuma's): create the admin account, the only step before the live cluster.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { MIN_PASSWORD, setup } from '../api/auth';
import { HttpError } from '../api/http';
import { queryKeys } from '../api/keys';
import { SetupForm } from '../auth/forms';
import { signedIn } from '../auth/session';
import { AuthShell } from '../components/AuthShell';
import { ErrorBox, Field, SubmitButton } from '../components/form';

export default function SetupPage() {
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<SetupForm>({ resolver: zodResolver(SetupForm), defaultValues: { username: 'admin', password: '', repeat: '' } });
  const m = useMutation({
    mutationFn: (v: SetupForm) => setup(v.username, v.password),
    onSuccess: (r) => signedIn(qc, r),
    onError: (err) => {
      // someone else finished the setup first: sign in instead
      if (err instanceof HttpError && err.status === 409) void qc.invalidateQueries({ queryKey: queryKeys.auth });
    },
  });
  return (
    <AuthShell
      title="Create the admin account"
      subtitle="Quorate is new here. This account manages users, tokens and settings; the live cluster comes next."
    >
      <form onSubmit={handleSubmit((v) => m.mutate(v))} className="space-y-4" data-testid="setup-form" aria-label="Create the admin account" noValidate>
        <Field label="Username" error={errors.username?.message}>
          <input className="input" autoComplete="username" {...register('username')} data-testid="setup-username" />
        </Field>
        <Field label="Password" hint={`At least ${MIN_PASSWORD} characters. Kept only as a hash on the server.`} error={errors.password?.message}>
          <input className="input" type="password" autoComplete="new-password" autoFocus {...register('password')} data-testid="setup-password" />
        </Field>
        <Field label="Repeat the password" error={errors.repeat?.message}>
          <input className="input" type="password" autoComplete="new-password" {...register('repeat')} data-testid="setup-password-repeat" />
        </Field>
        <div aria-live="polite">
          <ErrorBox error={m.error} testId="setup-error" />
        </div>
        <SubmitButton pending={m.isPending} pendingLabel="Creating…" className="btn-primary w-full" testId="setup-submit">
          Create and open the dashboard
        </SubmitButton>
      </form>
    </AuthShell>
  );
}
