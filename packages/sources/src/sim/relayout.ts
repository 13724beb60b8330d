// A new nodelist for a running simulation (join, create, delnode): the state's per-node and per-pair-link
// figures move to the nodes' new indices; a node new to the nodelist starts stopped, every link up and
// never down (it comes up with a `start`), and a node gone from it leaves every ring.
import { at } from './invariant';
import { initialStorageRow, STORAGE_DEFS } from './storage';
import type { SimNodeDef, SimState } from './state';
import { Topology } from './topology';

/**
 * The state with `nodelist`; from[i] is the index node i had before, or null for a node new to it.
 * The cluster name, when given, replaces the configured one (create).
 */
export function relayout(s: SimState, nodelist: SimNodeDef[], from: Array<number | null>, clusterName?: string): SimState {
  const old = new Topology(s.config, s);
  const next = new Topology(s.config, { ...s, nodelist });
  const t = s.clock;
  const L = next.L;
  const per = <T>(list: readonly T[], fresh: () => T): T[] => from.map((o) => (o === null ? fresh() : structuredClone(at(list, o, 'node'))));
  const size = next.n * next.n * L;
  const pairs = { physUp: Array<number>(size).fill(0), connected: Array<number>(size).fill(0), changedAt: Array<number>(size).fill(t), downCount: Array<number>(size).fill(0), disconnectedAt: Array<number>(size).fill(0) };
  for (let i = 0; i < next.n; i++)
    for (let j = i + 1; j < next.n; j++) {
      const oi = from[i];
      const oj = from[j];
      if (oi === null || oi === undefined || oj === null || oj === undefined) continue;
      for (let l = 0; l < L; l++) {
        const k = next.pairLink(i, j, l);
        const ok = old.pairLink(oi, oj, l);
        for (const key of ['physUp', 'connected', 'changedAt', 'downCount', 'disconnectedAt'] as const) pairs[key][k] = at(s[key], ok, 'pair-link');
      }
    }
  // a new node sits in "the rest of the network" (the last partition group) while a partition lasts
  const rest = s.groups ? Math.max(0, ...s.groups) : 0;
  const storage = Object.fromEntries(
    STORAGE_DEFS.map((def) => {
      const rows = s.storage[def.id] ?? [];
      return [def.id, def.shared ? structuredClone(rows) : from.map((o, i) => (o === null ? initialStorageRow(def, i) : structuredClone(at(rows, o, 'usage row'))))];
    }),
  );
  const ids = new Set(next.ids);
  const rings = s.rings.map((r) => ({ ...r, members: r.members.filter((m) => ids.has(m)) }));
  return {
    ...s,
    nodelist: structuredClone(nodelist),
    // a create writes a new corosync.conf; a join or delnode edits it
    ...(clusterName !== undefined ? { clusterName, configVersion: 1 } : { configVersion: (s.configVersion ?? 1) + 1 }),
    status: per(s.status, () => 'stopped' as const),
    ringOf: per(s.ringOf, () => null),
    rings,
    linkDown: per(s.linkDown, () => Array<boolean>(L).fill(false)),
    quality: per(s.quality, () => Array.from({ length: L }, () => ({ latencyMs: 0, lossPct: 0, jitterMs: 0 }))),
    groups: s.groups ? per(s.groups, () => rest) : null,
    ...pairs,
    observer: s.observer !== null && ids.has(s.observer) ? s.observer : null,
    nodeState: per(s.nodeState, () => 'offline' as const),
    nodeSince: per(s.nodeSince, () => t),
    storage,
  };
}
