// Link health on the page: a link's figures against the cluster's thresholds (good, slow, bad), and which
// node pairs have a link-degraded that is still open (from the feed's events and incidents). Pure.
import type { ClusterEvent, Incident } from '@quorate/model';
import type { LinkThresholds } from '../api/links';

/** one pair (either order) and link */
export function pairLinkId(x: number, y: number, link: number): string {
  return x < y ? `${x}:${y}:${link}` : `${y}:${x}:${link}`;
}

export type LinkLevel = 'good' | 'slow' | 'bad';

/**
 * good: at or under the warn mark with no loss worth a look; slow: above the warn mark; bad: above the
 * bad mark or above the loss limit (what becomes link-degraded once it lasts the cluster's sustain time).
 */
export function linkLevel(latencyMs: number | null, lossPct: number | null, t: LinkThresholds): LinkLevel {
  if ((latencyMs !== null && latencyMs > t.badLatencyMs) || (lossPct !== null && lossPct > t.lossPct)) return 'bad';
  if ((latencyMs !== null && latencyMs > t.warnLatencyMs) || (lossPct !== null && lossPct > t.lossPct / 2)) return 'slow';
  return 'good';
}

/**
 * The pairs and links (pairLinkId) whose newest link-degraded/-recovered event among `events` is a
 * link-degraded that no closed incident holds: the link is degraded now.
 */
export function openDegradedLinks(events: readonly ClusterEvent[], incidents: readonly Incident[]): Set<string> {
  const newest = new Map<string, ClusterEvent>();
  for (const e of events) {
    const b = e.body;
    if (b.type !== 'link-degraded' && b.type !== 'link-recovered') continue;
    const id = pairLinkId(b.from, b.to, b.link);
    const seen = newest.get(id);
    if (!seen || e.seq > seen.seq) newest.set(id, e);
  }
  const closed = new Set(incidents.filter((i) => i.endedAt !== null).flatMap((i) => i.eventSeqs));
  const out = new Set<string>();
  for (const [id, e] of newest) if (e.body.type === 'link-degraded' && !closed.has(e.seq)) out.add(id);
  return out;
}
