// REST bodies of the cluster-shape operations (issue 13): POST /api/v1/operations/join, /create, /delnode.
// Each runs as a task (202) with confirm: true; dryRun: true changes nothing and returns the plan. Passwords
// are for the call only (never stored, logged or audited) unless the admin asks to store them.
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

/** root@pam of a member (pve): the password, used for the join call only unless `store` */
export const Credentials = z.object({ password: z.string().min(1).max(128), store: z.boolean().optional() }).strict();

export const JoinRequest = z
  .object({
    node: JoinNode,
    /** the member's API certificate (pve), as the join information carries it */
    fingerprint: Fingerprint.optional(),
    /** the Proxmox GUI's Join Information, pasted: fills the cluster address and fingerprint */
    joinInfo: z.string().max(64 * 1024).optional(),
    credentials: Credentials.optional(),
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
    /** the first node is where the cluster is created; the others join it */
    nodes: z.array(JoinNode).min(1).max(32),
    credentials: Credentials.optional(),
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
    confirm: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
export type DelnodeRequest = z.infer<typeof DelnodeRequest>;

/** 200 of a join dry run */
export const JoinDryRunResponse = z.object({ ok: z.literal(true), dryRun: z.literal(true), plan: JoinPlan });
export type JoinDryRunResponse = z.infer<typeof JoinDryRunResponse>;
