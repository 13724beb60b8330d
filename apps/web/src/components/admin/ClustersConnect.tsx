// "Connect a Proxmox VE cluster": URLs, API token, fingerprint. "Test" runs first contact on the BFF and
// shows each step (✓/✕ and its words); a certificate not pinned yet is shown to compare, and "Trust this
// certificate" puts its fingerprint in the field. "Add" stores the cluster (the secret encrypted on the
// BFF); the secret field is cleared then and never filled from the server. SSH (optional, collapsed): ClustersSsh.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm, type UseFormReturn } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { addCluster, testCluster, type ConnectResult } from '../../api/clusters';
import { queryKeys } from '../../api/keys';
import { ErrorBox, Field, SubmitButton } from '../form';
import { ConnectForm, EMPTY_CONNECT, entryOf } from './ClustersConnectSchema';
import { ClustersSsh, type WithSsh } from './ClustersSsh';

export function Steps({ result }: { result: ConnectResult }) {
  return (
    <div className="mt-2 text-sm" data-testid="cluster-test-result">
      <p className={`font-semibold ${result.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}>
        {result.ok ? 'The test passed.' : 'The test failed:'}
        {result.summary && ` ${result.summary.clusterName}, ${result.summary.nodes} node${result.summary.nodes === 1 ? '' : 's'}, ${result.summary.quorate ? 'quorate' : 'not quorate'}.`}
      </p>
      <ul className="mt-1 space-y-0.5">
        {result.steps.map((s, i) => {
          const mark = !s.ok ? { sign: '✕', words: 'failed: ', tone: 'text-red-700 dark:text-red-300' } : s.warning ? { sign: '!', words: 'warning: ', tone: 'font-bold text-amber-700 dark:text-amber-300' } : { sign: '✓', words: 'passed: ', tone: 'text-emerald-700 dark:text-emerald-300' };
          return (
          <li key={i} className="flex gap-1.5" data-testid={`cluster-test-step-${s.name}`} data-ok={s.ok} data-warning={s.ok && s.warning === true}>
            <span aria-hidden="true" className={`w-3 shrink-0 text-center ${mark.tone}`}>
              {mark.sign}
            </span>
            <span>
              <span className="sr-only">{mark.words}</span>
              <span className="font-semibold">{s.name}</span> <span className="break-words">{s.message}</span>
            </span>
          </li>
          );
        })}
      </ul>
    </div>
  );
}

export function ClustersConnect({ sample }: { sample: string | null }) {
  const qc = useQueryClient();
  const form = useForm<ConnectForm>({ resolver: zodResolver(ConnectForm), defaultValues: EMPTY_CONNECT });
  const {
    register,
    handleSubmit,
    reset,
    setValue,
    watch,
    formState: { errors },
  } = form;
  const [added, setAdded] = useState<string | null>(null);
  const test = useMutation({ mutationFn: (f: ConnectForm) => testCluster(entryOf(f)) });
  const add = useMutation({
    mutationFn: (f: ConnectForm) => addCluster(entryOf(f)),
    onSuccess: (r) => {
      setAdded(r.id);
      reset(EMPTY_CONNECT);
      test.reset();
      void qc.invalidateQueries({ queryKey: queryKeys.clusters(sample) });
    },
  });
  const fingerprint = watch('fingerprint');
  const cert = test.data?.certificate;
  const runTest = handleSubmit((f) => {
    setAdded(null);
    add.reset();
    test.mutate(f);
  });
  const submit = handleSubmit((f) => {
    setAdded(null);
    add.mutate(f);
  });
  return (
    <form onSubmit={submit} className="mt-3 space-y-2 rounded border border-slate-200 p-3 dark:border-slate-700" aria-label="Connect a Proxmox VE cluster" noValidate data-testid="cluster-connect">
      <h4 className="text-sm font-semibold">Connect a Proxmox VE cluster</h4>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        <Field label="Id" layout="compact" hint="In links and the API, e.g. prod." error={errors.id?.message}>
          <input className="field" autoComplete="off" {...register('id')} data-testid="cluster-connect-id" />
        </Field>
        <Field label="Name" layout="compact" hint="Shown in the header; the id when empty." error={errors.name?.message}>
          <input className="field" autoComplete="off" {...register('name')} data-testid="cluster-connect-name" />
        </Field>
      </div>
      <Field label="API URLs" layout="compact" hint="One node per line, e.g. https://10.0.0.11:8006; the others are tried when one is down." error={errors.urls?.message}>
        <textarea className="field font-mono" rows={2} autoComplete="off" spellCheck={false} {...register('urls')} data-testid="cluster-connect-urls" />
      </Field>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        <Field label="Token id" layout="compact" hint="USER@REALM!TOKENID" error={errors.tokenId?.message}>
          <input className="field font-mono" autoComplete="off" spellCheck={false} {...register('tokenId')} data-testid="cluster-connect-token-id" />
        </Field>
        <Field label="Token secret" layout="compact" hint="Stored encrypted; never shown again." error={errors.tokenSecret?.message}>
          <input className="field font-mono" type="password" autoComplete="new-password" {...register('tokenSecret')} data-testid="cluster-connect-token-secret" />
        </Field>
      </div>
      <Field label="Certificate fingerprint (SHA-256)" layout="compact" hint="Leave empty and press Test to see the certificate the node presents." error={errors.fingerprint?.message}>
        <input className="field font-mono" autoComplete="off" spellCheck={false} {...register('fingerprint')} data-testid="cluster-connect-fingerprint" />
      </Field>
      {cert && !fingerprint.trim() && (
        <div className="rounded border-2 border-amber-600 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50" data-testid="cluster-connect-certificate">
          <p className="font-semibold">{cert.url} presents this certificate. Compare the fingerprint with the node’s (node → System → Certificates) before trusting it.</p>
          <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2">
            <dt>Fingerprint</dt>
            <dd className="font-mono break-all" data-testid="cluster-connect-certificate-fingerprint">
              {cert.fingerprint}
            </dd>
            <dt>Subject</dt>
            <dd className="break-all">{cert.subject}</dd>
            <dt>Issuer</dt>
            <dd className="break-all">{cert.issuer}</dd>
            <dt>Valid until</dt>
            <dd>{cert.validTo}</dd>
          </dl>
          <button type="button" className="btn mt-1" onClick={() => setValue('fingerprint', cert.fingerprint, { shouldValidate: true })} data-testid="cluster-connect-trust">
            Trust this certificate
          </button>
        </div>
      )}
      <ClustersSsh form={form as unknown as UseFormReturn<WithSsh>} result={test.data} prefix="cluster-connect" />
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn" disabled={test.isPending} aria-busy={test.isPending || undefined} onClick={() => void runTest()} data-testid="cluster-connect-test">
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
        <SubmitButton pending={add.isPending} pendingLabel="Adding…" className="btn" testId="cluster-connect-add">
          Add
        </SubmitButton>
        <span aria-live="polite" className="text-sm text-emerald-800 dark:text-emerald-300" data-testid="cluster-connect-notice">
          {added ? `Cluster ${added} added.` : ''}
        </span>
      </div>
      {test.data && <Steps result={test.data} />}
      <ErrorBox error={test.error} title="Test" testId="cluster-connect-test-error" />
      <ErrorBox error={add.error} testId="cluster-connect-error" />
    </form>
  );
}
