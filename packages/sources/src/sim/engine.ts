// The simulated cluster: nodes, knet links, Corosync memberships (rings) and votequorum per partition,
// on a simulated clock. No timers and no I/O here: advance() moves the clock; createSimSource drives it.
//
// How it behaves like Corosync:
// - physical connectivity a↔b: both running, same partition group, and at least one link up at both
//   ends that does not lose every packet. Partitions = connected components of that graph.
// - a ring (membership) changes only after a delay: a failure (crash, cut) after membershipDetectionMs,
//   a join after rejoinDelayMs, a clean shutdown at once. Each ring keeps its own QuorumMemory.
// - knet reports a link disconnected knetLinkDownDetectionMs after it physically went down, and
//   connected again as soon as it is back; downCount counts connected → disconnected.
import {
  SimFault,
  defaultQdeviceVotes,
  evaluateQuorum,
  initialQuorumMemory,
  knetLinkDownDetectionMs,
  membershipDetectionMs,
  mergeQuorumMemory,
  qdeviceVoteWinner,
  rejoinDelayMs,
  runtimeTokenMs,
  validateExpectedVotes,
  type ClusterNode,
  type ClusterSnapshot,
  type LinkObservation,
  type NodeView,
  type QDeviceInput,
  type QuorumMemory,
  type QuorumState,
  type UnreachableWarning,
  type VoteNode,
} from '@quorate/model';
import { SimFaultError } from './errors';
import type { SimConfig } from './options';
import { Rng, hashUnit, seedOf } from './rng';
import { scenarioSteps, type ScheduledStep } from './scenarios';
import { driftStorage, initialStorage, storageSnapshot, type StorageUsage } from './storage';

/** how often knet's per-link latency figures change (Corosync's stats refresh) */
const KNET_SAMPLE_MS = 1000;
/** how often PVE's pvestatd reports storage usage */
const STORAGE_UPDATE_MS = 10_000;

export type NodeStatus = 'running' | 'crashed' | 'stopped';

export interface SimRing {
  id: string;
  members: number[];
  memory: QuorumMemory;
  /** when this ring started to differ from the partitions it should become */
  pendingSince: number | null;
  /** the pending change involves a failure (slow) rather than only joins (quick) */
  pendingFailure: boolean;
  state: QuorumState | null;
  castsVote: boolean;
}

interface Quality {
  latencyMs: number;
  lossPct: number;
  jitterMs: number;
}

/** Everything needed to resume; plain JSON. */
export interface SimState {
  version: 1;
  config: SimConfig;
  clock: number;
  startedAt: number;
  rng: number;
  tickCount: number;
  nextTickAt: number;
  ringSeq: number;
  status: NodeStatus[];
  /** index = node index; the ring id each running node is in (null when down) */
  ringOf: Array<string | null>;
  rings: SimRing[];
  /** [node][link] */
  linkDown: boolean[][];
  quality: Quality[][];
  /** partition group per node; null = no partition */
  groups: number[] | null;
  /** per pair-link (index (i*N+j)*L+l, i<j): physically up, knet connected, when it physically changed, down count, when knet disconnected */
  physUp: number[];
  connected: number[];
  changedAt: number[];
  downCount: number[];
  disconnectedAt: number[];
  nodeState: Array<'online' | 'offline' | 'unknown'>;
  nodeSince: number[];
  storage: StorageUsage;
  scheduled: ScheduledStep[];
}

/**
 * What moves by itself every tick or so and matters to no event: the storage usage figures, the generator
 * that drifts them, the tick bookkeeping. A durable state (what a checkpoint keeps) leaves them out, so it
 * changes only when the cluster does; resuming from one starts them afresh from the seed (usage figures
 * come back as on a fresh start; nothing else differs).
 */
export const VOLATILE_SIM_KEYS = ['rng', 'tickCount', 'nextTickAt', 'storage'] as const;
export type DurableSimState = Omit<SimState, (typeof VOLATILE_SIM_KEYS)[number]>;

