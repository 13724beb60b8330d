// Admin: the dead-man's switch — on or off, where it pings (the origin only: the URL holds the check's key and
// the BFF never answers it), how often, and the last ping (when, ok or not, status, detail); a form to set it
// (the URL write-only, never prefilled) and Turn off (asked once more).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { alertKeys, clearDeadman, fetchDeadman, setDeadman, type DeadmanInput, type DeadmanView } from '../../api/alerts';
import { formatAgo, formatDateTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { ConfirmButton } from '../admin/common';
import { ErrorBox, Field, SubmitButton } from '../form';
import { deadmanRequest, emptyDeadman, INTERVAL_MAX_S, INTERVAL_MIN_S, type DeadmanForm as Values } from './deadman-form';

/** the last ping moves every interval (≥ 30 s): read again this often */
export const DEADMAN_REFRESH_MS = 15_000;

export const DEADMAN_PURPOSE =
  'Quorate pings this URL every minute (or the interval set here); a service like Healthchecks.io or an Uptime Kuma push monitor tells you when the pings stop — the one alert Quorate cannot send itself.';

function LastPing({ last, now }: { last: NonNullable<DeadmanView['last']>; now: number }) {
  return (
    <p className="text-sm" data-testid="deadman-last" data-ok={last.ok ? 'true' : 'false'}>
      Last ping <time dateTime={new Date(last.at).toISOString()}>{formatDateTime(last.at)}</time> ({formatAgo(last.at, now)}):{' '}
      <span className={`font-semibold ${last.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`} data-testid="deadman-last-outcome">
        {last.ok ? 'ok' : 'failed'}
      </span>
      {last.status !== null && <> · status {last.status}</>}
      {last.detail && <> · {last.detail}</>}
    </p>
  );
}

function DeadmanForm({ view }: { view: DeadmanView }) {
  const qc = useQueryClient();
  const [form, setForm] = useState<Values>(() => emptyDeadman(view.intervalS));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (d: DeadmanInput) => setDeadman(d),
    onSuccess: (v) => {
      qc.setQueryData(alertKeys.deadman, v);
      setForm(emptyDeadman(v.intervalS));
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = deadmanRequest(form, view.configured);
    setErrors(r.ok ? {} : r.errors);
    if (r.ok) save.mutate(r.input);
  };
  const on = view.configured;
  return (
    <form onSubmit={submit} noValidate aria-label={on ? "Change the dead-man's switch" : "Turn the dead-man's switch on"} className="mt-3 space-y-2" data-testid="deadman-form">
      <div className="flex flex-wrap items-start gap-3">
        <Field
          label={on ? 'New check URL' : 'Check URL'}
          layout="compact"
          className="min-w-0 flex-1 basis-64"
          hint={
            on
              ? "The stored URL is never shown (it holds the check's key): leave this empty to keep it and change only the interval."
              : "Kept like a password: only its origin is shown again."
          }
          error={errors.url}
        >
          <input
            className="field w-full font-mono"
            type="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://hc-ping.com/<uuid>"
            value={form.url}
            onChange={(e) => setForm((f) => ({ ...f, url: e.target.value }))}
            data-testid="deadman-url"
          />
        </Field>
        <Field label="Every (seconds)" layout="compact" hint={`${INTERVAL_MIN_S} to ${INTERVAL_MAX_S}.`} error={errors.intervalS}>
          <input
            className="field w-28 tabular-nums"
            type="number"
            inputMode="numeric"
            min={INTERVAL_MIN_S}
            max={INTERVAL_MAX_S}
            step={1}
            value={form.intervalS}
            onChange={(e) => setForm((f) => ({ ...f, intervalS: e.target.value }))}
            data-testid="deadman-interval"
          />
        </Field>
      </div>
      <ErrorBox error={save.error} title="Not saved" testId="deadman-error" />
      <SubmitButton pending={save.isPending} pendingLabel="Pinging…" className="btn" testId="deadman-save">
        {on ? 'Save and ping' : 'Turn on'}
      </SubmitButton>
    </form>
  );
}

export function DeadmanPanel() {
  const qc = useQueryClient();
  const now = useNow();
  const q = useQuery({ queryKey: alertKeys.deadman, queryFn: fetchDeadman, refetchInterval: DEADMAN_REFRESH_MS });
  const off = useMutation({
    mutationFn: clearDeadman,
    onSuccess: () => qc.setQueryData<DeadmanView>(alertKeys.deadman, { configured: false, hint: null, intervalS: null, last: null }),
  });
  const v = q.data;
  return (
    <section aria-labelledby="deadman-title" className="panel" data-testid="deadman">
      <h3 id="deadman-title" className="panel-title">
        Dead-man&apos;s switch
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">{DEADMAN_PURPOSE}</p>
      <ErrorBox error={q.error} title="Could not load the dead-man's switch" />
      {q.isPending && <p>Loading…</p>}
      {v && (
        <>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-sm" data-testid="deadman-state" data-on={v.configured ? 'true' : 'false'}>
              {v.configured ? (
                <>
                  <span className="font-semibold">On</span>: pings <span className="break-all font-mono">{v.hint}/…</span> every {v.intervalS}&nbsp;s
                </>
              ) : (
                <>
                  <span className="font-semibold">Off</span>: nothing outside Quorate will notice if it stops.
                </>
              )}
            </p>
            {v.configured && (
              <ConfirmButton label="Turn off" question="Turn it off? The check will see the pings stop." onConfirm={() => off.mutate()} disabled={off.isPending} testId="deadman-off" />
            )}
          </div>
          {v.configured && (v.last ? <LastPing last={v.last} now={now} /> : <p className="text-sm">No ping yet.</p>)}
          <ErrorBox error={off.error} title="Not turned off" />
          <DeadmanForm key={v.configured ? 'on' : 'off'} view={v} />
        </>
      )}
    </section>
  );
}
