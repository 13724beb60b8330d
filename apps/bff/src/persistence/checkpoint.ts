// What a restart needs to resume the same cluster instead of inventing changes: the collector's event
// baseline (the last snapshot events were derived from) and, for the simulator, its durable state
// (faults, memberships, knet states, seed). Kept in store.kv, one document per cluster, written
//  - in the same transaction as every batch of events (so events and baseline never disagree),
//  - right after every fault or operation (so a 202 is never lost to a crash),
//  - otherwise at most once per throttle interval (a minute), and on shutdown (and in a new data
//    directory, the first document at once),
// and only when it says something new: what changes by itself every second (link latency and loss
// figures, storage usage, the sim's tick counters and usage drift) is not in it, and a document that
// differs from the stored one only in its times is not written again. An idle BFF writes nothing.
// (Homelab boxes run on small SSDs and SD cards.)
import { z } from 'zod';
import { ClusterSnapshot } from '@quorate/model';
import { durableSimState, type ClusterSource, type SimState } from '@quorate/sources';
import type { Store, StoreParts } from '@quorate/store';
import type { Logger } from '../logger';
import { spreadOf } from '../spread';

const Saved = z.object({
  version: z.literal(1),
  savedAt: z.number(),
  baseline: ClusterSnapshot.nullable(),
  /** DurableSimState (older documents: a whole SimState); createSimSource validates it */
  sim: z.unknown().optional(),
});
export type SavedCheckpoint = z.infer<typeof Saved>;

/** default: a change that is no event reaches the disk within a minute */
export const CHECKPOINT_THROTTLE_MS = 60_000;

const keyOf = (clusterId: string) => `checkpoint.${clusterId}`;

type Exporter = NonNullable<ClusterSource['capabilities']['stateExport']>;
const exporterOf = (source: ClusterSource): Exporter | null => source.capabilities.stateExport ?? null;

export async function loadCheckpoint(store: Pick<StoreParts, 'kv'>, clusterId: string): Promise<SavedCheckpoint | null> {
  return (await store.kv.get(keyOf(clusterId), Saved)) ?? null;
}

/** nothing stored yet for this cluster (a new data directory): see Checkpoint's firstRun */
export async function noCheckpoint(store: Pick<StoreParts, 'kv'>, clusterId: string): Promise<boolean> {
  return (await store.kv.get(keyOf(clusterId), z.unknown())) === undefined;
}

/**
 * The baseline as far as events need it (see diffSnapshots): states, memberships, quorum, warnings.
 * Link latency and loss figures and storage usage move all the time and no event is derived from them:
 * they are left out (null / 0) so the document does not change with them.
 */
export function durableBaseline(s: ClusterSnapshot): ClusterSnapshot {
  return {
    ...s,
    links: s.links.map((l) => ({ ...l, latencyAvgMs: null, latencyMaxMs: null, lossPct: null })),
    storage: s.storage ? s.storage.map((st) => ({ ...st, nodes: st.nodes.map((n) => ({ ...n, totalBytes: 0, usedBytes: 0, availBytes: 0 })) })) : s.storage,
  };
}

/** "when", not "what": the save time, the snapshot's observation times, the sim's clock */
const TIME_KEYS = new Set(['savedAt', 'observedAt', 'clock']);
/** a document as text without its times: two documents with the same text say the same */
export function contentOf(doc: unknown): string {
  return JSON.stringify(doc, (k, v: unknown) => (TIME_KEYS.has(k) ? undefined : v));
}

export class Checkpoint {
  private baselineOf: () => ClusterSnapshot | null = () => null;
  /** resolves once what the collector has in flight is stored (its baseline is then the stored one) */
  private appendsStored: () => Promise<void> = () => Promise.resolve();
  private source: Exporter | null = null;
  /** when the document was last built (and written if it said something new); at start, what was loaded
   * serves a restart as well as a save would */
  private lastCheck: number;
  /** nothing stored yet (a new data directory, noCheckpoint): the first complete document is written at once */
  private firstRun: boolean;
  /** saves one at a time, in the order asked */
  private saving: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** documents written / not written because the stored one says the same (tests, diagnostics) */
  readonly counts = { written: 0, unchanged: 0 };

  /** added to the first throttled wait: this cluster's offset into the interval (spreadOf) */
  private phaseMs: number;

