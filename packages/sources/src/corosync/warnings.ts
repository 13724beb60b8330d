// The early warning: knet on the observer reports every link to a member down well before Corosync's
// membership drops that member (lab: ~0.6 s vs ~3.4 s with token 1000). Pure: the source feeds samples.
//
// Only a forecast is a warning. A link that was clean and goes down at once (a cable pulled, a node
// crashed) is one: Corosync drops the node a token timeout later. A lossy link flaps: knet marks it down
// for a second or two again and again while Corosync keeps (or only sometimes drops) the node — under
// 30 % loss a warning each time would page the admin for nothing. So a node is warned about only when
//  - all its links from the observer have been down for HOLD_MS (two knet samples), and
//  - none of them was unstable in the LOOKBACK_MS before: no earlier down in that time, and pings
//    answered (at most MAX_PONG_DEFICIT missing pongs while the link was up), and
//  - the observer has watched the node for at least HOLD_MS (a thawed or new observer's first
//    samples say nothing about the past).
// The quorum after the drop is computed by the full votequorum rules (quorumAfterLoss).
import type { KnetLinkStats } from '@quorate/corosync';
import { knetLinkDownDetectionMs, membershipDetectionMs, quorumAfterLoss, type ObservedView, type UnreachableWarning } from '@quorate/model';

export interface WarningInput {
  observerId: number;
  /** the observer's view of quorum (its members are the candidates), the options and the nodelist's votes */
  view: ObservedView;
  /** the observer's latest knet sample */
  stats: readonly KnetLinkStats[];
  runtimeTokenMs: number;
  /** id -> name from the nodelist */
  names: ReadonlyMap<number, string>;
  now: number;
}

export const HOLD_MS = 500;
export const LOOKBACK_MS = 30_000;
export const MAX_PONG_DEFICIT = 2;

/** Members whose every enabled link from the observer is disconnected (a node without stats is not judged). */
export function membersAllLinksDown(observerId: number, members: readonly number[], stats: readonly KnetLinkStats[]): number[] {
  const out: number[] = [];
  for (const id of members) {
    if (id === observerId) continue;
    const links = stats.filter((s) => s.nodeId === id && s.enabled !== false && s.connected !== null);
    if (links.length > 0 && links.every((s) => s.connected === false)) out.push(id);
  }
  return out;
}

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

/** one node's links as the observer's knet saw them over the last LOOKBACK_MS */
class NodeHistory {
  readonly firstAt: number;
  private readonly links = new Map<number, Sample[]>();
  /** when every link was first seen down in the current stretch; null while any is up */
  downSince: number | null = null;
  /** the links were unstable before this stretch went down: no warning for it */
  unstable = false;

  constructor(at: number) {
    this.firstAt = at;
  }

  add(stats: readonly KnetLinkStats[], at: number): void {
    const judged = stats.filter((s) => s.enabled !== false && s.connected !== null);
    for (const s of judged) {
      const list = this.links.get(s.link) ?? [];
      list.push({ at, connected: s.connected === true, txPing: s.txPingPackets, rxPong: s.rxPongPackets });
      while (list.length > 0 && list[0]!.at < at - LOOKBACK_MS) list.shift();
      this.links.set(s.link, list);
    }
    const allDown = judged.length > 0 && judged.every((s) => s.connected === false);
    if (!allDown) {
      this.downSince = null;
      this.unstable = false;
    } else if (this.downSince === null) {
      this.downSince = at;
      // judged once, at the moment it went down, from what came before
      this.unstable = [...this.links.values()].some((list) => wasUnstable(list.slice(0, -1)));
    }
  }
}

/** a link that went down before, or lost pongs while up, within the samples given */
function wasUnstable(samples: readonly Sample[]): boolean {
  const up = samples.filter((s) => s.connected);
  if (samples.some((s) => !s.connected)) return true;
  if (up.length < 2) return false;
  const a = up[0]!;
  const b = up[up.length - 1]!;
  if (a.txPing === null || b.txPing === null || a.rxPong === null || b.rxPong === null) return false;
  return b.txPing - a.txPing - (b.rxPong - a.rxPong) > MAX_PONG_DEFICIT;
}

/**
 * Keeps each member's link history across samples; a node's warning lasts while all its links stay
 * down and ends when a link comes back or the membership no longer has it (Corosync dropped it: the
 * membership change replaces the warning).
 */
export class WarningTracker {
  private nodes = new Map<number, NodeHistory>();
  private observer: number | null = null;

  update(input: WarningInput): UnreachableWarning[] {
    if (this.observer !== input.observerId) {
      this.nodes.clear();
      this.observer = input.observerId;
    }
    const members = new Set(input.view.observed.members);
    for (const id of [...this.nodes.keys()]) if (!members.has(id)) this.nodes.delete(id);
    for (const id of members) {
      if (id === input.observerId) continue;
      const history = this.nodes.get(id) ?? new NodeHistory(input.now);
      history.add(
        input.stats.filter((s) => s.nodeId === id),
        input.now,
      );
      this.nodes.set(id, history);
    }
    return this.current(input);
  }

  /** Re-evaluates the warnings against a newer quorum view without a new knet sample. */
  current(input: Omit<WarningInput, 'stats'>): UnreachableWarning[] {
    if (this.observer !== input.observerId) return [];
    const members = new Set(input.view.observed.members);
    const warned: { nodeId: number; since: number }[] = [];
    for (const [id, h] of this.nodes) {
      if (!members.has(id) || h.downSince === null || h.unstable) continue;
      if (input.now - h.downSince < HOLD_MS || h.downSince - h.firstAt < HOLD_MS) continue;
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

  reset(): void {
    this.nodes.clear();
    this.observer = null;
  }
}
