// REST bodies of the cluster-shape operations (issue 13): POST /api/v1/operations/join, /create, /delnode.
// Each runs as a task (202) with confirm: true; dryRun: true changes nothing and returns the plan. Passwords
// are for the call only: never stored, logged or audited (a stored root password would outlive its purpose).
import { z } from 'zod';
import { Fingerprint } from './join-info';
import { LinkAddress, NODE_NAME, NODE_NAME_MAX } from './facts';
import { JoinPlan } from './plan';

export const JoinNodeName = z
  .string()
  .trim()
  .max(NODE_NAME_MAX, `a node name has at most ${NODE_NAME_MAX} characters`)
  .regex(NODE_NAME, 'a node name: letters, digits and inner hyphens (e.g. pve4)');

/** Proxmox's cluster name rule (pvecm create: format pve-node, at most 15 characters) */
export const ClusterName = z
  .string()
  .trim()
  .max(15, 'a cluster name has at most 15 characters')
  .regex(NODE_NAME, 'a cluster name: letters, digits and inner hyphens');

const Addresses = z
  .array(LinkAddress)
  .max(8)
  .refine((a) => new Set(a.map((l) => l.link)).size === a.length, 'one address per link');

export const JoinNode = z.object({ name: JoinNodeName, addresses: Addresses.optional() }).strict();

/** PVE's password limit is larger, but a root password of more than 128 characters is a paste error */
export const PASSWORD_MAX = 128;
const Password = z.string().min(1, 'the password is empty').max(PASSWORD_MAX, `a password has at most ${PASSWORD_MAX} characters`);
/** a TOTP code (6–8 digits) for root@pam's second factor */
const Otp = z.string().trim().regex(/^\d{6,8}$/, 'a TOTP code: 6 to 8 digits');

/** root@pam of a member (pve): the password, used for the call only (never stored, logged or audited) */
export const Credentials = z.object({ password: Password, otp: Otp.optional() }).strict();
export type Credentials = z.infer<typeof Credentials>;

/**
 * pve: the joining (or a new cluster's) node's own API, where the join runs as root@pam. Without the
 * fingerprint nothing is sent to it: the dry run shows the certificate it presents, for the admin to compare.
 */
export const JoinerAccess = z
  .object({
    url: z.url({ protocol: /^https$/, error: 'the node\'s API address: https://host:8006' }).max(2048),
    fingerprint: Fingerprint.optional(),
    password: Password,
    otp: Otp.optional(),
  })
  .strict();
export type JoinerAccess = z.infer<typeof JoinerAccess>;

/** a node of a new cluster: pve reaches each through its own API as root@pam */
export const CreateNode = JoinNode.extend({ joiner: JoinerAccess.optional() }).strict();

export const JoinRequest = z
  .object({
    node: JoinNode,
    /** the member's API certificate (pve), as the join information carries it */
    fingerprint: Fingerprint.optional(),
    /** the Proxmox GUI's Join Information, pasted: fills the cluster address and fingerprint */
    joinInfo: z.string().max(64 * 1024).optional(),
    /** pve: the member's root@pam password, handed to the joining node for the join */
    credentials: Credentials.optional(),
    /** pve: the joining node's API (root@pam) */
    joiner: JoinerAccess.optional(),
    nodeid: z.number().int().min(1).max(65_535).optional(),
    votes: z.number().int().min(0).max(255).optional(),
    confirm: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

export const CreateRequest = z
  .object({
    clusterName: ClusterName,
    /** the first node is where the cluster is created; the others join it (pve: each through its own API) */
    nodes: z.array(CreateNode).min(1).max(32),
    confirm: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict()
  .refine((r) => new Set(r.nodes.map((n) => n.name.toLowerCase())).size === r.nodes.length, { message: 'each node once', path: ['nodes'] });
export type CreateRequest = z.infer<typeof CreateRequest>;

export const DelnodeRequest = z
  .object({
    node: JoinNodeName,
    /** removing a node lowers what the cluster can lose: the cluster name typed to confirm */
    clusterName: z.string().max(256).optional(),
    /** pve: root@pam's password (the API refuses delnode to tokens), for this call only */
    credentials: Credentials.optional(),
    confirm: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
export type DelnodeRequest = z.infer<typeof DelnodeRequest>;

/** 200 of a join dry run */
export const JoinDryRunResponse = z.object({ ok: z.literal(true), dryRun: z.literal(true), plan: JoinPlan });
export type JoinDryRunResponse = z.infer<typeof JoinDryRunResponse>;
