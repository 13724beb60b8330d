// Each node's NodeResources: load from its `type:"node"` row of /cluster/resources (absent on an offline
// node, or without Sys.Audit on /nodes/<node>), versions from /nodes/{node}/status (read by the source for
// online nodes only, at the configuration interval), guests from the qemu/lxc rows, the LRM state from HA.
// A node that is not online has every field null and its guests 'unknown' (its rows are stale or say
// 'unknown': /cluster/status is the authority on online/offline). Templates are not guests.
import type { ClusterNode, NodeResources } from '@quorate/model';
import type { NodeStatusReply, ResourceRow } from './schemas';

export interface NodeVersions {
  pveVersion: string | null;
  kernel: string | null;
}

/** current-kernel.release (newer nodes) or the release out of kversion ("Linux 5.15.108-1-pve #1 SMP …") */
export function versionsOf(s: NodeStatusReply): NodeVersions {
  const release = s['current-kernel']?.release;
  const fromK = s.kversion ? /^\S+\s+(\S+)/.exec(s.kversion)?.[1] : undefined;
  return { pveVersion: s.pveversion ?? null, kernel: release ?? fromK ?? null };
}

export interface NodeInputs {
  /** parsed /cluster/resources rows; null = not read (403, error, not polled yet) */
  resources: ResourceRow[] | null;
  versions: ReadonlyMap<string, NodeVersions>;
  /** false: the token cannot see guests (VM.Audit), so counts would be a silent 0 */
  guestsVisible: boolean;
  /** node → LRM state; null: no HA */
  lrm: ReadonlyMap<string, string> | null;
}

type Guests = NonNullable<NodeResources['guests']>;

const nonNeg = (n: number | undefined): number | null => (n === undefined || !Number.isFinite(n) || n < 0 ? null : n);

export function nodeResources(nodes: readonly ClusterNode[], input: NodeInputs): Map<string, NodeResources> {
  const out = new Map<string, NodeResources>();
  const rows = input.resources;
  const nodeRow = new Map<string, ResourceRow>();
  const guests = new Map<string, Guests>();
  const state = new Map(nodes.map((n) => [n.name, n.state]));
  if (rows) {
    for (const n of nodes) guests.set(n.name, { running: 0, stopped: 0, unknown: 0, haManaged: 0 });
    for (const r of rows) {
      if (r.type === 'node' && r.node) nodeRow.set(r.node, r);
      if ((r.type !== 'qemu' && r.type !== 'lxc') || !r.node || r.template === true) continue;
      const g = guests.get(r.node);
      if (!g) continue; // a node not in the configuration: nothing to hang it on
      if (state.get(r.node) !== 'online') g.unknown += 1;
      else if (r.status === 'running') g.running += 1;
      else if (r.status === 'stopped') g.stopped += 1;
      else g.unknown += 1;
      if (r.hastate) g.haManaged += 1;
    }
  }
  for (const n of nodes) {
    const online = n.state === 'online';
    const row = online ? nodeRow.get(n.name) : undefined;
    const v = online ? input.versions.get(n.name) : undefined;
    const cpus = nonNeg(row?.maxcpu);
    out.set(n.name, {
      cpu: nonNeg(row?.cpu),
      cpus: cpus === null ? null : Math.round(cpus),
      memUsedBytes: nonNeg(row?.mem),
      memTotalBytes: nonNeg(row?.maxmem),
      uptimeS: nonNeg(row?.uptime),
      pveVersion: v?.pveVersion ?? null,
      kernel: v?.kernel ?? null,
      guests: rows && input.guestsVisible ? guests.get(n.name)! : null,
      haLrm: input.lrm?.get(n.name) ?? null,
    });
  }
  return out;
}
