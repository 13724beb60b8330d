// On a pve cluster's pre-flight: when the joining node's API could not be used (no fingerprint, the password
// refused, TOTP), every check of that node is "not checked" for the same reason — said once, on top, with
// what to do. A TOTP code asked for gets its explanation and a field for a fresh code right here.
import { Field } from '../form';
import { joinerAccessProblem, needsTotp } from './pve-access';
import { TotpHelp } from './TotpHelp';

interface Props {
  node: string;
  /** the dry run's measured texts */
  texts: readonly string[];
  otp: string;
  onOtp: (otp: string) => void;
}

export function JoinerAccessNotice({ node, texts, otp, onOtp }: Props) {
  const problem = joinerAccessProblem(texts, node) ?? texts.find((t) => t.startsWith(`not checked: ${node}'s certificate fingerprint was not given`))?.replace(/^not checked: /, '') ?? null;
  if (problem === null) return null;
  const totp = needsTotp([problem]);
  return (
    <div className="mb-3 space-y-2" data-testid="joiner-access-problem">
      <p className="rounded border-2 border-red-700 bg-red-50 p-2 text-sm text-red-950 dark:border-red-400 dark:bg-red-950/60 dark:text-red-50" role="alert">
        <span className="font-semibold">Quorate could not use {node}’s API, so its checks below are not measured: </span>
        <span className="break-words">{/[.!?]$/.test(problem) ? problem : `${problem}.`}</span>
        {!totp && <span> Go Back to correct it, then Re-check.</span>}
      </p>
      {totp && (
        <>
          <TotpHelp node={node} />
          <Field label={`A fresh TOTP code for root@pam on ${node}`} hint="Then press Re-check." layout="stack">
            <input className="input min-h-11 font-mono" value={otp} onChange={(e) => onOtp(e.target.value)} autoComplete="one-time-code" inputMode="numeric" data-testid="joiner-otp-fresh" />
          </Field>
        </>
      )}
    </div>
  );
}
