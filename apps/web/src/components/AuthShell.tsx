// The frame of the pages before the dashboard (setup, login): one centred card, like Uptime Kuma's.
import type { ReactNode } from 'react';
import { Brand } from './BrandMark';

export function AuthShell({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-start justify-center px-3 pt-[12vh] pb-10">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-md dark:border-slate-800 dark:bg-slate-900">
        <p className="mb-4 flex justify-center text-base">
          <Brand />
        </p>
        <h1 className="text-center text-2xl font-bold">{title}</h1>
        {subtitle && <p className="mt-1 text-center text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>}
        <div className="mt-5">{children}</div>
      </div>
    </main>
  );
}
