import { describe, expect, it } from 'vitest';
import { parseCmap, type Cmap } from './cmap';
import { fixture } from './fixtures.test-helper';
import { knetLinkStats, usToMs } from './knet-stats';

function map(name: string): Cmap {
  const r = parseCmap(fixture(name));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('knetLinkStats', () => {
  it('healthy 3-node stats seen from node 1 (latency in µs)', () => {
    const stats = knetLinkStats(map('cmapctl-m-stats__3of3__node1.txt'));
    expect(stats.map((s) => [s.nodeId, s.link])).toEqual([[1, 0], [2, 0], [3, 0]]);
    const [self, n2, n3] = stats;
    // knet lists the local node too: loopback mtu, no samples, latency_min still UINT32_MAX
    expect(self).toMatchObject({
      nodeId: 1, enabled: true, connected: true, mtu: 65535,
      latencyMinUs: null, latencyMaxUs: null, latencyAveUs: null, latencySamples: 0,
      downCount: 0, upCount: 1, txTotalPackets: 64, txTotalBytes: 8959, rxTotalPackets: 0,
    });
    expect(n2).toEqual({
      nodeId: 2, link: 0, enabled: true, connected: true, mtu: 1397,
      latencyMinUs: 237, latencyMaxUs: 286, latencyAveUs: 240, latencySamples: 3,
      downCount: 1, upCount: 1,
      txTotalPackets: 65, rxTotalPackets: 20, txTotalBytes: 11872, rxTotalBytes: 4833,
      txTotalErrors: 0, rxTotalRetries: 0,
      txDataPackets: n2?.txDataPackets, rxDataPackets: n2?.rxDataPackets,
      txPingPackets: 3, rxPongPackets: 3,
    });
    expect(typeof n2?.txDataPackets).toBe('number');
    expect(n3).toMatchObject({ nodeId: 3, latencyMinUs: 379, latencyMaxUs: 990, latencyAveUs: 800, txTotalPackets: 20, rxTotalPackets: 66 });
  });

  it("the lab's two links, healthy: every peer on both links, the local node on link 0 only", () => {
    const name = 'cmapctl-m-stats-knet__3of3-2links__node1.txt';
    const m = map(name);
    // the stats.knet. filter keeps only knet keys: handle + per node/link
    expect(m.size).toBe(217);
    expect([...m.keys()].every((k) => k.startsWith('stats.knet.'))).toBe(true);
    const stats = knetLinkStats(m);
    expect(stats.map((s) => `${s.nodeId}.${s.link}:${s.connected ? 1 : 0}`)).toEqual(['1.0:1', '2.0:1', '2.1:1', '3.0:1', '3.1:1']);
    expect(stats[0]).toMatchObject({ nodeId: 1, link: 0, mtu: 65535, latencyMinUs: null, latencyAveUs: null, latencySamples: 0 });
    expect(stats.slice(1).map((s) => [s.nodeId, s.link, s.enabled, s.mtu, s.latencyMinUs, s.latencyAveUs, s.latencyMaxUs, s.latencySamples, s.downCount, s.upCount, s.txPingPackets, s.rxPongPackets])).toEqual([
      [2, 0, true, 1397, 593, 944, 2501, 25, 1, 1, 25, 25],
      [2, 1, true, 1397, 97, 852, 864, 24, 1, 1, 25, 24],
      [3, 0, true, 1397, 2543, 2592, 15177, 26, 1, 1, 26, 26],
      [3, 1, true, 1397, 685, 2201, 20201, 25, 1, 1, 26, 25],
    ]);
    expect(usToMs(stats[4]?.latencyMaxUs ?? null)).toBe(20.201);
  });

  it("the lab's link faults on pve3: connected 0/1 per link, the last latency kept after the drop", () => {
    const rows = (name: string) =>
      knetLinkStats(map(name))
        .filter((s) => s.nodeId === 3)
        .map((s) => [s.link, s.connected, s.latencyAveUs, s.latencySamples, s.downCount, s.upCount]);
    expect(map('cmapctl-m-stats-knet__link0-down-pve3-2links__node1.txt').get('stats.knet.node3.link0.connected')).toMatchObject({ type: 'u8', value: 0 });
    expect(rows('cmapctl-m-stats-knet__link0-down-pve3-2links__node1.txt')).toEqual([
      [0, false, 2492, 33, 2, 1],
      [1, true, 2037, 44, 1, 1],
    ]);
    expect(rows('cmapctl-m-stats-knet__partition-2of3-2links__node1.txt')).toEqual([
      // link 0's figures have not moved since it went down: knet stopped sampling it
      [0, false, 2492, 33, 2, 1],
      [1, false, 1743, 54, 2, 1],
    ]);
    const toPve2 = knetLinkStats(map('cmapctl-m-stats-knet__partition-2of3-2links__node1.txt')).filter((s) => s.nodeId === 2);
    expect(toPve2.map((s) => [s.link, s.connected, s.downCount])).toEqual([[0, true, 1], [1, true, 1]]);
  });

  it('excerpt under 30 % loss: absent keys are null, present ones read', () => {
    const stats = knetLinkStats(map('cmapctl-m-stats-excerpt__node3-30pct-egress-loss__node1.txt'));
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({
      nodeId: 3, link: 0, enabled: null, connected: false, mtu: null,
      latencyAveUs: 80749, latencyMaxUs: 401928, latencyMinUs: null, latencySamples: null,
      downCount: 7, upCount: 6, txTotalPackets: null,
    });
    expect(usToMs(stats[0]?.latencyAveUs ?? null)).toBeCloseTo(80.749, 6);
  });

  it('ignores other stats and finds several links', () => {
    const r = parseCmap(
      [
        'stats.knet.node2.link1.latency_ave (u32) = 1500',
        'stats.knet.node2.link1.latency_samples (u32) = 9',
        'stats.knet.node2.link0.connected (u8) = 0',
        'stats.knet.handle.tx_crypt_packets (u64) = 79',
        'stats.srp.mcast_rx (u64) = 21',
      ].join('\n'),
    );
    if (!r.ok) throw new Error('parse');
    const stats = knetLinkStats(r.value);
    expect(stats.map((s) => [s.nodeId, s.link, s.connected, s.latencyAveUs])).toEqual([
      [2, 0, false, null],
      [2, 1, null, 1500],
    ]);
    expect(usToMs(null)).toBeNull();
    expect(usToMs(1500)).toBe(1.5);
  });
});
