// The early warning: knet on the observer reports every link to a member down well before Corosync's
// membership drops that member (lab: ~0.6 s vs ~3.4 s with token 1000). Pure: the source feeds samples.
//
// Only a forecast is a warning. A link that was clean and goes down at once (a cable pulled, a node
// crashed) is one: Corosync drops the node a token timeout later. A lossy link flaps: knet marks it down
// for a second or two again and again while Corosync keeps (or only sometimes drops) the node — under
// 30 % loss a warning each time would page the admin for nothing (lab: down spells of 1.4-2.4 s every
// 5-9 s, some ending in a drop 1.7 s in, some not). So a node is warned about only when
//  - all its links from the observer have been down for HOLD_MS, and
//  - the observer watched them for SETTLE_MS before, and the node's links were stable in the LOOKBACK_MS
//    before as every node saw them (its peers' links to it, its own to them): no flap (down, then up
//    again), and pings answered (fewer than MIN_PONG_DEFICIT pongs missing by the last pong that came
//    back: pings unanswered because the link is going down do not count).
// Every node's knet samples are kept (the observer's every 250 ms, the others' every second), across
// membership and observer changes, so a new observer or a rejoined node comes with its history.
// The quorum after the drop is computed by the full votequorum rules (quorumAfterLoss).
import type { KnetLinkStats } from '@quorate/corosync';
import { knetLinkDownDetectionMs, membershipDetectionMs, quorumAfterLoss, type ObservedView, type UnreachableWarning } from '@quorate/model';

export const HOLD_MS = 500;
export const SETTLE_MS = 5_000;
export const LOOKBACK_MS = 15_000;
export const MIN_PONG_DEFICIT = 2;

/** ms from knet marking the last link down to Corosync dropping the node. */
export function expectedDropMs(runtimeToken: number): number {
  return Math.max(0, membershipDetectionMs(runtimeToken) - knetLinkDownDetectionMs(runtimeToken));
}

interface Sample {
  at: number;
  connected: boolean;
  txPing: number | null;
  rxPong: number | null;
}

/** one peer's links as one node's knet saw them over the last LOOKBACK_MS */
class PeerHistory {
  private readonly links = new Map<number, Sample[]>();
  /** the oldest sample kept */
  firstAt: number;
  lastAt: number;
  /** when every link was first seen down in the current stretch; null while any is up */
  downSince: number | null = null;
  /** when a link came back up after being down (a flap), within the look-back */
  readonly recoveries: number[] = [];
  /** the verdict on the current stretch (judged once, from every node's history) */
  unstable: boolean | null = null;

  constructor(at: number) {
    this.firstAt = at;
    this.lastAt = at;
  }

  add(stats: readonly KnetLinkStats[], at: number): void {
    const judged = stats.filter((s) => s.enabled !== false && s.connected !== null);
    for (const s of judged) {
      const list = this.links.get(s.link) ?? [];
      const before = list.at(-1);
      if (before && !before.connected && s.connected === true) this.recoveries.push(at);
      list.push({ at, connected: s.connected === true, txPing: s.txPingPackets, rxPong: s.rxPongPackets });
      while (list.length > 0 && list[0]!.at < at - LOOKBACK_MS) list.shift();
      this.links.set(s.link, list);
    }
    while (this.recoveries.length > 0 && this.recoveries[0]! < at - LOOKBACK_MS) this.recoveries.shift();
    this.lastAt = at;
    this.firstAt = Math.max(this.firstAt, at - LOOKBACK_MS);
    const allDown = judged.length > 0 && judged.every((s) => s.connected === false);
    if (!allDown) {
      this.downSince = null;
      this.unstable = null;
    } else if (this.downSince === null) {
      this.downSince = at;
    }
  }

  /** a flap (down, then up again) within (t - LOOKBACK_MS, t) */
  flappedBefore(t: number): boolean {
    return this.recoveries.some((r) => r < t && r >= t - LOOKBACK_MS);
  }

