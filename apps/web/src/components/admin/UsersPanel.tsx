// Admin: users — list, create with a role, change role, reset password, delete.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createUser, deleteUser, fetchUsers, updateUser } from '../../api/admin';
import { queryKeys } from '../../api/keys';
import { MIN_PASSWORD } from '../../api/auth';
import type { Role, UserRecord } from '../../api/types';
import { useSessionUser } from '../../auth/session';
import { formatDateTime } from '../../lib/format';
import { ErrorBox, Field, SubmitButton } from '../form';
import { ConfirmButton, ROLE_HELP, RoleSelect } from './common';

function ResetPassword({ user, onDone }: { user: UserRecord; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const m = useMutation({ mutationFn: () => updateUser(user.id, { password }), onSuccess: onDone });
  const short = password.length < MIN_PASSWORD;
  return (
    <form
      className="mt-1 flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!short) m.mutate();
      }}
    >
      <Field label={`New password for ${user.username}`} hideLabel>
        <input
          className="field"
          type="password"
          autoComplete="new-password"
          placeholder={`new password (≥ ${MIN_PASSWORD})`}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid={`user-reset-password-${user.username}`}
          autoFocus
        />
      </Field>
      <SubmitButton pending={m.isPending} pendingLabel="Setting…" disabled={short} className="btn" testId={`user-reset-save-${user.username}`}>
        Set password
      </SubmitButton>
      <button type="button" className="btn" onClick={onDone}>
        Cancel
      </button>
      <ErrorBox error={m.error} />
    </form>
  );
}

function UserRow({ u, self }: { u: UserRecord; self: boolean }) {
  const qc = useQueryClient();
  const [resetting, setResetting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (text: string) => {
    setNotice(text);
    void qc.invalidateQueries({ queryKey: queryKeys.users });
    // removing or demoting a user revokes the API tokens they made (all, or those above the new role)
    void qc.invalidateQueries({ queryKey: queryKeys.tokens });
  };
  const role = useMutation({ mutationFn: (r: Role) => updateUser(u.id, { role: r }), onSuccess: (_d, r) => done(`role set to ${r}`) });
  const del = useMutation({ mutationFn: () => deleteUser(u.id), onSuccess: () => done('deleted') });
  return (
    <tr data-testid={`user-row-${u.username}`} data-role={u.role}>
      <td className="font-semibold">
        {u.username}
        {self && <span className="ml-1 text-xs font-normal text-slate-500">(you)</span>}
      </td>
      <td>
        <Field label={`Role of ${u.username}`} hideLabel>
          <RoleSelect value={u.role} onChange={(r) => role.mutate(r)} testId={`user-role-${u.username}`} disabled={self || role.isPending} />
        </Field>
      </td>
      <td className="whitespace-nowrap text-xs tabular-nums">{formatDateTime(u.createdAt)}</td>
      <td>
        <div className="flex flex-wrap gap-1">
          <button type="button" className="btn" onClick={() => setResetting((x) => !x)} data-testid={`user-reset-${u.username}`}>
            Reset password
          </button>
          {!self && <ConfirmButton label="Delete" question={`Delete ${u.username}? The API tokens they created are revoked too.`} onConfirm={() => del.mutate()} testId={`user-delete-${u.username}`} />}
        </div>
        {resetting && (
          <ResetPassword
            user={u}
            onDone={() => {
              setResetting(false);
              setNotice(null);
            }}
          />
        )}
        <div aria-live="polite" className="text-xs text-emerald-800 dark:text-emerald-300">
          {notice}
        </div>
        <ErrorBox error={role.error ?? del.error} />
      </td>
    </tr>
  );
}

function CreateUser() {
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: () => createUser({ username: username.trim(), password, role }),
    onSuccess: () => {
      setCreated(`${username.trim()} (${role})`);
      setUsername('');
      setPassword('');
      void qc.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <form onSubmit={submit} className="mt-3 rounded border border-slate-200 p-3 dark:border-slate-700" aria-label="Create a user">
      <h4 className="mb-2 text-sm font-semibold">Create a user</h4>
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Username" layout="compact">
          <input className="field" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} required data-testid="user-create-username" />
        </Field>
        <Field label={`Password (≥ ${MIN_PASSWORD})`} layout="compact">
          <input
            className="field"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={MIN_PASSWORD}
            data-testid="user-create-password"
          />
        </Field>
        <Field label="Role" layout="compact">
          <RoleSelect value={role} onChange={setRole} testId="user-create-role" />
        </Field>
        <SubmitButton pending={m.isPending} pendingLabel="Creating…" className="btn" testId="user-create-submit">
          Create user
        </SubmitButton>
      </div>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        {role}: {ROLE_HELP[role]}
      </p>
      <div aria-live="polite" className="mt-1">
        {m.isSuccess && created && (
          <p className="text-sm text-emerald-800 dark:text-emerald-300" data-testid="user-created">
            Created {created}.
          </p>
        )}
        <ErrorBox error={m.error} testId="user-create-error" />
      </div>
    </form>
  );
}

export function UsersPanel() {
  const me = useSessionUser();
  const q = useQuery({ queryKey: queryKeys.users, queryFn: fetchUsers });
  const users = q.data?.users ?? [];
  return (
    <section aria-labelledby="users-title" className="panel" data-testid="admin-users">
      <h3 id="users-title" className="panel-title">
        Users
      </h3>
      {q.error && <ErrorBox error={q.error} />}
      {q.isPending ? (
        <p>Loading…</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="data-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Created</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <UserRow key={u.id} u={u} self={u.id === me?.id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateUser />
    </section>
  );
}
