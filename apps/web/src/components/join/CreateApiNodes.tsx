// A new pve cluster's nodes: each standalone Proxmox node by its own API — name, address, certificate
// fingerprint (compared with its GUI → System → Certificates), root@pam password and TOTP code. The first
// creates the cluster; the others join it with the first one's root password. Passwords and codes stay in the
// page's memory only.
import { Field } from '../form';
import type { JoinerErrors, JoinerForm } from './pve-access';

export interface ApiNodeRow extends Omit<JoinerForm, 'memberPassword'> {
  name: string;
}

export type ApiNodeErrors = JoinerErrors & { name?: string };

export const EMPTY_ROW: ApiNodeRow = { name: '', url: '', fingerprint: '', password: '', otp: '' };

interface Props {
  rows: ApiNodeRow[];
  onChange: (rows: ApiNodeRow[]) => void;
  errors: ApiNodeErrors[];
}

export function CreateApiNodes({ rows, onChange, errors }: Props) {
  const set = (i: number, patch: Partial<ApiNodeRow>) => onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <div className="space-y-3" data-testid="create-api-nodes">
      {rows.map((r, i) => {
        const e = errors[i] ?? {};
        const who = r.name.trim() || `node ${i + 1}`;
        return (
          <fieldset key={i} className="space-y-2 rounded-md border border-slate-300 p-3 dark:border-slate-700" data-testid={`create-api-node-${i}`}>
            <legend className="px-1 font-semibold">{i === 0 ? `${who} — creates the cluster` : `${who} — joins it`}</legend>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
              <Field label="Node name" hint="As the node calls itself (hostname)" error={e.name}>
                <input className="input min-h-11" value={r.name} onChange={(ev) => set(i, { name: ev.target.value })} autoComplete="off" spellCheck={false} data-testid={`create-api-name-${i}`} />
              </Field>
              <Field label="API address" hint="https://host:8006" error={e.url}>
                <input className="input min-h-11 font-mono" value={r.url} onChange={(ev) => set(i, { url: ev.target.value })} autoComplete="off" spellCheck={false} inputMode="url" data-testid={`create-api-url-${i}`} />
              </Field>
            </div>
            <Field label="Certificate fingerprint (SHA-256)" hint="From the node’s GUI → System → Certificates, or pvenode cert info on it" error={e.fingerprint}>
              <input className="input min-h-11 font-mono text-xs" value={r.fingerprint} onChange={(ev) => set(i, { fingerprint: ev.target.value })} autoComplete="off" spellCheck={false} data-testid={`create-api-fp-${i}`} />
            </Field>
            <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
              <Field label="Password of root@pam" hint={i === 0 ? 'The other nodes join with it too. For this call only; a reload forgets it.' : 'For this call only; a reload forgets it.'} error={e.password}>
                <input type="password" className="input min-h-11" value={r.password} onChange={(ev) => set(i, { password: ev.target.value })} autoComplete="off" data-testid={`create-api-password-${i}`} />
              </Field>
              <Field label="TOTP code (only if root@pam has one)" hint="6 to 8 digits; valid for about 30 s" error={e.otp}>
                <input className="input min-h-11 font-mono" value={r.otp} onChange={(ev) => set(i, { otp: ev.target.value })} autoComplete="one-time-code" inputMode="numeric" data-testid={`create-api-otp-${i}`} />
              </Field>
            </div>
            {rows.length > 1 && (
              <button type="button" className="btn min-h-11" onClick={() => onChange(rows.filter((_, k) => k !== i))} data-testid={`create-api-remove-${i}`}>
                Remove {who}
              </button>
            )}
          </fieldset>
        );
      })}
      {rows.length < 32 && (
        <button type="button" className="btn min-h-11" onClick={() => onChange([...rows, EMPTY_ROW])} data-testid="create-api-add">
          Add a node
        </button>
      )}
    </div>
  );
}
