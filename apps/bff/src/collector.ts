// One collector per cluster, however many browsers watch it: it listens to the source, validates each
// snapshot, turns changes into patches (rev) and events (seq) — the diff's and the link-health tracker's,
// numbered in one stream — and tells its listeners (the gateway, metrics, the link series).
import { EventEmitter } from 'node:events';
import {
  ClusterSnapshot,
  EventDraft,
  LinkHealthTracker,
  carryForwardKnown,
  diffSnapshots,
  makePatch,
  telemetryOnly,
  type ClusterEvent,
  type LinkHealthState,
  type PatchMessage,
  type SnapshotMessage,
  type SnapshotPatch,
} from '@quorate/model';
import type { ClusterSource, SourceHealth } from '@quorate/sources';
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
  persist?: (baseline: ClusterSnapshot) => void;
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
  /** every validated snapshot, after its events are stored (the link series record it) */
  observed: [ClusterSnapshot];
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
  private readonly telemetryMinMs: number;
  /** what events are diffed against: the last snapshot with blind spots filled from before (see diff.ts) */
  private eventBaseline: ClusterSnapshot | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly persist: ((baseline: ClusterSnapshot) => void) | undefined;
  /** snapshots from the source that failed validation */
  droppedSnapshots = 0;
  /** link-degraded / link-recovered with hysteresis; its thresholds are the cluster's (setThresholds) */
  readonly linkHealth = new LinkHealthTracker();
  /** saves the tracker's degraded links with the events that changed them (see keepLinkHealth) */
  private saveLinkHealth: ((state: LinkHealthState) => void) | null = null;

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
  }

  /**
   * Resume the link-health tracker from what a previous run saved, and save its degraded links in the
   * transaction that stores each link-degraded / link-recovered (both or neither).
   */
  keepLinkHealth(saved: LinkHealthState | undefined, save: (state: LinkHealthState) => void): void {
    if (saved) this.linkHealth.restore(saved);
    this.saveLinkHealth = save;
  }

  /** the snapshot events are diffed against (what the next observation is compared with) */
  diffBaseline(): ClusterSnapshot | null {
    return this.eventBaseline;
  }

  /** subscribe to the source, then start it; a source that fails to start is logged, not fatal */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.source.subscribe((s) => this.safeIngest(s));
    const first = this.source.current();
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
    const linkDrafts = this.linkEvents(next);
    const drafts = linkDrafts.length > 0 ? [...diffDrafts, ...linkDrafts] : diffDrafts;

    if (!prev) {
      this.baseline(this.firstRev, next);
    } else {
      this.send(prev, next, drafts.length > 0);
    }

    if (drafts.length === 0) {
      this.eventBaseline = baseline;
      this.emit('observed', next);
      return;
    }
    const persist = this.persist;
    const saveLinks = linkDrafts.length > 0 ? this.saveLinkHealth : null;
    const alsoCommit =
      persist || saveLinks
        ? () => {
            persist?.(baseline);
            saveLinks?.(this.linkHealth.exportState());
          }
        : undefined;
    // the baseline moves on only once the events are stored: if the append fails, the next observation
    // is diffed against the old baseline and the change is recorded then, not lost (the tracker likewise)
    let events: ClusterEvent[];
    try {
      events = this.store.append(drafts, alsoCommit);
    } catch (err) {
      this.linkHealth.revert();
      throw err;
    }
    this.eventBaseline = baseline;
    for (const event of events) this.emit('event', event);
    this.emit('observed', next);
  }

  /**
   * The patch from what clients hold to next: sent at once, or — when it only moves telemetry, no event
   * comes with it (urgent) and the last one went out less than telemetryMinMs ago — held and merged into the next.
   */
  private send(prev: Revision, next: ClusterSnapshot, urgent: boolean): void {
    let patch: SnapshotPatch | null;
    try {
      patch = makePatch(prev.snapshot, next, prev.rev, prev.rev + 1);
    } catch (err) {
      this.log.error({ err }, 'could not make a patch; sending a fresh snapshot');
      this.release();
      this.lastSentAt = next.observedAt;
      this.baseline(prev.rev + 1, next);
      return;
    }
    // no patch = nothing changed: keep prev so the next patch is made against what clients hold
    if (!patch) return this.release();
    // at most telemetryMinMs, also when a source's clock steps back
    const wait = Math.min(this.telemetryMinMs, this.lastSentAt + this.telemetryMinMs - next.observedAt);
    if (wait > 0 && !urgent && telemetryOnly(patch, prev.snapshot)) {
      this.held = next;
      // the next observation after the wait sends it, fresh (a timer at the wait's end would send one up to
      // a tick old); the timer is the backstop for a source that goes quiet
      this.heldTimer ??= setTimeout(() => this.sendHeld(), wait + this.telemetryMinMs);
      return;
    }
    this.release();
    this.lastSentAt = next.observedAt;
    this.latest = { rev: patch.rev, snapshot: next };
    this.patches.push(patch, snapshotItems(next));
    this.emit('patch', { clusterId: this.clusterId, patch });
  }

  /** no newer observation came for a while: what was held goes out */
  private sendHeld(): void {
    this.heldTimer = null;
    const held = this.held;
    this.held = null;
    if (!held || !this.latest) return;
    try {
      this.send(this.latest, held, true); // its time has come
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
