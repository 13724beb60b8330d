// What this source cannot see (model `unavailable`, pve): one calm notice under the hero — not an alarm, the
// cluster is not worse for it — naming what is missing, each reason in a disclosure, and for admins the way
// to more (SSH on Admin → Clusters). And the links panel's stand-in where the matrix would be empty.
import { Link } from '@tanstack/react-router';
import type { ClusterSnapshot, Unavailable } from '@quorate/model';
import { listNames } from '../../lib/format';
import { Icon } from '../Icon';

type What = Unavailable['what'];

/** what SSH (Corosync's own tools) brings: the pve source's merge drops these once it answers */
const WITH_SSH: readonly What[] = ['links', 'quorum-options', 'early-warning'];

const NAME: Record<What, string> = {
  links: 'Corosync links',
  'quorum-options': 'exact quorum options',
  'early-warning': 'the early warning',
  push: 'quorum changes as they happen',
  storage: 'storage',
  guests: 'guests',
  'node-status': 'node load and versions',
  ha: 'HA',
  ceph: 'Ceph',
};

/** the reasons' marker when SSH is set up but failing (pve merge.ts) */
const SSH_FAILING = 'SSH is configured but';

/** "Without SSH this view cannot see: …; quorum changes arrive by 2 s polling" and the other half */
export function unavailableSentences(items: readonly Unavailable[]): string[] {
  const whats = new Set(items.map((u) => u.what));
  const ssh = WITH_SSH.filter((w) => whats.has(w)).map((w) => NAME[w]);
  const other = items.filter((u) => !WITH_SSH.includes(u.what) && u.what !== 'push').map((u) => NAME[u.what]);
  const failing = items.some((u) => u.why.includes(SSH_FAILING));
  const out: string[] = [];
  if (ssh.length || whats.has('push')) {
    const lead = failing ? 'SSH is configured but not answering, so this view cannot see' : 'Without SSH this view cannot see';
    const parts = [ssh.length ? `${lead}: ${listNames(ssh)}` : null, whats.has('push') ? 'quorum changes arrive by 2 s polling' : null].filter((x) => x !== null);
    out.push(`${parts.join('; ')}.`);
  }
  if (other.length) out.push(`${out.length ? 'It also cannot see' : 'This view cannot see'}: ${listNames([...new Set(other)])}.`);
  return out;
}

export function UnavailableNotice({ s, admin }: { s: ClusterSnapshot; admin: boolean }) {
  const items = s.unavailable;
  if (!items || items.length === 0) return null;
  const sshHelps = items.some((u) => WITH_SSH.includes(u.what) || u.what === 'push');
  return (
    <section
      aria-label="What this view cannot see"
      data-testid="unavailable"
      className="rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-slate-800 sm:px-4 dark:border-sky-900 dark:bg-slate-900 dark:text-slate-200"
    >
      <div className="flex gap-2">
        <Icon name="info" className="mt-0.5 size-4 text-sky-700 dark:text-sky-300" />
        <div className="min-w-0">
          {unavailableSentences(items).map((t) => (
            <p key={t}>{t}</p>
          ))}
          {sshHelps &&
            (admin ? (
              <p>
                <Link to="/admin" hash="clusters-title" className="text-sky-700 underline underline-offset-2 max-sm:inline-flex max-sm:min-h-11 max-sm:items-center dark:text-sky-300" data-testid="unavailable-admin">
                  Add SSH to this cluster in Admin → Clusters
                </Link>
              </p>
            ) : (
              <p>An admin can add SSH to this cluster for these.</p>
            ))}
          <details className="mt-1">
            <summary className="cursor-pointer text-sky-700 max-sm:flex max-sm:min-h-11 max-sm:items-center dark:text-sky-300">why</summary>
            <ul className="mt-1 list-disc pl-5" data-testid="unavailable-why">
              {items.map((u) => (
                <li key={u.what}>
                  <span className="font-semibold">{NAME[u.what]}</span>: {u.why}
                </li>
              ))}
            </ul>
          </details>
        </div>
      </div>
    </section>
  );
}

/** does the source say it cannot see the links (and has none to show)? */
export function linksUnavailable(s: ClusterSnapshot): Unavailable | null {
  if (s.links.length > 0) return null;
  return s.unavailable?.find((u) => u.what === 'links') ?? null;
}

/** where the link matrix would be: say why there is none instead of an empty grid */
export function LinksUnavailable({ why }: { why: Unavailable }) {
  return (
    <section aria-labelledby="links-title" className="panel" data-testid="links-unavailable">
      <h2 id="links-title" className="panel-title">
        Links
      </h2>
      <p className="text-sm">Not visible here: the Proxmox API does not show Corosync’s links.</p>
      <p className="text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">Why: {why.why}</p>
    </section>
  );
}
