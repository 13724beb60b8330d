// The PVE API replies this source reads, validated at the edge (zod). PVE sends booleans as 0/1, numbers
// read from corosync.conf as strings ("nodeid":"7"), leaves fields out on offline nodes and {} from
// /cluster/config/qdevice: the schemas accept all of that and give plain types. Lists are parsed row by row:
// one row that does not parse (a redacted or newer field) is dropped and named, never the whole reply
// (fixtures README, quirk 14).
import { z } from 'zod';

/** 0 | 1 | true | false | "0" | "1" → boolean */
export const Flag = z.union([z.boolean(), z.literal(0), z.literal(1), z.literal('0'), z.literal('1')]).transform((v) => v === true || v === 1 || v === '1');
/** 7 | "7" → 7 */
export const Int = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));
export const Num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => Number(v));

/** GET /cluster/status: a row */
export const StatusCluster = z.object({ type: z.literal('cluster'), name: z.string(), nodes: Int.optional(), version: Int.optional(), quorate: Flag });
export const StatusNode = z.object({
  type: z.literal('node'),
  name: z.string().min(1),
  nodeid: Int.optional(),
  ip: z.string().optional(),
  local: Flag.optional(),
  online: Flag.optional(),
  level: z.string().optional(),
});
export const StatusRow = z.discriminatedUnion('type', [StatusCluster, StatusNode]);
export type StatusRow = z.infer<typeof StatusRow>;

/** GET /cluster/config/nodes: a row (all values strings from corosync.conf) */
export const ConfigNode = z
  .object({ node: z.string().min(1).optional(), name: z.string().min(1).optional(), nodeid: Int.optional(), quorum_votes: Int.optional() })
  .catchall(z.unknown())
  .refine((n) => n.name !== undefined || n.node !== undefined, 'a node without name');
export type ConfigNode = z.infer<typeof ConfigNode>;

/** GET /cluster/config/qdevice: {} when no corosync-qdevice runs on the answering node */
export const QdeviceStatus = z
  .object({
    State: z.string().optional(),
    Algorithm: z.string().optional(),
    'QNetd host': z.string().optional(),
    'Last poll call': z.string().optional(),
    'Tie-breaker': z.string().optional(),
    Model: z.string().optional(),
  })
  .catchall(z.unknown());
export type QdeviceStatus = z.infer<typeof QdeviceStatus>;

/** GET /cluster/config/totem: every value a string, interface keyed by link number */
export const Totem = z
  .object({ cluster_name: z.string().optional(), config_version: Int.optional(), transport: z.string().optional(), secauth: z.string().optional(), token: Int.optional() })
  .catchall(z.unknown());
export type Totem = z.infer<typeof Totem>;

/** GET /cluster/resources: a row (node, storage, qemu/lxc; pool/sdn/network rows are skipped by the reader) */
export const ResourceRow = z
  .object({
    id: z.string(),
    type: z.string(),
    node: z.string().optional(),
    status: z.string().optional(),
    storage: z.string().optional(),
    plugintype: z.string().optional(),
    shared: Flag.optional(),
    content: z.string().optional(),
    disk: Num.optional(),
    maxdisk: Num.optional(),
    // node rows: load (absent on an offline node, or without Sys.Audit on /nodes/<node>)
    cpu: Num.optional(),
    maxcpu: Num.optional(),
    mem: Num.optional(),
    maxmem: Num.optional(),
    uptime: Num.optional(),
    // guest rows
    vmid: Int.optional(),
    template: Flag.optional(),
    /** set when the guest is an HA resource */
    hastate: z.string().optional(),
  })
  .catchall(z.unknown());
export type ResourceRow = z.infer<typeof ResourceRow>;

/** GET /nodes/{node}/status: only the versions are read (load comes from /cluster/resources) */
export const NodeStatusReply = z
  .object({
    pveversion: z.string().optional(),
    /** "Linux 5.15.108-1-pve #1 SMP PVE 5.15.108-2 (…)" */
    kversion: z.string().optional(),
    /** newer versions: {sysname, release, version, machine} */
    'current-kernel': z.object({ release: z.string().optional() }).catchall(z.unknown()).optional(),
  })
  .catchall(z.unknown());
