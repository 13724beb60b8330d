// What the views derive from a snapshot: missing nodes, the way back to quorum, link summaries, data age.
import type { ClusterNode, ClusterSnapshot } from '@quorate/model';
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
const numbers = new WeakMap<ClusterSnapshot, number[]>();
export function linkNumbers(s: ClusterSnapshot): number[] {
  // several panels ask per snapshot, and a large one has thousands of link reports
  const cached = numbers.get(s);
  if (cached) return cached;
  const set = new Set<number>();
  for (const l of s.links) set.add(l.link);
  for (const n of s.nodes) for (const a of n.addresses) set.add(a.link);
  const out = [...set].sort((a, b) => a - b);
  numbers.set(s, out);
  return out;
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
 * Every node's summary per link, in one pass over the links (a 32-node × 8-link snapshot has 7,936
 * observations, and a patch every 100 ms): per pair and link, whether any enabled report exists and
 * whether every one says connected; then per node, its live peers counted. Cached per snapshot.
 */
const summaries = new WeakMap<ClusterSnapshot, Map<number, Map<number, NodeLinkSummary>>>();
function allLinkSummaries(s: ClusterSnapshot): Map<number, Map<number, NodeLinkSummary>> {
  const cached = summaries.get(s);
  if (cached) return cached;
  const n = s.nodes.length;
  const at = new Map(s.nodes.map((node, i) => [node.id, i]));
  const links = linkNumbers(s);
  const slot = new Map(links.map((l, i) => [l, i]));
  // per link slot, an n × n matrix over unordered pairs: 1 = seen, 2 = seen with a disconnected report
  const seen = new Uint8Array(links.length * n * n);
  for (const o of s.links) {
    if (!o.enabled) continue;
    const a = at.get(o.from);
    const b = at.get(o.to);
    const k = slot.get(o.link);
    if (a === undefined || b === undefined || k === undefined || a === b) continue;
    const [i, j] = a < b ? [a, b] : [b, a];
    const cell = k * n * n + i * n + j;
    seen[cell] = (seen[cell] ?? 0) | (o.connected ? 1 : 3);
  }
  const live = liveNodeIds(s);
  const out = new Map<number, Map<number, NodeLinkSummary>>();
  s.nodes.forEach((node, a) => {
    const perLink = new Map<number, NodeLinkSummary>();
    links.forEach((link, k) => {
      let peers = 0;
      let connected = 0;
      let deadPeers = 0;
      let any = false;
      s.nodes.forEach((peer, b) => {
        if (a === b) return;
        const [i, j] = a < b ? [a, b] : [b, a];
        const v = seen[k * n * n + i * n + j] ?? 0;
        if (v !== 0) any = true;
        if (!live.has(peer.id)) {
          deadPeers++;
          return;
        }
        peers++;
        if (v === 1) connected++;
      });
      perLink.set(link, { link, peers, connected, deadPeers, unknown: !any });
    });
    out.set(node.id, perLink);
  });
  summaries.set(s, out);
  return out;
}

/**
 * Per link: to how many of its live peers is this node connected (either direction's report counts:
 * a pair is connected when every enabled report of it says so)?
 */
export function nodeLinkSummary(s: ClusterSnapshot, nodeId: number, link: number): NodeLinkSummary {
  return allLinkSummaries(s).get(nodeId)?.get(link) ?? { link, peers: 0, connected: 0, deadPeers: 0, unknown: true };
}

export function nodeName(s: ClusterSnapshot, id: number): string {
  return s.nodes.find((n) => n.id === id)?.name ?? `node ${id}`;
}
