// A join's plan: the checks, whether it may run, and quorum before and after ("expected votes 3 → 4, needed
// 2 → 3, can lose 1 node") — figures from the model's own votequorum rules (evaluateQuorum), not a second
// arithmetic. Also the figures for create and delnode, which change the nodelist the same way.
import { z } from 'zod';
import { QuorumFigures } from '../operations';
import type { QuorumOptions } from '../snapshot';
import { evaluateQuorum, initialQuorumMemory, type VoteNode } from '../votequorum';
import { JoinCheck, joinChecks, nextNodeId } from './checks';
import { JoinFacts, type JoinFactsParsed } from './facts';

export const JoinPlan = z.object({
  checks: z.array(JoinCheck),
  /** no check failed (warnings do not block; the review shows them) */
  canJoin: z.boolean(),
  /** the id the new node gets */
  nodeid: z.number().int().min(1),
  before: QuorumFigures,
  after: QuorumFigures,
});
export type JoinPlan = z.infer<typeof JoinPlan>;

/**
 * Quorum of a cluster whose `online` nodes run (a settled cluster: wait_for_all already satisfied), and
 * the worst-case failure tolerance: how many of them can go, the biggest voters first, before quorum goes.
 */
export function quorumFigures(nodes: readonly VoteNode[], online: readonly number[], options: QuorumOptions, qdeviceVotes = 0): QuorumFigures {
  const qdevice = qdeviceVotes > 0 ? { votes: qdeviceVotes, algorithm: 'ffsplit' as const, castsVote: true } : null;
  const settled = { ...initialQuorumMemory(), seenAll: true };
  const at = (members: number[]) => evaluateQuorum({ options, nodes: [...nodes], members, qdevice, memory: { ...settled, lastMembers: members }, now: 0 }).state;
  const now = at([...online]);
  let canLose = 0;
  if (now.quorate) {
    // worst case: the biggest voters go first; each loss is a new membership seen from a quorate cluster
    const order = nodes.filter((n) => online.includes(n.id)).sort((a, b) => b.votes - a.votes || a.id - b.id);
    let left = [...online];
    for (const n of order) {
      left = left.filter((id) => id !== n.id);
      if (left.length === 0) break;
      const s = evaluateQuorum({ options, nodes: [...nodes], members: left, qdevice, memory: { ...settled, expectedOverride: null, lastMembers: null }, now: 0 }).state;
      if (!s.quorate) break;
      canLose++;
    }
  }
  return { expectedVotes: now.expectedVotes, quorum: now.quorum, totalVotes: now.totalVotes, quorate: now.quorate, nodesCanLose: canLose };
}

/** the plan of a join from what was measured (facts are parsed here: defaults filled, bad input thrown) */
export function joinPlan(input: JoinFacts): JoinPlan {
  const f: JoinFactsParsed = JoinFacts.parse(input);
  const checks = joinChecks(f);
  const nodes = f.cluster.members.map((m) => ({ id: m.id, votes: m.votes }));
  const online = f.cluster.members.filter((m) => m.online).map((m) => m.id);
  const nodeid = f.joiner.nodeid ?? nextNodeId(f.cluster.members);
  // expected votes from the nodelist after the join: a quorum.expected_votes override is not carried over
  const options = f.cluster.options;
  const before = quorumFigures(nodes, online, options);
  // (two_node stops counting with a third node: votequorum honours it for two nodes only — effectiveOptions)
  const after = quorumFigures([...nodes, { id: nodeid, votes: f.joiner.votes }], [...online, nodeid], options);
  return { checks, canJoin: checks.every((c) => c.status !== 'fail'), nodeid, before, after };
}
