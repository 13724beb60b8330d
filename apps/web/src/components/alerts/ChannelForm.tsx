// Add or edit an alert channel: its type (fixed once saved), name, the type's fields (secrets "(set)" until
// replaced), rules and thresholds, clusters, a fallback, reminders, on/off. Judged by the zod/mini copy of the
// model's ChannelInput (channel-form.ts) before it is sent; the BFF judges again and its answer is shown.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { alertKeys, createChannel, updateChannel, type ChannelInput, type ChannelType, type ChannelView } from '../../api/alerts';
import { useSelection } from '../../lib/selection';
import { ErrorBox, Field, SubmitButton } from '../form';
import { CHANNEL_TYPES, emptyForm, formOf, judge, TYPE_LABELS, withType, type ChannelForm as FormValues, type FormErrors } from './channel-form';
import { ClusterChoice } from './ClusterChoice';
import { ConfigFields } from './ConfigFields';
import { RuleFields } from './RuleFields';

export function ChannelForm({ channel, channels, onDone }: { channel: ChannelView | null; channels: readonly ChannelView[]; onDone: (saved: ChannelView | null) => void }) {
  const { clusters } = useSelection();
  const qc = useQueryClient();
  const [initial] = useState(() => (channel ? formOf(channel) : emptyForm()));
  const [form, setForm] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const save = useMutation({
    mutationFn: (input: ChannelInput) => (channel ? updateChannel(channel.id, input) : createChannel(input)),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: alertKeys.channels });
      onDone(r.channel);
    },
  });
  const set = (patch: Partial<FormValues>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = judge(form);
    setErrors(r.ok ? {} : r.errors);
    if (r.ok) save.mutate(r.input);
  };
  const others = channels.filter((c) => c.id !== channel?.id);
  const what = channel ? `Edit ${channel.name}` : 'Add a channel';
  const count = Object.keys(errors).length;
  return (
    <form onSubmit={submit} noValidate aria-label={what} className="space-y-3 rounded border border-sky-300 bg-sky-50/50 p-3 dark:border-sky-800 dark:bg-sky-950/30" data-testid="channel-form">
      <h4 className="font-semibold">{what}</h4>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        <Field label="Type" layout="compact" hint={channel ? 'A saved channel keeps its type: add another for a different one.' : undefined}>
          <select className="field" value={form.type} disabled={channel !== null} onChange={(e) => setForm((f) => withType(f, e.target.value as ChannelType))} data-testid="channel-type">
            {CHANNEL_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" layout="compact" error={errors.name}>
          <input className="field w-full" value={form.name} maxLength={100} required onChange={(e) => set({ name: e.target.value })} data-testid="channel-name" />
        </Field>
      </div>
      <ConfigFields
        type={form.type}
        config={form.config}
        kept={form.kept}
        stored={initial.kept}
        hints={channel?.hints ?? {}}
        errors={errors}
        onChange={(key, value) => setForm((f) => ({ ...f, config: { ...f.config, [key]: value } }))}
        onKept={(key, kept) => setForm((f) => ({ ...f, kept: { ...f.kept, [key]: kept }, config: { ...f.config, [key]: '' } }))}
      />
      <RuleFields
        rules={form.rules}
        thresholds={form.thresholds}
        errors={errors}
        onRule={(r, on) => setForm((f) => ({ ...f, rules: { ...f.rules, [r]: on } }))}
        onThreshold={(k, v) => setForm((f) => ({ ...f, thresholds: { ...f.thresholds, [k]: v } }))}
      />
      <ClusterChoice clusters={clusters} all={form.allClusters} chosen={form.clusters} error={errors.clusters} onAll={(allClusters) => set({ allClusters })} onChosen={(ids) => set({ clusters: ids })} />
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
        <Field label="Fallback channel" layout="compact" hint="Gets what this one fails to deliver (after its retries)." error={errors.fallback}>
          <select className="field" value={form.fallback} onChange={(e) => set({ fallback: e.target.value })} data-testid="channel-fallback">
            <option value="">none</option>
            {others.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.type})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Repeat every" layout="compact" hint="Minutes between reminders while unacknowledged; 0: never." error={errors.repeatMinutes}>
          <input className="field w-28 tabular-nums" type="number" inputMode="numeric" min={0} value={form.repeatMinutes} onChange={(e) => set({ repeatMinutes: e.target.value })} data-testid="channel-repeat" />
        </Field>
        <Field label="Enabled" layout="check" hint="Off: nothing is sent here (the test button still works).">
          <input type="checkbox" className="mt-1" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="channel-enabled" />
        </Field>
      </div>
      {count > 0 && (
        <p role="alert" className="text-sm font-semibold text-red-800 dark:text-red-300" data-testid="channel-form-invalid">
          {count === 1 ? 'One field needs' : `${count} fields need`} a fix before saving.
        </p>
      )}
      <ErrorBox error={save.error} title="Not saved" testId="channel-form-error" />
      <div className="flex flex-wrap gap-2">
        <SubmitButton pending={save.isPending} pendingLabel="Saving…" testId="channel-save">
          {channel ? 'Save' : 'Add channel'}
        </SubmitButton>
        <button type="button" className="btn" onClick={() => onDone(null)} data-testid="channel-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
