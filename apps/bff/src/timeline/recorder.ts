// Time travel (issue 15): every cluster's changes into the store's timeline — the collector's baselines
// (a new chain) and patches, each with the whole state after it (written when a keyframe is due). A write
// that fails is logged (once a minute at most, with how many failed since) and never reaches the collector:
// the live view does not depend on the recording. Writes of one cluster go one after the other, in order.
import type { PatchMessage, SnapshotMessage } from '@quorate/model';
import type { Store } from '@quorate/store';
import type { Cluster, ClusterRegistry } from '../clusters';
import type { Logger } from '../logger';

/** write failures are logged at most this often per cluster */
const LOG_EVERY_MS = 60_000;

interface Watched {
  cluster: Cluster;
  unwire: () => void;
}

export class TimelineRecorder {
  readonly timeline: Store['timeline'];
  private readonly watched = new Map<string, Watched>();
  /** per cluster, its writes in order; never rejects */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly log: Logger;
  private readonly failures = new Map<string, { count: number; loggedAt: number }>();

  constructor(
    store: Store,
    clusters: ClusterRegistry,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'timeline' });
    this.timeline = store.timeline;
    for (const c of clusters.all()) this.watch(c);
    clusters.on('added', (c) => this.watch(c));
    clusters.on('removed', (c) => this.unwatch(c));
  }

  /** writes and failures so far (tests) */
  failed(clusterId: string): number {
    return this.failures.get(clusterId)?.count ?? 0;
  }

  /** resolves when the writes asked so far have ended (tests, shutdown) */
  async settled(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  /** a cluster run here (where another replica runs it, that one records it) */
  private watch(cluster: Cluster): void {
    const { collector } = cluster;
    if (collector === null) return;
    const id = collector.clusterId;
    this.watched.get(id)?.unwire();
    // a new collector starts a new chain: its first change is a keyframe
    this.write(id, () => this.timeline.close(id));
    const onSnapshot = (m: SnapshotMessage) => this.write(id, () => this.timeline.record(id, { rev: m.rev, baseRev: null, snapshot: m.snapshot }));
    const onPatch = (m: PatchMessage) => {
      const current = collector.current();
      // the collector sets its current revision before it emits the patch: the state after it
      if (!current || current.rev !== m.patch.rev) return;
      this.write(id, () => this.timeline.record(id, { rev: m.patch.rev, baseRev: m.patch.baseRev, patch: m.patch, snapshot: current.snapshot }));
    };
    collector.on('snapshot', onSnapshot);
    collector.on('patch', onPatch);
    this.watched.set(id, {
      cluster,
      unwire: () => {
        collector.off('snapshot', onSnapshot);
        collector.off('patch', onPatch);
      },
    });
    // already observing (added after its start): record where it is now
    const now = collector.current();
    if (now) this.write(id, () => this.timeline.record(id, { rev: now.rev, baseRev: null, snapshot: now.snapshot }));
  }

  private unwatch(cluster: Cluster): void {
    const w = this.watched.get(cluster.config.id);
    if (!w || w.cluster !== cluster) return;
    w.unwire();
    this.watched.delete(cluster.config.id);
    this.write(cluster.config.id, () => this.timeline.close(cluster.config.id));
  }

  private write(clusterId: string, fn: () => Promise<unknown>): void {
    const before = this.writes.get(clusterId) ?? Promise.resolve();
    const next = before.then(() => this.attempt(clusterId, fn));
    this.writes.set(clusterId, next);
    // the chain of a quiet cluster is not kept
    void next.then(() => {
      if (this.writes.get(clusterId) === next) this.writes.delete(clusterId);
    });
  }

  private async attempt(clusterId: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const f = this.failures.get(clusterId) ?? { count: 0, loggedAt: -Infinity };
      f.count++;
      this.failures.set(clusterId, f);
      const now = Date.now();
      if (now - f.loggedAt >= LOG_EVERY_MS) {
        f.loggedAt = now;
        this.log.error({ err, clusterId, failed: f.count }, 'timeline: could not record a change (the live view goes on)');
      }
      // the next change starts a fresh span rather than patching over the one missed
      try {
        await this.timeline.close(clusterId);
      } catch {
        // nothing to do
      }
    }
  }

  /** retention: whole spans older than maxAgeDays or beyond the size cap; never throws */
  async prune(retention: { maxAgeDays: number; maxMbPerCluster: number }, now = Date.now()): Promise<number> {
    try {
      const n = await this.timeline.prune({ before: now - retention.maxAgeDays * 86_400_000, maxBytesPerCluster: retention.maxMbPerCluster * 1_000_000 });
      if (n > 0) this.log.info({ spans: n }, 'timeline: pruned old spans');
      return n;
    } catch (err) {
      this.log.error({ err }, 'timeline: prune failed');
      return 0;
    }
  }
}
