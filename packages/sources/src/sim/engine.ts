// The simulated cluster: nodes, knet links, Corosync memberships (rings) and votequorum per partition,
// on a simulated clock. No timers and no I/O here: advance() moves the clock; createSimSource drives it.
// This class only keeps time and order; each concern is its own module:
// - links.ts: the knet link matrix (physical state, what knet reports and when, latency, flapping)
// - membership.ts: rings per partition, formed after Corosync's detection delays; quorum.ts: votequorum
// - faults.ts: injected faults, checked whole before they change anything
// - project.ts: the ClusterSnapshot the observer reports; observer.ts: which node that is
import type { ClusterSnapshot, SimFault } from '@quorate/model';
import { SimFaultError } from './errors';
import { applyFault, resolveFault } from './faults';
import { connectedPairLinks, healthyLinks, Links } from './links';
import { FIRST_RING_SEQ, firstRing, Membership } from './membership';
import type { SimConfig } from './options';
import { projectSnapshot } from './project';
import { setExpectedVotes } from './quorum';
import { Rng } from './rng';
import type { DurableSimState, NodeStatus, SimState } from './state';
import { driftStorage, initialStorage } from './storage';
import { initialSpares } from './spares';
import { Topology } from './topology';

/** how often PVE's pvestatd reports storage usage */
const STORAGE_UPDATE_MS = 10_000;

export class SimEngine {
  private readonly topo: Topology;
  private readonly s: SimState;
  private readonly rng: Rng;
  private readonly links: Links;
  private readonly membership: Membership;
  /** bumped on every observable change: advance() emits when it moved */
  private version = 0;

  constructor(
    private readonly config: SimConfig,
    startAt: number,
    state?: SimState | DurableSimState,
    /** a fresh state's first tick comes this much later (SimOptions.tickPhaseMs) */
    private readonly tickPhaseMs = 0,
  ) {
    const topo = new Topology(config, state);
    this.topo = topo;
    if (state) {
      const saved: Omit<DurableSimState, 'observer'> & Partial<SimState> = structuredClone(state);
      // a durable state has no volatile part: start it afresh, as a new simulation of this seed would
      this.rng = new Rng(saved.rng ?? topo.seed ^ 0x5eed);
      const storage = saved.storage ?? initialStorage(topo.n, this.rng);
      // saved before the observer was kept: it was the lowest running node
      const observer = saved.observer !== undefined ? saved.observer : lowestRunning(topo, saved.status);
      this.s = { ...saved, observer, storage, rng: this.rng.state, tickCount: saved.tickCount ?? 0, nextTickAt: saved.nextTickAt ?? saved.clock + config.tickMs };
    } else {
      this.rng = new Rng(topo.seed ^ 0x5eed);
      this.s = this.freshState(startAt);
    }
    const changed = () => void this.version++;
    this.links = new Links(topo, this.s, changed);
    this.membership = new Membership(topo, this.s, changed);
    this.step();
  }

  private freshState(t: number): SimState {
    const { topo } = this;
    const ring = firstRing(topo);
    return {
      version: 1,
      config: this.config,
      clock: t,
      startedAt: t,
      rng: this.rng.state,
      tickCount: 0,
      nextTickAt: t + topo.config.tickMs + (this.tickPhaseMs % topo.config.tickMs),
      ringSeq: FIRST_RING_SEQ,
      status: topo.names.map(() => 'running'),
      ringOf: topo.names.map(() => ring.id),
      rings: [ring],
      ...healthyLinks(topo),
      groups: null,
      ...connectedPairLinks(topo, t),
      observer: null, // chosen by the first step
      nodeState: topo.names.map(() => 'online'),
      nodeSince: topo.names.map(() => t),
      storage: initialStorage(topo.n, this.rng),
      scheduled: [],
      ...(topo.config.spareCount ? { spares: initialSpares(topo.config) } : {}),
    };
  }

  get clock(): number {
    return this.s.clock;
  }

  exportState(): SimState {
    this.s.rng = this.rng.state;
    this.s.rings = this.membership.all();
    return structuredClone(this.s);
  }

