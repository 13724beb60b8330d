// /cluster/ha/status/current → HaStatus and each node's LRM state (pve-ha-manager API2/HA/Status.pm).
//  - quorate: the `quorum` entry (its `quorate` 0/1; older managers only say status "OK").
//  - master: the `master` entry's node; services: every `service` entry {sid, node, state}.
//  - fencing: the nodes the CRM is fencing, read from the services it moved to state 'fence' (the CRM puts
//    every service of a failed node there until the node is fenced). The PVE 9 `fencing` entry is NOT a node
//    being fenced: it is the HA stack's arm state (armed/standby/disarming/disarmed, node = the master), so
//    it is not read as one.
//  - no master, no LRM and no service entry (only the quorum entry, always there): HA is not in use → null.
import type { HaStatus } from '@quorate/model';
import { HaRow, parseRows } from './schemas';

export interface HaBuild {
  ha: HaStatus | null;
  /** node → its LRM state ("active", "idle", "old timestamp - dead?", "maintenance mode", …) */
  lrm: Map<string, string>;
}

/** "pve3 (old timestamp - dead?, watchdog standby, Tue Nov 25 …)" → "old timestamp - dead?" */
export function lrmState(status: string): string {
  const inner = /\((.*)\)\s*$/.exec(status)?.[1];
  if (inner === undefined) return status.trim();
  return inner.split(', ')[0]!.trim();
}

export function buildHa(data: unknown, notes: string[]): HaBuild {
  const lrm = new Map<string, string>();
  if (data === undefined || data === null) return { ha: null, lrm };
  let rows: HaRow[];
  try {
    const parsed = parseRows(data, HaRow, 'cluster/ha/status/current');
    notes.push(...parsed.dropped);
    rows = parsed.rows;
  } catch (err) {
    notes.push((err as Error).message);
    return { ha: null, lrm };
  }
  const quorum = rows.find((r) => r.type === 'quorum');
  const master = rows.find((r) => r.type === 'master');
  const services: HaStatus['services'] = [];
  for (const r of rows) {
    if (r.type === 'lrm' && r.node && r.status) lrm.set(r.node, lrmState(r.status));
    if (r.type === 'service' && r.sid) services.push({ sid: r.sid, node: r.node ?? null, state: r.state ?? r.crm_state ?? 'unknown' });
  }
  if (!master && lrm.size === 0 && services.length === 0) return { ha: null, lrm };
  services.sort((a, b) => (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0));
  const fencing = [...new Set(services.filter((s) => s.state === 'fence' && s.node !== null).map((s) => s.node!))].sort();
  const quorate = quorum ? (quorum.quorate ?? (quorum.status === undefined ? null : quorum.status === 'OK')) : null;
  return { ha: { quorate, master: master?.node ?? null, services, fencing }, lrm };
}
