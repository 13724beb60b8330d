// One IncidentTracker per cluster (the rules are the model's: packages/model/src/incidents.ts), fed from
// its collector's events and clock. When a cluster is watched (at start, or added at runtime) its tracker
// is rebuilt from the newest stored events, so open incidents survive a restart (read asynchronously: what
// the collector emits meanwhile waits, then follows in order). Changes go to the
// cluster's room (socket `incident`): one message per incident per batch of events, not one per event.
import {
  IncidentTracker,
  SocketEvents,
  type ClusterSnapshot,
  type Incident,
  type IncidentChange,
  type IncidentTopology,
} from '@quorate/model';
import type { Cluster, ClusterFeed, ClusterRegistry } from './clusters';
import { roomOf, type GatewayServer } from './gateway';
import type { Logger } from './logger';

/** how many of a cluster's newest events a restart replays: bounds the time and memory of the rebuild */
export const INCIDENT_REPLAY_EVENTS = 5_000;

interface Watched {
  feed: ClusterFeed;
  tracker: IncidentTracker;
  unwire: () => void;
}

export type IncidentListener = (change: IncidentChange) => void;

export class Incidents {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners = new Set<IncidentListener>();
  private readonly log: Logger;
  /** the rebuilds from stored events under way */
  private readonly replays = new Set<Promise<void>>();

  constructor(
    clusters: ClusterRegistry,
    private readonly io: GatewayServer,
    logger: Logger,
    private readonly replayEvents = INCIDENT_REPLAY_EVENTS,
  ) {
    this.log = logger.child({ component: 'incidents' });
    for (const c of clusters.all()) this.watch(c);
    clusters.on('added', (c) => this.watch(c));
    clusters.on('removed', (c) => this.unwatch(c));
  }

  /** resolves when the clusters watched so far are rebuilt from their stored events */
  async ready(): Promise<void> {
    await Promise.all([...this.replays]);
  }

  /** every change as the page gets it (one per incident per batch); returns the unsubscribe */
  subscribe(l: IncidentListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** the open incidents of every watched cluster (a restart's, replayed from the stored events) */
  allOpen(): Incident[] {
    return [...this.watched.values()].flatMap((w) => w.tracker.list({ open: true }));
  }

  /** a cluster's incidents, newest first; undefined for a cluster not watched */
  list(clusterId: string, filter: { open?: boolean; limit?: number }): Incident[] | undefined {
    return this.watched.get(clusterId)?.tracker.list(filter);
  }

  private watch({ feed, collector }: Cluster): void {
    const clusterId = feed.clusterId;
    this.watched.get(clusterId)?.unwire();
    const tracker = new IncidentTracker(clusterId, { topology: topologyOf(feed.current()?.snapshot ?? collector?.diffBaseline() ?? collector?.source.current() ?? null) });
    // what the feed emits from now on has a seq above l0; until the stored ones up to l0 are in, it waits
    const l0 = feed.emittedSeq();
    let waiting: (() => void)[] | null = [];
    const replay = this.replay(tracker, feed, l0).finally(() => {
      const queued = waiting ?? [];
      waiting = null;
      for (const f of queued) f();
      this.replays.delete(replay);
    });
    this.replays.add(replay);

    // a collector emits the events of one observation synchronously: send what they changed once, after them
    const batch = new Map<string, IncidentChange>();
    const flush = () => {
      for (const change of batch.values()) {
        // each replica tells its own sockets: every replica follows every cluster's feed
        this.io.local.to(roomOf(clusterId)).emit(SocketEvents.incident, change);
        for (const l of this.listeners) {
          try {
            l(change);
          } catch (err) {
            this.log.error({ err, clusterId }, 'incidents: a listener failed');
          }
        }
      }
      batch.clear();
    };
    const publish = (changes: IncidentChange[]) => {
      if (changes.length === 0) return;
      if (batch.size === 0) queueMicrotask(flush);
      for (const c of changes) {
        // a client that hears of an incident first must hear 'opened' (or 'closed'), not 'updated'
        const before = batch.get(c.incident.id)?.change;
        batch.set(c.incident.id, before === 'opened' && c.change === 'updated' ? { ...c, change: 'opened' } : c);
      }
    };
    // a throwing tracker must not cut the collector's listeners short (the gateway's event would be lost)
    const guard = (what: string, f: () => IncidentChange[]): void => {
      if (waiting) {
        waiting.push(() => guard(what, f));
        return;
      }
      try {
        publish(f());
      } catch (err) {
        this.log.error({ err, clusterId }, `incidents: ${what} failed`);
      }
    };
    const onEvent = (e: Parameters<IncidentTracker['add']>[0]) => guard('event', () => tracker.add(e));
    const onObserved = () =>
      guard('tick', () => {
        const s = feed.current()?.snapshot;
        if (!s) return [];
        tracker.setTopology(topologyOf(s));
        return tracker.tick(s.observedAt);
      });
    feed.on('event', onEvent);
    feed.on('patch', onObserved);
    feed.on('snapshot', onObserved);
    const unwire = () => {
      feed.off('event', onEvent);
      feed.off('patch', onObserved);
      feed.off('snapshot', onObserved);
    };
    this.watched.set(clusterId, { feed, tracker, unwire });
  }

  private unwatch({ feed }: Cluster): void {
    const w = this.watched.get(feed.clusterId);
    if (!w || w.feed !== feed) return;
    w.unwire();
    this.watched.delete(feed.clusterId);
  }

  /** the newest events up to last, oldest first (the tracker ignores any it is then handed again live) */
  private async replay(tracker: IncidentTracker, feed: ClusterFeed, last: number): Promise<void> {
    try {
      let since = Math.max(0, last - this.replayEvents);
      while (since < last) {
        const page = await feed.store.since(since, Math.min(1_000, last - since));
        if (page.events.length === 0) break;
        for (const e of page.events) tracker.add(e);
        since = page.next;
      }
      const open = tracker.list({ open: true }).length;
      if (open > 0) this.log.info({ clusterId: feed.clusterId, open }, 'incidents: open ones restored from the stored events');
    } catch (err) {
      this.log.error({ err, clusterId: feed.clusterId }, 'incidents: could not replay the stored events');
    }
  }
}

/** the configured nodes and links ("all 15 peers", "both links", the threshold for a shared cause) */
function topologyOf(s: ClusterSnapshot | null | undefined): IncidentTopology | null {
  if (!s || s.nodes.length === 0) return null;
  const links = new Set<number>();
  for (const n of s.nodes) for (const a of n.addresses) links.add(a.link);
  return { nodes: s.nodes.map((n) => n.name), links: [...links].sort((a, b) => a - b) };
}
