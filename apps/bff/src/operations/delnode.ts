// Remove a node (`pvecm delnode`) in Proxmox's documented order: the node is powered off first (an online
// node is refused), the cluster is quorate, the node is not the one Quorate observes through ("Cannot delete
// myself from cluster!"); the cluster name is typed to confirm. Quorum before and after from the model.
import { DelnodeRequest, quorumFigures, type QuorumFigures } from '@quorate/model';
import type { OperationDef } from './guard';
import { verifyMembership } from './verify';

interface Plan {
  node: string;
  before: QuorumFigures;
  after: QuorumFigures;
  /** what stays behind on the removed machine and in the cluster, for the admin to clean */
  afterwards: string[];
  refusal: string | null;
  recovery: false;
  needsClusterName: true;
}

export const delnode: OperationDef<DelnodeRequest, Plan> = {
  name: 'delnode',
  role: 'operator',
  params: DelnodeRequest,
  auditParams: (p) => ({ node: p.node, ...(p.credentials ? { credentials: 'given for this call only' } : {}), dryRun: p.dryRun === true }),
  unsupported: (cluster) =>
    cluster.collector.source.capabilities.delnode ? null : `cluster '${cluster.config.id}' (${cluster.config.source}) cannot remove nodes through Quorate: its source has no delnode capability`,
  plan(p, _cluster, s) {
    const node = s.nodes.find((n) => n.name === p.node);
    const nodes = s.nodes.map((n) => ({ id: n.id, votes: n.votes }));
    const online = s.nodes.filter((n) => n.state === 'online').map((n) => n.id);
    const qdevice = s.qdevice?.votes ?? 0;
    const before = quorumFigures(nodes, online, s.cluster.quorumOptions, qdevice);
    const after = node ? quorumFigures(nodes.filter((n) => n.id !== node.id), online.filter((id) => id !== node.id), s.cluster.quorumOptions, qdevice) : before;
    const refusal = !node
      ? `Node/IP: ${p.node} is not a known host of the cluster.`
      : node.name === s.observer?.name
        ? `Cannot delete myself from cluster! (Quorate reads the cluster through ${node.name}: remove it through another node)`
        : node.state === 'online'
          ? `${node.name} is online: power it off first (Proxmox’s order: shut the node down, then remove it), so it does not come back with the old configuration`
          : null;
    const afterwards = [
      `on a member: rm -r /etc/pve/nodes/${p.node} (its configuration folder stays behind)`,
      `on every member: ssh-keygen -R ${p.node} (and its address) in /etc/pve/priv/known_hosts`,
      `never start ${p.node} again with its old configuration: reinstall it, or separate it first (Proxmox docs: “Separate a Node Without Reinstalling”)`,
    ];
    return { node: p.node, before, after, afterwards, refusal, recovery: false, needsClusterName: true };
  },
  async run(p, cluster, log, signal, plan) {
    await cluster.collector.source.capabilities.delnode!.delnode(p.node, { log, signal }, p.credentials);
    await verifyMembership(cluster, log, signal, { absent: p.node, expectedVotes: plan.after.expectedVotes, quorum: plan.after.quorum });
    for (const line of plan.afterwards) log(`left for you: ${line}`);
  },
  summary: (p) => `node ${p.node} removed`,
};
