// votequorum rules as pure functions. STUB: the owner replaces this with the faithful implementation.
import type { QuorumOptions, QuorumState } from './snapshot';

export interface VoteNode {
  id: number;
  votes: number;
}

/** what votequorum remembers between membership changes (per partition) */
export interface QuorumMemory {
  /** wait_for_all: has this partition seen all nodes at once? */
  seenAll: boolean;
  /** `corosync-quorumtool -e` / `pvecm expected` override */
  expectedOverride: number | null;
  /** last_man_standing: expected votes lowered so far, and since when the membership is stable */
  lmsExpected: number | null;
  lmsStableSince: number | null;
}

export interface QDeviceInput {
  votes: number;
  algorithm: 'ffsplit' | 'lms';
  castsVote: boolean;
}

export interface QuorumInput {
  options: QuorumOptions;
  nodes: VoteNode[];
  members: number[];
  qdevice?: QDeviceInput | null;
  memory: QuorumMemory;
  now: number;
}

export interface QuorumEvaluation {
  state: QuorumState;
  memory: QuorumMemory;
}

export function initialQuorumMemory(): QuorumMemory {
  return { seenAll: false, expectedOverride: null, lmsExpected: null, lmsStableSince: null };
}

export function evaluateQuorum(input: QuorumInput): QuorumEvaluation {
  const expected = input.options.expectedVotes ?? input.nodes.reduce((s, n) => s + n.votes, 0);
  const total = input.nodes.filter((n) => input.members.includes(n.id)).reduce((s, n) => s + n.votes, 0);
  const quorum = Math.floor(expected / 2) + 1;
  const quorate = total >= quorum;
  return {
    state: {
      expectedVotes: expected,
      highestExpected: expected,
      totalVotes: total,
      quorum,
      quorate,
      flags: quorate ? ['Quorate'] : [],
      ringId: null,
      members: [...input.members].sort((a, b) => a - b),
    },
    memory: input.memory,
  };
}
