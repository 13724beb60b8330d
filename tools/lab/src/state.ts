// Writing the lab's state file; its schema, paths and reader are shared with the lab source (@quorate/sources).
// The lab adds fields of its own (quorum options, votes, partition, sshd): the shared schema ignores them,
// so the BFF's reader keeps working, and the lab reads them with LabStateExSchema below.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { LabNodeSchema, LabStateSchema, readStateWith, stateFile, STATE_DIR } from '@quorate/sources';
import { LabQuorumOptionsSchema } from './quorum';

export {
  STATE_DIR,
  DEFAULT_PREFIX,
  CLUSTER_NAME,
  stateFile,
  labDir,
  nodeNamespace,
  bridgeNamespace,
  nodeAddress,
  nodeIface,
  bridgePort,
  bridgeName,
  PREFIX_RE,
  LabNodeSchema,
  LabStateSchema,
  readState,
  type LabNode,
  type LabState,
} from '@quorate/sources';

/** A node's OpenSSH server (`up --sshd`). */
export const LabSshdNodeSchema = z.object({
  /** where it listens: the node's link-0 address, port 22 */
  address: z.string(),
  port: z.number().int(),
  /** `SHA256:...` of its ed25519 host key, as `ssh-keygen -lf` prints it: pin this */
  hostKey: z.string(),
  hostKeyFile: z.string(),
  config: z.string(),
  pidFile: z.string(),
  log: z.string(),
});

/** The lab's sshd setup: one client key for all nodes, and the root namespace's way into the lab. */
export const LabSshdSchema = z.object({
  user: z.string(),
  /** private key (mode 600) whose .pub every node's sshd accepts for root */
  clientKey: z.string(),
  /** `known_hosts` with every node's host key, for OpenSSH's client */
  knownHosts: z.string(),
  /** veths in the root namespace into the bridge namespace, one per link, with an address on its /24 */
  hostLinks: z.array(z.object({ link: z.number().int(), iface: z.string(), address: z.string() })),
});

/** member: in the lab's cluster (`nodes`); spare: a standalone machine (`spares`), Corosync not of the lab's cluster */
export const LabRoleSchema = z.enum(['member', 'spare']);

/** A cluster a spare runs on its own (`createCluster(['pve5'], {clusterName: 'other'})` on a lab that has one). */
export const LabOwnClusterSchema = z.object({ name: z.string(), authkey: z.string() });

/** `up --qnetd`: a corosync-qnetd (foreground) in its own namespace on the lab's link-0 bridge, named `qnetd` in every node's hosts file. */
export const LabQnetdSchema = z.object({
  namespace: z.string(),
  /** the name every node resolves to `address` */
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  /** its working dir: `etc/` is bound over /etc/corosync for corosync-qnetd-certutil (so `etc/qnetd/nssdb` is its NSS db) */
  dir: z.string(),
  nssDb: z.string(),
  pidFile: z.string(),
  socket: z.string(),
  log: z.string(),
  pid: z.number().int().nullable(),
});

/** The QDevice configured on the lab's cluster (`setupQdevice`): what the quorum.device section says. */
export const LabQdeviceSchema = z.object({
  host: z.string(),
  algorithm: z.enum(['ffsplit', 'lms']),
  /** quorum.device.votes; null when left out (lms: votequorum gives nodes - 1) */
  votes: z.number().int().nullable(),
});

/** A node's corosync-qdevice (foreground): its NSS db (`etc-corosync/` bound over /etc/corosync for the certutil), lock file, socket, log. */
export const LabQdeviceNodeSchema = z.object({
  nssDb: z.string(),
  pidFile: z.string(),
  socket: z.string(),
  log: z.string(),
  pid: z.number().int().nullable(),
});

