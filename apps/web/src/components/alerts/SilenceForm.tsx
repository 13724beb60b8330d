// Operator: silence alerts for N hours, or for a maintenance window; for one cluster and one rule, or all;
// the reason is required (the delivery log quotes it for what it held back).
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { alertKeys, createSilence, type RuleId, type SilenceRequest } from '../../api/alerts';
import { useSelection } from '../../lib/selection';
import { ErrorBox, Field, SubmitButton } from '../form';
import { RULE_LABELS } from './channel-form';
import { RULE_IDS } from './channel-rules';
import { emptySilence, HOURS_MAX, HOURS_MIN, REASON_MAX, silenceRequest, type SilenceForm as Values } from './silence-form';

export function SilenceForm() {
  const { clusters } = useSelection();
  const qc = useQueryClient();
  const [form, setForm] = useState<Values>(emptySilence);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const add = useMutation({
    mutationFn: (r: SilenceRequest) => createSilence(r),
    onSuccess: async () => {
      setForm(emptySilence());
      await qc.invalidateQueries({ queryKey: alertKeys.silences });
    },
  });
  const set = (patch: Partial<Values>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = silenceRequest(form, Date.now());
    setErrors(r.ok ? {} : r.errors);
    if (r.ok) add.mutate(r.request);
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Add a silence" className="space-y-2" data-testid="silence-form">
      <fieldset className="flex flex-wrap items-end gap-3">
        <legend className="sr-only">How long</legend>
        <Field label="For a number of hours" layout="check">
          <input type="radio" name="silence-mode" className="mt-1" checked={form.mode === 'hours'} onChange={() => set({ mode: 'hours' })} data-testid="silence-mode-hours" />
        </Field>
        <Field label="A maintenance window" layout="check">
          <input type="radio" name="silence-mode" className="mt-1" checked={form.mode === 'window'} onChange={() => set({ mode: 'window' })} data-testid="silence-mode-window" />
        </Field>
      </fieldset>
      <div className="flex flex-wrap items-start gap-3">
        {form.mode === 'hours' ? (
          <Field label="Hours" layout="compact" error={errors.hours}>
            <input className="field w-24 tabular-nums" type="number" inputMode="decimal" min={HOURS_MIN} max={HOURS_MAX} step="any" value={form.hours} onChange={(e) => set({ hours: e.target.value })} data-testid="silence-hours" />
          </Field>
        ) : (
          <>
            <Field label="From (empty: now)" layout="compact" error={errors.startsAt}>
              <input className="field" type="datetime-local" value={form.startsAt} onChange={(e) => set({ startsAt: e.target.value })} data-testid="silence-starts" />
            </Field>
            <Field label="Until" layout="compact" error={errors.endsAt}>
              <input className="field" type="datetime-local" value={form.endsAt} onChange={(e) => set({ endsAt: e.target.value })} data-testid="silence-ends" />
            </Field>
          </>
        )}
        <Field label="Cluster" layout="compact">
          <select className="field" value={form.cluster} onChange={(e) => set({ cluster: e.target.value })} data-testid="silence-cluster">
            <option value="">every cluster</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Rule" layout="compact">
          <select className="field" value={form.rule} onChange={(e) => set({ rule: e.target.value as RuleId | '' })} data-testid="silence-rule">
            <option value="">every rule</option>
            {RULE_IDS.map((r) => (
              <option key={r} value={r}>
                {RULE_LABELS[r]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Reason" layout="compact" className="min-w-64 flex-1" error={errors.reason}>
          <input className="field w-full" value={form.reason} maxLength={REASON_MAX} onChange={(e) => set({ reason: e.target.value })} placeholder="e.g. replacing pve2's NIC" data-testid="silence-reason" />
        </Field>
      </div>
      <ErrorBox error={add.error} title="Not silenced" testId="silence-error" />
      <SubmitButton pending={add.isPending} pendingLabel="Silencing…" className="btn" testId="silence-add">
        Silence
      </SubmitButton>
    </form>
  );
}
