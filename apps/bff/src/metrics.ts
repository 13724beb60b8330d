// Prometheus metrics. Cluster gauges are read from the collectors at scrape time, so nothing is kept twice.
import { setImmediate as turn } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ChannelType, type ClusterSnapshot } from '@quorate/model';
import type { SourceState } from '@quorate/sources';
import type { Cluster, ClusterRegistry } from './clusters';
import { linkMetricsChunks } from './link-metrics';
import { roomOf, type GatewayServer } from './gateway';
import type { MirrorCounters } from './replicas/mirror';

/** what became of one alert delivery: sent, failed (after its retries), or not sent (silenced, acknowledged, damped) */
export type AlertDeliveryResult = 'ok' | 'failed' | 'suppressed';
const DELIVERY_RESULTS = ['ok', 'failed', 'suppressed'] as const satisfies readonly AlertDeliveryResult[];

/** every state a source reports (packages/sources/src/source.ts); the type check fails when one is added there */
const SOURCE_STATES = ['starting', 'ok', 'degraded', 'down'] as const satisfies readonly SourceState[];
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
const allSourceStates: Missing<SourceState, (typeof SOURCE_STATES)[number]> = true;
void allSourceStates;

export interface QuorateMetrics {
  /** the registry GET /metrics serves (with the link series: text()) */
  register: Registry;
  /** all of /metrics: the registry's and the link series (link-metrics.ts) */
  text(): Promise<string>;
  /** the same in chunks, the event loop let run between them (GET /metrics sends each as it comes) */
  chunks(): AsyncGenerator<string>;
  /** the alert dispatcher: one call per delivery to one channel (quorate_alert_deliveries_total) */
  alertDelivered(channelType: ChannelType, result: AlertDeliveryResult): void;
}

