// A replica's copy of a cluster whose collector runs on another replica (the lease holder). The holder
// publishes what its collector emits (snapshots, patches, events) through the socket.io adapter; those
// messages can arrive late, twice or out of order (the PostgreSQL adapter sends each on any pool connection,
// large ones via a table). The mirror puts them back in order before its own clients see them:
//  - a patch applies only on the rev it was made from; a gap in the rev chain asks the holder for its
//    snapshot (a new holder starts a new, higher rev line with a snapshot of its own);
//  - events leave in seq order, each once; a gap waits EVENT_GAP_WAIT_MS for the late ones, then reads
//    them from the shared store (the holder publishes events only after they are committed).
// It emits 'snapshot', 'patch', 'event' and 'observed' like a Collector (a ClusterFeed), so the gateway, the
// cluster list and the metrics serve it the same way.
import { EventEmitter } from 'node:events';
import { applyPatch, sameStateAs, telemetryOnly, type ClusterEvent, type ClusterSnapshot, type PatchMessage, type SnapshotMessage, type SnapshotPatch } from '@quorate/model';
import type { CapabilityName, SourceHealth } from '@quorate/sources';
import type { EventStore } from '../event-store';
import { PatchLog, snapshotItems } from '../patch-log';

/** how long an out-of-order event waits for the ones before it before they are read from the store */
export const EVENT_GAP_WAIT_MS = 250;
/** how long a patch whose base has not come waits for it before the holder is asked for its snapshot */
export const PATCH_GAP_WAIT_MS = 500;
/** events held while waiting, at most: past this the gap is filled from the store at once */
const MAX_HELD_EVENTS = 1_000;
/** events read from the store per page when filling a gap */
const FILL_PAGE = 1_000;

export type Revision = { rev: number; snapshot: ClusterSnapshot };

/** what the holder says of its source, besides the snapshots */
export interface FeedStatus {
  health: SourceHealth;
  capabilities: CapabilityName[];
}

/** how often mirrors had to wait or fall back, summed over a replica's mirrors (/metrics) */
export interface MirrorCounters {
  /** a patch came before its base: held (then applied, or replaced by a snapshot) */
  patchesEarly: number;
  /** the holder's snapshot asked for (no base yet, or a rev gap that lasted) */
  snapshotsAsked: number;
  /** events read from the store to fill a gap in the feed */
  eventGapsFilled: number;
  /** feed messages received, and of them how many took over 100 ms and over 500 ms from their holder */
  feedMessages: number;
  feedOver100ms: number;
  feedOver500ms: number;
}
export const newMirrorCounters = (): MirrorCounters => ({ patchesEarly: 0, snapshotsAsked: 0, eventGapsFilled: 0, feedMessages: 0, feedOver100ms: 0, feedOver500ms: 0 });

/** one feed message came, delayMs after its holder sent it (null: not known) */
export function countFeedDelay(c: MirrorCounters, delayMs: number | null): void {
  c.feedMessages++;
  if (delayMs !== null && delayMs > 100) c.feedOver100ms++;
  if (delayMs !== null && delayMs > 500) c.feedOver500ms++;
}

export interface MirrorOptions {
  clusterId: string;
  counters?: MirrorCounters;
  /** the cluster's events in the shared store (read: the holder appends them) */
  events: EventStore;
  /** the holder's current snapshot and status (asked through the adapter); null when no replica answers */
  fetchSnapshot: () => Promise<(Revision & { status?: FeedStatus }) | null>;
  onError?: (err: unknown, what: string) => void;
  eventGapWaitMs?: number;
  patchGapWaitMs?: number;
}

export interface MirrorEventMap {
  snapshot: [SnapshotMessage];
  patch: [PatchMessage];
  event: [ClusterEvent];
  observed: [ClusterSnapshot];
}

const WAITING: SourceHealth = { state: 'starting', message: 'waiting for the replica that runs this cluster', lastObservedAt: null };

