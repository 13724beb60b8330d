// votequorum per ring, by the model's rules: each ring's quorum state and memory, the QDevice vote (to at
// most one ring), `pvecm expected`, and the forecast of quorum once Corosync drops unreachable members.
import { evaluateQuorum, qdeviceVoteWinner, validateExpectedVotes, type QuorumState } from '@quorate/model';
import { SimFaultError } from './errors';
import type { SimRing } from './state';
import type { Topology } from './topology';

/** quorum of every ring at time now, in ring order; calls changed when a ring's state moves */
export function evaluateRings(topo: Topology, rings: readonly SimRing[], now: number, changed: () => void): void {
  const q = topo.config.qdevice;
  const winners = q ? new Set(qdeviceVoteWinner(rings.map((r) => r.members), q.algorithm, q.tieBreaker)) : new Set<number>();
  rings.forEach((r, idx) => {
    r.castsVote = winners.has(idx);
    const res = evaluateQuorum({
      options: topo.config.quorumOptions,
      nodes: topo.voteNodes,
      members: r.members,
      qdevice: topo.qdeviceInput(r.castsVote),
      memory: r.memory,
      now,
    });
    const state = { ...res.state, ringId: r.id };
    if (!r.state || JSON.stringify(r.state) !== JSON.stringify(state)) changed();
    r.state = state;
    r.memory = res.memory;
  });
}

/** `pvecm expected n` on the observer's ring: refused (SimFaultError) as Corosync would refuse it */
export function setExpectedVotes(topo: Topology, ring: SimRing | null, n: number): void {
  if (!ring) throw new SimFaultError('no node is running: there is no corosync to ask');
  const qdevice = topo.qdeviceInput(ring.castsVote);
  const err = validateExpectedVotes(n, { options: topo.config.quorumOptions, nodes: topo.voteNodes, members: ring.members, qdevice });
  if (err) throw new SimFaultError(err);
  ring.memory = { ...ring.memory, expectedOverride: n, lmsExpected: null };
}

/** the ring's quorum once the members in gone have left it (nothing is changed) */
export function quorumWithout(topo: Topology, ring: SimRing, gone: ReadonlySet<number>, now: number): QuorumState {
  return evaluateQuorum({
    options: topo.config.quorumOptions,
    nodes: topo.voteNodes,
    members: ring.members.filter((m) => !gone.has(m)),
    qdevice: topo.qdeviceInput(ring.castsVote),
    memory: ring.memory,
    now,
  }).state;
}
