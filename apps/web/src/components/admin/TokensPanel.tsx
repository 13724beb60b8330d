// Admin: API tokens — list, create (the secret is shown once, with a copy button), revoke.
// The secret lives in this component's state only: gone when dismissed, never stored by the page.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createToken, fetchTokens, revokeToken } from '../../api/admin';
import { queryKeys } from '../../api/keys';
import type { Role, TokenRecord } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { ErrorBox, Field, SubmitButton } from '../form';
import { Icon } from '../Icon';
import { ConfirmButton, ROLE_HELP, RoleSelect } from './common';

function OneTimeSecret({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied('yes');
    } catch {
      setCopied('failed'); // http on a LAN address: no clipboard API; the text is selectable
    }
  };
  return (
    <div role="alert" className="mt-3 rounded-md border-2 border-amber-600 bg-amber-50 p-3 text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50" data-testid="token-created">
      <p className="flex items-center gap-1.5 font-bold">
        <Icon name="warn" className="size-5" /> Copy the token “{name}” now: it is shown only once.
      </p>
      <p className="text-sm">Quorate keeps only a hash of it. If it is lost, revoke it and create a new one.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="max-w-full break-all whitespace-normal select-all bg-white px-2 py-1 text-sm text-slate-900 dark:bg-slate-900 dark:text-slate-100" data-testid="token-secret">
          {token}
        </code>
        <button type="button" className="btn" onClick={() => void copy()} data-testid="token-copy">
          Copy
        </button>
        <span aria-live="polite" className="text-sm">
          {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'The browser refused the clipboard: select the text and copy it.' : ''}
        </span>
      </div>
      <button type="button" className="btn mt-2" onClick={onDone} data-testid="token-dismiss">
        I have copied it
      </button>
    </div>
  );
}

/** who made it: a username, or (a token made by a token) "token:<id>", shown by that token's name */
function creatorLabel(createdBy: string, tokens: readonly TokenRecord[]): string {
  if (!createdBy.startsWith('token:')) return createdBy;
  const maker = tokens.find((x) => x.id === createdBy.slice('token:'.length));
  return maker ? `token ${maker.name}` : 'a revoked token';
}

function TokenRow({ t, tokens }: { t: TokenRecord; tokens: readonly TokenRecord[] }) {
  const qc = useQueryClient();
  const revoke = useMutation({ mutationFn: () => revokeToken(t.id), onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.tokens }) });
  return (
    <tr data-testid={`token-row-${t.name}`}>
      <td className="font-semibold">{t.name}</td>
      <td>{t.role}</td>
      <td className="whitespace-nowrap text-xs tabular-nums">{t.static ? '—' : formatDateTime(t.createdAt)}</td>
      <td className="whitespace-nowrap text-xs tabular-nums">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</td>
      <td className="text-xs">{t.static ? 'QUORATE_API_TOKEN' : creatorLabel(t.createdBy, tokens)}</td>
      <td>
        <ConfirmButton
          label="Revoke"
          question={t.static ? `Revoke ${t.name}? It comes back at the next start unless QUORATE_API_TOKEN is removed.` : `Revoke ${t.name}?`}
          onConfirm={() => revoke.mutate()}
          testId={`token-revoke-${t.name}`}
        />
        <ErrorBox error={revoke.error} />
      </td>
    </tr>
  );
}

export function TokensPanel() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: queryKeys.tokens, queryFn: fetchTokens });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation({
    mutationFn: () => createToken({ name: name.trim(), role }),
    onSuccess: (r) => {
      setSecret({ name: name.trim(), token: r.token });
      setName('');
      void qc.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    create.mutate();
  };
  const tokens = q.data?.tokens ?? [];
  return (
    <section aria-labelledby="tokens-title" className="panel" data-testid="admin-tokens">
      <h3 id="tokens-title" className="panel-title">
        API tokens
      </h3>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        For scripts and monitoring: send <code>Authorization: Bearer &lt;token&gt;</code>. A token is revoked when the user who created it is
        removed or demoted below the token’s role; revoking a token also revokes the tokens it created.
      </p>
      {q.error && <ErrorBox error={q.error} />}
      {q.isPending ? (
        <p>Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="text-sm text-slate-500">No tokens yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="data-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Created</th>
                <th>Last used</th>
                <th>By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <TokenRow key={t.id} t={t} tokens={tokens} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {secret && <OneTimeSecret name={secret.name} token={secret.token} onDone={() => setSecret(null)} />}
      <form onSubmit={submit} className="mt-3 rounded border border-slate-200 p-3 dark:border-slate-700" aria-label="Create a token">
        <h4 className="mb-2 text-sm font-semibold">Create a token</h4>
        <div className="flex flex-wrap items-end gap-2">
          <Field label="Name" layout="compact">
            <input className="field" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} required data-testid="token-create-name" />
          </Field>
          <Field label="Role" layout="compact">
            <RoleSelect value={role} onChange={setRole} testId="token-create-role" />
          </Field>
          <SubmitButton pending={create.isPending} pendingLabel="Creating…" className="btn" testId="token-create-submit">
            Create token
          </SubmitButton>
        </div>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {role}: {ROLE_HELP[role]}
        </p>
        <ErrorBox error={create.error} testId="token-create-error" />
      </form>
    </section>
  );
}
