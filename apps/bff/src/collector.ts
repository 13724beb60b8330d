// One collector per cluster, however many browsers watch it: it listens to the source, validates each
// snapshot, turns changes into patches (rev) and events (seq) — the diff's and the link-health tracker's,
// numbered in one stream — and tells its listeners (the gateway, metrics, the link series).
// Patches go out as snapshots arrive; events are stored asynchronously, one append after the other (a
// chain), and each batch is emitted after its commit, so listeners see events in seq order.
import { EventEmitter } from 'node:events';
import {
  ClusterSnapshot,
  EventDraft,
  LinkHealthTracker,
  carryForwardKnown,
  diffSnapshots,
  makePatch,
  sameStateAs,
  telemetryOnly,
  type ClusterEvent,
  type LinkHealthState,
  type PatchMessage,
  type SnapshotMessage,
  type SnapshotPatch,
} from '@quorate/model';
import { capabilityNames, type CapabilityName, type ClusterSource, type SourceHealth } from '@quorate/sources';
import type { StoreParts } from '@quorate/store';
import type { EventStore } from './event-store';
import type { Logger } from './logger';
import { PatchLog, snapshotItems } from './patch-log';

export interface CollectorOptions {
  source: ClusterSource;
  store: EventStore;
  logger: Logger;
  /** patches kept for resuming clients */
  patchCapacity?: number;
  /**
   * rev of the first snapshot. Defaults to the start time in ms so that revs of a restarted BFF are
   * higher than any rev a browser kept from the previous process: such a client gets a fresh snapshot
   * instead of patches from a different history.
   */
  firstRev?: number;
  /**
   * the event baseline a previous process persisted (see persistence/checkpoint.ts): the first
   * observation after a restart is diffed against it, so only real changes become events
   */
  initialBaseline?: ClusterSnapshot | null;
  /** persist the new baseline; runs inside the transaction that appends events (both or neither) */
  persist?: (baseline: ClusterSnapshot, tx: StoreParts) => Promise<void>;
  /**
   * a patch that only moves telemetry (model telemetry.ts) goes out at most this often in observation time
   * (the snapshots' observedAt: a sim driven by hand is judged by its own clock), merged with the ones
   * after it; anything else goes out at once. 0 (the default): every change at once.
   */
  telemetryMinMs?: number;
}

export interface CollectorEvents {
  /** a new baseline: the first observation, or after a patch could not be made */
  snapshot: [SnapshotMessage];
  patch: [PatchMessage];
  event: [ClusterEvent];
  /** a snapshot from the source failed validation and was dropped */
  dropped: [reason: string];
  /** every validated snapshot, after its events are stored and emitted (the link series record it) */
  observed: [ClusterSnapshot];
}

/** one observation whose events wait to be stored */
interface Step {
  /** see Collector.generation */
  generation: number;
  /** its number among the observations (was it the last the link tracker saw?) */
  observation: number;
  next: ClusterSnapshot;
  drafts: EventDraft[];
  /** the link tracker's part of drafts, and what of it was carried from a failed append */
  linkDrafts: EventDraft[];
  carriedIn: EventDraft[];
  baseline: ClusterSnapshot;
  /** the tracker's state to save with them (when it raised any) */
  linkState: LinkHealthState | null;
}

export interface Revision {
  rev: number;
  snapshot: ClusterSnapshot;
}

export class Collector extends EventEmitter<CollectorEvents> {
  readonly clusterId: string;
  readonly source: ClusterSource;
  readonly store: EventStore;
  private readonly log: Logger;
  private readonly patches: PatchLog;
  private readonly firstRev: number;
  /** what clients were sent: the rev chain's head */
  private latest: Revision | null = null;
  /** a newer observation whose telemetry-only patch waits for telemetryMinMs (null: none waits) */
  private held: ClusterSnapshot | null = null;
  private heldTimer: NodeJS.Timeout | null = null;
  /** observedAt of the last snapshot sent */
  private lastSentAt = -Infinity;
  /** the source's usual interval between observations (a moving average), to time what is held */
  private observationGap: number | null = null;
  private lastObservationAt: number | null = null;
  private readonly telemetryMinMs: number;
  /**
   * what events are diffed against: the last snapshot with blind spots filled from before (see diff.ts).
   * Moves on at each observation, ahead of the appends in flight.
   */
  private eventBaseline: ClusterSnapshot | null = null;
  /** the baseline as stored: that of the last observation whose events (if any) are committed */
  private storedBaseline: ClusterSnapshot | null = null;
  /** link events of failed appends the tracker could not take back: the next append stores them */
  private carried: EventDraft[] = [];
  /** observations ingested so far (which one the tracker saw last) */
  private observations = 0;
  /** observations waiting for their turn to be stored */
  private queue: Step[] = [];
  /** the queue being stored (null: nothing in flight); never rejects */
  private draining: Promise<void> | null = null;
  /** bumped by a failed append: observations diffed before it are dropped and re-diffed by the next one */
  private generation = 0;
  /** the highest seq emitted to listeners; set in the same tick as the emit (the gateway's resume relies on it) */
  private emitted = 0;
  private loaded = false;
  private unsubscribe: (() => void) | null = null;
  private readonly persist: ((baseline: ClusterSnapshot, tx: StoreParts) => Promise<void>) | undefined;
  /** snapshots from the source that failed validation */
  droppedSnapshots = 0;
  /** link-degraded / link-recovered with hysteresis; its thresholds are the cluster's (setThresholds) */
  readonly linkHealth = new LinkHealthTracker();
  /** saves the tracker's degraded links with the events that changed them (see keepLinkHealth) */
  private saveLinkHealth: ((state: LinkHealthState, tx: StoreParts) => Promise<void>) | null = null;

