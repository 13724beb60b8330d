// Replicas on one PostgreSQL (QUORATE_DATABASE_URL): every replica lists every cluster, runs the collectors of
// the clusters whose lease it holds (leadership.ts) and mirrors the others (mirror.ts) from what their holders
// publish through socket.io's adapter (feed.ts). When a lease moves, the cluster switches here between its
// collector and its mirror — one at a time per cluster, with no event lost or repeated to this replica's
// browsers: the mirror catches up from the store before the collector takes over, and a new mirror starts
// after the collector's last emitted seq.
import type { ClusterEvent, PatchMessage, SnapshotMessage } from '@quorate/model';
import type { Fence, Store, StoredCluster } from '@quorate/store';
import type { ClusterConfig } from '../cluster-entry';
import { stopCluster, type ClusterBuilder } from '../cluster-build';
import type { Cluster, ClusterRegistry, LedCluster } from '../clusters';
import type { Collector } from '../collector';
import type { EventStoreFactory } from '../event-store';
import type { GatewayServer } from '../gateway';
import type { Logger } from '../logger';
import { announceClusterChange, answerSnapshots, askSnapshot, attachAdapter, onClusterChange, onFeed, publish, type Answer } from './feed';
import { createLeadership, type Leadership } from './leadership';
import { watchStatus } from './status';
import { countFeedDelay, Mirror, newMirrorCounters, type FeedStatus, type MirrorCounters } from './mirror';

export interface ReplicationDeps {
  url: string;
  /** a stored cluster's configuration with its secrets; null when it no longer validates (logged) */
  configOf: (row: StoredCluster) => Promise<ClusterConfig | null>;
  /** the fan-out through Redis streams instead of PostgreSQL (QUORATE_REDIS_URL) */
  redisUrl?: string | null;
  ttlMs: number;
  store: Store;
  /** the registry, once made (it is made of mirrorOf's clusters) */
  clusters: () => ClusterRegistry;
  build: ClusterBuilder;
  /** the clusters' event stores, for the mirrors' reads */
  makeEvents: EventStoreFactory;
  logger: Logger;
  /** after this replica took a cluster over and its collector runs (the former holder's tasks) */
  onLead?: (clusterId: string) => Promise<void>;
}

export type Replication = ReturnType<typeof createReplication>;

const statusOf = (c: Collector): FeedStatus => ({ health: c.health(), capabilities: c.capabilities() });

/**
 * mirrorOf lists the clusters; attach(io) puts io on the adapter and follows the feed; lead() takes this
 * replica's share of the leases once it listens.
 */
