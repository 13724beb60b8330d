// Admin: how long events, audit records and the time-travel recording are kept.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchRetention, saveRetention } from '../../api/admin';
import { queryKeys } from '../../api/keys';
import type { RetentionSettings } from '../../api/types';
import { ErrorBox, Field, SubmitButton } from '../form';

// flat in the form, nested on the wire ({events: {maxAgeDays, maxPerCluster}, audit: {maxAgeDays}})
type Field = 'eventsMaxAgeDays' | 'eventsMaxCount' | 'auditMaxAgeDays' | 'timelineMaxAgeDays' | 'timelineMaxMb';
type Form = Record<Field, string>;
const FIELDS: { key: Field; label: string; unit: string }[] = [
  { key: 'eventsMaxAgeDays', label: 'Keep events for', unit: 'days' },
  { key: 'eventsMaxCount', label: 'Keep at most', unit: 'events per cluster' },
  { key: 'auditMaxAgeDays', label: 'Keep audit records for', unit: 'days' },
  { key: 'timelineMaxAgeDays', label: 'Keep time travel for', unit: 'days' },
  { key: 'timelineMaxMb', label: 'Time travel at most', unit: 'MB per cluster' },
];

function toForm(r: RetentionSettings): Form {
  return {
    eventsMaxAgeDays: String(r.events.maxAgeDays),
    eventsMaxCount: String(r.events.maxPerCluster),
    auditMaxAgeDays: String(r.audit.maxAgeDays),
    timelineMaxAgeDays: String(r.timeline.maxAgeDays),
    timelineMaxMb: String(r.timeline.maxMbPerCluster),
  };
}

function RetentionForm({ initial }: { initial: RetentionSettings }) {
  const qc = useQueryClient();
  const [form, setForm] = useState<Form>(() => toForm(initial));
  const m = useMutation({
    mutationFn: saveRetention,
    onSuccess: (r) => {
      qc.setQueryData(queryKeys.retention, r);
      setForm(toForm(r));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate({
      events: { maxAgeDays: Number(form.eventsMaxAgeDays), maxPerCluster: Number(form.eventsMaxCount) },
      audit: { maxAgeDays: Number(form.auditMaxAgeDays) },
      timeline: { maxAgeDays: Number(form.timelineMaxAgeDays), maxMbPerCluster: Number(form.timelineMaxMb) },
    });
  };
  return (
    <form onSubmit={submit} className="space-y-2" aria-label="Retention">
      {FIELDS.map((f) => (
        <Field key={f.key} label={f.label} layout="inline" className="text-sm" labelClassName="w-44" after={<span>{f.unit}</span>}>
          <input
            className="field w-28 tabular-nums"
            type="number"
            min={1}
            step={1}
            value={form[f.key]}
            onChange={(e) => setForm((x) => ({ ...x, [f.key]: e.target.value }))}
            data-testid={`retention-${f.key}`}
          />
        </Field>
      ))}
      <div className="flex items-center gap-2">
        <SubmitButton pending={m.isPending} pendingLabel="Saving…" className="btn" testId="retention-save">
          Save
        </SubmitButton>
        <span aria-live="polite" className="text-sm text-emerald-800 dark:text-emerald-300">
          {m.isSuccess ? 'Saved.' : ''}
        </span>
      </div>
      <ErrorBox error={m.error} testId="retention-error" />
    </form>
  );
}

export function RetentionPanel() {
  const q = useQuery({ queryKey: queryKeys.retention, queryFn: fetchRetention });
  return (
    <section aria-labelledby="retention-title" className="panel" data-testid="admin-retention">
      <h3 id="retention-title" className="panel-title">
        Retention
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">Older records are pruned by the server. The live feed is not affected.</p>
      {q.error && <ErrorBox error={q.error} />}
      {q.data ? <RetentionForm initial={q.data} /> : !q.error && <p>Loading…</p>}
    </section>
  );
}
