// The new node's address on each of the cluster's Corosync links (prefilled from the chosen candidate), and
// the root@pam password of a member where the source needs one (pve). The password stays in this page's
// memory only: never in the URL, in storage or in a log; a reload forgets it and the page says so.
import { useState } from 'react';
import { Field } from '../form';

export interface NodeValue {
  links: { link: number; address: string }[];
}

const ADDRESS_MAX = 255;

interface Props {
  node: string;
  /** the cluster's link numbers */
  linkNumbers: number[];
  initial: { link: number; address: string }[];
  password: string;
  onPassword: (p: string) => void;
  /** the page was reloaded past this step: the password typed before is gone */
  passwordForgotten: boolean;
  onBack: () => void;
  onNext: (v: NodeValue) => void;
}

export function NodeStep({ node, linkNumbers, initial, password, onPassword, passwordForgotten, onBack, onNext }: Props) {
  const [addr, setAddr] = useState<Record<number, string>>(() => Object.fromEntries(initial.map((a) => [a.link, a.address])));
  const [tried, setTried] = useState(false);
  const problem = (v: string | undefined) => (v && v.length > ADDRESS_MAX ? `at most ${ADDRESS_MAX} characters` : v && /\s|,/.test(v.trim()) ? 'one address, no spaces or commas' : null);
  const bad = linkNumbers.some((l) => problem(addr[l]) !== null);
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (bad) return;
        onNext({ links: linkNumbers.map((link) => ({ link, address: (addr[link] ?? '').trim() })).filter((a) => a.address !== '') });
      }}
    >
      <fieldset className="space-y-2">
        <legend className="font-semibold">{node}’s address on each link</legend>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          One address per Corosync link of the cluster. Left empty on a single-link cluster, Proxmox falls back to the node’s own address.
        </p>
        {linkNumbers.map((l) => (
          <Field key={l} label={`Link ${l} address`} error={tried ? problem(addr[l]) : null}>
            <input
              className="input min-h-11"
              value={addr[l] ?? ''}
              onChange={(e) => setAddr((a) => ({ ...a, [l]: e.target.value }))}
              autoComplete="off"
              spellCheck={false}
              inputMode="url"
              data-testid={`join-link-${l}`}
            />
          </Field>
        ))}
      </fieldset>
      <Field
        label="Password of root@pam on a member (pve clusters)"
        hint="Used for this join only: never put in the address bar, stored or logged. A reload forgets it. Leave empty for a simulated or lab cluster."
      >
        <input type="password" className="input min-h-11" value={password} onChange={(e) => onPassword(e.target.value)} autoComplete="off" data-testid="join-password" />
      </Field>
      {passwordForgotten && password === '' && (
        <p className="text-sm font-semibold" role="note" data-testid="password-forgotten">
          The page was reloaded: the password field is empty (it is kept in memory only). Type it again if the cluster needs it.
        </p>
      )}
      <div className="flex flex-wrap justify-between gap-2">
        <button type="button" className="btn min-h-11" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="btn-primary min-h-11" data-testid="step-next">
          Next: pre-flight
        </button>
      </div>
    </form>
  );
}
