// Set expected votes (`pvecm expected N` / `corosync-quorumtool -e N`) — the first guarded operation,
// and the one allowed while the cluster is not quorate: the recovery path after losing nodes for good.
// Both the recovery path and a change that lowers the failure tolerance (e.g. expected 5 on a healthy
// 3-node cluster: it can lose no node afterwards) need the cluster name typed.
import {
  ExpectedVotesRequest,
  quorumAfterSetExpected,
  failureTolerance,
  nameList,
  plural,
  validateExpectedVotes,
  type ClusterSnapshot,
  type ExpectedVotesPlan,
  type FailureTolerance,
} from '@quorate/model';
import type { LedCluster } from '../clusters';
import { expectedVotesTarget } from '../sources';
import type { OperationDef } from './guard';

type Plan = ExpectedVotesPlan & { refusal: string | null };

/** quorum corosync computes after setexpected N with these votes present (see validateExpectedVotes) */
const quorumAfter = (n: number, snapshot: ClusterSnapshot, total: number, presentNodes: number): number =>
  quorumAfterSetExpected(n, snapshot.cluster.quorumOptions, snapshot.nodes.length, snapshot.qdevice !== null, total, presentNodes);

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

/** the snapshot as it would be right after `pvecm expected n` (same members, the new expected votes and quorum) */
function snapshotAfter(snapshot: ClusterSnapshot, n: number, quorum: number): ClusterSnapshot {
  const q = snapshot.quorum!;
  const quorate = q.totalVotes >= quorum;
  const flags = q.flags.filter((f) => f !== 'Quorate');
  return { ...snapshot, quorum: { ...q, expectedVotes: n, highestExpected: Math.max(n, q.totalVotes), quorum, quorate, flags: quorate ? ['Quorate', ...flags] : flags } };
}

const nodesWord = (n: number) => (n === 0 ? 'none' : plural(n, 'node'));

/**
 * The risk when the change lowers the failure tolerance (the model's, as the hero shows it): how many
 * nodes the cluster could lose before, and after. null when it does not drop.
 */
export function toleranceRisk(n: number, expectedBefore: number, quorum: number, totalVotes: number, before: FailureTolerance | null, after: FailureTolerance | null): string | null {
  if (!before || !after) return null;
  const fewerNodes = after.nodesCanLose < before.nodesCanLose;
  const qdeviceNowCritical = after.qdeviceCritical && !before.qdeviceCritical;
  if (!fewerNodes && !qdeviceNowCritical) return null;
  const verb = n > expectedBefore ? 'Raising' : 'Changing';
  const parts = [`${verb} expected votes to ${n} makes the cluster fragile: ${quorum} of the ${plural(totalVotes, 'vote')} present are then needed.`];
  if (fewerNodes)
    parts.push(
      `The cluster could lose ${nodesWord(before.nodesCanLose)} before; after this it can lose ${nodesWord(after.nodesCanLose)}` +
        (after.nodesCanLose === 0 ? ': one more node down and the cluster loses quorum (/etc/pve turns read-only; HA nodes fence themselves).' : '.'),
    );
  if (qdeviceNowCritical) parts.push('Losing the QDevice’s vote alone would then lose quorum.');
  return parts.join(' ');
}

export const expectedVotes: OperationDef<ExpectedVotesRequest, Plan> = {
  name: 'expected-votes',
  role: 'operator',
  params: ExpectedVotesRequest,
  auditParams: (p) => ({ expectedVotes: p.expectedVotes, dryRun: p.dryRun === true, clusterNameTyped: p.clusterName !== undefined }),

  unsupported(cluster: LedCluster) {
    if (expectedVotesTarget(cluster.collector.source)) return null;
    return `cluster '${cluster.config.id}' (source '${cluster.config.source}') cannot set expected votes`;
  },

  plan(p, cluster, snapshot): Plan {
    const n = p.expectedVotes;
    const q = snapshot.quorum;
    const command = `pvecm expected ${n}`;
    const base = { operation: 'expected-votes' as const, clusterId: cluster.config.id, clusterName: snapshot.cluster.name, command };
    if (!q) {
      const none = { expectedVotes: 0, quorum: 0, totalVotes: 0, quorate: false, nodesCanLose: 0 };
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
    const tolerance = failureTolerance(snapshot);
    const toleranceAfter = refusal === null ? failureTolerance(snapshotAfter(snapshot, n, quorum)) : tolerance;
    // recovery: the tolerance is 0 before (not quorate), it cannot drop; the split-brain warning says more
    const fragile = recovery ? null : toleranceRisk(n, q.expectedVotes, quorum, q.totalVotes, tolerance, toleranceAfter);
    const lowered = lowering ? `Lowering expected votes lowers the quorum to ${quorum}: fewer nodes keep the cluster quorate until corosync restarts or a node rejoins.` : null;
    return {
      ...base,
      before: { expectedVotes: q.expectedVotes, quorum: q.quorum, totalVotes: q.totalVotes, quorate: q.quorate, nodesCanLose: tolerance?.nodesCanLose ?? 0 },
      after: { expectedVotes: n, quorum, totalVotes: q.totalVotes, quorate: q.totalVotes >= quorum, nodesCanLose: toleranceAfter?.nodesCanLose ?? 0 },
      recovery,
      risk: recovery ? splitBrainRisk(snapshot, n) : ([lowered, fragile].filter(Boolean).join(' ') || null),
      // typed name: the recovery path, and any change that lets the cluster lose fewer nodes
      needsClusterName: recovery || fragile !== null,
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
          `${plural(after.totalVotes, 'vote')} present; ${after.quorate ? 'quorate' : 'NOT quorate'}`,
      );
  },

  summary: (p) => `expected votes set to ${p.expectedVotes}`,
};