export type NodeStatusReply = z.infer<typeof NodeStatusReply>;

/** GET /cluster/ha/status/current: a row (types quorum, master, lrm, service; PVE 9 adds fencing) */
export const HaRow = z
  .object({
    id: z.string(),
    type: z.string(),
    node: z.string().optional(),
    status: z.string().optional(),
    quorate: Flag.optional(),
    sid: z.string().optional(),
    state: z.string().optional(),
    crm_state: z.string().optional(),
  })
  .catchall(z.unknown());
export type HaRow = z.infer<typeof HaRow>;

/** GET /storage: a storage.cfg entry (values as the section config gives them) */
export const StorageConfigRow = z
  .object({
    storage: z.string().min(1),
    type: z.string().min(1),
    content: z.string().optional(),
    shared: Flag.optional(),
    disable: Flag.optional(),
    /** "pve1,pve2": the nodes it is restricted to; absent = all */
    nodes: z.string().optional(),
  })
  .catchall(z.unknown());
export type StorageConfigRow = z.infer<typeof StorageConfigRow>;

/** GET /nodes/{node}/storage: a row (active 0 = configured but not usable there, e.g. its NFS server is down) */
export const NodeStorageRow = z
  .object({ storage: z.string().min(1), type: z.string().optional(), content: z.string().optional(), shared: Flag.optional(), active: Flag.optional(), enabled: Flag.optional(), total: Num.optional(), used: Num.optional(), avail: Num.optional() })
  .catchall(z.unknown());
export type NodeStorageRow = z.infer<typeof NodeStorageRow>;

/** a health check of `ceph health detail`: {severity, summary: {message, count}, detail, muted} */
const CephCheck = z.object({ severity: z.string().optional(), summary: z.object({ message: z.string() }).catchall(z.unknown()).optional() }).catchall(z.unknown());
const CephOsdNumbers = z.object({ num_osds: Int.optional(), num_up_osds: Int.optional(), num_in_osds: Int.optional() }).catchall(z.unknown());
/**
 * GET /cluster/ceph/status: `ceph status` with `health` from `health detail` and, on Octopus and later
 * (where status keeps only epoch and num_mons), `monmap` from `mon dump` (pve-manager Ceph/Tools.pm
 * ceph_cluster_status). osdmap is nested (osdmap.osdmap.num_osds) before Octopus, flat after.
 */
export const CephStatusReply = z
  .object({
    health: z.object({ status: z.string().optional(), overall_status: z.string().optional(), checks: z.record(z.string(), z.unknown()).optional() }).catchall(z.unknown()),
    quorum_names: z.array(z.string()).optional(),
    monmap: z.object({ mons: z.array(z.object({ name: z.string() }).catchall(z.unknown())).optional() }).catchall(z.unknown()).optional(),
    osdmap: CephOsdNumbers.extend({ osdmap: CephOsdNumbers.optional() }).optional(),
  })
  .catchall(z.unknown());
export type CephStatusReply = z.infer<typeof CephStatusReply>;
export { CephCheck };

/** GET /access/permissions: path → {privilege: propagate 0/1} (the token's own, effective) */
export const Permissions = z.record(z.string(), z.record(z.string(), z.unknown()));
export type Permissions = z.infer<typeof Permissions>;

/** the {"data": ...} envelope of every reply */
export const Envelope = z.object({ data: z.unknown() });

export interface Rows<T> {
  rows: T[];
  /** rows that did not parse, in words (index and first issue) */
  dropped: string[];
}

/** an array reply parsed row by row */
export function parseRows<T>(data: unknown, row: z.ZodType<T>, what: string): Rows<T> {
  if (!Array.isArray(data)) throw new Error(`${what}: expected a list, got ${data === null ? 'null' : typeof data}`);
  const rows: T[] = [];
  const dropped: string[] = [];
  data.forEach((r, i) => {
    const p = row.safeParse(r);
    if (p.success) rows.push(p.data);
    else dropped.push(`${what}[${i}]: ${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? 'invalid'}`.trim());
  });
  return { rows, dropped };
}
