// The knet link matrix. Physically, link l between two nodes is up when both run, share a partition group,
// neither has the link down, and loss does not drop it; knet reports it disconnected knetDownMs after it
// went down and connected as soon as it is back (downCount counts connected → disconnected). The per
// pair-link figures live flat in SimState (see Topology.pairLink) so a saved state stays plain JSON.
import type { LinkObservation } from '@quorate/model';
import { at, SimInvariantError } from './invariant';
import { hashUnit } from './rng';
import type { Quality, SimState } from './state';
import type { Topology } from './topology';
import { UnionFind } from './union-find';

/** how often knet's per-link latency figures change (Corosync's stats refresh) */
const KNET_SAMPLE_MS = 1000;
const FLAP_CYCLE_MS = 10_000;
/** combined loss from which a link flaps: down for loss% of each 10 s cycle (100 % = always down) */
const FLAP_THRESHOLD_PCT = 30;

/** every link up and perfect: the start, and what heal restores */
export function healthyLinks(topo: Topology): Pick<SimState, 'linkDown' | 'quality'> {
  return {
    linkDown: topo.names.map(() => Array<boolean>(topo.L).fill(false)),
    quality: topo.names.map(() => Array.from({ length: topo.L }, () => ({ latencyMs: 0, lossPct: 0, jitterMs: 0 }))),
  };
}

/** every pair-link up and connected since t, never down */
export function connectedPairLinks(topo: Topology, t: number): Pick<SimState, 'physUp' | 'connected' | 'changedAt' | 'downCount' | 'disconnectedAt'> {
  const size = topo.n * topo.n * topo.L;
  return {
    physUp: Array<number>(size).fill(1),
    connected: Array<number>(size).fill(1),
    changedAt: Array<number>(size).fill(t),
    downCount: Array<number>(size).fill(0),
    disconnectedAt: Array<number>(size).fill(0),
  };
}

export class Links {
  /** per ordered pair (i*n+j): a base latency of 0.15–0.6 ms, fixed by the seed */
  private readonly baseLatency: Float64Array;
  /** pair-links waiting for knet to notice they are down (lets nextChange skip its scan when 0) */
  private knetPending = 0;