export const LabNodeExSchema = LabNodeSchema.extend({
  /** quorum_votes in corosync.conf */
  votes: z.number().int().default(1),
  sshd: LabSshdNodeSchema.nullable().default(null),
  role: LabRoleSchema.default('member'),
  /** i of pve<i>: its namespace, addresses and bridge ports (nodeid may differ after a join with another id) */
  index: z.number().int().optional(),
  /** a spare's own cluster, null when it has none */
  ownCluster: LabOwnClusterSchema.nullable().default(null),
  /** FAKE clock offset (ms) a pre-flight's skew check reads: the lab cannot change a namespace's clock */
  clockOffsetMs: z.number().int().default(0),
  /** its corosync-qdevice while the lab's cluster has a QDevice, else null */
  qdevice: LabQdeviceNodeSchema.nullable().default(null),
});

export const LabStateExSchema = LabStateSchema.extend({
  nodes: z.array(LabNodeExSchema),
  /** votequorum options written into corosync.conf (`up --quorum`) */
  quorum: LabQuorumOptionsSchema.default({}),
  /** `lab partition`: node ids per group, null when none is in place */
  partition: z.array(z.array(z.number().int())).nullable().default(null),
  sshd: LabSshdSchema.nullable().default(null),
  /** standalone nodes (`up --spare N`): own namespace and addresses, Corosync not of the lab's cluster */
  spares: z.array(LabNodeExSchema).default([]),
  /** config_version of the lab cluster's corosync.conf (bumped by every join and removal) */
  configVersion: z.number().int().default(1),
  /** `up --qnetd`: the lab's QNetd server, null without */
  qnetd: LabQnetdSchema.nullable().default(null),
  /** the cluster's QDevice (`setupQdevice`), null without */
  qdevice: LabQdeviceSchema.nullable().default(null),
  /**
   * `up --spare-links N`: link numbers with a bridge and an interface on every node (198.18.<l>.<10+i>) that
   * no Corosync link uses (yet): a link added later (links.ts) takes one; a link removed gives its network back
   */
  spareLinks: z.array(z.number().int().min(0).max(7)).default([]),
  /** totem.link_mode of the lab cluster's corosync.conf (changed through links.ts) */
  linkMode: z.enum(['passive', 'active', 'rr']).default('passive'),
  /** knet_link_priority per Corosync link (index = link number), null: not written (knet's default) */
  linkPriorities: z.array(z.number().int().min(0).max(255).nullable()).default([]),
});

/** every link number with a network (bridge + an interface per node): Corosync's links and the spare ones, ascending */
export function networkLinks(s: { links: number; spareLinks: readonly number[] }): number[] {
  return [...new Set([...Array.from({ length: s.links }, (_, l) => l), ...s.spareLinks])].sort((a, b) => a - b);
}

export type LabRole = z.infer<typeof LabRoleSchema>;
export type LabNodeEx = z.infer<typeof LabNodeExSchema>;
export type LabStateEx = z.infer<typeof LabStateExSchema>;
export type LabSshd = z.infer<typeof LabSshdSchema>;
export type LabSshdNode = z.infer<typeof LabSshdNodeSchema>;
export type LabQnetd = z.infer<typeof LabQnetdSchema>;
export type LabQdevice = z.infer<typeof LabQdeviceSchema>;
export type LabQdeviceNode = z.infer<typeof LabQdeviceNodeSchema>;

/** The state with the lab's own fields (defaults for a file written before they existed), or null. */
export async function readStateEx(prefix: string): Promise<LabStateEx | null> {
  return readStateWith(prefix, LabStateExSchema);
}

let writes: Promise<void> = Promise.resolve();
let tmpSeq = 0;

/** Writes are queued (nodes start in parallel) and atomic (tmp + rename): readers never see half a file. */
export function writeState(state: LabStateEx): Promise<void> {
  const text = `${JSON.stringify(state, null, 2)}\n`; // as of the call, not of the turn in the queue
  const file = stateFile(state.prefix);
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  const next = writes.then(async () => {
    await mkdir(STATE_DIR, { recursive: true });
    await writeFile(tmp, text);
    await rename(tmp, file);
  });
  writes = next.catch(() => undefined);
  return next;
}

export async function removeState(prefix: string): Promise<void> {
  await rm(stateFile(prefix), { force: true });
}
