// What the alert engine reasons about: an "alert" is an incident (one cause, one incident) seen through a
// rule, or one of the few things that are not incidents — the source down, a storage filling up, an HA error.
import type { Incident, IncidentCause } from '../incidents';
import type { Severity } from '../events';
import type { Storage } from '../snapshot';
import type { RuleId } from './rules';

export interface Alert {
  /** the incident id, or a key of its own: `${clusterId}:source`, `${clusterId}:storage-full:${id}`, `${clusterId}:ha:${sid}` */
  key: string;
  clusterId: string;
  rule: RuleId;
  /** what it is about: a node, a storage, "pve1–pve3 link0", "cluster"; with the rule, what flaps */
  subject: string;
  title: string;
  severity: Severity;
  startedAt: number;
  endedAt: number | null;
  incidentId: string | null;
}

/** the rule an incident falls under (null: none — a cause no rule covers) */
export function ruleOfIncident(i: Pick<Incident, 'cause'>): RuleId | null {
  const by: Record<IncidentCause, RuleId> = {
    'quorum-lost': 'quorum-lost',
    // a node warned about before it drops: the early warning; once gone, offline
    'node-unreachable': 'early-warning',
    'node-left': 'node-offline',
    partition: 'node-offline',
    'link-down': 'link-degraded',
    'link-degraded': 'link-degraded',
    'storage-inactive': 'storage',
    'qdevice-lost': 'qdevice-lost',
  };
  return by[i.cause];
}

export function alertOfIncident(i: Incident): Alert | null {
  const rule = ruleOfIncident(i);
  if (rule === null) return null;
  return { key: i.id, clusterId: i.clusterId, rule, subject: i.subject, title: i.title, severity: i.severity, startedAt: i.startedAt, endedAt: i.endedAt, incidentId: i.id };
}

/**
 * How full each storage is, for the storage rule: a shared storage is one backend (counted once: the fullest
 * node's view of it); a local one is per node ("local-lvm on pve2"). Unknown, disabled or empty ones are left out.
 */
export function storageUse(storages: readonly Storage[]): { id: string; usedPct: number | null }[] {
  const out: { id: string; usedPct: number | null }[] = [];
  const pct = (n: Storage['nodes'][number]) => (n.unknown || !n.enabled || n.totalBytes <= 0 ? null : (100 * n.usedBytes) / n.totalBytes);
  for (const s of storages) {
    if (s.shared) {
      const known = s.nodes.map(pct).filter((p): p is number => p !== null);
      if (known.length > 0) out.push({ id: s.id, usedPct: Math.max(...known) });
    } else for (const n of s.nodes) {
      const p = pct(n);
      if (p !== null) out.push({ id: `${s.id} on ${n.node}`, usedPct: p });
    }
  }
  return out;
}