  constructor(
    private readonly topo: Topology,
    private readonly s: SimState,
    /** called on every change a snapshot shows */
    private readonly changed: () => void,
  ) {
    const { n, seed } = topo;
    this.baseLatency = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        // by node id, so a pair keeps its latency when a join or delnode moves the indices
        const v = 0.15 + 0.45 * hashUnit(seed, 7, topo.idOf(i) - 1, topo.idOf(j) - 1);
        this.baseLatency[i * n + j] = v;
        this.baseLatency[j * n + i] = v;
      }
  }

  /** link-down / link-up on one node: one link, or all of them when link is undefined */
  setDown(node: number, link: number | undefined, down: boolean): void {
    const row = at(this.s.linkDown, node, 'node');
    for (let l = 0; l < this.topo.L; l++) if (link === undefined || link === l) row[l] = down;
  }

  setQuality(node: number, link: number | undefined, q: Quality): void {
    const row = at(this.s.quality, node, 'node');
    for (let l = 0; l < this.topo.L; l++) if (link === undefined || link === l) row[l] = { latencyMs: q.latencyMs, lossPct: q.lossPct, jitterMs: q.jitterMs };
  }

  /** One knet pass at the current clock; returns which nodes reach each other over some link. */
  update(): UnionFind {
    const { s, topo } = this;
    const { n, L } = topo;
    const t = s.clock;
    const reach = new UnionFind(n);
    const lossy = this.anyLoss();
    let pending = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        let any = false;
        for (let l = 0; l < L; l++) {
          const k = topo.pairLink(i, j, l);
          const p = this.physical(i, j, l, lossy) ? 1 : 0;
          if (p !== s.physUp[k]) {
            s.physUp[k] = p;
            s.changedAt[k] = t;
            if (p && !s.connected[k]) {
              s.connected[k] = 1;
              this.changed();
            }
          }
          if (!p && s.connected[k]) {
            const noticedAt = figure(s.changedAt, k) + topo.knetDownMs;
            if (t >= noticedAt) {
              s.connected[k] = 0;
              s.downCount[k] = figure(s.downCount, k) + 1;
              s.disconnectedAt[k] = noticedAt;
              this.changed();
            } else pending++;
          }
          if (p) any = true;
        }
        if (any) reach.union(i, j);
      }
    this.knetPending = pending;
    return reach;
  }

  /** offers each moment (after the last update) at which a link changes by itself: knet noticing, a flap */
  nextChange(consider: (t: number) => void): void {
    const { s, topo } = this;
    const { n, L } = topo;
    const lossy = this.anyLoss();
    if (this.knetPending === 0 && !lossy) return;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        for (let l = 0; l < L; l++) {
          const k = topo.pairLink(i, j, l);
          if (!s.physUp[k] && s.connected[k]) consider(figure(s.changedAt, k) + topo.knetDownMs);
          if (!lossy) continue;
          const flap = this.flapBoundary(i, j, l);
          if (flap !== null) consider(flap);
        }
  }

  /** what knet on node i reports about its link l to node j */
  observe(i: number, j: number, l: number): LinkObservation {
    const { s, topo } = this;
    const k = topo.pairLink(i, j, l);
    const connected = s.connected[k] === 1;
    let avg: number | null = null;
    let max: number | null = null;
    if (connected) {
      const qa = this.quality(i, l);
      const qb = this.quality(j, l);
      const base = figure(this.baseLatency, i * topo.n + j);
      const jitter = qa.jitterMs + qb.jitterMs;
      // knet refreshes a link's latency about once a second, links out of step with each other:
      // at a fast tick only some links change, as on a real cluster (and patches stay small)
      const phase = hashUnit(topo.seed, 0x5eed, i, j, l) * KNET_SAMPLE_MS;
      const u = hashUnit(topo.seed, Math.floor((s.clock + phase) / KNET_SAMPLE_MS), i, j, l);
      avg = round3(base * (0.9 + 0.2 * u) + qa.latencyMs + qb.latencyMs + jitter * u * 0.5);
      max = round3(avg + base * 0.5 + jitter * (0.5 + u * 0.5));
    }
    return {
      from: topo.idOf(i),
      to: topo.idOf(j),
      link: l,
      enabled: true,
      connected,
      latencyAvgMs: avg,
      latencyMaxMs: max,
      lossPct: round3(this.combinedLoss(i, j, l)),
      downCount: figure(s.downCount, k),
    };
  }

  /** when knet lost the last link between a and b, or null while one is still connected */
  cutSince(a: number, b: number): number | null {
    const { s, topo } = this;
    let since = -Infinity;
    for (let l = 0; l < topo.L; l++) {
      const k = topo.pairLink(a, b, l);
      if (s.connected[k]) return null;
      since = Math.max(since, figure(s.disconnectedAt, k));
    }
    return since;
  }

  private anyLoss(): boolean {
    return this.s.quality.some((q) => q.some((x) => x.lossPct > 0));
  }

  /** the quality set on node i's link l (per node and link: the hot loops read it through here only) */
  private quality(i: number, l: number): Quality {
    const q = this.s.quality[i]?.[l];
    if (q === undefined) throw new SimInvariantError(`no quality for node index ${i} link ${l}`);
    return q;
  }

  private isDown(i: number, l: number): boolean {
    const d = this.s.linkDown[i]?.[l];
    if (d === undefined) throw new SimInvariantError(`no link state for node index ${i} link ${l}`);
    return d;
  }

  private combinedLoss(i: number, j: number, l: number): number {
    const a = this.quality(i, l).lossPct / 100;
    const b = this.quality(j, l).lossPct / 100;
    return 100 * (1 - (1 - a) * (1 - b));
  }

  /** position in the flap cycle and the length of its down part, or null when a link with this loss does not flap */
  private flapPhase(loss: number, i: number, j: number, l: number, t: number): { pos: number; downLen: number } | null {
    if (loss < FLAP_THRESHOLD_PCT || loss >= 100) return null;
    const phase = Math.floor(hashUnit(this.topo.seed, 11, i, j, l) * FLAP_CYCLE_MS);
    const pos = (((Math.floor(t) + phase) % FLAP_CYCLE_MS) + FLAP_CYCLE_MS) % FLAP_CYCLE_MS;
    return { pos, downLen: Math.round((FLAP_CYCLE_MS * loss) / 100) };
  }

  /** a lossy link flaps deterministically: down for loss% of each cycle, phase fixed per pair-link */
  private flapDown(i: number, j: number, l: number, t: number): boolean {
    const loss = this.combinedLoss(i, j, l);
    if (loss >= 100) return true;
    const f = this.flapPhase(loss, i, j, l, t);
    return f !== null && f.pos < f.downLen;
  }

  private flapBoundary(i: number, j: number, l: number): number | null {
    const t = Math.floor(this.s.clock);
    const f = this.flapPhase(this.combinedLoss(i, j, l), i, j, l, t);
    if (!f) return null;
    return t + (f.pos < f.downLen ? f.downLen - f.pos : FLAP_CYCLE_MS - f.pos);
  }

  private physical(i: number, j: number, l: number, lossy: boolean): boolean {
    const s = this.s;
    if (s.status[i] !== 'running' || s.status[j] !== 'running') return false;
    if (s.groups && s.groups[i] !== s.groups[j]) return false;
    if (this.isDown(i, l) || this.isDown(j, l)) return false;
    return !lossy || !this.flapDown(i, j, l, s.clock);
  }
}

/** a per-pair-link figure (or a base latency), which must exist; here rather than in invariant.ts so the hot
 * loops call it directly */
function figure(list: ArrayLike<number>, k: number): number {
  const v = list[k];
  if (v === undefined) throw new SimInvariantError(`no link figure at index ${k} (of ${list.length})`);
  return v;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
