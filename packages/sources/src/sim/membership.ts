// Corosync membership: a ring per group of running nodes that reach each other, each with its own
// votequorum memory and state. A ring changes only when Corosync would notice: a failure (crash, cut)
// detectMs after it began, a join rejoinMs after it became possible, a clean leave at once. What each
// ring's votequorum makes of its members is quorum.ts.
import { initialQuorumMemory, mergeQuorumMemory, type QuorumMemory } from '@quorate/model';
import { at, SimInvariantError } from './invariant';
import { chooseSimObserver, type Vantage } from './observer';
import { evaluateRings } from './quorum';
import { ringId, type SimRing, type SimState } from './state';
import type { Topology } from './topology';
import type { UnionFind } from './union-find';

/** ring sequence number of a fresh cluster's first ring; each new ring adds 4, as Corosync does */
export const FIRST_RING_SEQ = 8;

/** the ring of a fresh cluster: every node, and counted as having seen them all (wait_for_all is met) */
export function firstRing(topo: Topology): SimRing {
  const members = topo.voteNodes.map((v) => v.id);
  return {
    id: ringId(1, FIRST_RING_SEQ),
    members,
    memory: { ...initialQuorumMemory(), seenAll: true, lastMembers: members },
    pendingSince: null,
    pendingFailure: false,
    state: null,
    castsVote: false,
  };
}

export class Membership {
  /** by id, in creation order: the order decides the QDevice vote and the saved state */
  private readonly rings = new Map<string, SimRing>();

  constructor(
    private readonly topo: Topology,
    private readonly s: SimState,
    /** called on every change a snapshot shows */
    private readonly changed: () => void,
  ) {
    for (const r of s.rings) this.rings.set(r.id, r);
  }

  /** every ring a running node is in, in creation order (the saved form) */
  all(): SimRing[] {
    return [...this.rings.values()];
  }

  /** the ring of node index i, null when it is down */
  ringOf(i: number): SimRing | null {
    const id = at(this.s.ringOf, i, 'node');
    if (id === null) return null;
    const ring = this.rings.get(id);
    if (!ring) throw new SimInvariantError(`${this.topo.name(i)} is in ring ${id}, which does not exist`);
    return ring;
  }

  /** whose Corosync the snapshot reports (observer.ts), as chosen by the last update */
  observerIndex(): number | null {
    const id = this.s.observer;
    if (id === null) return null;
    const i = this.topo.indexOf(id);
    return this.s.status[i] === 'running' ? i : null;
  }

  observerRing(): SimRing | null {
    const obs = this.observerIndex();
    return obs === null ? null : this.runningRing(obs);
  }

  /** a ring about to merge with others (nodes just started or a link just back): a join, not a partition */
  isMerging(r: SimRing | undefined): boolean {
    return r !== undefined && r.pendingSince !== null && !r.pendingFailure;
  }

  /** how many rings the running nodes are in, leaving out those about to merge */
  settledRingCount(): number {
    return new Set(this.s.ringOf.filter((x): x is string => x !== null && !this.isMerging(this.rings.get(x)))).size;
  }

  /** a crash (the others notice after detectMs) or a clean shutdown (they form a new ring at once) */
  nodeDown(i: number, how: 'crashed' | 'stopped'): void {
    const old = this.runningRing(i);
    this.s.status[i] = how;
    this.s.ringOf[i] = null;
    if (how === 'stopped') {
      const live = this.liveMembers(old);
      if (live.length > 0) {
        const ring = this.newRing(
          old.members.filter((m) => m !== this.topo.idOf(i)),
          { ...old.memory },
        );
        ring.pendingSince = old.pendingSince;
        ring.pendingFailure = old.pendingFailure;
        for (const m of live) this.s.ringOf[this.topo.indexOf(m)] = ring.id;
      }
    }
    this.gc();
  }

  /** a (re)started node forms a membership of its own first, then joins */
  nodeUp(i: number): void {
    if (this.s.status[i] === 'running') return;
    this.s.status[i] = 'running';
    const ring = this.newRing([this.topo.idOf(i)], initialQuorumMemory());
    this.s.ringOf[i] = ring.id;
  }

  /** One pass at the current clock, given who reaches whom: due ring changes, quorum per ring, node states. */
  update(reach: UnionFind): void {
    const s = this.s;
    // partitions of running nodes (node ids), in the order of their lowest node
    const comp = new Map<number, number[]>();
    for (let i = 0; i < this.topo.n; i++) {
      if (s.status[i] !== 'running') continue;
      const root = reach.find(i);
      const list = comp.get(root) ?? [];
      list.push(this.topo.idOf(i));
      comp.set(root, list);
    }
    const compOf = (id: number) => {
      const c = comp.get(reach.find(this.topo.indexOf(id)));
      if (!c) throw new SimInvariantError(`node ${id} runs but is in no partition`);
      return c;
    };
    this.markPending(compOf);
    this.formDue(comp.values());
    this.gc();
    evaluateRings(this.topo, this.all(), this.s.clock, this.changed);
    this.chooseObserver();
    this.updateNodeStates();
  }

