// What a restart needs to resume the same cluster instead of inventing changes: the collector's event
// baseline (the last snapshot events were derived from) and, for the simulator, its whole state
// (faults, clock, seed). Kept in store.kv, one document per cluster, written
//  - in the same transaction as every batch of events (so events and baseline never disagree),
//  - right after every fault or operation (so a 202 is never lost to a crash),
//  - otherwise at most once per throttle interval, and on shutdown.
import { z } from 'zod';
import { ClusterSnapshot } from '@quorate/model';
import type { ClusterSource } from '@quorate/sources';
import type { Store } from '@quorate/store';
import type { Logger } from '../logger';

const Saved = z.object({
  version: z.literal(1),
  savedAt: z.number(),
  baseline: ClusterSnapshot.nullable(),
  /** SimState; createSimSource validates it */
  sim: z.unknown().optional(),
});
export type SavedCheckpoint = z.infer<typeof Saved>;

const keyOf = (clusterId: string) => `checkpoint.${clusterId}`;

interface Exporter {
  exportState(): unknown;
}
function exporterOf(source: ClusterSource): Exporter | null {
  const s = source as ClusterSource & Partial<Exporter>;
  return source.kind === 'sim' && typeof s.exportState === 'function' ? (s as Exporter) : null;
}

export function loadCheckpoint(store: Store, clusterId: string): SavedCheckpoint | null {
  return store.kv.get(keyOf(clusterId), Saved) ?? null;
}

export class Checkpoint {
  private baselineOf: () => ClusterSnapshot | null = () => null;
  private source: Exporter | null = null;
  private lastSave = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    readonly clusterId: string,
    private readonly log: Logger,
    private readonly throttleMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** where the baseline and the sim state come from */
  attach(source: ClusterSource, baseline: () => ClusterSnapshot | null): void {
    this.source = exporterOf(source);
    this.baselineOf = baseline;
  }

  /** write now; throws (so a surrounding event transaction rolls back). baseline: the one being committed */
  write(baseline?: ClusterSnapshot | null): void {
    const doc: SavedCheckpoint = { version: 1, savedAt: this.now(), baseline: baseline ?? this.baselineOf() };
    if (this.source) doc.sim = this.source.exportState();
    this.store.kv.set(keyOf(this.clusterId), doc);
    this.lastSave = this.now();
    this.clearTimer();
  }

  /** write now; a failure is logged, not thrown (a fault was already applied: reporting it failed helps no one) */
  saveNow(): void {
    if (this.closed) return;
    try {
      this.write();
    } catch (err) {
      this.log.error({ err, clusterId: this.clusterId }, 'could not save the cluster checkpoint');
    }
  }

  /** something changed: save, at most once per throttle interval (the last change always gets saved) */
  changed(): void {
    if (this.closed || this.timer) return;
    const wait = this.lastSave + this.throttleMs - this.now();
    if (wait <= 0) return this.saveNow();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.saveNow();
    }, wait);
    this.timer.unref?.();
  }

  /** final save (shutdown) */
  close(): void {
    if (this.closed) return;
    this.saveNow();
    this.closed = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * Moves every absolute time in a saved sim state (numbers that are epoch milliseconds) forward by
 * deltaMs, outside its config: the simulated cluster was paused while the BFF was down, so it resumes
 * with the same faults and pending steps, and its clock (observedAt) is the wall clock again.
 */
export function shiftSimTimes(state: unknown, deltaMs: number): unknown {
  const EPOCH_MS = 1e12; // 2001-09-09: smaller numbers are durations, counters, ids
  const shift = (v: unknown, key: string | null): unknown => {
    if (key === 'config') return v;
    if (typeof v === 'number') return v >= EPOCH_MS ? v + deltaMs : v;
    if (Array.isArray(v)) return v.map((x) => shift(x, null));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shift(x, k)]));
    return v;
  };
  return shift(state, null);
}
