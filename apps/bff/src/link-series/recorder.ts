// One cluster's link series: every snapshot into the 1 s ring; when a minute is over, its rollups (one row
// per pair and link that had data) into the store in one transaction (the writes one after the other).
// Each cluster writes at its own offset into the next minute (a hash of its id): at 100 clusters, every
// minute's rollups at once (thousands of rows per replica) stalled all replicas for a second (bench:scale).
import { pairLinkSamples, type ClusterSnapshot } from '@quorate/model';
import type { LinkRollup, Store } from '@quorate/store';
import type { Logger } from '../logger';
import { spreadOf } from '../spread';
import { LinkRing, RING_SECONDS } from './ring';

const MINUTE = 60_000;
/** minutes the ring can still fold after a gap (it holds an hour) */
const CATCH_UP_MINUTES = RING_SECONDS / 60;
/** a finished minute is written at most this far into the next one (the ring holds an hour: nothing is lost) */
export const FLUSH_SPREAD_MS = 50_000;

/** the cluster's offset into each minute, the same at every start and on every replica */
export function flushPhaseOf(clusterId: string): number {
  return spreadOf(clusterId, FLUSH_SPREAD_MS);
}

export class LinkSeriesRecorder {
  readonly ring = new LinkRing();
  /** the oldest minute (ms) not written yet; earlier ones are */
  private minute: number | null = null;
  /** rollup rows written since start (benchmarks, tests) */
  rowsWritten = 0;
  /** the minute writes in order; never rejects */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly clusterId: string,
    private readonly store: Store,
    private readonly log: Logger,
    /** how far into a minute the minutes before it are written (flushPhaseOf) */
    private readonly phaseMs = flushPhaseOf(clusterId),
  ) {}

  /** a validated snapshot of this cluster; never throws (the series must not stop the collector) */
  observe(snapshot: ClusterSnapshot): void {
    try {
      const t = snapshot.observedAt;
      const m = Math.floor(t / MINUTE) * MINUTE;
      // the minutes before this snapshot's are over: written once this cluster's offset into its minute passed
      const due = this.minute !== null && m > this.minute && t - m >= this.phaseMs;
      if (due) this.flush(this.minute!, m);
      if (this.minute === null || due || m < this.minute - MINUTE) this.minute = m;
      this.ring.record(pairLinkSamples(snapshot), t);
    } catch (err) {
      this.log.error({ err, clusterId: this.clusterId }, 'link series: could not record a snapshot');
    }
  }

  /** resolves when the writes asked so far have ended (tests, benchmarks) */
  settled(): Promise<void> {
    return this.writing;
  }

  /** write the minutes from `from` up to (not including) `until` that have data, in one transaction */
  private flush(from: number, until: number): void {
    const rows: LinkRollup[] = [];
    for (let m = Math.max(from, until - CATCH_UP_MINUTES * MINUTE); m < until; m += MINUTE)
      for (const r of this.ring.minute(m)) rows.push({ a: r.a, b: r.b, link: r.link, minute: m, avgMs: r.avgMs, maxMs: r.maxMs, lossPct: r.lossPct, lossMaxPct: r.lossMaxPct });
    this.ring.forgetStale();
    if (rows.length === 0) return;
    this.writing = this.writing.then(async () => {
      try {
        this.rowsWritten += await this.store.linkRollups.write(this.clusterId, rows);
      } catch (err) {
        // a full disk or a locked database loses this minute's rollup, not the ring or the next minute
        this.log.error({ err, clusterId: this.clusterId, rows: rows.length }, 'link series: could not write the minute rollups');
      }
    });
  }
}
