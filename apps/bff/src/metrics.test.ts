// /metrics with replicas (metrics.ts): a cluster's gauges on every replica, its link series only where its
// collector runs — every replica exporting every cluster's links tripled the series and stalled each replica
// for a second per scrape at 100 clusters (bench:scale).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@quorate/model/testing';
import type { Cluster, ClusterRegistry } from './clusters';
import type { GatewayServer } from './gateway';
import { CHUNK_LINES } from './link-metrics';
import { createMetrics } from './metrics';

/** Debian's prometheus package (scripts/test.sh installs it as root) */
const promtool = existsSync('/usr/bin/promtool') ? '/usr/bin/promtool' : null;

function cluster(id: string, led: boolean, rename?: string): Cluster {
  const snapshot = { ...sampleSnapshot({ nodes: 3 }), clusterId: id };
  if (rename) snapshot.nodes = snapshot.nodes.map((n) => (n.id === 1 ? { ...n, name: rename } : n));
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
    const mirrors = { patchesEarly: 3, snapshotsAsked: 1, eventGapsFilled: 0, feedMessages: 10, feedOver100ms: 2, feedOver500ms: 1 };
    const metrics = createMetrics(registry as unknown as ClusterRegistry, io as unknown as GatewayServer, mirrors);
    const text = await metrics.text();
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
    expect(text).toContain('quorate_replica_feed_messages_total{delay="over_0.1s"} 2');
    mirrors.snapshotsAsked = 4;
    expect(await metrics.text()).toContain('quorate_replica_mirror_waits_total{what="snapshot"} 4');
  });

  it('patch relay delay: from the change to this replica relaying it, by collector or mirror', async () => {
    const all = [cluster('here', true), cluster('elsewhere', false)];
    const registry = Object.assign(new EventEmitter(), { all: () => all });
    const io = { sockets: { adapter: { rooms: new Map() } }, engine: { clientsCount: 0 } };
    const metrics = createMetrics(registry as unknown as ClusterRegistry, io as unknown as GatewayServer);
    const feed = (i: number) => all[i]!.feed as unknown as EventEmitter;
    feed(0).emit('patch', { clusterId: 'here', patch: { baseRev: 1, rev: 2, set: { observedAt: Date.now() - 20 } } });
    feed(1).emit('patch', { clusterId: 'elsewhere', patch: { baseRev: 1, rev: 2, set: { observedAt: Date.now() - 300 } } });
    // a patch without a new observedAt says nothing of freshness
    feed(1).emit('patch', { clusterId: 'elsewhere', patch: { baseRev: 2, rev: 3 } });
    const text = await metrics.text();
    expect(text).toContain('quorate_patch_relay_seconds_count{via="collector"} 1');
    expect(text).toContain('quorate_patch_relay_seconds_count{via="mirror"} 1');
    expect(text).toMatch(/quorate_patch_relay_seconds_bucket\{le="0.1",via="collector"\} 1\n/);
    expect(text).toMatch(/quorate_patch_relay_seconds_bucket\{le="0.25",via="mirror"\} 0\n/);
    expect(text).toMatch(/quorate_patch_relay_seconds_bucket\{le="0.5",via="mirror"\} 1\n/);
  });

  it('link series written by hand are valid text format: labels escaped, HELP and TYPE once per metric (promtool check metrics)', async () => {
    const all = [cluster('c"1\\', true, 'pve"1\\\nx')];
    const registry = Object.assign(new EventEmitter(), { all: () => all });
    const io = { sockets: { adapter: { rooms: new Map() } }, engine: { clientsCount: 0 } };
    const text = await createMetrics(registry as unknown as ClusterRegistry, io as unknown as GatewayServer).text();
    expect(text).toContain('quorate_link_connected{cluster="c\\"1\\\\",from="pve\\"1\\\\\\nx",to="pve2",link="0"} 1');
    expect(text.match(/^# TYPE quorate_link_connected gauge$/gm)).toHaveLength(1);
    expect(text.endsWith('\n')).toBe(true);
    if (promtool) {
      const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      // lint warnings (e.g. counters' names) are not format errors; an unparsable line is
      expect(r.stderr + r.stdout).not.toMatch(/error while linting|text format parsing error/);
      expect(r.status).not.toBe(1); // 3: lint findings only (units in names)
    }
  });

  it('a large scrape comes in chunks of whole lines, the event loop let run between them, the same text in all', async () => {
    // 200 clusters of 3 nodes × 2 links: 200 × 12 links × 4 metrics = 9,600 link lines, five chunks at least
    const all = Array.from({ length: 200 }, (_, i) => cluster(`c${i}`, true));
    const registry = Object.assign(new EventEmitter(), { all: () => all });
    const io = { sockets: { adapter: { rooms: new Map() } }, engine: { clientsCount: 0 } };
    const metrics = createMetrics(registry as unknown as ClusterRegistry, io as unknown as GatewayServer);
    const chunks: string[] = [];
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    try {
      for await (const chunk of metrics.chunks()) chunks.push(chunk);
    } finally {
      clearInterval(ticking);
    }
    const link = chunks.slice(1);
    expect(link.length).toBeGreaterThanOrEqual(5);
    for (const c of link) expect(c.endsWith('\n')).toBe(true);
    for (const c of link) expect(c.split('\n').length - 1).toBeLessThanOrEqual(CHUNK_LINES);
    expect(chunks.join('').split('\n').filter((l) => l.startsWith('quorate_link_connected{')).length).toBe(200 * 12);
    // other work ran while the scrape was made (each chunk waits for a turn of the event loop)
    expect(turns).toBeGreaterThanOrEqual(2);
    // text() is the same chunks (the process counters of the registry's part move between scrapes)
    const links = (t: string) => t.split('\n').filter((l) => l.includes('quorate_link_'));
    expect(links(await metrics.text())).toEqual(links(chunks.join('')));
  });
});