  constructor(opts: CollectorOptions) {
    super();
    this.source = opts.source;
    this.clusterId = opts.source.clusterId;
    this.store = opts.store;
    this.log = opts.logger.child({ clusterId: this.clusterId });
    this.patches = new PatchLog(opts.patchCapacity ?? 500);
    this.firstRev = opts.firstRev ?? Date.now();
    this.persist = opts.persist;
    this.telemetryMinMs = opts.telemetryMinMs ?? 0;
    if (opts.initialBaseline && opts.initialBaseline.clusterId === this.clusterId) this.eventBaseline = opts.initialBaseline;
    this.storedBaseline = this.eventBaseline;
  }

  /**
   * Resume the link-health tracker from what a previous run saved, and save its degraded links in the
   * transaction that stores each link-degraded / link-recovered (both or neither).
   */
  keepLinkHealth(saved: LinkHealthState | undefined, save: (state: LinkHealthState, tx: StoreParts) => Promise<void>): void {
    if (saved) this.linkHealth.restore(saved);
    this.saveLinkHealth = save;
  }

  /** the stored event baseline: what the observations so far were diffed against, once their events are stored */
  diffBaseline(): ClusterSnapshot | null {
    return this.storedBaseline;
  }

  /** resolves when the appends asked for so far have ended (stored, or failed and logged); never rejects */
  idle(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  /**
   * the highest seq emitted to listeners (0 before any): read in the same tick as a socket joins the room,
   * every live event the socket gets has a higher seq and every one up to it is in the store
   */
  emittedSeq(): number {
    return this.emitted;
  }

  /** reads the last stored seq: the events of earlier runs count as emitted (a socket that joins replays them) */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const last = await this.store.lastSeq();
    if (this.emitted === 0) this.emitted = last;
  }