  /**
   * Pongs missing on some link while pongs still came back, in the samples before t: a lossy link. The
   * deficit is read at the last sample where a pong arrived, so the pings that went unanswered because
   * the link was going down (a clean cut) do not count, and losses right before the drop do.
   */
  lostPongsBefore(t: number): boolean {
    for (const list of this.links.values()) {
      const up = list.filter((x) => x.connected && x.at < t && x.txPing !== null && x.rxPong !== null);
      if (up.length < 2) continue;
      const a = up[0]!;
      let k = up.length - 1;
      while (k > 0 && up[k]!.rxPong === up[k - 1]!.rxPong) k--;
      const b = up[k]!;
      if (b.txPing! - a.txPing! - (b.rxPong! - a.rxPong!) >= MIN_PONG_DEFICIT) return true;
    }
    return false;
  }
}

export interface WarningsInput {
  observerId: number;
  /** the observer's view of quorum (its members are the candidates), the options and the nodelist's votes */
  view: ObservedView;
  runtimeTokenMs: number;
  /** id -> name from the nodelist */
  names: ReadonlyMap<number, string>;
  now: number;
}

/**
 * Keeps every node's knet history of its peers; the observer's decides the warnings. A node's warning
 * lasts while all its links stay down and ends when a link comes back or the membership no longer has
 * it (Corosync dropped it: the membership change replaces the warning).
 */
export class WarningTracker {
  /** vantage node id -> peer id -> history */
  private vantages = new Map<number, Map<number, PeerHistory>>();

  /** a knet sample of node `vantageId` (its links to every peer) */
  observe(vantageId: number, stats: readonly KnetLinkStats[], now: number): void {
    const peers = this.vantages.get(vantageId) ?? new Map<number, PeerHistory>();
    this.vantages.set(vantageId, peers);
    const byPeer = new Map<number, KnetLinkStats[]>();
    for (const s of stats) if (s.nodeId !== vantageId) (byPeer.get(s.nodeId) ?? byPeer.set(s.nodeId, []).get(s.nodeId)!).push(s);
    for (const [peer, list] of byPeer) {
      const h = peers.get(peer) ?? new PeerHistory(now);
      h.add(list, now);
      peers.set(peer, h);
    }
    // peers gone from the stats for a whole lookback: forgotten
    for (const [peer, h] of peers) if (h.lastAt < now - LOOKBACK_MS) peers.delete(peer);
  }

  /**
   * Were the node's links unstable before `downAt`, as any node saw them (the observer's links to it,
   * every other node's links to it, its own links to the others)? A lossy node flaps on every vantage,
   * and not at the same moment: another node may have seen a flap before the observer's first one.
   */
  private unstable(nodeId: number, downAt: number): boolean {
    for (const [vantage, peers] of this.vantages) {
      for (const [peer, h] of peers) {
        if (vantage !== nodeId && peer !== nodeId) continue;
        if (h.flappedBefore(downAt) || h.lostPongsBefore(downAt)) return true;
      }
    }
    return false;
  }

  /** the warnings as the observer's history has them now */
  warnings(input: WarningsInput): UnreachableWarning[] {
    const peers = this.vantages.get(input.observerId);
    if (!peers) return [];
    const members = new Set(input.view.observed.members);
    const warned: { nodeId: number; since: number }[] = [];
    for (const [id, h] of peers) {
      if (id === input.observerId || !members.has(id) || h.downSince === null) continue;
      if (input.now - h.downSince < HOLD_MS || h.downSince - h.firstAt < SETTLE_MS) continue;
      h.unstable ??= this.unstable(id, h.downSince);
      if (h.unstable) continue;
      warned.push({ nodeId: id, since: h.downSince });
    }
    if (warned.length === 0) return [];
    const after = quorumAfterLoss(
      input.view,
      warned.map((w) => w.nodeId),
    );
    const drop = expectedDropMs(input.runtimeTokenMs);
    return warned
      .sort((a, b) => a.nodeId - b.nodeId)
      .map(({ nodeId, since }) => ({
        nodeId,
        name: input.names.get(nodeId) ?? `node${nodeId}`,
        since,
        expectedDropInMs: drop,
        quorateAfterDrop: after.quorate,
        totalVotesAfterDrop: after.totalVotes,
        expectedVotesAfterDrop: after.expectedVotes,
      }));
  }
}
