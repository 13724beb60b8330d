// Your account: change your password (needs the current one).
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { changePassword, MIN_PASSWORD } from '../api/auth';
import { PasswordForm } from '../auth/forms';
import { useSessionUser } from '../auth/session';
import { ErrorBox, Field, SubmitButton } from '../components/form';

const EMPTY: PasswordForm = { current: '', next: '', repeat: '' };

export default function AccountPage() {
  const user = useSessionUser();
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<PasswordForm>({ resolver: zodResolver(PasswordForm), defaultValues: EMPTY });
  const m = useMutation({
    mutationFn: (v: PasswordForm) => changePassword(v.current, v.next),
    onSuccess: () => reset(EMPTY),
  });
  const submit = handleSubmit((v) => {
    m.reset();
    m.mutate(v);
  });
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
        <Field label="Current password" error={errors.current?.message}>
          <input className="input" type="password" autoComplete="current-password" {...register('current')} data-testid="password-current" />
        </Field>
        <Field label="New password" hint={`At least ${MIN_PASSWORD} characters.`} error={errors.next?.message}>
          <input className="input" type="password" autoComplete="new-password" {...register('next')} data-testid="password-new" />
        </Field>
        <Field label="Repeat the new password" error={errors.repeat?.message}>
          <input className="input" type="password" autoComplete="new-password" {...register('repeat')} data-testid="password-repeat" />
        </Field>
        <div aria-live="polite">
          <ErrorBox error={m.error} testId="password-error" />
          {m.isSuccess && (
            <p className="text-sm font-semibold text-emerald-800 dark:text-emerald-300" data-testid="password-done">
              Password changed.
            </p>
          )}
        </div>
        <SubmitButton pending={m.isPending} pendingLabel="Changing…" testId="password-submit">
          Change password
        </SubmitButton>
      </form>
    </section>
  );
}