/** the state without its volatile part (see VOLATILE_SIM_KEYS); createSimSource({ state }) resumes from it */
export function durableSimState(state: SimState): DurableSimState {
  const out: Partial<SimState> = { ...state };
  for (const k of VOLATILE_SIM_KEYS) delete out[k];
  return out as DurableSimState;
}

const FLAP_CYCLE_MS = 10_000;
/** combined loss from which a link flaps: down for loss% of each 10 s cycle (100 % = always down) */
const FLAP_THRESHOLD_PCT = 30;

export class SimEngine {
  readonly config: SimConfig;
  readonly names: string[];
  readonly n: number;
  readonly L: number;
  readonly runtimeToken: number;
  readonly detectMs: number;
  readonly knetDownMs: number;
  readonly rejoinMs: number;
  private readonly voteNodes: VoteNode[];
  private readonly qdeviceVotes: number;
  private readonly seed: number;
  private readonly baseLatency: Float64Array;
  private s: SimState;
  private rng: Rng;
  private rings = new Map<string, SimRing>();
  /** bumped on every observable change; the source emits when it moves */
  version = 0;
  /** pair-links waiting for knet to notice they are down (skip scans when 0) */
  private knetPending = 0;

  constructor(config: SimConfig, startAt: number, state?: SimState | DurableSimState) {
    this.config = config;
    this.n = config.nodeCount;
    this.L = config.linkCount;
    this.names = Array.from({ length: this.n }, (_, i) => `pve${i + 1}`);
    this.voteNodes = this.names.map((_, i) => ({ id: i + 1, votes: 1 }));
    this.qdeviceVotes = config.qdevice ? (config.qdevice.votes ?? defaultQdeviceVotes(config.qdevice.algorithm, this.voteNodes)) : 0;
    this.runtimeToken = runtimeTokenMs(config.tokenMs, this.n, config.tokenCoefficientMs);
    this.detectMs = membershipDetectionMs(this.runtimeToken);
    this.knetDownMs = knetLinkDownDetectionMs(this.runtimeToken);
    this.rejoinMs = rejoinDelayMs(this.runtimeToken);
    this.seed = seedOf(config.seed);
    // per pair a base latency of 0.15–0.6 ms, fixed by the seed
    this.baseLatency = new Float64Array(this.n * this.n);
    for (let i = 0; i < this.n; i++)
      for (let j = i + 1; j < this.n; j++) {
        const v = 0.15 + 0.45 * hashUnit(this.seed, 7, i, j);
        this.baseLatency[i * this.n + j] = v;
        this.baseLatency[j * this.n + i] = v;
      }
    if (state) {
      const saved: DurableSimState & Partial<SimState> = structuredClone(state);
      // a durable state has no volatile part: start it afresh, as a new simulation of this seed would
      this.rng = new Rng(saved.rng ?? this.seed ^ 0x5eed);
      const storage = saved.storage ?? initialStorage(this.n, this.rng);
      this.s = { ...saved, storage, rng: this.rng.state, tickCount: saved.tickCount ?? 0, nextTickAt: saved.nextTickAt ?? saved.clock + config.tickMs };
      for (const r of this.s.rings) this.rings.set(r.id, r);
    } else {
      this.rng = new Rng(this.seed ^ 0x5eed);
      this.s = this.initialState(startAt);
    }
    this.step();
  }

