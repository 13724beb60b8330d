// What the views derive from a snapshot: missing nodes, the way back to quorum, link summaries, data age.
import type { ClusterNode, ClusterSnapshot, LinkObservation } from '@quorate/model';
import type { SnapshotEntry } from '../live/cache';

/** data older than this is shown as stale, even with the socket up */
export const STALE_AFTER_MS = 10_000;

/** Age of the data: the source's observedAt, unless the server clock runs ahead of ours. */
export function dataAge(entry: SnapshotEntry, now: number): number {
  const { observedAt } = entry.snapshot;
  const base = observedAt <= entry.receivedAt + 1000 ? observedAt : entry.receivedAt;
  return Math.max(0, now - base);
}

/** configured nodes outside the observer's membership */
export function missingNodes(s: ClusterSnapshot): ClusterNode[] {
  if (!s.quorum) return s.nodes.filter((n) => n.state !== 'online');
  const members = new Set(s.quorum.members);
  return s.nodes.filter((n) => !members.has(n.id));
}

/** the fewest missing nodes (most votes first) whose return restores quorum */
export function linkNumbers(s: ClusterSnapshot): number[] {
  const set = new Set<number>();
  for (const l of s.links) set.add(l.link);
  for (const n of s.nodes) for (const a of n.addresses) set.add(a.link);
  return [...set].sort((a, b) => a - b);
}

export function linkKey(from: number, to: number, link: number): string {
  return `${from}:${to}:${link}`;
}

export function linkIndex(links: readonly LinkObservation[]): Map<string, LinkObservation> {
  return new Map(links.map((l) => [linkKey(l.from, l.to, l.link), l]));
}

export interface NodeLinkSummary {
  link: number;
  /** the live peers: online members other than the node (links to a dead peer are the dead node's row) */
  peers: number;
  connected: number;
  /** peers left out because they are offline, unknown or outside the membership */
  deadPeers: number;
  /** no observation at all for this node on this link */
  unknown: boolean;
}

/** the nodes whose links count: online, and in the observer's membership when there is one */
export function liveNodeIds(s: ClusterSnapshot): Set<number> {
  const members = s.quorum ? new Set(s.quorum.members) : null;
  return new Set(s.nodes.filter((n) => n.state === 'online' && (members === null || members.has(n.id))).map((n) => n.id));
}

/**
 * Per link: to how many of its live peers is this node connected (either direction's report counts
 * against it if down). A link to a dead peer is not this node's problem: one crashed node must not turn
 * every healthy row amber ("link0 14/15"); its own row says it is down.
 */
export function nodeLinkSummary(s: ClusterSnapshot, nodeId: number, link: number, index = linkIndex(s.links), live = liveNodeIds(s)): NodeLinkSummary {
  let peers = 0;
  let connected = 0;
  let deadPeers = 0;
  let seen = false;
  for (const peer of s.nodes) {
    if (peer.id === nodeId) continue;
    const obs = [index.get(linkKey(nodeId, peer.id, link)), index.get(linkKey(peer.id, nodeId, link))].filter(
      (o): o is LinkObservation => o !== undefined && o.enabled,
    );
    if (obs.length) seen = true;
    if (!live.has(peer.id)) {
      deadPeers++;
      continue;
    }
    peers++;
    if (obs.length && obs.every((o) => o.connected)) connected++;
  }
  return { link, peers, connected, deadPeers, unknown: !seen };
}

export function nodeName(s: ClusterSnapshot, id: number): string {
  return s.nodes.find((n) => n.id === id)?.name ?? `node ${id}`;
}
