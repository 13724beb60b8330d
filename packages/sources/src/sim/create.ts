// `pvecm create` on the first spare, then `pvecm add` of each other one (join.ts): a cluster from
// standalone nodes, in a simulation that has none yet. The first node gets id 1; the others the lowest
// free ids, each on its own addresses.
import { z } from 'zod';
import { LinkAddress, NODE_NAME } from '@quorate/model';
import { SimFaultError } from './errors';
import { simJoin } from './join';
import { runner, type OperationOptions, type SimControl } from './operation';
import { relayout } from './relayout';
import { findSpare } from './spares';

/** pvecm's limit on a cluster name (clustername: format pve-node, maxLength 15) */
export const CLUSTER_NAME_MAX = 15;
/** most nodes one create takes (the sim's largest cluster) */
export const CREATE_MAX_NODES = 32;

const CreateRequest = z.object({
  clusterName: z.string().min(1).max(CLUSTER_NAME_MAX).regex(NODE_NAME, 'letters, digits and inner hyphens'),
  /** spare names, or names with the addresses to use (default: the spare's own, one per link) */
  nodes: z
    .array(z.union([z.string().min(1), z.object({ name: z.string().min(1), addresses: z.array(LinkAddress).max(8).optional() })]))
    .min(1)
    .max(CREATE_MAX_NODES),
});
export type CreateNode = z.input<typeof CreateRequest>['nodes'][number];

export async function simCreate(ctl: SimControl, clusterName: unknown, nodes: unknown, o: OperationOptions = {}): Promise<void> {
  const parsed = CreateRequest.safeParse({ clusterName, nodes });
  if (!parsed.success) throw new SimFaultError(`invalid create: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const req = { clusterName: parsed.data.clusterName, nodes: parsed.data.nodes.map((n) => (typeof n === 'string' ? { name: n, addresses: undefined } : n)) };
  const names = req.nodes.map((n) => n.name);
  if (new Set(names).size !== names.length) throw new SimFaultError('a node is named twice');
  const r = runner(o);
  const s = ctl.state();
  if ((s.nodelist ?? []).length > 0 || (s.nodelist === undefined && s.config.nodeCount > 0))
    throw new SimFaultError(`this simulation already has a cluster (${ctl.snapshot().cluster.name}): join the spares to it instead`);
  for (const name of names) findSpare(s, name);
  const [head, ...others] = req.nodes as [(typeof req.nodes)[number], ...typeof req.nodes];
  const rest = others.map((n) => n.name);
  const first = findSpare(s, head.name);
  // the first node's addresses: as given (link order), else its own
  const firstAddresses = head.addresses ? [...head.addresses].sort((a, b) => a.link - b.link).map((a) => a.address) : [...first.addresses];
  if (firstAddresses.length !== (s.linkCount ?? s.config.linkCount)) throw new SimFaultError(`${first.name} needs an address on each of the ${s.linkCount ?? s.config.linkCount} links`);
  if (first.clustered) throw new SimFaultError("cluster config '/etc/pve/corosync.conf' already exists");
  // what would stop a later join half-way (assert_joinable), refused before the cluster exists
  const unfit = rest.map((name) => findSpare(s, name)).flatMap((x) => (x.clustered ? [`${x.name} is in cluster ${x.clustered.clusterName}`] : x.guests > 0 ? [`${x.name} has guests`] : []));
  if (unfit.length > 0) throw new SimFaultError(`cannot join the other nodes: ${unfit.join('; ')}`);
  r.checkAbort('create');
  await r.line('Writing corosync config to /etc/pve/corosync.conf');
  r.checkAbort('create');
  // the point of no return: the first node has a cluster of its own
  const now = ctl.state();
  const next = relayout(now, [{ name: first.name, id: 1, votes: 1, addresses: firstAddresses }], [null], req.clusterName);
  ctl.replace({ ...next, spares: (next.spares ?? []).filter((x) => x.name !== first.name) });
  ctl.applyFault({ action: 'start', nodes: [first.name] });
  await r.line('Restart corosync and cluster filesystem');
  await r.until(() => ctl.snapshot().quorum?.quorate === true, `${first.name} to be quorate`);
  o.log?.(`cluster ${req.clusterName} created on ${first.name}`);
  for (const node of others) {
    const spare = findSpare(ctl.state(), node.name);
    o.log?.(`joining ${node.name}`);
    await simJoin(ctl, node.name, { addresses: node.addresses ?? spare.addresses.map((address, link) => ({ link, address })) }, { ...o, signal: undefined });
  }
}