export function createReplication(d: ReplicationDeps) {
  const log = d.logger.child({ component: 'replicas' });
  let io: GatewayServer | null = null;
  let pool: { end(): Promise<void> } | null = null;
  /** per cluster, the switches in order (a lease lost while it was being taken waits for the take to end) */
  const turns = new Map<string, Promise<void>>();
  const inTurn = (clusterId: string, f: () => Promise<void>) => {
    const next = (turns.get(clusterId) ?? Promise.resolve()).then(f).catch((err: unknown) => log.error({ err, clusterId }, 'replicas: switching the cluster failed'));
    turns.set(clusterId, next);
    return next;
  };
  const unpublish = new Map<Collector, () => void>();
  let leadership: Leadership | null = null;
  /** shutting down: a cluster given back is only stopped (no mirror: nothing will watch it here) */
  let stopping = false;

  const counters = newMirrorCounters();
  const mirrorOf = (config: ClusterConfig): Cluster & { feed: Mirror } => {
    const feed = new Mirror({
      clusterId: config.id,
      counters,
      events: d.makeEvents(config.id),
      fetchSnapshot: () => (io ? askSnapshot(io, config.id) : Promise.resolve(null)),
      onError: (err, what) => log.warn({ err, clusterId: config.id }, `mirror: could not read ${what}`),
    });
    return { config, feed, collector: null, checkpoint: null };
  };

  /** what this replica's collector emits, to the other replicas' mirrors */
  const publishFrom = (c: Collector, io: GatewayServer) => {
    const clusterId = c.clusterId;
    const onSnapshot = (m: SnapshotMessage) => publish(io, { kind: 'snapshot', clusterId, rev: m.rev, snapshot: m.snapshot });
    const onPatch = (m: PatchMessage) => publish(io, { kind: 'patch', clusterId, patch: m.patch });
    const onEvent = (event: ClusterEvent) => publish(io, { kind: 'event', clusterId, event });
    const status = watchStatus(c, (now) => publish(io, { kind: 'status', clusterId, status: now }));
    c.on('snapshot', onSnapshot).on('patch', onPatch).on('event', onEvent);
    unpublish.set(c, () => {
      status.stop();
      c.off('snapshot', onSnapshot).off('patch', onPatch).off('event', onEvent);
      unpublish.delete(c);
    });
  };

  const lead = (clusterId: string, fence: Fence) => inTurn(clusterId, () => leadNow(clusterId, fence));
  /** (in the cluster's turn) runs the cluster here with the fence this replica holds */
  const leadNow = async (clusterId: string, fence: Fence) => {
    const c = d.clusters().get(clusterId);
    if (!io || !c || c.collector || leadership?.fenceOf(clusterId)?.token !== fence.token) return;
    const led: LedCluster = await d.build(c.config, fence);
    const mirror = c.feed instanceof Mirror ? c.feed : null;
    // fewer events stored than relayed: committed ones were lost (a database that does not keep its commits
    // through a crash); their numbers will be given out again
    if (mirror && led.collector.emittedSeq() < mirror.emittedSeq())
      log.error({ clusterId, stored: led.collector.emittedSeq(), relayed: mirror.emittedSeq() }, 'replicas: the database lost events this replica relayed (keep fsync and synchronous_commit on)');
    // what the former holder committed but did not get to publish reaches this replica's browsers first
    await mirror?.catchUpTo(led.collector.emittedSeq());
    // the browsers' rev chain goes on: the first observation is a patch against what they hold, not a snapshot
    const held = mirror?.current();
    if (held) led.collector.continueFrom(held);
    mirror?.close();
    publishFrom(led.collector, io);
    d.clusters().put(led);
    await led.collector.start();
    log.info({ clusterId, token: fence.token }, 'replicas: this replica runs the cluster now');
    await d.onLead?.(clusterId);
  };

  /** stops a cluster listed here for good: its collector no longer published, or its mirror closed */
  const retire = async (c: Cluster) => {
    if (c.collector) unpublish.get(c.collector)?.();
    await stopCluster(c);
  };

  /**
   * A cluster added, changed or removed through the API (on any replica): the registry here follows the
   * stored row. New settings: a new mirror, and where this replica holds the lease, a new collector at once.
   */
  const sync = (clusterId: string) =>
    inTurn(clusterId, async () => {
      const reg = d.clusters();
      const current = reg.get(clusterId) ?? null;
      if (current?.config.origin === 'config') return; // QUORATE_CLUSTERS' own: not changed through the API
      const row = await d.store.clusters.get(clusterId);
      if (!row || row.removedAt !== null) {
        if (!current || reg.all().length === 1) return;
        reg.remove(clusterId);
        await retire(current);
        log.info({ clusterId }, 'replicas: cluster removed');
        return;
      }
      const config = await d.configOf(row);
      if (!config) return;
      if (current && JSON.stringify(current.config.settings) === JSON.stringify(config.settings)) {
        reg.update(clusterId, { name: config.name, ...(config.default ? { default: true as const } : {}) });
        return;
      }
      if (current) await retire(current);
      const mirrored = mirrorOf(config);
      reg.put(mirrored);
      await mirrored.feed.start(current?.feed.emittedSeq());
      const fence = leadership?.fenceOf(clusterId);
      if (fence) await leadNow(clusterId, fence);
    });

  const follow = (clusterId: string, why: string) =>
    inTurn(clusterId, async () => {
      const c = d.clusters().get(clusterId);
      if (!c?.collector || !c.checkpoint) return;
      unpublish.get(c.collector)?.();
      // at once: another replica may run it already (its saves are the ones that count)
      await c.collector.stop();
      await c.checkpoint.abandon();
      // after the stop: the appends in flight have ended (a fenced one fails), and what they emitted went
      // to this replica's browsers through the collector, still wired until the mirror takes its place
      const last = c.collector.emittedSeq();
      if (stopping) return;
      const mirrored = mirrorOf(c.config);
      d.clusters().put(mirrored);
      await mirrored.feed.start(last);
      log.info({ clusterId, why }, 'replicas: another replica runs the cluster now');
    });

  return {
    /** a cluster as this replica first lists it: mirrored until it takes the lease */
    mirrorOf,
    /**
     * A cluster added, changed or removed through the API here: this replica follows the stored row now, the
     * others when they hear of it.
     */
    async clusterChanged(clusterId: string): Promise<void> {
      await sync(clusterId);
      if (io) announceClusterChange(io, clusterId);
    },
    /** how often this replica's mirrors waited or fell back (/metrics) */
    counters: counters as Readonly<MirrorCounters>,
    /** io on the adapter: the feed from the other replicas to the mirrors, snapshot questions answered */
    async attach(server: GatewayServer): Promise<void> {
      pool = await attachAdapter(server, d.url, (err) => log.warn({ err }, 'socket.io adapter: database error'), d.redisUrl ?? null);
      io = server;
      onFeed(
        server,
        (msg, delayMs) => {
          countFeedDelay(counters, delayMs);
          const feed = d.clusters().get(msg.clusterId)?.feed;
          if (!(feed instanceof Mirror)) return;
          if (msg.kind === 'snapshot') feed.snapshot({ rev: msg.rev, snapshot: msg.snapshot });
          else if (msg.kind === 'patch') feed.patch(msg.patch);
          else if (msg.kind === 'event') feed.event(msg.event);
          else feed.setStatus(msg.status as FeedStatus);
        },
        (problem) => log.warn({ problem }, 'replicas: a feed message from another replica was not valid: dropped'),
      );
      onClusterChange(server, (clusterId) => void sync(clusterId));
      answerSnapshots(server, (clusterId): Answer | null => {
        const c = d.clusters().get(clusterId)?.collector;
        const current = c?.current();
        return c && current ? { rev: current.rev, snapshot: current.snapshot, status: statusOf(c) } : null;
      });
    },
    /** the mirrors of the clusters listed so far start following */
    async startMirrors(): Promise<void> {
      await Promise.all(d.clusters().all().map((c) => (c.feed instanceof Mirror ? c.feed.start() : undefined)));
    },
    /** takes this replica's share of the leases (call once it listens: the others forward to replicaUrl) */
    async lead(replicaUrl: string): Promise<void> {
      leadership = createLeadership({
        leases: d.store.leases,
        replicaUrl,
        ttlMs: d.ttlMs,
        clusters: () => d.clusters().all().map((c) => c.config.id),
        onLead: (id, fence) => void lead(id, fence),
        onFollow: (id, why) => void follow(id, why),
        onError: (err) => log.warn({ err }, 'replicas: a lease round failed'),
      });
      await leadership.start();
    },
    /** the replica a request about the cluster goes to (null: this one) */
    holderUrl: (clusterId: string): Promise<string | null> => leadership?.holderUrl(clusterId) ?? Promise.resolve(null),
    holder: () => leadership?.holder ?? null,
    /** stops leading (the leases go back, so the others take over at once) and following */
    async stop(): Promise<void> {
      stopping = true;
      await leadership?.stop(true);
      await Promise.all([...turns.values()]);
      for (const c of d.clusters().all()) if (c.feed instanceof Mirror) c.feed.close();
    },
    /** after io closed */
    close: () => pool?.end(),
  };
}
