// Whose Corosync the snapshot reports. Ranked as the corosync source ranks its vantage points
// (chooseObserver in ../corosync/assemble.ts), not by id: a node in a quorate partition first, then the
// partition with most votes, then most members — so a 32-node cluster split 11|21 shows its quorate
// side, not "NOT QUORATE 11 of 32" from node 1 — then the current observer (no flapping between equal
// views), then the lowest id.
//
// No "joining" rank as the corosync source has: a node that just started is alone in a ring of its own,
// which votequorum never makes quorate while a bigger side runs (wait_for_all or too few votes), and it
// ties with nobody but a lone node.
//
// Two sides that rank the same (4 nodes split 2|2 without auto_tie_breaker or a QDevice: both inquorate,
// 2 votes, 2 members) keep the current observer: either side is an honest headline ("not quorate, 2 of
// 4"), and keeping it does not make the headline jump from one half to the other. With no current
// observer running (it crashed), the lowest id among the best wins.

/** one running node's view: the quorum of its ring */
export interface Vantage {
  /** node id */
  id: number;
  quorate: boolean;
  /** votes the ring counts (a QDevice's included when it votes for this ring) */
  votes: number;
  members: number;
}

/** the node id that leads, or null when no node runs */
export function chooseSimObserver(candidates: readonly Vantage[], current: number | null): number | null {
  let best: Vantage | null = null;
  for (const v of candidates) if (best === null || outranks(v, best, current)) best = v;
  return best === null ? null : best.id;
}

function outranks(a: Vantage, b: Vantage, current: number | null): boolean {
  if (a.quorate !== b.quorate) return a.quorate;
  if (a.votes !== b.votes) return a.votes > b.votes;
  if (a.members !== b.members) return a.members > b.members;
  if ((a.id === current) !== (b.id === current)) return a.id === current;
  return a.id < b.id;
}
