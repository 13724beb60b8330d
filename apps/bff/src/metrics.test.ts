// /metrics with replicas (metrics.ts): a cluster's gauges on every replica, its link series only where its
// collector runs — every replica exporting every cluster's links tripled the series and stalled each replica
// for a second per scrape at 100 clusters (bench:scale).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@quorate/model/testing';
import type { Cluster, ClusterRegistry } from './clusters';
import type { GatewayServer } from './gateway';
import { createMetrics } from './metrics';

function cluster(id: string, led: boolean): Cluster {
  const snapshot = { ...sampleSnapshot({ nodes: 3 }), clusterId: id };
  const feed = Object.assign(new EventEmitter(), {
    clusterId: id,
    current: () => ({ rev: 1, snapshot }),
    health: () => ({ state: 'ok', message: null, lastObservedAt: null }),
    emittedSeq: () => 0,
    capabilities: () => [],
  });
  return { config: { id, name: id, source: 'sim', settings: {}, origin: 'config' }, feed, collector: led ? feed : null, checkpoint: led ? {} : null } as unknown as Cluster;
}

describe('metrics with replicas', () => {
  it('gauges for every cluster; link series only for the clusters run here', async () => {
    const all = [cluster('here', true), cluster('elsewhere', false)];
    const registry = Object.assign(new EventEmitter(), { all: () => all });
    const io = { sockets: { adapter: { rooms: new Map() } }, engine: { clientsCount: 0 } };
    const mirrors = { patchesEarly: 3, snapshotsAsked: 1, eventGapsFilled: 0 };
    const { register } = createMetrics(registry as unknown as ClusterRegistry, io as unknown as GatewayServer, mirrors);
    const text = await register.metrics();
    const lines = (metric: string, id: string) => text.split('\n').filter((l) => l.startsWith(`${metric}{`) && l.includes(`cluster="${id}"`)).length;
    expect(lines('quorate_quorate', 'here')).toBe(1);
    expect(lines('quorate_quorate', 'elsewhere')).toBe(1);
    // 3 nodes, 2 links each way (the sample): 12 series each
    expect(lines('quorate_link_connected', 'here')).toBe(12);
    expect(lines('quorate_link_latency_avg_milliseconds', 'here')).toBe(12);
    expect(lines('quorate_link_connected', 'elsewhere')).toBe(0);
    expect(lines('quorate_link_latency_avg_milliseconds', 'elsewhere')).toBe(0);
    // the mirrors' waits, read at scrape time
    expect(text).toContain('quorate_replica_mirror_waits_total{what="early"} 3');
    mirrors.snapshotsAsked = 4;
    expect(await register.metrics()).toContain('quorate_replica_mirror_waits_total{what="snapshot"} 4');
  });
});
