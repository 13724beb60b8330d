// Input schemas of the lab's create / join / remove / probe / skew calls (the Lab class validates with them).
import { z } from 'zod';
import { isLabAddress } from './probe';

/** Proxmox's rule for a cluster name (pvecm create): letters, digits and '-', at most 15 */
export const CLUSTER_NAME_RE = /^[A-Za-z0-9-]{1,15}$/;
/** a day either way: enough for any skew check, and no overflow games */
export const MAX_CLOCK_OFFSET_MS = 86_400_000;

const NodeRef = z.string().regex(/^(?:pve)?\d+$/, 'a node is pve<i> or <i>');
const LabAddress = z.string().refine(isLabAddress, 'an address inside the lab (198.18.0.0/15)');

export const CreateClusterOptionsSchema = z.object({
  clusterName: z.string().regex(CLUSTER_NAME_RE, 'a cluster name is 1-15 letters, digits or "-"'),
  /** how many of the lab's links the cluster uses (default all) */
  links: z.number().int().min(1).max(2).optional(),
});
export type CreateClusterOptions = z.infer<typeof CreateClusterOptionsSchema>;

export const CreateNodesSchema = z.array(NodeRef).min(1, 'name at least one node');

export const JoinOptionsSchema = z.object({
  /** ring<link>_addr of the new node, one per link of the cluster (default: its own address on each) */
  addresses: z.array(z.object({ link: z.number().int().min(0).max(7), address: LabAddress })).optional(),
  /** corosync nodeid (default i of pve<i>); 1..65535 is enough for a lab */
  nodeid: z.number().int().min(1).max(65_535).optional(),
  /** quorum_votes, 1..99 like `up --votes` */
  votes: z.number().int().min(1).max(99).optional(),
});
export type JoinOptions = z.infer<typeof JoinOptionsSchema>;

export const ProbeOptionsSchema = z.object({
  to: LabAddress,
  port: z.number().int().min(1).max(65_535),
});
/** port: the UDP port (default Corosync's 5405); on: the node whose namespace listens (default: the lab node with that address) */
export type ProbeOptions = { port?: number; on?: string };

export const ClockOffsetSchema = z.number().int().min(-MAX_CLOCK_OFFSET_MS).max(MAX_CLOCK_OFFSET_MS);

/** zod's issues as one line: "addresses.0.address: an address inside the lab (198.18.0.0/15)" */
export function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
