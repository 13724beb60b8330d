// The new node's address on each of the cluster's Corosync links (prefilled from the chosen candidate); on a
// Proxmox VE cluster also the joining node's API and root@pam, and the member's root@pam password
// (JoinerFields). Passwords and codes stay in this page's memory only: never in the URL, in storage or in a
// log; a reload forgets them and the page says so. A simulated or lab cluster needs none of them.
import { useState } from 'react';
import { Field } from '../form';
import { JoinerFields } from './JoinerFields';
import { judgeJoiner, type JoinerErrors, type JoinerForm } from './pve-access';

export interface NodeValue {
  links: { link: number; address: string }[];
  /** pve: the joining node's API address and certificate fingerprint (not secret: they go into the URL) */
  joiner?: { url: string; fingerprint: string };
}

/** a pve cluster's part of the step */
export interface PveAccessProps {
  clusterId: string;
  value: JoinerForm;
  onChange: (patch: Partial<JoinerForm>) => void;
  totpAsked: boolean;
}

const ADDRESS_MAX = 255;

interface Props {
  node: string;
  /** the cluster's link numbers */
  linkNumbers: number[];
  initial: { link: number; address: string }[];
  /** a pve cluster: the joining node's API and the passwords (absent: sim, lab — no password asked) */
  pve?: PveAccessProps;
  /** the page was reloaded past this step: the passwords typed before are gone */
  passwordForgotten: boolean;
  onBack: () => void;
  onNext: (v: NodeValue) => void;
}

export function NodeStep({ node, linkNumbers, initial, pve, passwordForgotten, onBack, onNext }: Props) {
  const [addr, setAddr] = useState<Record<number, string>>(() => Object.fromEntries(initial.map((a) => [a.link, a.address])));
  const [tried, setTried] = useState(false);
  const problem = (v: string | undefined) => (v && v.length > ADDRESS_MAX ? `at most ${ADDRESS_MAX} characters` : v && /\s|,/.test(v.trim()) ? 'one address, no spaces or commas' : null);
  const bad = linkNumbers.some((l) => problem(addr[l]) !== null);
  const access = pve ? judgeJoiner(pve.value) : null;
  const accessErrors: JoinerErrors = tried && access && !access.ok ? access.errors : {};
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (bad || (access && !access.ok)) return;
        const links = linkNumbers.map((link) => ({ link, address: (addr[link] ?? '').trim() })).filter((a) => a.address !== '');
        onNext(access?.ok ? { links, joiner: { url: access.joiner.url, fingerprint: access.joiner.fingerprint ?? '' } } : { links });
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
      {pve && (
        <>
          {passwordForgotten && pve.value.password === '' && pve.value.memberPassword === '' && (
            <p className="text-sm font-semibold" role="note" data-testid="password-forgotten">
              The page was reloaded: the passwords and the TOTP code are empty (they are kept in memory only). Type them again.
            </p>
          )}
          <JoinerFields clusterId={pve.clusterId} node={node} value={pve.value} onChange={pve.onChange} errors={accessErrors} totpAsked={pve.totpAsked} />
        </>
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
