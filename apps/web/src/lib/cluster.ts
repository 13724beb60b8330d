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
  peers: number;
  connected: number;
  /** no observation at all for this node on this link */
  unknown: boolean;
}

/** per link: to how many peers is this node connected (either direction's report counts against it if down) */
export function nodeLinkSummary(s: ClusterSnapshot, nodeId: number, link: number, index = linkIndex(s.links)): NodeLinkSummary {
  let peers = 0;
  let connected = 0;
  let seen = false;
  for (const peer of s.nodes) {
    if (peer.id === nodeId) continue;
    peers++;
    const obs = [index.get(linkKey(nodeId, peer.id, link)), index.get(linkKey(peer.id, nodeId, link))].filter(
      (o): o is LinkObservation => o !== undefined && o.enabled,
    );
    if (obs.length) seen = true;
    if (obs.length && obs.every((o) => o.connected)) connected++;
  }
  return { link, peers, connected, unknown: !seen };
}

export function nodeName(s: ClusterSnapshot, id: number): string {
  return s.nodes.find((n) => n.id === id)?.name ?? `node ${id}`;
}
