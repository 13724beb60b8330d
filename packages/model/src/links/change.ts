// A change to the cluster's Corosync links (issue 16): the REST body of POST /api/v1/operations/links, the facts
// a source measures before it (the corosync.conf every node runs, probes of each new address from every
// member), and the plan: every check with why and the fix. The edit of corosync.conf itself is
// packages/corosync's (conf-edit.ts); the model judges it and the facts. Pure.
import { z } from 'zod';
import { Probe, Unmeasured } from '../join/facts';
import { JoinNodeName } from '../join/requests';
import { LinkNumber } from '../snapshot';

/** ringX_addr: an IPv4 or IPv6 address or a host name (the model's check; corosync's edit checks again) */
export const LinkAddressText = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(?:[0-9A-Fa-f:.]+|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)$/, 'an IP address or a host name');

const Priority = z.number().int().min(0, 'knet_link_priority is 0 to 255').max(255, 'knet_link_priority is 0 to 255');

export const LinkChange = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('add-link'),
      link: LinkNumber,
      /** one address per node, each on the new link's network */
      addresses: z.array(z.object({ node: JoinNodeName, address: LinkAddressText }).strict()).min(1).max(64),
      priority: Priority.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('remove-link'), link: LinkNumber }).strict(),
  z.object({ kind: z.literal('set-address'), node: JoinNodeName, link: LinkNumber, address: LinkAddressText }).strict(),
  z.object({ kind: z.literal('set-priority'), link: LinkNumber, priority: Priority }).strict(),
  z.object({ kind: z.literal('set-link-mode'), mode: z.enum(['passive', 'active', 'rr']) }).strict(),
]);
export type LinkChange = z.infer<typeof LinkChange>;

export const LinkChangeRequest = z
  .object({
    change: LinkChange,
    /** the cluster name typed: a link change touches every node's Corosync */
    clusterName: z.string().max(256).optional(),
    confirm: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
export type LinkChangeRequest = z.infer<typeof LinkChangeRequest>;

/** the addresses a change puts on the network: each is probed from every member before anything changes */
export function newAddresses(change: LinkChange): { node: string; link: number; address: string }[] {
  if (change.kind === 'add-link') return change.addresses.map((a) => ({ node: a.node, link: change.link, address: a.address }));
  if (change.kind === 'set-address') return [{ node: change.node, link: change.link, address: change.address }];
  return [];
}

export const LinkFacts = z.object({
  /** the corosync.conf the nodes run (/etc/pve/corosync.conf; the lab's; the sim's rendering), or why not */
  conf: z.union([z.object({ text: z.string().max(256 * 1024) }), Unmeasured]),
  /** each new address probed from every other running member (ICMP and the link's UDP port) */
  probes: z.array(Probe.extend({ to: z.string() })),
});
export type LinkFacts = z.infer<typeof LinkFacts>;

/** what packages/corosync's edit gave: the new text and config_version, or why it was refused */
export type LinkEditOutcome = { ok: true; text: string; configVersion: { from: number; to: number } } | { ok: false; error: string };
