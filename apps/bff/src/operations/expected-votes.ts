// Set expected votes (`pvecm expected N` / `corosync-quorumtool -e N`) — the first guarded operation,
// and the one allowed while the cluster is not quorate: the recovery path after losing nodes for good.
import {
  ExpectedVotesRequest,
  effectiveOptions,
  majority,
  nameList,
  validateExpectedVotes,
  type ClusterSnapshot,
  type ExpectedVotesPlan,
} from '@quorate/model';
import type { Cluster } from '../clusters';
import { expectedVotesTarget } from '../sources';
import type { OperationDef } from './guard';

type Plan = ExpectedVotesPlan & { refusal: string | null };

/** quorum corosync computes after setexpected N with these votes present (see validateExpectedVotes) */
function quorumAfter(n: number, snapshot: ClusterSnapshot, total: number, presentNodes: number): number {
  const eff = effectiveOptions(snapshot.cluster.quorumOptions, snapshot.nodes.length, snapshot.qdevice !== null);
  if (eff.twoNode && presentNodes <= 2) return 1;
  return Math.max(majority(n), majority(total));
}

export function splitBrainRisk(snapshot: ClusterSnapshot, n: number): string {
  const members = new Set(snapshot.quorum?.members ?? []);
  const here = snapshot.nodes.filter((x) => members.has(x.id)).map((x) => x.name);
  const missing = snapshot.nodes.filter((x) => !members.has(x.id)).map((x) => x.name);
  return (
    `The cluster is not quorate. Setting expected votes to ${n} makes this partition (${nameList(here) || 'no node'}) quorate on its own. ` +
    `If the missing nodes (${nameList(missing) || 'none'}) are still running and can reach each other, they may do the same: ` +
    'two partitions that each believe they are the cluster write to the shared storage and the cluster filesystem — split brain. ' +
    'Only do this when the missing nodes are really down (powered off or fenced) and will not come back on their own.'
  );
}

export const expectedVotes: OperationDef<ExpectedVotesRequest, Plan> = {
  name: 'expected-votes',
  role: 'operator',
  params: ExpectedVotesRequest,
  auditParams: (p) => ({ expectedVotes: p.expectedVotes, dryRun: p.dryRun === true, clusterNameTyped: p.clusterName !== undefined }),

  unsupported(cluster: Cluster) {
    if (expectedVotesTarget(cluster.collector.source)) return null;
    return `cluster '${cluster.config.id}' (source '${cluster.config.source}') cannot set expected votes`;
  },

  plan(p, cluster, snapshot): Plan {
    const n = p.expectedVotes;
    const q = snapshot.quorum;
    const command = `pvecm expected ${n}`;
    const base = { operation: 'expected-votes' as const, clusterId: cluster.config.id, clusterName: snapshot.cluster.name, command };
    if (!q) {
      const none = { expectedVotes: 0, quorum: 0, totalVotes: 0, quorate: false };
      return { ...base, before: none, after: none, recovery: false, risk: null, needsClusterName: false, refusal: 'no node could be asked: there is no corosync to set expected votes on' };
    }
    const members = new Set(q.members);
    const qdevice = snapshot.qdevice ? { votes: snapshot.qdevice.votes, algorithm: snapshot.qdevice.algorithm, castsVote: snapshot.qdevice.castsVote } : null;
    const refusal = validateExpectedVotes(n, {
      options: snapshot.cluster.quorumOptions,
      nodes: snapshot.nodes.map((x) => ({ id: x.id, votes: x.votes })),
      members: q.members,
      qdevice,
    });
    const present = snapshot.nodes.filter((x) => members.has(x.id)).length;
    const quorum = quorumAfter(n, snapshot, q.totalVotes, present);
    const recovery = !q.quorate;
    const lowering = n < q.expectedVotes;
    return {
      ...base,
      before: { expectedVotes: q.expectedVotes, quorum: q.quorum, totalVotes: q.totalVotes, quorate: q.quorate },
      after: { expectedVotes: n, quorum, totalVotes: q.totalVotes, quorate: q.totalVotes >= quorum },
      recovery,
      risk: recovery
        ? splitBrainRisk(snapshot, n)
        : lowering
          ? `Lowering expected votes lowers the quorum to ${quorum}: fewer nodes keep the cluster quorate until corosync restarts or a node rejoins.`
          : null,
      needsClusterName: recovery,
      refusal,
    };
  },

  async run(p, cluster, log) {
    const target = expectedVotesTarget(cluster.collector.source)!;
    const before = cluster.collector.current()?.snapshot.quorum;
    const observer = cluster.collector.current()?.snapshot.observer?.name ?? 'the observer node';
    log(`${observer}: pvecm expected ${p.expectedVotes}`);
    let result;
    try {
      result = await target.setExpectedVotes(p.expectedVotes);
    } catch (err) {
      // real Corosync: what the command printed before it failed belongs in the task log too
      const lines: unknown = (err as { log?: unknown } | null)?.log;
      if (Array.isArray(lines)) for (const line of lines) if (typeof line === 'string') log(line);
      throw err;
    }
    for (const line of result?.log ?? []) log(line);
    const after = cluster.collector.current()?.snapshot.quorum;
    if (before && after)
      log(
        `expected votes ${before.expectedVotes} -> ${after.expectedVotes}; quorum ${before.quorum} -> ${after.quorum}; ` +
          `${after.totalVotes} votes present; ${after.quorate ? 'quorate' : 'NOT quorate'}`,
      );
  },

  summary: (p) => `expected votes set to ${p.expectedVotes}`,
};
