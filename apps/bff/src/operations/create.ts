// Create a cluster from standalone nodes (`pvecm create` on the first, `pvecm add` for each other): needs no
// quorum (there is no cluster yet), refused when the nodes are not all standalone candidates of this source.
// The plan shows the quorum the new cluster will have.
import { CreateRequest, quorumFigures, QuorumOptions, type QuorumFigures } from '@quorate/model';
import type { OperationDef } from './guard';
import { verifyMembership } from './verify';

interface Plan {
  clusterName: string;
  nodes: string[];
  after: QuorumFigures;
  refusal: string | null;
  recovery: false;
  needsClusterName: false;
}

export const create: OperationDef<CreateRequest, Plan> = {
  name: 'create',
  role: 'operator',
  params: CreateRequest,
  needsQuorum: false,
  // passwords never: only where each node was reached
  auditParams: (p) => ({
    clusterName: p.clusterName,
    nodes: p.nodes.map((n) => n.name),
    ...(p.nodes.some((n) => n.joiner) ? { apis: p.nodes.map((n) => (n.joiner ? { url: n.joiner.url, credentials: 'given for this call only' } : null)) } : {}),
    dryRun: p.dryRun === true,
  }),
  unsupported: (cluster) =>
    cluster.collector.source.capabilities.create ? null : `cluster '${cluster.config.id}' (${cluster.config.source}) cannot create clusters through Quorate: its source has no create capability`,
  async plan(p, cluster, s) {
    const candidates = await cluster.collector.source.capabilities.create!.candidates();
    const names = new Set(candidates.map((c) => c.name));
    // pve has no spares: a node given with its API is checked there (standalone, its own name) before anything changes
    const unknown = p.nodes.filter((n) => !names.has(n.name) && n.joiner === undefined).map((n) => n.name);
    // a cluster already: its nodelist is not empty and it is no standalone node
    const clustered = s.nodes.length > 0 && s.cluster.standalone !== true;
    const refusal = clustered
      ? `cluster config '/etc/pve/corosync.conf' already exists: ${s.cluster.name} has ${s.nodes.length} node${s.nodes.length === 1 ? '' : 's'} — join the new nodes to it instead`
      : unknown.length > 0
        ? `not a standalone node here: ${unknown.join(', ')} (candidates: ${[...names].join(', ') || 'none'}${cluster.config.source === 'pve' ? '; a Proxmox node is given by its API address, certificate and root@pam password' : ''})`
        : null;
    const nodes = p.nodes.map((_, i) => ({ id: i + 1, votes: 1 }));
    const after = quorumFigures(nodes, nodes.map((n) => n.id), QuorumOptions.parse({ twoNode: nodes.length === 2 }));
    return { clusterName: p.clusterName, nodes: p.nodes.map((n) => n.name), after, refusal, recovery: false, needsClusterName: false };
  },
  async run(p, cluster, log, signal, plan) {
    await cluster.collector.source.capabilities.create!.create({ clusterName: p.clusterName, nodes: p.nodes }, { log, signal });
    for (const name of p.nodes.map((n) => n.name)) await verifyMembership(cluster, log, signal, { present: name, expectedVotes: plan.after.expectedVotes, quorum: plan.after.quorum });
  },
  summary: (p) => `cluster ${p.clusterName} created from ${p.nodes.map((n) => n.name).join(', ')}`,
};