  private initialState(t: number): SimState {
    const size = this.n * this.n * this.L;
    const members = this.voteNodes.map((v) => v.id);
    const ring: SimRing = {
      id: ringId(1, 8),
      members,
      // the initial cluster start counts as having seen all nodes
      memory: { ...initialQuorumMemory(), seenAll: true, lastMembers: members },
      pendingSince: null,
      pendingFailure: false,
      state: null,
      castsVote: false,
    };
    this.rings.set(ring.id, ring);
    return {
      version: 1,
      config: this.config,
      clock: t,
      startedAt: t,
      rng: this.rng.state,
      tickCount: 0,
      nextTickAt: t + this.config.tickMs,
      ringSeq: 8,
      status: this.names.map(() => 'running'),
      ringOf: this.names.map(() => ring.id),
      rings: [],
      ...this.healthyLinks(),
      groups: null,
      physUp: Array<number>(size).fill(1),
      connected: Array<number>(size).fill(1),
      changedAt: Array<number>(size).fill(t),
      downCount: Array<number>(size).fill(0),
      disconnectedAt: Array<number>(size).fill(0),
      nodeState: this.names.map(() => 'online'),
      nodeSince: this.names.map(() => t),
      storage: initialStorage(this.n, this.rng),
      scheduled: [],
    };
  }

  /** every link up and perfect: the start, and what heal restores */
  private healthyLinks(): Pick<SimState, 'linkDown' | 'quality'> {
    return {
      linkDown: this.names.map(() => Array<boolean>(this.L).fill(false)),
      quality: this.names.map(() => Array.from({ length: this.L }, () => ({ latencyMs: 0, lossPct: 0, jitterMs: 0 }))),
    };
  }

  get clock(): number {
    return this.s.clock;
  }

  exportState(): SimState {
    this.s.rng = this.rng.state;
    this.s.rings = [...this.rings.values()];
    return structuredClone(this.s);
  }

  // ---------------------------------------------------------------- faults

  private nodeIndex(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new SimFaultError(`unknown node '${name}': this cluster has ${this.names[0]}..${this.names[this.n - 1]}`);
    return i;
  }

  private checkLink(link: number | undefined): void {
    if (link !== undefined && (link < 0 || link >= this.L))
      throw new SimFaultError(`unknown link ${link}: this cluster has link${this.L === 1 ? ' 0' : `s 0..${this.L - 1}`}`);
  }

