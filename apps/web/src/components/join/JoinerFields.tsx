// A Proxmox VE join's access, in the node step: the joining node's API address, its certificate fingerprint
// (read, compared and trusted), its root@pam password and TOTP code, and the cluster member's root@pam
// password. Only the address and the fingerprint go into the URL; the rest stays in the page's memory.
import { Field } from '../form';
import type { JoinerErrors, JoinerForm } from './pve-access';
import { ReadCertificate } from './ReadCertificate';
import { TotpHelp } from './TotpHelp';

interface Props {
  clusterId: string;
  node: string;
  value: JoinerForm;
  onChange: (patch: Partial<JoinerForm>) => void;
  /** shown once the admin tried to go on */
  errors: JoinerErrors;
  /** root@pam has TOTP (a dry run or run said so): explain it beside the code */
  totpAsked: boolean;
}

const SECRET_HINT = 'For this call only: never put in the address bar, stored or logged; a reload forgets it.';

export function JoinerFields({ clusterId, node, value, onChange, errors, totpAsked }: Props) {
  const readBlocked = value.url.trim() === '' ? 'Type its API address first.' : value.password === '' ? `Type ${node}’s root@pam password first (it is not sent to the node without a fingerprint).` : null;
  return (
    <>
      <fieldset className="space-y-3" data-testid="joiner-fields">
        <legend className="font-semibold">{node}’s own Proxmox API (the join runs there as root@pam)</legend>
        <Field label={`${node}’s API address`} hint="https://host:8006 — the node’s address as its GUI is reached" error={errors.url}>
          <input className="input min-h-11 font-mono" value={value.url} onChange={(e) => onChange({ url: e.target.value })} autoComplete="off" spellCheck={false} inputMode="url" placeholder="https://198.51.100.14:8006" data-testid="joiner-url" />
        </Field>
        <Field label={`Password of root@pam on ${node}`} hint={SECRET_HINT} error={errors.password}>
          <input type="password" className="input min-h-11" value={value.password} onChange={(e) => onChange({ password: e.target.value })} autoComplete="off" data-testid="joiner-password" />
        </Field>
        <Field label={`${node}’s certificate fingerprint (SHA-256)`} hint="Read it below and compare it with the node’s GUI → System → Certificates; or paste what the GUI shows." error={errors.fingerprint}>
          <input className="input min-h-11 font-mono text-xs" value={value.fingerprint} onChange={(e) => onChange({ fingerprint: e.target.value })} autoComplete="off" spellCheck={false} data-testid="joiner-fingerprint" />
        </Field>
        <ReadCertificate clusterId={clusterId} node={node} url={value.url} password={value.password} blocked={readBlocked} trusted={value.fingerprint} onTrust={(fp) => onChange({ fingerprint: fp })} />
        <Field label={`TOTP code of root@pam on ${node} (only if it has one)`} hint="6 to 8 digits from the authenticator; valid for about 30 s." error={errors.otp}>
          <input className="input min-h-11 font-mono" value={value.otp} onChange={(e) => onChange({ otp: e.target.value })} autoComplete="one-time-code" inputMode="numeric" data-testid="joiner-otp" />
        </Field>
        {totpAsked && <TotpHelp node={node} />}
      </fieldset>
      <Field
        label="Password of root@pam on the cluster’s members"
        hint={`${node} logs in to a member with it to join (Proxmox asks for it as the GUI’s Join dialog does). ${SECRET_HINT}`}
        error={errors.memberPassword}
      >
        <input type="password" className="input min-h-11" value={value.memberPassword} onChange={(e) => onChange({ memberPassword: e.target.value })} autoComplete="off" data-testid="join-password" />
      </Field>
    </>
  );
}
