// The frame of the pages before the dashboard (setup, login): one centred card, like Uptime Kuma's.
import type { ReactNode } from 'react';
import { Icon } from './Icon';

export function AuthShell({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-start justify-center px-3 pt-[12vh] pb-10">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-md dark:border-slate-800 dark:bg-slate-900">
        <p className="mb-4 flex items-center justify-center gap-2 text-sm font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
          <Icon name="ok" className="size-5 text-emerald-600 dark:text-emerald-400" />
          Quorate
        </p>
        <h1 className="text-center text-2xl font-bold">{title}</h1>
        {subtitle && <p className="mt-1 text-center text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>}
        <div className="mt-5">{children}</div>
      </div>
    </main>
  );
}

/** a labelled input on its own line */
export function FormField({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className="block">
      <span className="mb-1 block text-sm font-semibold">{label}</span>
      {children}
      {hint && <span className="mt-1 block text-xs text-slate-600 dark:text-slate-400">{hint}</span>}
    </label>
  );
}

/** the server's error text as sent, with its field issues */
export function ErrorBox({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const issues =
    error && typeof error === 'object' && 'body' in error
      ? ((error as { body: { issues?: { path: string; message: string }[] } | null }).body?.issues ?? [])
      : [];
  return (
    <div role="alert" data-testid={testId} className="rounded border-2 border-red-700 bg-red-50 p-2 text-sm text-red-950 dark:border-red-400 dark:bg-red-950 dark:text-red-100">
      <p className="flex items-center gap-1 font-semibold">
        <Icon name="bad" /> {message}
      </p>
      {issues.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {issues.map((i, k) => (
            <li key={k}>
              {i.path ? <code>{i.path}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
