// What a source measured before a join: the cluster as it is, the joining node, and probes between them.
// Each measurement a source cannot make is {unmeasured: why} — the check then warns and says why, never
// passes silently (a pve cluster without SSH cannot probe Corosync's UDP port, for instance).
import { z } from 'zod';
import { QuorumOptions, type ClusterSnapshot } from '../snapshot';

export const Unmeasured = z.object({ unmeasured: z.string().min(1) });
export type Unmeasured = z.infer<typeof Unmeasured>;
const orUnmeasured = <T extends z.ZodType>(t: T) => z.union([t, Unmeasured]);
export type Measured<T> = T | Unmeasured;
export const isUnmeasured = (v: unknown): v is Unmeasured => typeof v === 'object' && v !== null && 'unmeasured' in v;

/** the node-name rule of Proxmox (pve_verify_node_name; also corosync's nodelist names) */
export const NODE_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
export const NODE_NAME_MAX = 63;

export const LinkAddress = z.object({ link: z.number().int().min(0).max(7), address: z.string().min(1).max(255) });
export type LinkAddress = z.infer<typeof LinkAddress>;

export const MemberFacts = z.object({
  name: z.string(),
  id: z.number().int().min(1),
  votes: z.number().int().min(0),
  online: z.boolean(),
  addresses: z.array(LinkAddress),
  /** "3.1.7" (corosync -v), null when not known */
  corosyncVersion: z.string().nullable().default(null),
  /** "8.2.4" (pve-manager), null when not known or not Proxmox */
  pveVersion: z.string().nullable().default(null),
});
export type MemberFacts = z.infer<typeof MemberFacts>;

/** the members as a snapshot shows them; the versions are the source's to say (null: not known) */
export function membersOf(snapshot: ClusterSnapshot, versions: (name: string) => { corosync: string | null; pve: string | null }): MemberFacts[] {
  return snapshot.nodes.map((n) => {
    const v = versions(n.name);
    return { name: n.name, id: n.id, votes: n.votes, online: n.state === 'online', addresses: n.addresses, corosyncVersion: v.corosync, pveVersion: v.pve };
  });
}

export const ClusterFacts = z.object({
  name: z.string(),
  quorate: z.boolean(),
  members: z.array(MemberFacts),
  /** the cluster's Corosync link numbers */
  links: z.array(z.number().int().min(0).max(7)),
  qdevice: z.boolean(),
  options: QuorumOptions,
  /** the API certificate the member presents (pve: the joiner trusts it by fingerprint); absent: none involved */
  memberFingerprint: orUnmeasured(z.string()).optional(),
});
export type ClusterFacts = z.infer<typeof ClusterFacts>;

/** one probe from a member to the joining node's address on one link */
export const Probe = z.object({
  from: z.string(),
  link: z.number().int().min(0).max(7),
  address: z.string(),
  /** the address answered at all (ICMP or TCP) */
  reachable: z.boolean(),
  /** a datagram to Corosync's UDP port arrived; null when this probe could not test it */
  udp: z.boolean().nullable(),
  /** round-trip time, ms; null when it did not answer */
  latencyMs: z.number().min(0).nullable(),
  /** lost probes, % */
  lossPct: z.number().min(0).max(100).nullable(),
});
export type Probe = z.infer<typeof Probe>;

export const JoinerFacts = z.object({
  name: z.string(),
  /** asked for; null = the lowest free id */
  nodeid: z.number().int().min(1).nullable().default(null),
  votes: z.number().int().min(0).default(1),
  /** the addresses asked for on each link (empty: the fallback to the node's own address) */
  addresses: z.array(LinkAddress),
  /** the address the node's name resolves to on the members (a name per member: they must agree) */
  resolvesTo: orUnmeasured(z.array(z.object({ on: z.string(), addresses: z.array(z.string()) }))),
  /** reverse lookup of each link address on the members: the name it gives back (null: none) */
  reverse: orUnmeasured(z.array(z.object({ on: z.string(), address: z.string(), name: z.string().nullable() }))),
  /** the addresses configured on the joining node's interfaces */
  localAddresses: orUnmeasured(z.array(z.string())),
  /** what `pvecm add` checks on the joining node (assert_joinable) */
  clustered: orUnmeasured(
    z.object({
      corosyncConf: z.boolean(),
      authkey: z.boolean(),
      corosyncRunning: z.boolean(),
      /** the cluster it is in, when it says */
      clusterName: z.string().nullable().default(null),
    }),
  ),
  guests: orUnmeasured(z.number().int().min(0)),
  /**
   * how the join reaches the node, when that can fail (pve: its API as root@pam — the join runs there);
   * null: the source reaches it by its own means (sim, lab, SSH)
   */
  access: z.object({ ok: z.boolean(), detail: z.string() }).nullable().default(null),
  /** the joining node's clock minus the cluster's, ms */
  clockOffsetMs: orUnmeasured(z.number()),
  corosyncVersion: orUnmeasured(z.string().nullable()),
  pveVersion: orUnmeasured(z.string().nullable()),
});
export type JoinerFacts = z.infer<typeof JoinerFacts>;

export const JoinFacts = z.object({
  cluster: ClusterFacts,
  joiner: JoinerFacts,
  /** member → joiner probes; unmeasured when the source cannot run them */
  probes: orUnmeasured(z.array(Probe)),
  /** the fingerprint the join will trust (given, or from a pasted Join Information); absent: none */
  fingerprint: z.string().nullable().default(null),
  /** Corosync's UDP port (knet: 5405 for every link) */
  port: z.number().int().min(1).max(65_535).default(5405),
});
export type JoinFacts = z.input<typeof JoinFacts>;
export type JoinFactsParsed = z.output<typeof JoinFacts>;
