// The cluster's state in one word, for the hero, the tab title and the favicon: healthy (quorate with
// margin, nothing missing), degraded (quorate, but something is wrong or one failure from losing it),
// lost (not quorate) or unknown (no node could be asked). Green only for healthy: every degraded state
// carries its reasons in words, each with what fixes it.
import type { ClusterSnapshot } from './snapshot';
import { configuredExpected, expectedVotesOrigin, type ObservedView } from './observed';
import { failureTolerance } from './tolerance';
import { nameList, plural } from './describe';

export type HealthState = 'healthy' | 'degraded' | 'lost' | 'unknown';

export type HealthReasonCode = 'partitioned' | 'nodes-offline' | 'no-margin' | 'two-node' | 'expected-override' | 'qdevice-lost' | 'links-down';

export interface HealthReason {
  code: HealthReasonCode;
  /** what is wrong, in words */
  text: string;
  /** what fixes it */
  fix: string;
}

export interface ClusterHealth {
  state: HealthState;
  /** why it is degraded (most important first); empty when healthy, lost or unknown */
  reasons: HealthReason[];
}

function observedView(s: ClusterSnapshot): ObservedView | null {
  if (!s.quorum) return null;
  return {
    options: s.cluster.quorumOptions,
    nodes: s.nodes.map((n) => ({ id: n.id, votes: n.votes })),
    qdevice: s.qdevice ? { votes: s.qdevice.votes, algorithm: s.qdevice.algorithm, castsVote: s.qdevice.castsVote } : null,
    observed: s.quorum,
  };
}

/** links down between two nodes that are both members: fewer working links than configured */
function linksDown(s: ClusterSnapshot): { pairs: string[]; links: Set<number> } {
  const members = new Set(s.quorum?.members ?? []);
  const name = new Map(s.nodes.map((n) => [n.id, n.name]));
  const seen = new Set<string>();
  const pairs: string[] = [];
  const links = new Set<number>();
  for (const l of s.links) {
    if (!l.enabled || l.connected || !members.has(l.from) || !members.has(l.to)) continue;
    const [a, b] = l.from < l.to ? [l.from, l.to] : [l.to, l.from];
    const key = `${a}-${b}-${l.link}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.add(l.link);
    pairs.push(`link${l.link} ${name.get(a) ?? a}–${name.get(b) ?? b}`);
  }
  return { pairs, links };
}

export function clusterHealth(s: ClusterSnapshot): ClusterHealth {
  const q = s.quorum;
  const view = observedView(s);
  if (!q || !view) return { state: 'unknown', reasons: [] };
  if (!q.quorate) return { state: 'lost', reasons: [] };
  const reasons: HealthReason[] = [];
  const t = failureTolerance(s);

  if (s.partitioned)
    reasons.push({
      code: 'partitioned',
      text: 'partitioned: reachable nodes disagree on membership',
      fix: 'find the cut between the groups (switch, cable, firewall on the Corosync networks); they merge by themselves once they reach each other',
    });
  const offline = t?.offlineNodes ?? [];
  if (offline.length > 0)
    reasons.push({
      code: 'nodes-offline',
      text: `${nameList(offline.map((n) => n.name))} ${offline.length === 1 ? 'is' : 'are'} offline (${s.nodes.length - offline.length} of ${s.nodes.length} nodes online)`,
      fix: `start ${offline.length === 1 ? 'it' : 'them'} again, or remove a node for good with pvecm delnode`,
    });
  const origin = expectedVotesOrigin(view);
  if (origin === 'manual')
    reasons.push({
      code: 'expected-override',
      text: `quorate only by a manual override: expected votes ${q.expectedVotes} (configured ${configuredExpected(view)}, set with pvecm expected)`,
      fix: 'bring the missing nodes back: Corosync returns to the configured expected votes when they rejoin',
    });
  if (s.qdevice && (!s.qdevice.castsVote || s.qdevice.state !== 'connected'))
    reasons.push({
      code: 'qdevice-lost',
      text: `the QDevice${s.qdevice.host ? ` (${s.qdevice.host})` : ''} is ${s.qdevice.state === 'connected' ? 'connected but its vote does not count here' : s.qdevice.state}: its ${plural(s.qdevice.votes, 'vote')} ${s.qdevice.votes === 1 ? 'is' : 'are'} missing`,
      fix: 'check corosync-qnetd on the QDevice host and the network to it (corosync-qdevice-tool -s on a node)',
    });
  const down = linksDown(s);
  if (down.pairs.length > 0)
    reasons.push({
      code: 'links-down',
      text: `fewer working links than configured: ${down.pairs.length <= 3 ? down.pairs.join(', ') : `${plural(down.pairs.length, 'link')} down between members`} (${[...down.links].map((l) => `link${l}`).join(', ')})`,
      fix: 'check the NICs and switch ports of that Corosync network; with every link of a pair down the pair loses contact',
    });
  // two nodes and no QDevice: amber by design, whatever two_node does (it trades quorum loss for a fencing race)
  if (s.nodes.length === 2 && !s.qdevice)
    reasons.push({
      code: 'two-node',
      text: q.flags.includes('2Node')
        ? 'a 2-node cluster without a QDevice: two_node keeps quorum on one node, but a cut between them leaves both sides racing to fence'
        : 'can lose 0 more: a 2-node cluster without a QDevice loses quorum when either node fails',
      fix: 'add a QDevice on a third machine (pvecm qdevice setup <address>) or a third node',
    });
  else if (t && t.nodesCanLose === 0)
    reasons.push({
      code: 'no-margin',
      text: 'can lose 0 more: one more node failure loses quorum',
      fix: offline.length > 0 ? 'bring the offline nodes back to regain margin' : 'add a node or a QDevice to gain margin',
    });
  return { state: reasons.length > 0 ? 'degraded' : 'healthy', reasons };
}