  /** offers each moment at which a ring changes by itself: a due membership change, a last_man_standing window */
  nextChange(consider: (t: number) => void): void {
    const o = this.topo.config.quorumOptions;
    for (const r of this.rings.values()) {
      const due = this.dueAt(r);
      if (due !== null) consider(due);
      if (o.lastManStanding && r.memory.lmsStableSince != null) consider(r.memory.lmsStableSince + o.lastManStandingWindowMs);
    }
  }

  /** which rings differ from what they should become, and since when */
  private markPending(compOf: (id: number) => number[]): void {
    const { s } = this;
    const t = s.clock;
    for (const r of this.rings.values()) {
      const live = this.liveMembers(r);
      const [first] = live;
      const target = first === undefined ? [] : compOf(first);
      const failure = r.members.some((m) => s.status[this.topo.indexOf(m)] !== 'running' || !live.every((x) => compOf(x).includes(m)));
      const settled = !failure && live.length === r.members.length && sameList(target, r.members);
      if (settled) {
        r.pendingSince = null;
        r.pendingFailure = false;
      } else {
        r.pendingSince ??= t;
        r.pendingFailure = failure;
      }
    }
  }

  /** form the partitions whose involved rings are all due */
  private formDue(partitions: Iterable<number[]>): void {
    const t = this.s.clock;
    for (const c of partitions) {
      const involved = [...new Set(c.map((id) => this.runningRing(this.topo.indexOf(id))))];
      const [only, ...others] = involved;
      if (only && others.length === 0 && sameList(only.members, c)) continue;
      const dues = involved.map((r) => this.dueAt(r)).filter((d): d is number => d !== null);
      if (dues.length === 0 || t < Math.max(...dues)) continue;
      const ring = this.newRing(c, mergeQuorumMemory(involved.map((r) => r.memory)));
      for (const id of c) this.s.ringOf[this.topo.indexOf(id)] = ring.id;
    }
  }

  /** the running node whose ring ranks best (observer.ts); the current one while none is better */
  private chooseObserver(): void {
    const { s } = this;
    const candidates: Vantage[] = [];
    for (let i = 0; i < this.topo.n; i++) {
      if (s.status[i] !== 'running') continue;
      const r = this.runningRing(i);
      candidates.push({ id: this.topo.idOf(i), quorate: r.state?.quorate ?? false, votes: r.state?.totalVotes ?? 0, members: r.members.length });
    }
    const next = chooseSimObserver(candidates, s.observer);
    if (next !== s.observer) {
      s.observer = next;
      this.changed();
    }
  }

  /** node states as the observer's membership has them */
  private updateNodeStates(): void {
    const { s } = this;
    const ring = this.observerRing();
    const members = ring === null ? null : new Set(ring.members);
    for (let i = 0; i < this.topo.n; i++) {
      const st = members === null ? 'unknown' : members.has(this.topo.idOf(i)) ? 'online' : 'offline';
      if (s.nodeState[i] !== st) {
        s.nodeState[i] = st;
        s.nodeSince[i] = s.clock;
        this.changed();
      }
    }
  }

  /** when a ring's pending change falls due, or null when none is pending */
  private dueAt(r: SimRing): number | null {
    if (r.pendingSince === null) return null;
    return r.pendingSince + (r.pendingFailure ? this.topo.detectMs : this.topo.rejoinMs);
  }

  /** the ring of a node that runs: it always has one */
  private runningRing(i: number): SimRing {
    const ring = this.ringOf(i);
    if (!ring) throw new SimInvariantError(`${this.topo.name(i)} runs but is in no ring`);
    return ring;
  }

  private newRing(members: number[], memory: QuorumMemory): SimRing {
    this.s.ringSeq += 4;
    const sorted = [...members].sort((a, b) => a - b);
    const ring: SimRing = { id: ringId(sorted[0] ?? 0, this.s.ringSeq), members: sorted, memory, pendingSince: null, pendingFailure: false, state: null, castsVote: false };
    this.rings.set(ring.id, ring);
    this.changed();
    return ring;
  }

  /** the members still in this ring (the others are down or already in a newer one) */
  private liveMembers(r: SimRing): number[] {
    return r.members.filter((m) => this.s.ringOf[this.topo.indexOf(m)] === r.id);
  }

  /** drop the rings no node is in any more */
  private gc(): void {
    const used = new Set(this.s.ringOf.filter((x): x is string => x !== null));
    for (const id of [...this.rings.keys()]) if (!used.has(id)) this.rings.delete(id);
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
