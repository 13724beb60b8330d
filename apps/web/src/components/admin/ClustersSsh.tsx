// The SSH section of a pve cluster's form, collapsed by default: Corosync's own tools over SSH add link health
// and push-speed quorum changes. Quorate's own key is the default (its public half shown with the line to run
// on each node); a node's host key is pinned like the API certificate: Test shows what the node presents, the
// admin compares it (`ssh-keygen -lf` on the node) and accepts it. The private key never comes back.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useFieldArray, type UseFormReturn } from 'react-hook-form';
import { fetchSshKey, type ConnectResult } from '../../api/clusters';
import { queryKeys } from '../../api/keys';
import { ErrorBox, Field } from '../form';
import type { SshForm } from './ClustersSshSchema';

export interface WithSsh {
  ssh: SshForm;
}

function authorizedKeysPath(user: string): string {
  return user === 'root' || user === '' ? '/root/.ssh/authorized_keys' : `/home/${user}/.ssh/authorized_keys`;
}

function OwnKey({ user }: { user: string }) {
  const key = useQuery({ queryKey: queryKeys.sshKey, queryFn: fetchSshKey, staleTime: Infinity });
  const [copied, setCopied] = useState(false);
  if (key.error) return <ErrorBox error={key.error} title="Quorate's SSH key" />;
  if (!key.data) return <p className="text-xs text-slate-600 dark:text-slate-400">Loading Quorate’s public key…</p>;
  const line = `echo '${key.data.publicKey}' >> ${authorizedKeysPath(user)}`;
  return (
    <div className="space-y-1 text-sm" data-testid="cluster-ssh-own-key">
      <p>
        Put Quorate’s public key on every node (fingerprint <span className="font-mono">{key.data.fingerprint}</span>): run this on each one.
      </p>
      <pre className="overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-800" data-testid="cluster-ssh-own-key-line">
        {line}
      </pre>
      <button
        type="button"
        className="btn"
        onClick={() =>
          void navigator.clipboard?.writeText(line).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
        data-testid="cluster-ssh-copy"
      >
        Copy
      </button>
      <span aria-live="polite" className="ml-2 text-xs">
        {copied ? 'Copied.' : ''}
      </span>
    </div>
  );
}

export function ClustersSsh({ form, result, prefix }: { form: UseFormReturn<WithSsh>; result: ConnectResult | undefined; prefix: string }) {
  const {
    register,
    control,
    watch,
    setValue,
    getValues,
    formState: { errors },
  } = form;
  const nodes = useFieldArray({ control, name: 'ssh.nodes' });
  const enabled = watch('ssh.enabled');
  const key = watch('ssh.key');
  const user = watch('ssh.user');
  const rows = watch('ssh.nodes');
  const e = errors.ssh;

  // a test that read the cluster's nodes fills one row per node (name, address) while there are none yet
  const nodeList = result?.summary?.nodeList;
  useEffect(() => {
    if (!enabled || !nodeList || nodeList.length === 0 || getValues('ssh.nodes').length > 0) return;
    setValue(
      'ssh.nodes',
      nodeList.map((n) => ({ name: n.name, host: n.ip ?? '', hostKey: '' })),
    );
  }, [enabled, nodeList, getValues, setValue]);

  const tried = new Map((result?.ssh ?? []).map((r) => [r.name, r]));
  return (
    <details
      open={enabled}
      onToggle={(ev) => setValue('ssh.enabled', (ev.target as HTMLDetailsElement).open)}
      className="rounded border border-slate-200 p-2 dark:border-slate-700"
      data-testid={`${prefix}-ssh`}
    >
      <summary className="cursor-pointer text-sm font-semibold">Add SSH for Corosync link health and push-speed quorum</summary>
      <div className="mt-2 space-y-2">
        <p className="text-xs text-slate-600 dark:text-slate-400">
          The Proxmox API cannot show Corosync’s links. Over SSH Quorate runs corosync-cfgtool and corosync-quorumtool on the nodes (read only): link
          health, the exact quorum options, and quorum changes as they happen.
        </p>
        <fieldset className="text-sm">
          <legend className="font-semibold">Key</legend>
          {(
            [
              ['own', 'Quorate’s own key (recommended)'],
              ['path', 'A key file on the Quorate host'],
              ['paste', 'Paste a private key'],
            ] as const
          ).map(([v, label]) => (
            <label key={v} className="mr-3 inline-flex min-h-11 items-center gap-1">
              <input type="radio" value={v} {...register('ssh.key')} data-testid={`${prefix}-ssh-key-${v}`} />
              {label}
            </label>
          ))}
        </fieldset>
        {enabled && key === 'own' && <OwnKey user={user} />}
        {key === 'path' && (
          <Field label="Key file" layout="compact" hint="Mode 600, readable by the Quorate service." error={e?.keyPath?.message}>
            <input className="field font-mono" autoComplete="off" spellCheck={false} {...register('ssh.keyPath')} data-testid={`${prefix}-ssh-key-path`} />
          </Field>
        )}
        {key === 'paste' && (
          <Field label="Private key" layout="compact" hint="Stored encrypted; never shown again." error={e?.privateKey?.message}>
            <textarea className="field font-mono" rows={3} autoComplete="off" spellCheck={false} {...register('ssh.privateKey')} data-testid={`${prefix}-ssh-private-key`} />
          </Field>
        )}
        <div className="grid grid-cols-2 gap-2 sm:max-w-sm">
          <Field label="User" layout="compact" error={e?.user?.message}>
            <input className="field font-mono" autoComplete="off" {...register('ssh.user')} data-testid={`${prefix}-ssh-user`} />
          </Field>
          <Field label="Port" layout="compact" error={e?.port?.message}>
            <input className="field font-mono" inputMode="numeric" autoComplete="off" {...register('ssh.port')} data-testid={`${prefix}-ssh-port`} />
          </Field>
        </div>
        <p className="text-sm font-semibold">Nodes</p>
        {nodes.fields.length === 0 && <p className="text-xs text-slate-600 dark:text-slate-400">Press Test: it fills one row per node of the cluster. Until then no SSH is sent.</p>}
        <ul className="space-y-2">
          {nodes.fields.map((f, i) => {
            const row = rows[i];
            const r = row ? tried.get(row.name) : undefined;
            const presented = r?.hostKey;
            const differs = r !== undefined && presented !== undefined && presented !== row?.hostKey;
            return (
              <li key={f.id} className="rounded border border-slate-200 p-2 dark:border-slate-700" data-testid={`${prefix}-ssh-node-${i}`}>
                <div className="grid grid-cols-1 gap-2 sm:grid-cols-[8rem_10rem_1fr_auto] sm:items-end">
                  <Field label="Node" layout="compact" error={e?.nodes?.[i]?.name?.message}>
                    <input className="field font-mono" autoComplete="off" {...register(`ssh.nodes.${i}.name`)} data-testid={`${prefix}-ssh-node-${i}-name`} />
                  </Field>
                  <Field label="Address" layout="compact" error={e?.nodes?.[i]?.host?.message}>
                    <input className="field font-mono" autoComplete="off" {...register(`ssh.nodes.${i}.host`)} data-testid={`${prefix}-ssh-node-${i}-host`} />
                  </Field>
                  <Field label="Host key" layout="compact" error={e?.nodes?.[i]?.hostKey?.message}>
                    <input className="field font-mono" autoComplete="off" spellCheck={false} {...register(`ssh.nodes.${i}.hostKey`)} data-testid={`${prefix}-ssh-node-${i}-host-key`} />
                  </Field>
                  <button type="button" className="btn" onClick={() => nodes.remove(i)} aria-label={`Remove node ${row?.name || i + 1}`}>
                    Remove
                  </button>
                </div>
                {r && (
                  <p className="mt-1 text-sm" data-testid={`${prefix}-ssh-node-${i}-result`} data-ok={r.ok}>
                    <span aria-hidden="true" className={r.ok ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300'}>
                      {r.ok ? '✓ ' : '✕ '}
                    </span>
                    <span className="sr-only">{r.ok ? 'passed: ' : 'failed: '}</span>
                    {r.message}
                  </p>
                )}
                {differs && r && (
                  <div className="mt-1 rounded border-2 border-amber-600 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50" data-testid={`${prefix}-ssh-node-${i}-presented`}>
                    <p>
                      {row?.hostKey ? `${r.name} presents another host key than the one given:` : `${r.name} presents this host key:`}{' '}
                      <span className="font-mono break-all">{presented}</span>
                    </p>
                    <p className="text-xs">
                      Compare it with the node’s own: <code className="font-mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on {r.name}.
                    </p>
                    <button type="button" className="btn mt-1" onClick={() => setValue(`ssh.nodes.${i}.hostKey`, presented, { shouldValidate: true })} data-testid={`${prefix}-ssh-node-${i}-trust`}>
                      Trust this host key
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        <button type="button" className="btn" onClick={() => nodes.append({ name: '', host: '', hostKey: '' })} data-testid={`${prefix}-ssh-add-node`}>
          Add a node
        </button>
      </div>
    </details>
  );
}
