// What a prediction depends on, as one short string: which nodes run (and their votes), the membership and
// quorum as the observer sees it, which links are down, the QDevice, the configured quorum options and token.
// The what-if, reboot and advisor queries are keyed by it, so they are asked again when the cluster changes —
// not on every patch that moves a latency (the BFF recomputes per snapshot revision otherwise).
import type { ClusterSnapshot } from '@quorate/model';

/** FNV-1a over a string: a short, stable stand-in for a long one */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

const cache = new WeakMap<ClusterSnapshot, string>();

export function sceneKey(s: ClusterSnapshot): string {
  const cached = cache.get(s);
  if (cached !== undefined) return cached;
  const nodes = s.nodes.map((n) => `${n.id}${n.state[0]}${n.votes}`).join(',');
  const q = s.quorum ? `${s.quorum.quorate ? 'Q' : 'q'}${s.quorum.totalVotes}/${s.quorum.expectedVotes}/${s.quorum.quorum}/${s.quorum.members.join('.')}` : '-';
  const down: string[] = [];
  for (const l of s.links) if (!l.enabled || !l.connected) down.push(`${l.from}>${l.to}:${l.link}`);
  const views = s.views.map((v) => `${v.nodeId}${v.reachable ? (v.quorum?.members.join('.') ?? '?') : 'x'}`).join(',');
  const qd = s.qdevice ? `${s.qdevice.state}${s.qdevice.castsVote ? 1 : 0}${s.qdevice.votes}` : '-';
  const config = `${s.cluster.configVersion ?? ''}${JSON.stringify(s.cluster.quorumOptions)}${s.cluster.tokenMs ?? ''}`;
  const key = `${s.clusterId}|${s.nodes.length}n|${fnv([nodes, q, down.join(','), views, qd, config, s.links.length].join('|'))}`;
  cache.set(s, key);
  return key;
}
