// root@pam's password and optional TOTP code for one call on a pve cluster (removing a node: the API refuses
// pvecm delnode to tokens). Kept in the page's memory only: never in the URL, storage or a log.
import { Field } from '../form';
import { TotpHelp } from './TotpHelp';

interface Props {
  /** where root@pam logs in, in words ("the cluster") */
  where: string;
  password: string;
  otp: string;
  onChange: (patch: { password?: string; otp?: string }) => void;
  errors: { password?: string; otp?: string };
  totpAsked: boolean;
  testId: string;
}

export function RootCredentialsFields({ where, password, otp, onChange, errors, totpAsked, testId }: Props) {
  return (
    <fieldset className="space-y-2" data-testid={testId}>
      <legend className="font-semibold">root@pam on {where} (Proxmox allows this to root@pam only, not to API tokens)</legend>
      <Field label="Password of root@pam" hint="For this call only: never put in the address bar, stored or logged; a reload forgets it." error={errors.password}>
        <input type="password" className="input min-h-11" value={password} onChange={(e) => onChange({ password: e.target.value })} autoComplete="off" data-testid={`${testId}-password`} />
      </Field>
      <Field label="TOTP code of root@pam (only if it has one)" hint="6 to 8 digits from the authenticator; valid for about 30 s." error={errors.otp}>
        <input className="input min-h-11 font-mono" value={otp} onChange={(e) => onChange({ otp: e.target.value })} autoComplete="one-time-code" inputMode="numeric" data-testid={`${testId}-otp`} />
      </Field>
      {totpAsked && <TotpHelp node={where} testId={`${testId}-totp-help`} />}
    </fieldset>
  );
}
