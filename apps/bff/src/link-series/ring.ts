// The last hour of one cluster's links at 1 s: per node pair (a < b) and link, latency (the worse direction's
// average) and loss, each a half float in a Uint16Array allocated when the pair-link first has data.
//
// Memory: 3600 s × 2 figures × 2 bytes = 14.4 KB per pair-link. 32 nodes × 8 links (496 pairs × 8 = 3968
// pair-links) is 57 MB, the most a cluster can hold; 3 nodes × 2 links is 86 KB; 32 nodes × 2 links 14 MB.
// A pair-link not written for an hour is dropped (a node removed from the cluster).
import type { PairLinkSample } from '@quorate/model';
import { pairLinkKey } from '@quorate/model';
import { HALF_NAN, fromHalf, toHalf } from './half-float';

export const RING_SECONDS = 3600;
/** bytes one pair-link's ring takes */
export const RING_BYTES_PER_PAIR_LINK = RING_SECONDS * 2 * Uint16Array.BYTES_PER_ELEMENT;

/** figures of one second, or of a bucket of seconds (avg and max of what it holds) */
export interface Bucket {
  /** start (ms since epoch) */
  t: number;
  avgMs: number | null;
  maxMs: number | null;
  lossPct: number | null;
  lossMaxPct: number | null;
}

interface PairRing {
  a: number;
  b: number;
  link: number;
  /** [latency, loss] per slot (second % RING_SECONDS), half floats; HALF_NAN = nothing that second */
  data: Uint16Array;
  /** the newest second written (seconds since epoch) */
  last: number;
}

const nanFilled = (): Uint16Array => new Uint16Array(RING_SECONDS * 2).fill(HALF_NAN);

/** max that ignores NaN (a second seen twice keeps the worse figure) */
const worse = (x: number, y: number): number => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.max(x, y));

export class LinkRing {
  private readonly pairs = new Map<number, PairRing>();
  /** the newest second observed (seconds since epoch); null before the first */
  private head: number | null = null;

  /** one snapshot's samples at time t (ms since epoch, the snapshot's observedAt) */
  record(samples: readonly PairLinkSample[], t: number): void {
    const s = Math.floor(t / 1000);
    if (this.head === null || s > this.head) this.head = s;
    for (const x of samples) {
      if (x.latencyMs === null && x.lossPct === null) continue;
      const key = pairLinkKey(x.a, x.b, x.link);
      let p = this.pairs.get(key);
      if (!p) {
        p = { a: x.a, b: x.b, link: x.link, data: nanFilled(), last: s };
        this.pairs.set(key, p);
      }
      this.write(p, s, x.latencyMs ?? NaN, x.lossPct ?? NaN);
    }
  }

  /** the newest second observed, in ms (null before the first observation) */
  newest(): number | null {
    return this.head === null ? null : this.head * 1000;
  }

  /**
   * One pair-link's seconds in [from, to] (ms), at most the last hour before the newest observation, oldest
   * first, in buckets of stepS seconds (aligned to multiples of it); only buckets with data.
   */
  points(a: number, b: number, link: number, stepS = 1, from = -Infinity, to = Infinity): Bucket[] {
    const p = this.pairs.get(pairLinkKey(Math.min(a, b), Math.max(a, b), link));
    if (!p || this.head === null) return [];
    const lo = Math.max(this.head - RING_SECONDS + 1, p.last - RING_SECONDS + 1, Math.ceil(from / 1000));
    const hi = Math.min(p.last, Math.floor(to / 1000));
    const out: Bucket[] = [];
    const step = Math.max(1, Math.floor(stepS));
    for (let start = Math.floor(lo / step) * step; start <= hi; start += step) {
      const bucket = this.bucket(p, Math.max(lo, start), Math.min(hi, start + step - 1), start);
      if (bucket) out.push(bucket);
    }
    return out;
  }

  /** every pair-link's figures over the minute that starts at `minute` (ms), for the rollups; only those with data */
  minute(minute: number): Array<Bucket & { a: number; b: number; link: number }> {
    const first = Math.floor(minute / 1000);
    const out: Array<Bucket & { a: number; b: number; link: number }> = [];
    for (const p of this.pairs.values()) {
      const lo = Math.max(first, p.last - RING_SECONDS + 1);
      const hi = Math.min(first + 59, p.last);
      if (lo > hi) continue;
      const bucket = this.bucket(p, lo, hi, first);
      if (bucket) out.push({ a: p.a, b: p.b, link: p.link, ...bucket });
    }
    return out.sort((x, y) => pairLinkKey(x.a, x.b, x.link) - pairLinkKey(y.a, y.b, y.link));
  }

  /** the pair-links with data, ordered by (a, b, link) */
  pairLinks(): Array<{ a: number; b: number; link: number }> {
    return [...this.pairs.entries()].sort((x, y) => x[0] - y[0]).map(([, p]) => ({ a: p.a, b: p.b, link: p.link }));
  }

  /** drop pair-links with nothing in the last hour (returns how many) */
  forgetStale(): number {
    if (this.head === null) return 0;
    let n = 0;
    for (const [key, p] of this.pairs) {
      if (p.last <= this.head - RING_SECONDS) {
        this.pairs.delete(key);
        n++;
      }
    }
    return n;
  }

  /** bytes held by the rings */
  bytes(): number {
    return this.pairs.size * RING_BYTES_PER_PAIR_LINK;
  }

  private write(p: PairRing, s: number, latency: number, loss: number): void {
    const d = p.data;
    if (s < p.last - 60) {
      // the clock went back more than a minute (a reset, a restored simulation): start this ring afresh
      d.fill(HALF_NAN);
      p.last = s;
    }
    if (s > p.last) {
      // the seconds skipped have no data (at most the whole ring)
      for (let x = Math.max(p.last + 1, s - RING_SECONDS + 1); x < s; x++) {
        const i = (x % RING_SECONDS) * 2;
        d[i] = HALF_NAN;
        d[i + 1] = HALF_NAN;
      }
      const i = (s % RING_SECONDS) * 2;
      d[i] = toHalf(latency);
      d[i + 1] = toHalf(loss);
      p.last = s;
      return;
    }
    // the same second again (a fault, a fast tick), or a little late: keep the worse figures
    const i = (s % RING_SECONDS) * 2;
    d[i] = toHalf(worse(fromHalf(d[i]!), latency));
    d[i + 1] = toHalf(worse(fromHalf(d[i + 1]!), loss));
  }

  /** seconds lo..hi (within the ring) folded into one bucket starting at t seconds; null when none has data */
  private bucket(p: PairRing, lo: number, hi: number, t: number): Bucket | null {
    let latN = 0;
    let latSum = 0;
    let latMax = -Infinity;
    let lossN = 0;
    let lossSum = 0;
    let lossMax = -Infinity;
    for (let x = lo; x <= hi; x++) {
      const i = (x % RING_SECONDS) * 2;
      const lat = fromHalf(p.data[i]!);
      const loss = fromHalf(p.data[i + 1]!);
      if (!Number.isNaN(lat)) {
        latN++;
        latSum += lat;
        if (lat > latMax) latMax = lat;
      }
      if (!Number.isNaN(loss)) {
        lossN++;
        lossSum += loss;
        if (loss > lossMax) lossMax = loss;
      }
    }
    if (latN === 0 && lossN === 0) return null;
    return {
      t: t * 1000,
      avgMs: latN > 0 ? latSum / latN : null,
      maxMs: latN > 0 ? latMax : null,
      lossPct: lossN > 0 ? lossSum / lossN : null,
      lossMaxPct: lossN > 0 ? lossMax : null,
    };
  }
}
