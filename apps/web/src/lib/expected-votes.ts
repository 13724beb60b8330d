// The arithmetic of `pvecm expected N` on the page, from the live snapshot (the BFF's dry run is the
// authority; this shows the reasoning and lets the dialog say something before the server answers).
import { effectiveOptions, majority, validateExpectedVotes, type ClusterSnapshot } from '@quorate/model';

export interface ExpectedVotesPreview {
  /** votes present in this partition (nodes in the membership + a voting QDevice) */
  present: number;
  /** votes needed after the change */
  quorum: number;
  quorate: boolean;
  /** corosync's refusal, if it would refuse */
  refusal: string | null;
  twoNode: boolean;
}

export function previewExpectedVotes(s: ClusterSnapshot, n: number): ExpectedVotesPreview | null {
  const q = s.quorum;
  if (!q || !Number.isInteger(n) || n < 1) return null;
  const nodes = s.nodes.map((x) => ({ id: x.id, votes: x.votes }));
  const qdevice = s.qdevice ? { votes: s.qdevice.votes, algorithm: s.qdevice.algorithm, castsVote: s.qdevice.castsVote } : null;
  const eff = effectiveOptions(s.cluster.quorumOptions, nodes.length, qdevice !== null);
  const present = q.totalVotes;
  const members = new Set(q.members);
  const twoNode = eff.twoNode && nodes.filter((x) => members.has(x.id)).length <= 2;
  const quorum = twoNode ? 1 : Math.max(majority(n), majority(present));
  const refusal = validateExpectedVotes(n, { options: s.cluster.quorumOptions, nodes, members: q.members, qdevice });
  return { present, quorum, quorate: refusal === null && present >= quorum, refusal, twoNode };
}

/** the value to offer: while not quorate, the votes present (the model's last resort); else the current one */
export function suggestedExpectedVotes(s: ClusterSnapshot, toRestore: number | null): number {
  const q = s.quorum;
  if (!q) return 1;
  if (!q.quorate) return toRestore ?? Math.max(1, q.totalVotes);
  return q.expectedVotes;
}
