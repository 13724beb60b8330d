// /cluster/ceph/status → CephStatus. Ceph's own quorum (its monitors) is shown apart from Corosync's.
// The reply is `ceph status` with health from `ceph health detail` and, on Octopus and later, monmap from
// `ceph mon dump` (pve-manager PVE/Ceph/Tools.pm ceph_cluster_status). osdmap numbers are nested one level
// deeper (osdmap.osdmap.num_osds) before Octopus.
import type { CephStatus } from '@quorate/model';
import { CephCheck, CephStatusReply } from './schemas';

const count = (n: number | undefined): number | null => (n === undefined || n < 0 ? null : n);

export function buildCeph(data: unknown, notes: string[]): CephStatus | null {
  if (data === undefined || data === null) return null;
  const p = CephStatusReply.safeParse(data);
  if (!p.success) {
    const issue = p.error.issues[0];
    notes.push(`cluster/ceph/status: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim());
    return null;
  }
  const s = p.data;
  const checks: string[] = [];
  for (const [name, raw] of Object.entries(s.health.checks ?? {})) {
    const c = CephCheck.safeParse(raw);
    checks.push(c.success && c.data.summary ? c.data.summary.message : name);
  }
  const quorum = new Set(s.quorum_names ?? []);
  const mons = s.monmap?.mons?.map((m) => m.name) ?? [...quorum];
  const osd = s.osdmap?.osdmap ?? s.osdmap;
  return {
    health: s.health.status ?? s.health.overall_status ?? 'HEALTH_UNKNOWN',
    checks,
    monitors: mons.map((name) => ({ name, inQuorum: quorum.has(name) })),
    osdsUp: count(osd?.num_up_osds),
    osdsIn: count(osd?.num_in_osds),
    osdsTotal: count(osd?.num_osds),
  };
}