export function createMetrics(clusters: ClusterRegistry, io: GatewayServer, mirrors?: Readonly<MirrorCounters>): QuorateMetrics {
  // a registry per server, not the global one: tests start several servers in one process
  const register = new Registry();
  collectDefaultMetrics({ register });

  const snapshotOf = (c: Cluster): ClusterSnapshot | null => c.feed.current()?.snapshot ?? null;
  /** a gauge with one series per cluster; null = no value yet (the series is left out) */
  const perCluster = (name: string, help: string, value: (c: Cluster) => number | null | undefined): void => {
    new Gauge({
      name,
      help,
      labelNames: ['cluster'],
      registers: [register],
      collect() {
        this.reset();
        for (const c of clusters.all()) {
          const v = value(c);
          if (typeof v === 'number') this.set({ cluster: c.config.id }, v);
        }
      },
    });
  };

  perCluster('quorate_quorate', '1 when the observer sees the cluster quorate, 0 when not', (c) => {
    const q = snapshotOf(c)?.quorum;
    return q ? Number(q.quorate) : null;
  });
  perCluster('quorate_votes_present', "votes in the observer's membership (corosync's Total votes)", (c) => snapshotOf(c)?.quorum?.totalVotes);
  perCluster('quorate_votes_expected', 'expected votes', (c) => snapshotOf(c)?.quorum?.expectedVotes);
  perCluster('quorate_votes_needed', "votes needed for quorum (corosync's Quorum)", (c) => snapshotOf(c)?.quorum?.quorum);
  perCluster('quorate_nodes_online', "configured nodes online in the observer's view", (c) => snapshotOf(c)?.nodes.filter((n) => n.state === 'online').length);
  perCluster('quorate_nodes_configured', 'configured nodes', (c) => snapshotOf(c)?.nodes.length);
  perCluster('quorate_source_up', '1 when the source reports ok, 0 otherwise', (c) => Number(c.feed.health().state === 'ok'));
  perCluster('quorate_snapshot_rev', 'revision of the newest snapshot', (c) => c.feed.current()?.rev);
  perCluster('quorate_events_last_seq', 'highest event seq of the cluster', (c) => c.feed.emittedSeq());
  perCluster('quorate_socket_clients', 'sockets subscribed to the cluster', (c) => io.sockets.adapter.rooms.get(roomOf(c.config.id))?.size ?? 0);
  // the QDevice: no series while the cluster has none configured
  perCluster('quorate_qdevice_connected', "1 when the cluster's QDevice is connected (corosync-qdevice-tool: Connected), 0 when not; absent without a QDevice", (c) => {
    const d = snapshotOf(c)?.qdevice;
    return d ? Number(d.state === 'connected') : null;
  });
  perCluster('quorate_qdevice_votes', "the QDevice's votes; absent without a QDevice", (c) => snapshotOf(c)?.qdevice?.votes);
  perCluster('quorate_qdevice_casts_vote', "1 when the QDevice's vote counts in the observer's partition now, 0 when not; absent without a QDevice", (c) => {
    const d = snapshotOf(c)?.qdevice;
    return d ? Number(d.castsVote) : null;
  });

  new Gauge({
    name: 'quorate_source_state',
    help: `1 for the source's current state, 0 for the others (${SOURCE_STATES.join(', ')})`,
    labelNames: ['cluster', 'state'],
    registers: [register],
    collect() {
      this.reset();
      for (const c of clusters.all()) {
        const now = c.feed.health().state;
        for (const state of SOURCE_STATES) this.set({ cluster: c.config.id, state }, Number(state === now));
      }
    },
  });
  new Gauge({
    name: 'quorate_node_online',
    help: "1 when the configured node is in the observer's membership, 0 when offline; absent while unknown",
    labelNames: ['cluster', 'node'],
    registers: [register],
    collect() {
      this.reset();
      for (const c of clusters.all()) {
        for (const n of snapshotOf(c)?.nodes ?? []) if (n.state !== 'unknown') this.set({ cluster: c.config.id, node: n.name }, Number(n.state === 'online'));
      }
    },
  });

  new Gauge({
    name: 'quorate_socket_connections',
    help: 'open socket.io connections',
    registers: [register],
    collect() {
      this.set(io.engine.clientsCount);
    },
  });

  const events = new Counter({ name: 'quorate_events_total', help: 'cluster events recorded by this process', labelNames: ['cluster', 'severity'], registers: [register] });
  const dropped = new Counter({ name: 'quorate_snapshots_dropped_total', help: 'invalid snapshots from sources, dropped', labelNames: ['cluster'], registers: [register] });
  // how fresh the patches this replica hands its sockets are: from the change (its observedAt) to the relay,
  // by what relayed it (this replica's collector, or its mirror of another replica's); the rest of a
  // browser's delay is the socket, the proxy and the browser
  const relay = new Histogram({
    name: 'quorate_patch_relay_seconds',
    help: "from a change (the patch's observedAt) to this replica relaying its patch to its sockets, by what relayed it (collector: run here; mirror: run by another replica)",
    labelNames: ['via'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 10],
    registers: [register],
  });
  for (const via of ['collector', 'mirror']) relay.zero({ via });
  const count = (c: Cluster) => {
    const cluster = c.config.id;
    const via = c.collector ? 'collector' : 'mirror';
    c.feed.on('patch', (m) => {
      const at = m.patch.set?.observedAt;
      if (typeof at === 'number') relay.observe({ via }, Math.max(0, Date.now() - at) / 1000);
    });
    dropped.inc({ cluster }, 0);
    // recorded here: by this replica's collector (a mirrored cluster's are counted where it runs)
    c.collector?.on('event', (ev) => events.inc({ cluster, severity: ev.severity }));
    c.collector?.on('dropped', () => dropped.inc({ cluster }));
  };
  for (const c of clusters.all()) count(c);
  // a cluster added at runtime is counted from then on (a removed one's collector is stopped: silent)
  clusters.on('added', count);

  /** a counter read at scrape time: one series per label value */
  const countedElsewhere = (name: string, help: string, label: string, values: () => Record<string, number>): void => {
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [register],
      collect() {
        this.reset();
        for (const [value, n] of Object.entries(values())) this.inc({ [label]: value }, n);
      },
    });
  };
  if (mirrors) {
    // replicas: how often the feed from the other replicas made this one wait or fall back
    countedElsewhere(
      'quorate_replica_mirror_waits_total',
      'mirrored clusters: patches that came before their base (early), holder snapshots asked for (snapshot), event gaps filled from the store (events)',
      'what',
      () => ({ early: mirrors.patchesEarly, snapshot: mirrors.snapshotsAsked, events: mirrors.eventGapsFilled }),
    );
    countedElsewhere(
      'quorate_replica_feed_messages_total',
      "messages from the other replicas' collectors: all, and those that took over 0.1 s and over 0.5 s through the database",
      'delay',
      () => ({ any: mirrors.feedMessages, 'over_0.1s': mirrors.feedOver100ms, 'over_0.5s': mirrors.feedOver500ms }),
    );
  }

  const deliveries = new Counter({
    name: 'quorate_alert_deliveries_total',
    help: `alert deliveries by channel type and result (${DELIVERY_RESULTS.join(', ')}: suppressed = silenced, acknowledged or damped)`,
    labelNames: ['channel_type', 'result'],
    registers: [register],
  });
  // every series from the start (8 types × 3 results), so rate() and increase() see the first delivery
  for (const channel_type of ChannelType.options) for (const result of DELIVERY_RESULTS) deliveries.inc({ channel_type, result }, 0);

  async function* chunks(): AsyncGenerator<string> {
    yield await register.metrics();
    for (const chunk of linkMetricsChunks(clusters)) {
      await turn();
      yield chunk;
    }
  }

  return {
    register,
    chunks,
    async text() {
      let all = '';
      for await (const chunk of chunks()) all += chunk;
      return all;
    },
    alertDelivered(channelType, result) {
      deliveries.inc({ channel_type: channelType, result });
    },
  };
}
