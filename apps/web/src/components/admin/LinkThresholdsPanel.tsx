// Admin: the chosen cluster's link thresholds — when a link counts as slow (warn), bad (latency or loss),
// how long it must be bad to raise link-degraded and good to raise link-recovered. Saved per cluster
// (PUT /api/v1/settings/links, audited); "Back to the defaults" is DELETE. The matrix and the charts read
// the same cache entry, so they follow at once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { queryKeys } from '../../api/keys';
import { fetchLinkSettings, resetLinkThresholds, saveLinkThresholds, type LinkSettings, type LinkThresholds } from '../../api/links';
import { useSelection } from '../../lib/selection';
import { ErrorBox, Field, SubmitButton } from '../form';
import { fromForm, LinkThresholdsForm, toForm } from './link-thresholds-form';

const FIELDS: { key: keyof LinkThresholdsForm; label: string; unit: string; step: string; hint: (d: LinkThresholds) => string }[] = [
  { key: 'warnLatencyMs', label: 'Warn above', unit: 'ms', step: '0.1', hint: (d) => `Amber in the matrix. Default ${d.warnLatencyMs} ms; a degraded link recovers only at or under it.` },
  { key: 'badLatencyMs', label: 'Bad above', unit: 'ms', step: '0.1', hint: (d) => `Default ${d.badLatencyMs} ms (Proxmox VE: Corosync wants under 10 ms).` },
  { key: 'lossPct', label: 'Loss above', unit: '%', step: '0.1', hint: (d) => `Default ${d.lossPct} %; recovery needs half of it or less.` },
  { key: 'sustainS', label: 'Degraded after', unit: 's bad', step: '1', hint: (d) => `Default ${d.sustainMs / 1000} s: longer than a token timeout, so a spike is not an event.` },
  { key: 'recoverS', label: 'Recovered after', unit: 's good', step: '1', hint: (d) => `Default ${d.recoverMs / 1000} s.` },
];

function ThresholdsForm({ clusterId, settings }: { clusterId: string; settings: LinkSettings }) {
  const qc = useQueryClient();
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<LinkThresholdsForm>({ resolver: zodResolver(LinkThresholdsForm), defaultValues: toForm(settings.thresholds) });
  const done = (r: LinkSettings) => {
    qc.setQueryData(queryKeys.linkSettings(clusterId), r);
    reset(toForm(r.thresholds));
  };
  const save = useMutation({ mutationFn: (f: LinkThresholdsForm) => saveLinkThresholds(clusterId, fromForm(f)), onSuccess: done });
  const back = useMutation({ mutationFn: () => resetLinkThresholds(clusterId), onSuccess: done });
  const submit = handleSubmit((f) => {
    back.reset();
    save.mutate(f);
  });
  const notice = save.isSuccess ? 'Saved.' : back.isSuccess ? 'Back to the defaults.' : '';
  return (
    <form onSubmit={submit} className="space-y-2" aria-label="Link thresholds" noValidate data-testid="link-thresholds-form">
      {FIELDS.map((f) => (
        <Field key={f.key} label={f.label} layout="inline" className="text-sm" labelClassName="w-36 font-semibold" after={<span>{f.unit}</span>} hint={f.hint(settings.defaults)} error={errors[f.key]?.message}>
          <input className="field w-28 tabular-nums" type="number" inputMode="decimal" min={0} step={f.step} {...register(f.key)} data-testid={`link-thresholds-${f.key}`} />
        </Field>
      ))}
      <div className="flex flex-wrap items-center gap-2">
        <SubmitButton pending={save.isPending} pendingLabel="Saving…" className="btn" testId="link-thresholds-save">
          Save
        </SubmitButton>
        <button
          type="button"
          className="btn"
          disabled={back.isPending}
          onClick={() => {
            save.reset();
            back.mutate();
          }}
          data-testid="link-thresholds-reset"
        >
          {back.isPending ? 'Resetting…' : 'Back to the defaults'}
        </button>
        <span aria-live="polite" className="text-sm text-emerald-800 dark:text-emerald-300" data-testid="link-thresholds-notice">
          {notice}
        </span>
      </div>
      <ErrorBox error={save.error ?? back.error} testId="link-thresholds-error" />
    </form>
  );
}

export function LinkThresholdsPanel() {
  const { clusterId, clusters } = useSelection();
  const q = useQuery({
    queryKey: queryKeys.linkSettings(clusterId ?? ''),
    queryFn: () => fetchLinkSettings(clusterId!),
    enabled: clusterId !== null,
    // the form starts from the server's values now, not from a copy the overview cached earlier; and a
    // focus does not ask again under a half-edited form
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
  });
  const name = clusters.find((c) => c.id === clusterId)?.name ?? clusterId ?? '';
  return (
    <section aria-labelledby="link-thresholds-title" className="panel" data-testid="admin-link-thresholds">
      <h3 id="link-thresholds-title" className="panel-title">
        Link thresholds <span className="text-base font-normal text-slate-600 dark:text-slate-400">({name})</span>
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        A link above the bad mark or the loss limit for the set time raises link-degraded; it recovers after the set time at or under the warn mark. For
        the cluster chosen in the header.
      </p>
      {q.error && <ErrorBox error={q.error} />}
      {q.data && clusterId && q.isFetchedAfterMount ? <ThresholdsForm key={clusterId} clusterId={clusterId} settings={q.data} /> : !q.error && <p>Loading…</p>}
    </section>
  );
}
