// knet per-link statistics from `corosync-cmapctl -m stats` (exec/stats.c):
// stats.knet.node<ID>.link<N>.<key>. Latencies are MICROSECONDS (libknet.h "measured in usecs").
import { cmapNumber, type Cmap } from './cmap';

/** knet's "no sample yet" value of latency_min (UINT32_MAX). */
export const KNET_LATENCY_UNSET = 4_294_967_295;

export interface KnetLinkStats {
  nodeId: number;
  link: number;
  /** every field is null when its key is absent (e.g. a filtered dump) */
  enabled: boolean | null;
  connected: boolean | null;
  mtu: number | null;
  /** µs; null before the first pong (knet reports UINT32_MAX / 0 then) */
  latencyMinUs: number | null;
  latencyMaxUs: number | null;
  latencyAveUs: number | null;
  latencySamples: number | null;
  downCount: number | null;
  upCount: number | null;
  txTotalPackets: number | null;
  rxTotalPackets: number | null;
  txTotalBytes: number | null;
  rxTotalBytes: number | null;
  txTotalErrors: number | null;
  /** upstream quirk: the key reads tx_total_retries in corosync's code */
  rxTotalRetries: number | null;
  txDataPackets: number | null;
  rxDataPackets: number | null;
  txPingPackets: number | null;
  rxPongPackets: number | null;
}

const KEY = /^stats\.knet\.node(\d+)\.link(\d+)\.([a-z_]+)$/;

/** Microseconds to milliseconds for the model (null stays null). */
export function usToMs(us: number | null): number | null {
  return us === null ? null : us / 1000;
}

/** Every node/link pair that has at least one stats key, sorted by node then link. */
export function knetLinkStats(map: Cmap): KnetLinkStats[] {
  const pairs = new Map<string, { nodeId: number; link: number }>();
  for (const key of map.keys()) {
    const m = KEY.exec(key);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const nodeId = Number(m[1]);
    const link = Number(m[2]);
    if (!Number.isSafeInteger(nodeId) || !Number.isSafeInteger(link)) continue;
    pairs.set(`${nodeId}.${link}`, { nodeId, link });
  }
  const out: KnetLinkStats[] = [];
  for (const { nodeId, link } of pairs.values()) {
    const n = (k: string) => cmapNumber(map, `stats.knet.node${nodeId}.link${link}.${k}`);
    const flag = (k: string) => {
      const v = n(k);
      return v === null ? null : v !== 0;
    };
    const samples = n('latency_samples');
    const noSamples = samples === 0;
    const min = n('latency_min');
    out.push({
      nodeId,
      link,
      enabled: flag('enabled'),
      connected: flag('connected'),
      mtu: n('mtu'),
      latencyMinUs: noSamples || min === null || min >= KNET_LATENCY_UNSET ? null : min,
      latencyMaxUs: noSamples ? null : n('latency_max'),
      latencyAveUs: noSamples ? null : n('latency_ave'),
      latencySamples: samples,
      downCount: n('down_count'),
      upCount: n('up_count'),
      txTotalPackets: n('tx_total_packets'),
      rxTotalPackets: n('rx_total_packets'),
      txTotalBytes: n('tx_total_bytes'),
      rxTotalBytes: n('rx_total_bytes'),
      txTotalErrors: n('tx_total_errors'),
      rxTotalRetries: n('rx_total_retries'),
      txDataPackets: n('tx_data_packets'),
      rxDataPackets: n('rx_data_packets'),
      txPingPackets: n('tx_ping_packets'),
      rxPongPackets: n('rx_pong_packets'),
    });
  }
  return out.sort((a, b) => a.nodeId - b.nodeId || a.link - b.link);
}