  constructor(
    private readonly store: Store,
    readonly clusterId: string,
    private readonly log: Logger,
    firstRun: boolean,
    private readonly throttleMs = CHECKPOINT_THROTTLE_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.lastCheck = now();
    this.firstRun = firstRun;
    this.phaseMs = spreadOf(clusterId, throttleMs);
  }

  /** the checkpoint of a cluster, knowing whether one is stored yet */
  static async open(store: Store, clusterId: string, log: Logger, throttleMs = CHECKPOINT_THROTTLE_MS, now: () => number = Date.now): Promise<Checkpoint> {
    return new Checkpoint(store, clusterId, log, await noCheckpoint(store, clusterId), throttleMs, now);
  }

  /** where the baseline and the sim state come from; settled: the collector's appends in flight (a save waits for them) */
  attach(source: ClusterSource, baseline: () => ClusterSnapshot | null, settled?: () => Promise<void>): void {
    this.source = exporterOf(source);
    this.baselineOf = baseline;
    if (settled) this.appendsStored = settled;
  }

  /**
   * write now, unless the stored document already says the same apart from its times; throws (so a
   * surrounding event transaction rolls back). baseline: the one being committed.
   * The comparison is with what is in the database, not with what this object last wrote: inside a
   * transaction that later rolls back, a remembered copy would be wrong. tx: the parts of the transaction
   * it commits with.
   */
  async write(tx: StoreParts, baseline?: ClusterSnapshot | null): Promise<void> {
    const b = baseline ?? this.baselineOf();
    const doc: SavedCheckpoint = { version: 1, savedAt: this.now(), baseline: b ? durableBaseline(b) : null };
    if (this.source) doc.sim = durableSimState(this.source.exportState() as SimState);
    this.lastCheck = this.now();
    this.clearTimer();
    const key = keyOf(this.clusterId);
    const stored = await tx.kv.get(key, z.unknown());
    if (stored !== undefined && contentOf(stored) === contentOf(doc)) {
      this.counts.unchanged++;
      return;
    }
    await tx.kv.set(key, doc);
    this.counts.written++;
    this.firstRun = false;
  }

  /**
   * write now, once the collector's appends in flight are stored (the document then has their baseline); a
   * failure is logged, not thrown (a fault was already applied: reporting it failed helps no one)
   */
  saveNow(): Promise<void> {
    if (this.closed) return this.saving;
    this.firstRun = false; // a failure is not retried on every change
    // asked now: the throttle counts from here, not from when the write gets its turn
    this.lastCheck = this.now();
    this.clearTimer();
    const run = async () => {
      try {
        await this.appendsStored();
        // read, compare and write in one transaction: an event append's write cannot land in between
        await this.store.transaction((tx) => this.write(tx));
      } catch (err) {
        this.log.error({ err, clusterId: this.clusterId }, 'could not save the cluster checkpoint');
      }
    };
    this.saving = this.saving.then(run);
    return this.saving;
  }

  /** resolves when the saves asked so far have ended (tests) */
  settled(): Promise<void> {
    return this.saving;
  }

  /** something changed: save, at most once per throttle interval (the last change always gets saved) */
  changed(): void {
    if (this.closed || this.timer) return;
    if (this.firstRun) {
      // the collector announces its first snapshot before it has a baseline: wait for one
      if (this.baselineOf() !== null) void this.saveNow();
      return;
    }
    // the first wait also takes this cluster's offset into the interval (spread.ts): clusters started
    // together would otherwise all save in the same second, every interval (each save builds, compares and
    // writes the whole document: 33 at once stalled a replica in bench:scale)
    const wait = this.lastCheck + this.throttleMs + this.phaseMs - this.now();
    this.phaseMs = 0;
    if (wait <= 0) {
      void this.saveNow();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.saveNow();
    }, wait);
    this.timer.unref?.();
  }

  /** final save (shutdown) */
  async close(): Promise<void> {
    if (this.closed) return this.saving;
    const last = this.saveNow();
    this.closed = true;
    this.clearTimer();
    await last;
  }

  /**
   * Stops without a last save: this replica lost the cluster's lease, and the replica that runs it now
   * keeps the document (a save from here could put an older baseline over its newer one).
   */
  async abandon(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.saving;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** a removed cluster's saved state goes with it (the same id added again starts afresh; its events stay) */
export async function dropCheckpoint(store: Pick<StoreParts, 'kv'>, clusterId: string): Promise<void> {
  await store.kv.delete(keyOf(clusterId));
}