export class Mirror extends EventEmitter<MirrorEventMap> {
  readonly clusterId: string;
  readonly store: EventStore;
  private status: FeedStatus = { health: WAITING, capabilities: [] };
  private latest: Revision | null = null;
  private readonly patches = new PatchLog();
  /** patches that came before the rev they apply to (kept until a snapshot or their base arrives) */
  private early = new Map<number, SnapshotPatch>();
  private snapshotAsked: Promise<void> | null = null;
  /** the last seq emitted; null until start() read it from the store */
  private seq: number | null = null;
  private held = new Map<number, ClusterEvent>();
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private patchGapTimer: ReturnType<typeof setTimeout> | null = null;
  private filling: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly o: MirrorOptions) {
    super();
    this.clusterId = o.clusterId;
    this.store = o.events;
  }

  /**
   * Starts after `fromSeq` (what this replica's clients already got: the collector's last emitted seq when
   * the lease moved away from here), else after the store's last seq; asks for the snapshot. Messages that
   * came before are kept and sorted in.
   */
  async start(fromSeq?: number): Promise<void> {
    const last = fromSeq ?? (await this.o.events.lastSeq());
    if (this.seq === null) this.seq = last;
    this.drainEvents();
    if (!this.latest) await this.askSnapshot();
    // what was committed while nothing was relayed (a holder that died before publishing) comes from the store
    if (fromSeq !== undefined) await this.catchUpTo(await this.o.events.lastSeq());
  }

  current(): Revision | null {
    return this.latest;
  }

  /** the last seq emitted to clients: a client joining now gets later events live and earlier ones from the store */
  emittedSeq(): number {
    return this.seq ?? 0;
  }

  /** the holder's word, observed as late as the newest snapshot (the holder does not send a new stamp alone) */
  health(): SourceHealth {
    const h = this.status.health;
    const seen = this.latest?.snapshot.observedAt ?? null;
    return seen !== null && (h.lastObservedAt === null || seen > h.lastObservedAt) ? { ...h, lastObservedAt: seen } : h;
  }

  capabilities(): CapabilityName[] {
    return this.status.capabilities;
  }

  /** the holder's word on its source (the health it reports, what it can do) */
  setStatus(status: FeedStatus): void {
    if (this.closed) return;
    this.status = status;
    if (this.latest) this.emit('observed', this.latest.snapshot);
  }

  /**
   * Emits every event up to seq from the store (the holder committed them): before this replica takes the
   * lease over, so its clients miss nothing the former holder did not get to publish.
   */
  async catchUpTo(seq: number): Promise<void> {
    if (this.seq === null || seq <= this.seq) return;
    await this.filling;
    while (!this.closed && this.seq !== null && this.seq < seq) {
      const page = await this.o.events.since(this.seq, Math.min(FILL_PAGE, seq - this.seq));
      if (page.events.length === 0) break;
      for (const ev of page.events) if (ev.seq > this.seq) this.held.set(ev.seq, ev);
      const before: number = this.seq;
      this.drainEvents();
      if (this.seq === before) break;
    }
  }

  resume(rev: number): SnapshotPatch[] | null {
    if (!this.latest || rev > this.latest.rev) return null;
    if (rev === this.latest.rev) return [];
    return this.patches.since(rev);
  }

  snapshot(msg: Revision): void {
    if (this.closed || (this.latest && msg.rev <= this.latest.rev)) return;
    this.latest = { rev: msg.rev, snapshot: msg.snapshot };
    this.patches.clear();
    for (const rev of [...this.early.keys()]) if (rev < msg.rev) this.early.delete(rev);
    this.emit('snapshot', { clusterId: this.clusterId, rev: msg.rev, snapshot: msg.snapshot });
    this.emit('observed', msg.snapshot);
    this.drainPatches();
  }

  patch(patch: SnapshotPatch): void {
    if (this.closed) return;
    if (this.latest && patch.rev <= this.latest.rev) return; // already applied (or an older line)
    if (!this.latest || patch.baseRev !== this.latest.rev) {
      this.early.set(patch.baseRev, patch);
      if (this.o.counters) this.o.counters.patchesEarly++;
      if (this.latest && patch.baseRev < this.latest.rev) return;
      // its base is missing: a late patch may still bring it, else the holder's snapshot will
      if (!this.latest) void this.askSnapshot();
      else this.patchGapTimer ??= setTimeout(() => {
        this.patchGapTimer = null;
        if (this.latest && this.early.has(this.latest.rev)) return this.drainPatches();
        if ([...this.early.keys()].some((base) => base >= (this.latest?.rev ?? 0))) void this.askSnapshot();
      }, this.o.patchGapWaitMs ?? PATCH_GAP_WAIT_MS);
      this.patchGapTimer?.unref?.();
      return;
    }
    this.apply(patch);
    this.drainPatches();
  }

  event(ev: ClusterEvent): void {
    if (this.closed || (this.seq !== null && ev.seq <= this.seq)) return;
    this.held.set(ev.seq, ev);
    this.drainEvents();
  }

  close(): void {
    this.closed = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    if (this.patchGapTimer) clearTimeout(this.patchGapTimer);
    this.gapTimer = null;
    this.patchGapTimer = null;
    this.held.clear();
    this.early.clear();
    this.removeAllListeners();
  }

  private apply(patch: SnapshotPatch): void {
    const prev = this.latest!.snapshot;
    const snapshot = applyPatch(prev, patch);
    if (telemetryOnly(patch, prev)) sameStateAs(snapshot, prev);
    this.latest = { rev: patch.rev, snapshot };
    this.patches.push(patch, snapshotItems(snapshot));
    this.emit('patch', { clusterId: this.clusterId, patch });
    this.emit('observed', snapshot);
  }

  private drainPatches(): void {
    for (let next = this.latest && this.early.get(this.latest.rev); next; next = this.latest && this.early.get(this.latest.rev)) {
      this.early.delete(next.baseRev);
      this.apply(next);
    }
  }

  private askSnapshot(): Promise<void> {
    if (!this.snapshotAsked && this.o.counters) this.o.counters.snapshotsAsked++;
    this.snapshotAsked ??= this.o
      .fetchSnapshot()
      .then((r) => {
        if (r?.status) this.status = r.status;
        if (r) this.snapshot(r);
      })
      .catch((err: unknown) => this.o.onError?.(err, 'snapshot from the holder'))
      .finally(() => {
        this.snapshotAsked = null;
      });
    return this.snapshotAsked;
  }

  private drainEvents(): void {
    if (this.seq === null || this.closed) return;
    for (let ev = this.held.get(this.seq + 1); ev; ev = this.held.get(this.seq + 1)) {
      this.held.delete(ev.seq);
      this.seq = ev.seq;
      this.emit('event', ev);
    }
    for (const s of [...this.held.keys()]) if (s <= this.seq) this.held.delete(s);
    if (this.held.size === 0) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
      return;
    }
    if (this.held.size > MAX_HELD_EVENTS) return void this.fill();
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = null;
      void this.fill();
    }, this.o.eventGapWaitMs ?? EVENT_GAP_WAIT_MS);
    this.gapTimer.unref?.();
  }

  /** reads the missing events from the store, up to the newest one held */
  private fill(): Promise<void> {
    if (!this.filling && this.o.counters) this.o.counters.eventGapsFilled++;
    this.filling ??= (async () => {
      try {
        const upTo = Math.max(...this.held.keys());
        while (!this.closed && this.seq !== null && this.seq < upTo) {
          const page = await this.o.events.since(this.seq, FILL_PAGE);
          if (page.events.length === 0) break;
          for (const ev of page.events) if (!this.held.has(ev.seq) && ev.seq > this.seq) this.held.set(ev.seq, ev);
          const before = this.seq;
          this.drainEvents();
          if (this.seq === before) break; // the store has a hole (pruned or corrupt rows): nothing more to gain
        }
        // what the store could not give (pruned): skip to the next held event rather than stall for ever
        if (!this.closed && this.seq !== null && this.held.size > 0 && !this.held.has(this.seq + 1)) {
          this.seq = Math.min(...this.held.keys()) - 1;
          this.drainEvents();
        }
      } catch (err) {
        this.o.onError?.(err, 'missing events from the store');
      } finally {
        this.filling = null;
      }
    })();
    return this.filling;
  }
}
