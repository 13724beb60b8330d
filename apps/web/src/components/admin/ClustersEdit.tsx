// "Edit" a pve cluster added here: name, URLs, token id, "Replace the token secret" (empty keeps the stored
// one, which is never shown), the certificate fingerprint or CA file, SSH. Test runs first contact with the
// edited entry (the stored secret when none is typed); Save PATCHes it and the BFF starts a new collector.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm, type UseFormReturn } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { ClusterDetail } from '@quorate/model';
import { fetchClusterDetail, patchCluster, testCluster } from '../../api/clusters';
import { queryKeys } from '../../api/keys';
import { ErrorBox, Field, SubmitButton } from '../form';
import { Steps } from './ClustersConnect';
import { EditForm, editFormOf, patchOf, testEntryOf } from './ClustersEditSchema';
import { ClustersSsh, type WithSsh } from './ClustersSsh';

function EditFields({ detail, sample, onDone }: { detail: ClusterDetail; sample: string | null; onDone: (saved: boolean) => void }) {
  const qc = useQueryClient();
  const form = useForm<EditForm>({ resolver: zodResolver(EditForm), defaultValues: editFormOf(detail) });
  const {
    register,
    handleSubmit,
    setValue,
    watch,
    formState: { errors },
  } = form;
  const test = useMutation({ mutationFn: (f: EditForm) => testCluster(testEntryOf(detail, f)) });
  const save = useMutation({
    mutationFn: (f: EditForm) => patchCluster(detail.id, patchOf(detail, f)),
    onSuccess: (d) => {
      qc.setQueryData(queryKeys.clusterDetail(d.id), d);
      void qc.invalidateQueries({ queryKey: queryKeys.clusters(sample) });
      onDone(true);
    },
  });
  const trust = watch('trust');
  const fingerprint = watch('fingerprint');
  const cert = test.data?.certificate;
  const p = `cluster-edit-${detail.id}`;
  return (
    <form
      onSubmit={handleSubmit((f) => save.mutate(f))}
      className="space-y-2 rounded border border-slate-200 p-3 dark:border-slate-700"
      aria-label={`Edit ${detail.name}`}
      noValidate
      data-testid={p}
    >
      <h4 className="text-sm font-semibold">Edit {detail.name}</h4>
      <Field label="Name" layout="compact" error={errors.name?.message}>
        <input className="field" autoComplete="off" {...register('name')} data-testid={`${p}-name`} />
      </Field>
      <Field label="API URLs" layout="compact" hint="One node per line; the others are tried when one is down." error={errors.urls?.message}>
        <textarea className="field font-mono" rows={2} autoComplete="off" spellCheck={false} {...register('urls')} data-testid={`${p}-urls`} />
      </Field>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        <Field label="Token id" layout="compact" hint="USER@REALM!TOKENID" error={errors.tokenId?.message}>
          <input className="field font-mono" autoComplete="off" spellCheck={false} {...register('tokenId')} data-testid={`${p}-token-id`} />
        </Field>
        <Field label="Replace the token secret" layout="compact" hint="Empty: the stored secret stays (it is never shown)." error={errors.tokenSecret?.message}>
          <input className="field font-mono" type="password" autoComplete="new-password" {...register('tokenSecret')} data-testid={`${p}-token-secret`} />
        </Field>
      </div>
      <fieldset className="text-sm">
        <legend className="font-semibold">Trust the API certificate by</legend>
        <label className="mr-3 inline-flex min-h-11 items-center gap-1">
          <input type="radio" value="fingerprint" {...register('trust')} /> its fingerprint
        </label>
        <label className="inline-flex min-h-11 items-center gap-1">
          <input type="radio" value="ca" {...register('trust')} /> the cluster’s CA file
        </label>
      </fieldset>
      {trust === 'fingerprint' ? (
        <Field label="Certificate fingerprint (SHA-256)" layout="compact" hint="Empty: Test shows the certificate the node presents." error={errors.fingerprint?.message}>
          <input className="field font-mono" autoComplete="off" spellCheck={false} {...register('fingerprint')} data-testid={`${p}-fingerprint`} />
        </Field>
      ) : (
        <Field label="CA file" layout="compact" hint="pve-root-ca.pem (from /etc/pve on a node), on the Quorate host." error={errors.caFile?.message}>
          <input className="field font-mono" autoComplete="off" spellCheck={false} {...register('caFile')} data-testid={`${p}-ca-file`} />
        </Field>
      )}
      {cert && trust === 'fingerprint' && cert.fingerprint !== fingerprint.replace(/\s/g, '').toUpperCase() && (
        <div className="rounded border-2 border-amber-600 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50" data-testid={`${p}-certificate`}>
          <p className="font-semibold">{cert.url} presents this certificate. Compare it with the node’s (node → System → Certificates) before trusting it.</p>
          <p className="font-mono break-all">{cert.fingerprint}</p>
          <button type="button" className="btn mt-1" onClick={() => setValue('fingerprint', cert.fingerprint, { shouldValidate: true })} data-testid={`${p}-trust`}>
            Trust this certificate
          </button>
        </div>
      )}
      <ClustersSsh form={form as unknown as UseFormReturn<WithSsh>} result={test.data} prefix={p} />
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn" disabled={test.isPending} aria-busy={test.isPending || undefined} onClick={() => void handleSubmit((f) => test.mutate(f))()} data-testid={`${p}-test`}>
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
        <SubmitButton pending={save.isPending} pendingLabel="Saving…" className="btn" testId={`${p}-save`}>
          Save
        </SubmitButton>
        <button type="button" className="btn" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      {test.data && <Steps result={test.data} />}
      <ErrorBox error={test.error} title="Test" />
      <ErrorBox error={save.error} testId={`${p}-error`} />
    </form>
  );
}

/** loads the stored entry, then the form; `onDone(true)` after a save */
export function ClustersEdit({ id, sample, onDone }: { id: string; sample: string | null; onDone: (saved: boolean) => void }) {
  const detail = useQuery({ queryKey: queryKeys.clusterDetail(id), queryFn: () => fetchClusterDetail(id) });
  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!detail.data) return <p className="text-sm">Loading {id}…</p>;
  return <EditFields detail={detail.data} sample={sample} onDone={onDone} />;
}
