// Prometheus metrics. Cluster gauges are read from the collectors at scrape time, so nothing is kept twice.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterSnapshot } from '@quorate/model';
import type { Cluster, ClusterRegistry } from './clusters';
import { roomOf, type GatewayServer } from './gateway';

export function createMetrics(clusters: ClusterRegistry, io: GatewayServer): Registry {
  // a registry per server, not the global one: tests start several servers in one process
  const register = new Registry();
  collectDefaultMetrics({ register });

  const snapshotOf = (c: Cluster): ClusterSnapshot | null => c.collector.current()?.snapshot ?? null;
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
  perCluster('quorate_source_up', '1 when the source reports ok, 0 otherwise', (c) => Number(c.collector.health().state === 'ok'));
  perCluster('quorate_snapshot_rev', 'revision of the newest snapshot', (c) => c.collector.current()?.rev);
  perCluster('quorate_events_last_seq', 'highest event seq of the cluster', (c) => c.collector.store.lastSeq());
  perCluster('quorate_socket_clients', 'sockets subscribed to the cluster', (c) => io.sockets.adapter.rooms.get(roomOf(c.config.id))?.size ?? 0);

  new Gauge({
    name: 'quorate_link_connected',
    help: '1 when the knet link from one node to a peer is connected, 0 when not',
    labelNames: ['cluster', 'from', 'to', 'link'],
    registers: [register],
    collect() {
      this.reset();
      for (const c of clusters.all()) {
        const s = snapshotOf(c);
        if (!s) continue;
        const name = new Map(s.nodes.map((n) => [n.id, n.name]));
        for (const l of s.links) {
          const from = name.get(l.from) ?? String(l.from);
          const to = name.get(l.to) ?? String(l.to);
          this.set({ cluster: c.config.id, from, to, link: String(l.link) }, Number(l.connected));
        }
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
  const count = (c: Cluster) => {
    const cluster = c.config.id;
    dropped.inc({ cluster }, 0);
    c.collector.on('event', (ev) => events.inc({ cluster, severity: ev.severity }));
    c.collector.on('dropped', () => dropped.inc({ cluster }));
  };
  for (const c of clusters.all()) count(c);
  // a cluster added at runtime is counted from then on (a removed one's collector is stopped: silent)
  clusters.on('added', count);
  return register;
}
