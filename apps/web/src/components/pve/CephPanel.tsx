// Ceph (pve, only when the snapshot has it): the health in a badge (word + icon, never colour alone), the
// health checks' texts, the monitors' quorum and the OSDs. Ceph's monitor quorum is its own: admins confuse
// it with the cluster's (Corosync) quorum, so the panel says so in a line of its own.
// Its own chunk (Overview lazy-loads it): sim/lab/ssh snapshots never load it.
import type { CephStatus, ClusterSnapshot } from '@quorate/model';
import { listNames } from '../../lib/format';
import { Icon, type IconName } from '../Icon';
import { StaleTag } from '../StaleTag';

const HEALTH: Record<string, { cls: string; icon: IconName }> = {
  HEALTH_OK: { cls: 'border-emerald-600 text-emerald-800 dark:text-emerald-300', icon: 'ok' },
  HEALTH_WARN: { cls: 'border-amber-600 text-amber-800 dark:text-amber-300', icon: 'warn' },
  HEALTH_ERR: { cls: 'border-red-600 text-red-800 dark:text-red-300', icon: 'bad' },
};
const UNKNOWN = { cls: 'border-slate-400 text-slate-600 dark:text-slate-300', icon: 'unknown' as const };

function Osds({ c }: { c: CephStatus }) {
  if (c.osdsTotal === null && c.osdsUp === null && c.osdsIn === null) return null;
  const n = (x: number | null) => (x === null ? '?' : String(x));
  const short = c.osdsTotal !== null && c.osdsUp !== null && c.osdsUp < c.osdsTotal;
  return (
    <p data-testid="ceph-osds" className={short ? 'font-semibold text-amber-800 dark:text-amber-300' : ''}>
      OSDs: {n(c.osdsUp)} up · {n(c.osdsIn)} in · {n(c.osdsTotal)} total
    </p>
  );
}

export default function CephPanel({ s, stale }: { s: ClusterSnapshot; stale: boolean }) {
  const c = s.ceph;
  if (!c) return null;
  const look = stale ? { ...(HEALTH[c.health] ?? UNKNOWN), cls: UNKNOWN.cls } : (HEALTH[c.health] ?? UNKNOWN);
  const inQuorum = c.monitors.filter((m) => m.inQuorum);
  const out = c.monitors.filter((m) => !m.inQuorum).map((m) => m.name);
  // monitors keep their quorum while more than half of them are in it
  const monQuorate = c.monitors.length > 0 && inQuorum.length * 2 > c.monitors.length;
  return (
    <section aria-labelledby="ceph-title" className={`panel ${stale ? 'grayscale' : ''}`} data-testid="ceph-panel">
      <h2 id="ceph-title" className="panel-title flex flex-wrap items-center gap-2">
        Ceph
        <span className={`inline-flex items-center gap-1 rounded border-2 px-1.5 text-sm font-bold ${look.cls}`} data-testid="ceph-health" data-health={c.health}>
          <Icon name={look.icon} className="size-3.5" /> {c.health}
        </span>
        {stale && <StaleTag />}
      </h2>
      <div className="flex flex-col gap-1.5 text-sm">
        {c.checks.length > 0 && (
          <ul className="list-disc pl-5" data-testid="ceph-checks">
            {c.checks.map((text, i) => (
              <li key={i}>{text}</li>
            ))}
          </ul>
        )}
        <p data-testid="ceph-monitors">
          <span className={monQuorate ? '' : 'font-semibold text-red-800 dark:text-red-300'}>
            {c.monitors.length ? `${inQuorum.length} of ${c.monitors.length} monitors in quorum` : 'no monitors reported'}
          </span>
          {out.length > 0 && <span> ({listNames(out)} out)</span>}
        </p>
        <p className="text-slate-600 dark:text-slate-400" data-testid="ceph-quorum-note">
          This is Ceph’s own monitor quorum, not the cluster’s (Corosync) quorum at the top of the page.
        </p>
        <Osds c={c} />
      </div>
    </section>
  );
}