  /** subscribe to the source, then start it; a source that fails to start is logged, not fatal */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    await this.load();
    if (this.unsubscribe) return;
    this.unsubscribe = this.source.subscribe((s) => this.safeIngest(s));
    // what the source holds before it starts (a sim: its state when it was made); a continued chain
    // (continueFrom: a takeover) waits for what the started source observes — the browsers have the state
    // already, and a patch of the state at build time would reach them as old as the takeover took
    const first = this.latest ? null : this.source.current();
    if (first) this.safeIngest(first);
    try {
      await this.source.start();
    } catch (err) {
      this.log.error({ err }, 'source failed to start');
    }
  }

  async stop(): Promise<void> {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    try {
      await this.source.stop();
    } catch (err) {
      this.log.warn({ err }, 'source failed to stop cleanly');
    }
    // what was observed before the stop is stored before the store may close
    await this.idle();
  }

  /**
   * Continues the rev chain the browsers hold (a takeover: this replica's mirror's newest revision), so the
   * first observation goes out as a patch against it — not as a whole snapshot to every browser of the
   * cluster on every replica at once. Its rev jumps to this collector's first rev, above any rev the former
   * holder gave (revs start at a process's start time in ms and rise by one per patch): a client holding
   * one this replica never saw cannot take it for one of this chain, and gets the snapshot. Only before the
   * first observation.
   */
  continueFrom(rev: Revision): void {
    if (this.latest || this.unsubscribe) return;
    this.latest = rev;
  }

  /** the rev after prev: one more, or the jump from a continued chain (continueFrom) to this chain's own */
  private nextRev(prev: Revision): number {
    return Math.max(prev.rev + 1, this.firstRev);
  }

  /**
   * the newest snapshot sent to clients and its rev; null before the first observation. Behind the newest
   * observation only in telemetry, by telemetryMinMs at most.
   */
  current(): Revision | null {
    return this.latest;
  }

  /** patches after rev up to the newest, or null when the client must start over from a snapshot */
  resume(rev: number): SnapshotPatch[] | null {
    if (!this.latest || rev > this.latest.rev) return null;
    if (rev === this.latest.rev) return [];
    return this.patches.since(rev);
  }

  capabilities(): CapabilityName[] {
    return capabilityNames(this.source.capabilities);
  }

  health(): SourceHealth {
    return this.source.health();
  }

  /** a throwing listener must not unwind into the source's timer and take the process down */
  private safeIngest(raw: unknown): void {
    try {
      this.ingest(raw);
    } catch (err) {
      this.log.error({ err }, 'failed to process a snapshot');
    }
  }

  /** one snapshot from the source; whatever is wrong with it, the BFF keeps running */
  ingest(raw: unknown): void {
    const parsed = ClusterSnapshot.safeParse(raw);
    if (!parsed.success) {
      this.droppedSnapshots++;
      const issues = parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message }));
      this.log.warn({ issues }, 'dropped an invalid snapshot from the source');
      this.emit('dropped', 'invalid');
      return;
    }
    const next = parsed.data;
    if (next.clusterId !== this.clusterId) {
      this.droppedSnapshots++;
      this.log.warn({ got: next.clusterId }, 'dropped a snapshot of another cluster');
      this.emit('dropped', 'wrong cluster');
      return;
    }
    const prev = this.latest;
    const { drafts: diffDrafts, baseline } = this.diff(next);
    // link events first raised for an observation whose append failed come along (see store_)
    const carriedIn = this.carried.splice(0);
    const linkDrafts = carriedIn.length > 0 ? [...carriedIn, ...this.linkEvents(next)] : this.linkEvents(next);
    const drafts = linkDrafts.length > 0 ? [...diffDrafts, ...linkDrafts] : diffDrafts;

    if (!prev) {
      this.baseline(this.firstRev, next);
    } else {
      this.send(prev, next, drafts.length > 0);
    }

    this.eventBaseline = baseline;
    if (drafts.length === 0 && this.queue.length === 0 && !this.draining) {
      // nothing to store and nothing before it in flight: done now
      this.storedBaseline = baseline;
      this.emit('observed', next);
      return;
    }
    const linkState = linkDrafts.length > 0 ? this.linkHealth.exportState() : null;
    this.queue.push({ generation: this.generation, observation: ++this.observations, next, drafts, linkDrafts, carriedIn, baseline, linkState });
    this.draining ??= this.drain();
  }

  /**
   * Stores what is queued, one group after the other: the observations of one tick (a fault's several
   * snapshots) go in one append and their events out in one go, as one batch for the listeners.
   */
  private async drain(): Promise<void> {
    try {
      // the observations of this tick join the first group
      await Promise.resolve();
      while (this.queue.length > 0) await this.storeGroup(this.queue.splice(0));
    } finally {
      this.draining = null;
    }
  }

  /**
   * One group's turn: its events stored with what was derived (the newest baseline, the tracker's state),
   * then emitted with each observation. If the append fails, the diff baseline goes back to the stored one
   * and the observations diffed since are dropped: the next observation is diffed against the stored
   * baseline, so the change is recorded then, not lost. The link tracker is put back when the last of the
   * group is the last it saw (the next observation raises the event again); other link events (raised once)
   * are carried to the next append.
   */
  private async storeGroup(group: Step[]): Promise<void> {
    const live = group.filter((s) => s.generation === this.generation);
    for (const s of group) if (s.generation !== this.generation) this.carried.push(...s.linkDrafts);
    const last = live.at(-1);
    if (!last) return;
    const drafts = live.flatMap((s) => s.drafts);
    let events: ClusterEvent[] = [];
    if (drafts.length > 0) {
      const persist = this.persist;
      const saveLinks = this.saveLinkHealth;
      const linkState = live.findLast((s) => s.linkState !== null)?.linkState ?? null;
      const alsoCommit =
        persist || (saveLinks && linkState)
          ? async (tx: StoreParts) => {
              await persist?.(last.baseline, tx);
              if (saveLinks && linkState) await saveLinks(linkState, tx);
            }
          : undefined;
      try {
        events = await this.store.append(drafts, alsoCommit);
      } catch (err) {
        this.generation++;
        this.eventBaseline = this.storedBaseline;
        const reverted = last.observation === this.observations;
        if (reverted) this.linkHealth.revert();
        for (const s of live) this.carried.push(...(reverted && s === last ? s.carriedIn : s.linkDrafts));
        this.log.error({ err, events: drafts.length }, 'could not store events; the next observation records the change');
        return;
      }
    }
    this.storedBaseline = last.baseline;
    try {
      let i = 0;
      for (const s of live) {
        for (const _ of s.drafts) {
          const event = events[i++]!;
          this.emitted = event.seq;
          this.emit('event', event);
        }
        this.emit('observed', s.next);
      }
    } catch (err) {
      this.log.error({ err }, 'a listener failed on stored events');
    }
  }

  /**
   * The patch from what clients hold to next: sent at once, or — when it only moves telemetry, no event
   * comes with it (urgent) and the last one went out less than telemetryMinMs ago — held and merged into the next.
   */
  private send(prev: Revision, next: ClusterSnapshot, urgent: boolean): void {
    this.noteObservation(next.observedAt);
    let patch: SnapshotPatch | null;
    try {
      patch = makePatch(prev.snapshot, next, prev.rev, this.nextRev(prev));
    } catch (err) {
      this.log.error({ err }, 'could not make a patch; sending a fresh snapshot');
      this.release();
      this.lastSentAt = next.observedAt;
      this.baseline(this.nextRev(prev), next);
      return;
    }
    // no patch = nothing changed: keep prev so the next patch is made against what clients hold
    if (!patch) return this.release();
    const onlyTelemetry = telemetryOnly(patch, prev.snapshot);
    if (onlyTelemetry) sameStateAs(next, prev.snapshot);
    // at most telemetryMinMs, also when a source's clock steps back
    const wait = Math.min(this.telemetryMinMs, this.lastSentAt + this.telemetryMinMs - next.observedAt);
    if (wait > 0 && !urgent && onlyTelemetry) {
      this.held = next;
      // a fast source's next observation comes soon after the wait and goes out fresh: the timer is only the
      // backstop (telemetryMinMs past the wait; sending at the wait's end would send one up to a tick old:
      // bench:fanout's p50 51 → 71 ms). A slow source's (once a second) would wait most of a second: its held
      // one goes out at the wait's end (bench:scale's p99, after each fault's urgent patch).
      const fast = this.observationGap !== null && this.observationGap < this.telemetryMinMs;
      this.heldTimer ??= setTimeout(() => this.sendHeld(), wait + (fast ? this.telemetryMinMs : 0));
      return;
    }
    this.release();
    this.lastSentAt = next.observedAt;
    this.latest = { rev: patch.rev, snapshot: next };
    this.patches.push(patch, snapshotItems(next));
    this.emit('patch', { clusterId: this.clusterId, patch });
  }

  private noteObservation(at: number): void {
    const gap = this.lastObservationAt === null ? 0 : at - this.lastObservationAt;
    this.lastObservationAt = at;
    if (gap > 0) this.observationGap = this.observationGap === null ? gap : 0.75 * this.observationGap + 0.25 * gap;
  }

  /** no newer observation came for a while: what was held goes out */
  private sendHeld(): void {
    this.heldTimer = null;
    const held = this.held;
    this.held = null;
    if (!held || !this.latest) return;
    // sent now, at the wait's end: the next may go telemetryMinMs after now, not after the held observation
    const due = this.lastSentAt + this.telemetryMinMs;
    try {
      this.send(this.latest, held, true); // its time has come
      this.lastSentAt = Math.max(this.lastSentAt, due);
    } catch (err) {
      this.log.error({ err }, 'failed to send held telemetry');
    }
  }

  private release(): void {
    this.held = null;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
  }

  /** the tracker's events for this snapshot, judged at its observation time (the source's clock) */
  private linkEvents(next: ClusterSnapshot): EventDraft[] {
    try {
      return this.linkHealth.observe(next, next.observedAt);
    } catch (err) {
      this.linkHealth.revert();
      this.log.error({ err }, 'link health failed; no link events for this snapshot');
      return [];
    }
  }

  private baseline(rev: number, snapshot: ClusterSnapshot): void {
    this.latest = { rev, snapshot };
    this.patches.clear();
    this.emit('snapshot', { clusterId: this.clusterId, rev, snapshot });
  }

  private diff(next: ClusterSnapshot): { drafts: EventDraft[]; baseline: ClusterSnapshot } {
    let drafts: EventDraft[];
    let baseline: ClusterSnapshot;
    try {
      drafts = diffSnapshots(this.eventBaseline, next);
      baseline = carryForwardKnown(this.eventBaseline, next);
    } catch (err) {
      this.log.error({ err }, 'diff failed; no events for this snapshot');
      return { drafts: [], baseline: next };
    }
    drafts = drafts.filter((d) => {
      const ok = EventDraft.safeParse(d).success;
      if (!ok) this.log.warn({ draft: d }, 'dropped an invalid event draft');
      return ok;
    });
    return { drafts, baseline };
  }
}
