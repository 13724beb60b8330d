// The replies of the join/create/delnode path (facts §1.4, §1.5), validated at the edge like schemas.ts:
// corosync.conf values may be strings, booleans 0/1.
import { z } from 'zod';
import { Int, Num } from './schemas';

/** GET /cluster/config/join: a nodelist entry (all corosync node keys, plus pve_addr and pve_fp) */
export const JoinNode = z
  .object({ name: z.string().min(1), nodeid: Int.optional(), quorum_votes: Int.optional(), pve_addr: z.string().optional(), pve_fp: z.string().optional() })
  .catchall(z.unknown());
export type JoinNode = z.infer<typeof JoinNode>;

export const JoinInfoReply = z
  .object({
    nodelist: z.array(JoinNode),
    preferred_node: z.string().min(1),
    totem: z.object({ cluster_name: z.string().min(1) }).catchall(z.unknown()),
    config_digest: z.string().optional(),
  })
  .catchall(z.unknown());
export type JoinInfoReply = z.infer<typeof JoinInfoReply>;

/** ring0_addr … ring7_addr of a corosync node entry, as link addresses */
export function ringAddresses(node: Record<string, unknown>): { link: number; address: string }[] {
  return Object.entries(node)
    .flatMap(([k, v]) => {
      const m = /^ring([0-7])_addr$/.exec(k);
      return m && typeof v === 'string' && v !== '' ? [{ link: Number(m[1]), address: v }] : [];
    })
    .sort((a, b) => a.link - b.link);
}

/** UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: (pve-common UPID.pm) */
export const Upid = z.string().regex(/^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/, 'a task id (UPID:node:…)');

/** the node a UPID runs on */
export const upidNode = (upid: string): string => upid.split(':')[1]!;

/** GET /nodes/{node}/tasks/{upid}/status */
export const TaskStatus = z.object({ status: z.string(), exitstatus: z.string().optional(), upid: z.string().optional(), type: z.string().optional() }).catchall(z.unknown());

/** GET /nodes/{node}/tasks/{upid}/log: a line */
export const TaskLogLine = z.object({ n: Int, t: z.string() });

/** GET /nodes/{node}/version */
export const NodeVersion = z.object({ version: z.string().optional(), release: z.string().optional() }).catchall(z.unknown());

/** GET /nodes/{node}/time: unix seconds */
export const NodeTime = z.object({ time: Num }).catchall(z.unknown());

/** GET /nodes/{node}/network: an interface (address/address6 only where configured) */
export const NetworkRow = z.object({ iface: z.string().optional(), address: z.string().optional(), address6: z.string().optional() }).catchall(z.unknown());

/** GET /nodes/{node}/apt/versions: a package */
export const AptVersion = z.object({ Package: z.string(), Version: z.string().optional() }).catchall(z.unknown());

/** GET /nodes/{node}/qemu, /lxc: a guest (only counted) */
export const GuestRow = z.object({ vmid: Int }).catchall(z.unknown());