  snapshot(): ClusterSnapshot {
    return projectSnapshot({ topo: this.topo, s: this.s, links: this.links, membership: this.membership });
  }

  /**
   * Validates first; an invalid fault throws SimFaultError and changes nothing. `valid` runs once it is valid,
   * before it applies (the real-time source catches its clock up to now there).
   */
  applyFault(input: SimFault, valid?: () => void): void {
    const fault = resolveFault(this.topo, input);
    valid?.();
    applyFault(fault, { topo: this.topo, s: this.s, links: this.links, membership: this.membership });
    this.version++;
    this.step();
    // a scenario's first steps apply at once
    if (fault.action === 'scenario') this.runScheduled();
  }

  /** `pvecm expected n` on the observer */
  setExpectedVotes(n: number): void {
    setExpectedVotes(this.topo, this.membership.observerRing(), n);
    this.version++;
    this.step();
  }

  /** Jump the clock to wall time t (on start, or resuming a saved state): transitions that fell due
   * meanwhile happen; the usage ticks missed while nothing ran are skipped (one tick at t). */
  jumpTo(t: number, onEmit: (tick: boolean) => void): void {
    if (!(t > this.s.clock)) return;
    // the ticks missed are not made up; the next one keeps the phase (sims started together, a while after they
    // were built, would otherwise all tick at the moment they started)
    const { tickMs } = this.topo.config;
    if (this.s.nextTickAt < t) this.s.nextTickAt += Math.ceil((t - this.s.nextTickAt) / tickMs) * tickMs;
    this.advance(t - this.s.clock, onEmit);
  }

  /** Move the simulated clock by ms, processing every transition at its own time. Calls onEmit for each emission point. */
  advance(ms: number, onEmit: (tick: boolean) => void): void {
    if (!(ms >= 0)) throw new SimFaultError(`cannot advance by ${ms} ms`);
    const target = this.s.clock + ms;
    for (;;) {
      const due = Math.min(this.nextDueAt(), target);
      const before = this.version;
      this.s.clock = due;
      this.runScheduled();
      this.step();
      let tick = false;
      if (this.s.clock >= this.s.nextTickAt) {
        this.tick();
        tick = true;
      }
      if (tick || this.version !== before) onEmit(tick);
      if (due >= target) break;
    }
  }

  /** the next moment (strictly after now) at which the sim changes by itself: a real-time driver sleeps until then */
  nextDueAt(): number {
    const now = this.s.clock;
    let due = this.s.nextTickAt;
    const consider = (t: number) => {
      if (t > now && t < due) due = t;
    };
    const first = this.s.scheduled[0];
    if (first) consider(first.at);
    this.links.nextChange(consider);
    this.membership.nextChange(consider);
    return due;
  }

  /** one pass at the current clock: knet, then the memberships and quorum that follow from it */
  private step(): void {
    this.membership.update(this.links.update());
  }

  private runScheduled(): void {
    for (let next = this.s.scheduled[0]; next !== undefined && next.at <= this.s.clock; next = this.s.scheduled[0]) {
      this.s.scheduled.shift();
      try {
        this.applyFault(next.fault);
      } catch {
        // scenario steps are built from valid names; nothing to report if one no longer applies
      }
    }
  }

  private tick(): void {
    const { s } = this;
    const { tickMs } = this.topo.config;
    s.tickCount++;
    s.nextTickAt += tickMs;
    if (s.nextTickAt <= s.clock) s.nextTickAt = s.clock + tickMs;
    // storage usage moves at pvestatd's pace (every 10 s), whatever the tick
    const prevTickAt = s.clock - tickMs;
    if (Math.floor(s.clock / STORAGE_UPDATE_MS) !== Math.floor(prevTickAt / STORAGE_UPDATE_MS)) {
      driftStorage(s.storage, (i) => s.status[i] === 'running', this.rng);
    }
    s.rng = this.rng.state;
  }
}

function lowestRunning(topo: Topology, status: readonly NodeStatus[]): number | null {
  const i = status.indexOf('running');
  return i < 0 ? null : topo.idOf(i);
}