  /** Validates first; an invalid fault throws SimFaultError and changes nothing. */
  applyFault(input: SimFault): void {
    const parsed = SimFault.safeParse(input);
    if (!parsed.success) throw new SimFaultError(`invalid fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'fault'}: ${i.message}`).join('; ')}`);
    const fault = parsed.data;
    // validate everything before touching state
    let targets: number[] = [];
    switch (fault.action) {
      case 'stop':
      case 'shutdown':
      case 'start':
        targets = fault.nodes.map((x) => this.nodeIndex(x));
        break;
      case 'link-down':
      case 'link-up':
      case 'link-quality':
        targets = [this.nodeIndex(fault.node)];
        this.checkLink(fault.link);
        break;
      case 'partition': {
        const seen = new Map<number, number>();
        fault.groups.forEach((g, gi) =>
          g.forEach((name) => {
            const i = this.nodeIndex(name);
            const other = seen.get(i);
            if (other !== undefined && other !== gi) throw new SimFaultError(`${name} is in two partition groups (${other + 1} and ${gi + 1})`);
            seen.set(i, gi);
          }),
        );
        break;
      }
      case 'heal':
      case 'scenario':
        break;
    }
    this.apply(fault, targets);
    this.version++;
    this.step();
    // a scenario's first steps apply at once
    if (fault.action === 'scenario') this.runScheduled();
  }

  private apply(fault: SimFault, targets: number[]): void {
    const t = this.s.clock;
    switch (fault.action) {
      case 'stop':
        for (const i of targets) if (this.s.status[i] === 'running') this.down(i, 'crashed');
        break;
      case 'shutdown':
        for (const i of targets) if (this.s.status[i] === 'running') this.down(i, 'stopped');
        break;
      case 'start':
        for (const i of targets) this.up(i);
        break;
      case 'link-down':
      case 'link-up':
        for (let l = 0; l < this.L; l++) if (fault.link === undefined || fault.link === l) this.s.linkDown[targets[0]!]![l] = fault.action === 'link-down';
        break;
      case 'link-quality':
        for (let l = 0; l < this.L; l++)
          if (fault.link === undefined || fault.link === l)
            this.s.quality[targets[0]!]![l] = { latencyMs: fault.latencyMs, lossPct: fault.lossPct, jitterMs: fault.jitterMs };
        break;
      case 'partition': {
        // nodes in no group stay together in one more group ("the rest of the network")
        const groups = this.names.map(() => fault.groups.length);
        fault.groups.forEach((g, gi) => g.forEach((name) => (groups[this.names.indexOf(name)] = gi)));
        this.s.groups = groups;
        break;
      }
      case 'heal':
        this.s.scheduled = [];
        for (let i = 0; i < this.n; i++) this.up(i);
        Object.assign(this.s, this.healthyLinks());
        this.s.groups = null;
        break;
      case 'scenario': {
        const steps = scenarioSteps(fault.name, this.names).map((x) => ({ at: t + x.afterMs, fault: x.fault }));
        this.s.scheduled = [...this.s.scheduled, ...steps].sort((a, b) => a.at - b.at);
        break;
      }
    }
  }

  private down(i: number, how: 'crashed' | 'stopped'): void {
    this.s.status[i] = how;
    const ringKey = this.s.ringOf[i]!;
    this.s.ringOf[i] = null;
    if (how === 'stopped') {
      // a clean leave: the others form a new membership at once
      const old = this.rings.get(ringKey)!;
      const live = this.liveMembers(old);
      if (live.length > 0) {
        const ring = this.newRing(
          old.members.filter((m) => m !== i + 1),
          { ...old.memory },
        );
        ring.pendingSince = old.pendingSince;
        ring.pendingFailure = old.pendingFailure;
        for (const m of live) this.s.ringOf[m - 1] = ring.id;
      }
    }
    this.gcRings();
  }

  private up(i: number): void {
    if (this.s.status[i] === 'running') return;
    this.s.status[i] = 'running';
    // a (re)started node forms a membership of its own first, then joins
    const ring = this.newRing([i + 1], initialQuorumMemory());
    this.s.ringOf[i] = ring.id;
  }

  /** `pvecm expected n` on the observer */
  setExpectedVotes(n: number): void {
    const obs = this.observerIndex();
    if (obs === null) throw new SimFaultError('no node is running: there is no corosync to ask');
    const ring = this.rings.get(this.s.ringOf[obs]!)!;
    const qdevice = this.qdeviceInput(ring);
    const err = validateExpectedVotes(n, { options: this.config.quorumOptions, nodes: this.voteNodes, members: ring.members, qdevice });
    if (err) throw new SimFaultError(err);
    ring.memory = { ...ring.memory, expectedOverride: n, lmsExpected: null };
    this.version++;
    this.step();
  }

  // ---------------------------------------------------------------- time

  /** Move the simulated clock by ms, processing every transition at its own time. Calls onEmit for each emission point. */
  /** Jump the clock to wall time t (on start, or resuming a saved state): transitions that fell due
   * meanwhile happen; the usage ticks missed while nothing ran are skipped (one tick at t). */
  jumpTo(t: number, onEmit: (tick: boolean) => void): void {
    if (!(t > this.s.clock)) return;
    this.s.nextTickAt = Math.max(this.s.nextTickAt, t);
    this.advance(t - this.s.clock, onEmit);
  }

  advance(ms: number, onEmit: (tick: boolean) => void): void {
    if (!(ms >= 0)) throw new SimFaultError(`cannot advance by ${ms} ms`);
    const target = this.s.clock + ms;
    for (;;) {
      const due = Math.min(this.nextDue(), target);
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

  private runScheduled(): void {
    while (this.s.scheduled.length > 0 && this.s.scheduled[0]!.at <= this.s.clock) {
      const step = this.s.scheduled.shift()!;
      try {
        this.applyFault(step.fault);
      } catch {
        // scenario steps are built from valid names; nothing to report if one no longer applies
      }
    }
  }

  private tick(): void {
    this.s.tickCount++;
    this.s.nextTickAt += this.config.tickMs;
    if (this.s.nextTickAt <= this.s.clock) this.s.nextTickAt = this.s.clock + this.config.tickMs;
    // storage usage moves at pvestatd's pace (every 10 s), whatever the tick
    const prevTickAt = this.s.clock - this.config.tickMs;
    if (Math.floor(this.s.clock / STORAGE_UPDATE_MS) !== Math.floor(prevTickAt / STORAGE_UPDATE_MS)) {
      driftStorage(this.s.storage, (i) => this.s.status[i] === 'running', this.rng);
    }
    this.s.rng = this.rng.state;
  }

  private isMerging(r: SimRing | undefined): boolean {
    return r !== undefined && r.pendingSince !== null && !r.pendingFailure;
  }

  /** when the sim next changes by itself: a real-time driver sleeps until then */
  nextDueAt(): number {
    return this.nextDue();
  }

  /** the next moment (strictly after now) at which something changes by itself */
  private nextDue(): number {
    const now = this.s.clock;
    let due = this.s.nextTickAt;
    const consider = (t: number) => {
      if (t > now && t < due) due = t;
    };
    const first = this.s.scheduled[0];
    if (first) consider(first.at);
    const { n, L } = this;
    const lossy = this.anyLoss();
    if (this.knetPending > 0 || lossy)
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++)
          for (let l = 0; l < L; l++) {
            const k = (i * n + j) * L + l;
            if (!this.s.physUp[k] && this.s.connected[k]) consider(this.s.changedAt[k]! + this.knetDownMs);
            if (!lossy) continue;
            const flap = this.flapBoundary(i, j, l);
            if (flap !== null) consider(flap);
          }
    for (const r of this.rings.values()) {
      if (r.pendingSince !== null) consider(r.pendingSince + (r.pendingFailure ? this.detectMs : this.rejoinMs));
      if (this.config.quorumOptions.lastManStanding && r.memory.lmsStableSince != null)
        consider(r.memory.lmsStableSince + this.config.quorumOptions.lastManStandingWindowMs);
    }
    return due;
  }

  // ---------------------------------------------------------------- links

  private anyLoss(): boolean {
    return this.s.quality.some((q) => q.some((x) => x.lossPct > 0));
  }

  private combinedLoss(i: number, j: number, l: number): number {
    const a = this.s.quality[i]![l]!.lossPct / 100;
    const b = this.s.quality[j]![l]!.lossPct / 100;
    return 100 * (1 - (1 - a) * (1 - b));
  }

  /** position in the flap cycle and the length of its down part, or null when the link does not flap */
  private flapPhase(i: number, j: number, l: number, t: number): { pos: number; downLen: number } | null {
    const loss = this.combinedLoss(i, j, l);
    if (loss < FLAP_THRESHOLD_PCT || loss >= 100) return null;
    const phase = Math.floor(hashUnit(this.seed, 11, i, j, l) * FLAP_CYCLE_MS);
    const pos = (((Math.floor(t) + phase) % FLAP_CYCLE_MS) + FLAP_CYCLE_MS) % FLAP_CYCLE_MS;
    return { pos, downLen: Math.round((FLAP_CYCLE_MS * loss) / 100) };
  }

  /** a lossy link flaps deterministically: down for loss% of each cycle, phase fixed per pair-link */
  private flapDown(i: number, j: number, l: number, t: number): boolean {
    if (this.combinedLoss(i, j, l) >= 100) return true;
    const f = this.flapPhase(i, j, l, t);
    return f !== null && f.pos < f.downLen;
  }

  private flapBoundary(i: number, j: number, l: number): number | null {
    const t = Math.floor(this.s.clock);
    const f = this.flapPhase(i, j, l, t);
    if (!f) return null;
    return t + (f.pos < f.downLen ? f.downLen - f.pos : FLAP_CYCLE_MS - f.pos);
  }

  private physical(i: number, j: number, l: number, lossy: boolean): boolean {
    const s = this.s;
    if (s.status[i] !== 'running' || s.status[j] !== 'running') return false;
    if (s.groups && s.groups[i] !== s.groups[j]) return false;
    if (s.linkDown[i]![l] || s.linkDown[j]![l]) return false;
    return !lossy || !this.flapDown(i, j, l, s.clock);
  }

  // ---------------------------------------------------------------- membership

  private newRing(members: number[], memory: QuorumMemory): SimRing {
    this.s.ringSeq += 4;
    const sorted = [...members].sort((a, b) => a - b);
    const ring: SimRing = { id: ringId(sorted[0] ?? 0, this.s.ringSeq), members: sorted, memory, pendingSince: null, pendingFailure: false, state: null, castsVote: false };
    this.rings.set(ring.id, ring);
    this.version++;
    return ring;
  }

  private liveMembers(r: SimRing): number[] {
    return r.members.filter((m) => this.s.ringOf[m - 1] === r.id);
  }

  private gcRings(): void {
    const used = new Set(this.s.ringOf.filter((x): x is string => x !== null));
    for (const id of [...this.rings.keys()]) if (!used.has(id)) this.rings.delete(id);
  }

  /** one pass: knet states, partitions, due membership changes, quorum per ring */
  private step(): void {
    const s = this.s;
    const { n, L } = this;
    const t = s.clock;
    // knet
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
      return x;
    };
    const lossy = this.anyLoss();
    let knetPending = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        let any = false;
        for (let l = 0; l < L; l++) {
          const k = (i * n + j) * L + l;
          const p = this.physical(i, j, l, lossy) ? 1 : 0;
          if (p !== s.physUp[k]) {
            s.physUp[k] = p;
            s.changedAt[k] = t;
            if (p && !s.connected[k]) {
              s.connected[k] = 1;
              this.version++;
            }
          }
          if (!p && s.connected[k] && t >= s.changedAt[k]! + this.knetDownMs) {
            s.connected[k] = 0;
            s.downCount[k]!++;
            s.disconnectedAt[k] = s.changedAt[k]! + this.knetDownMs;
            this.version++;
          }
          if (!p && s.connected[k]) knetPending++;
          if (p) any = true;
        }
        if (any) parent[find(i)] = find(j);
      }
    this.knetPending = knetPending;
    // partitions of running nodes
    const comp = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      if (s.status[i] !== 'running') continue;
      const root = find(i);
      const list = comp.get(root) ?? [];
      list.push(i + 1);
      comp.set(root, list);
    }
    const compOf = (id: number) => comp.get(find(id - 1))!;

    // which rings differ from what they should become, and since when
    for (const r of this.rings.values()) {
      const live = this.liveMembers(r);
      const target = live.length > 0 ? compOf(live[0]!) : [];
      const failure = r.members.some((m) => s.status[m - 1] !== 'running' || !live.every((x) => compOf(x).includes(m)));
      const settled = !failure && live.length === r.members.length && sameList(target, r.members);
      if (settled) {
        r.pendingSince = null;
        r.pendingFailure = false;
      } else {
        r.pendingSince ??= t;
        r.pendingFailure = failure;
      }
    }
    // form the partitions whose involved rings are all due
    for (const c of comp.values()) {
      const involved = [...new Set(c.map((id) => s.ringOf[id - 1]!))].map((id) => this.rings.get(id)!);
      if (involved.length === 1 && sameList(involved[0]!.members, c)) continue;
      const pending = involved.filter((r) => r.pendingSince !== null);
      if (pending.length === 0) continue;
      const due = Math.max(...pending.map((r) => r.pendingSince! + (r.pendingFailure ? this.detectMs : this.rejoinMs)));
      if (t < due) continue;
      const ring = this.newRing(c, mergeQuorumMemory(involved.map((r) => r.memory)));
      for (const id of c) s.ringOf[id - 1] = ring.id;
    }
    this.gcRings();

    // quorum per ring (the QDevice vote goes to at most one ring)
    const rings = [...this.rings.values()];
    const winners = this.config.qdevice
      ? new Set(qdeviceVoteWinner(rings.map((r) => r.members), this.config.qdevice.algorithm, this.config.qdevice.tieBreaker))
      : new Set<number>();
    rings.forEach((r, idx) => {
      r.castsVote = winners.has(idx);
      const res = evaluateQuorum({ options: this.config.quorumOptions, nodes: this.voteNodes, members: r.members, qdevice: this.qdeviceInput(r), memory: r.memory, now: t });
      const state = { ...res.state, ringId: r.id };
      if (!r.state || JSON.stringify(r.state) !== JSON.stringify(state)) this.version++;
      r.state = state;
      r.memory = res.memory;
    });

    // node states from the observer's membership
    const obs = this.observerIndex();
    const members = obs === null ? null : new Set(this.rings.get(s.ringOf[obs]!)!.members);
    for (let i = 0; i < n; i++) {
      const st = members === null ? 'unknown' : members.has(i + 1) ? 'online' : 'offline';
      if (s.nodeState[i] !== st) {
        s.nodeState[i] = st;
        s.nodeSince[i] = t;
        this.version++;
      }
    }
  }

  private qdeviceInput(r: SimRing): QDeviceInput | null {
    const q = this.config.qdevice;
    return q ? { votes: this.qdeviceVotes, algorithm: q.algorithm, castsVote: r.castsVote } : null;
  }

  observerIndex(): number | null {
    const i = this.s.status.indexOf('running');
    return i < 0 ? null : i;
  }

  // ---------------------------------------------------------------- snapshot

  snapshot(): ClusterSnapshot {
    const s = this.s;
    const { n, L } = this;
    const t = s.clock;
    const obs = this.observerIndex();
    const obsRing = obs === null ? null : this.rings.get(s.ringOf[obs]!)!;
    const addresses = (i: number) => Array.from({ length: L }, (_, l) => ({ link: l, address: `198.18.${l}.${i + 11}` }));

    const nodes: ClusterNode[] = this.names.map((name, i) => ({
      id: i + 1,
      name,
      votes: 1,
      state: s.nodeState[i]!,
      addresses: addresses(i),
      since: s.nodeSince[i]!,
    }));

    const links: LinkObservation[] = [];
    for (let i = 0; i < n; i++) {
      if (s.status[i] !== 'running') continue;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const a = Math.min(i, j);
        const b = Math.max(i, j);
        for (let l = 0; l < L; l++) {
          const k = (a * n + b) * L + l;
          const connected = s.connected[k] === 1;
          let avg: number | null = null;
          let max: number | null = null;
          if (connected) {
            const qa = s.quality[i]![l]!;
            const qb = s.quality[j]![l]!;
            const base = this.baseLatency[i * n + j]!;
            const jitter = qa.jitterMs + qb.jitterMs;
            // knet refreshes a link's latency about once a second, links out of step with each other:
            // at a fast tick only some links change, as on a real cluster (and patches stay small)
            const phase = hashUnit(this.seed, 0x5eed, i, j, l) * KNET_SAMPLE_MS;
            const u = hashUnit(this.seed, Math.floor((s.clock + phase) / KNET_SAMPLE_MS), i, j, l);
            avg = round3(base * (0.9 + 0.2 * u) + qa.latencyMs + qb.latencyMs + jitter * u * 0.5);
            max = round3(avg + base * 0.5 + jitter * (0.5 + u * 0.5));
          }
          links.push({
            from: i + 1,
            to: j + 1,
            link: l,
            enabled: true,
            connected,
            latencyAvgMs: avg,
            latencyMaxMs: max,
            lossPct: round3(this.combinedLoss(i, j, l)),
            downCount: s.downCount[k]!,
          });
        }
      }
    }

    const views: NodeView[] = [];
    const order = obs === null ? this.names.map((_, i) => i) : [obs, ...this.names.map((_, i) => i).filter((i) => i !== obs)];
    for (const i of order) {
      const st = s.status[i]!;
      const ring = st === 'running' ? this.rings.get(s.ringOf[i]!)! : null;
      views.push({
        nodeId: i + 1,
        name: this.names[i]!,
        reachable: ring !== null,
        reason: st === 'crashed' ? 'node down: not answering' : st === 'stopped' ? 'node down: corosync stopped' : null,
        observedAt: t,
        quorum: ring?.state ?? null,
      });
    }

    const q = this.config.qdevice;
    // asked once per storage and node: a set, not a scan of the member list each time
    const observed = new Set(obsRing?.members ?? []);
    // a ring about to merge with others (nodes just started or a link just back) is a join in progress,
    // not a partition: only rings that are not merging count
    const distinctRings = new Set(
      s.ringOf.filter((x): x is string => x !== null && !this.isMerging(this.rings.get(x))),
    );
    return {
      clusterId: this.config.clusterId,
      observedAt: t,
      source: 'sim',
      observer: obs === null ? null : { nodeId: obs + 1, name: this.names[obs]! },
      cluster: {
        name: this.config.clusterName,
        configVersion: 1,
        transport: 'knet',
        secureAuth: true,
        quorumOptions: this.config.quorumOptions,
        tokenMs: this.config.tokenMs,
        runtimeTokenMs: this.runtimeToken,
      },
      quorum: obsRing?.state ?? null,
      nodes,
      links,
      qdevice: q
        ? {
            votes: this.qdeviceVotes,
            state: obsRing ? 'connected' : 'unknown',
            algorithm: q.algorithm,
            host: q.host,
            castsVote: obsRing?.castsVote ?? false,
          }
        : null,
      // as in PVE, a node's storage status is what the observer's side last heard while it counts the node
      // as a member: a crashed node's storage turns inactive when Corosync drops it, not before
      storage: storageSnapshot(s.storage, this.names, (i) => observed.has(i + 1)),
      views,
      partitioned: distinctRings.size > 1,
      warnings: obs === null || !obsRing ? [] : this.warnings(obs, obsRing),
    };
  }

  /** members of the observer's ring to which knet has no connected link left: Corosync will drop them */
  private warnings(obs: number, ring: SimRing): UnreachableWarning[] {
    const s = this.s;
    const { n, L } = this;
    const cut: Array<{ i: number; since: number }> = [];
    for (const m of ring.members) {
      const j = m - 1;
      if (j === obs) continue;
      const a = Math.min(obs, j);
      const b = Math.max(obs, j);
      let since = -Infinity;
      let allDown = true;
      for (let l = 0; l < L && allDown; l++) {
        const k = (a * n + b) * L + l;
        if (s.connected[k]) allDown = false;
        else since = Math.max(since, s.disconnectedAt[k]!);
      }
      if (allDown) cut.push({ i: j, since });
    }
    if (cut.length === 0) return [];
    const gone = new Set(cut.map((c) => c.i + 1));
    const after = evaluateQuorum({
      options: this.config.quorumOptions,
      nodes: this.voteNodes,
      members: ring.members.filter((m) => !gone.has(m)),
      qdevice: this.qdeviceInput(ring),
      memory: ring.memory,
      now: s.clock,
    }).state;
    const dropAt = ring.pendingSince !== null && ring.pendingFailure ? ring.pendingSince + this.detectMs : null;
    return cut.map((c) => ({
      nodeId: c.i + 1,
      name: this.names[c.i]!,
      since: c.since,
      expectedDropInMs: Math.max(0, dropAt !== null ? dropAt - c.since : this.detectMs - this.knetDownMs),
      quorateAfterDrop: after.quorate,
      totalVotesAfterDrop: after.totalVotes,
      expectedVotesAfterDrop: after.expectedVotes,
    }));
  }
}

function ringId(rep: number, seq: number): string {
  return `${rep.toString(16)}.${seq.toString(16)}`;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
