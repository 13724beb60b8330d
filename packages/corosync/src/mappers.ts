// Parsed tool output -> the model's types (packages/model/src/snapshot.ts).
import { ClusterNode, LinkObservation, nodeVotes, type QuorumState } from '@quorate/model';
import type { CfgtoolStatus } from './cfgtool';
import { usToMs, type KnetLinkStats } from './knet-stats';
import type { MembershipTable } from './membership';
import type { QuorumtoolStatus } from './quorumtool-status';

/**
 * The model's QuorumState from a parsed `-s` / `-m` report. Null when the report has no votequorum
 * section (another quorum provider, or a fragment) or no membership table (a report cut short): the numbers
 * or the members are unknown then, never "no members".
 */
export function toQuorumState(status: QuorumtoolStatus): QuorumState | null {
  const vq = status.votequorum;
  if (!vq || !status.membership) return null;
  return {
    expectedVotes: vq.expectedVotes,
    highestExpected: vq.highestExpected,
    totalVotes: vq.totalVotes,
    quorum: vq.quorum,
    quorate: status.quorum?.quorate ?? vq.flags.includes('Quorate'),
    flags: [...vq.flags],
    ringId: status.quorum?.ringId ?? null,
    members: status.membership.rows
      .filter((r) => !r.isQdevice && r.nodeId <= 65535)
      .map((r) => r.nodeId)
      .sort((a, b) => a - b),
  };
}

/** What one membership row says about a node (the part of ClusterNode the table can know). */
export interface MemberNodeInfo {
  id: number;
  /** as printed: the node name, or an IP with -i; null when the tool printed none */
  name: string | null;
  votes: number | null;
  /** a listed node is in the observer's membership */
  state: 'online';
  local: boolean;
}

/** Membership rows (-l / pvecm nodes / the -s table) as partial node info; the Qdevice pseudo-row is left out. */
export function membersToNodeInfo(table: MembershipTable): MemberNodeInfo[] {
  return table.rows
    .filter((r) => !r.isQdevice)
    .map((r) => ({ id: r.nodeId, name: r.name === '' ? null : r.name, votes: r.votes, state: 'online' as const, local: r.local }));
}

/** A configured node, from cmap's nodelist.node.X.* or corosync.conf's nodelist. */
export interface NodelistEntry {
  nodeId: number | null;
  name: string | null;
  quorumVotes: number | null;
  addresses: { link: number; address: string }[];
}

/**
 * Every configured node as a model ClusterNode: online when in `memberIds`, offline when not, unknown
 * when there is no trustworthy view (`memberIds` null). Entries without a valid id or name are dropped.
 */
export function buildClusterNodes(nodelist: readonly NodelistEntry[], memberIds: readonly number[] | null): ClusterNode[] {
  const members = memberIds === null ? null : new Set(memberIds);
  const out: ClusterNode[] = [];
  for (const n of nodelist) {
    if (n.nodeId === null) continue;
    const candidate = ClusterNode.safeParse({
      id: n.nodeId,
      name: n.name ?? '',
      votes: nodeVotes(n.quorumVotes),
      state: members === null ? 'unknown' : members.has(n.nodeId) ? 'online' : 'offline',
      addresses: n.addresses.filter((a) => a.link >= 0 && a.link <= 7 && a.address !== ''),
      since: null,
    });
    if (candidate.success) out.push(candidate.data);
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * Packet loss between two samples of the same link's stats, from pings sent vs pongs received
 * (loss in either direction). Null when no ping went out in between or a counter went backwards (stats reset).
 */
export function knetPingLossPct(prev: KnetLinkStats, cur: KnetLinkStats): number | null {
  if (prev.txPingPackets === null || cur.txPingPackets === null || prev.rxPongPackets === null || cur.rxPongPackets === null) {
    return null;
  }
  const sent = cur.txPingPackets - prev.txPingPackets;
  const answered = cur.rxPongPackets - prev.rxPongPackets;
  if (sent <= 0 || answered < 0) return null;
  return Math.min(100, Math.max(0, (1 - answered / sent) * 100));
}

/**
 * knet stats as the `from` node sees them -> LinkObservation[]. The local node's own loopback entry
 * (knet lists it, mtu 65535, no latency samples) is skipped. Pass the previous sample to get loss.
 */
export function knetToLinkObservations(
  stats: readonly KnetLinkStats[],
  from: number,
  previous: readonly KnetLinkStats[] = [],
): LinkObservation[] {
  const prev = new Map(previous.map((p) => [`${p.nodeId}.${p.link}`, p]));
  const out: LinkObservation[] = [];
  for (const s of stats) {
    if (s.nodeId === from) continue;
    const before = prev.get(`${s.nodeId}.${s.link}`);
    const candidate = LinkObservation.safeParse({
      from,
      to: s.nodeId,
      link: s.link,
      // a filtered dump may lack `enabled`: a link with a connected state is a configured one
      enabled: s.enabled ?? s.connected !== null,
      connected: s.connected ?? false,
      latencyAvgMs: usToMs(s.latencyAveUs),
      latencyMaxMs: usToMs(s.latencyMaxUs),
      lossPct: before ? knetPingLossPct(before, s) : null,
      downCount: s.downCount ?? 0,
    });
    if (candidate.success) out.push(candidate.data);
  }
  return out;
}

/** `corosync-cfgtool -s` -> LinkObservation[] (no latency or counters: a fallback when stats are unreadable). */
export function cfgtoolToLinkObservations(status: CfgtoolStatus): LinkObservation[] {
  const from = status.localNodeId;
  if (from === null) return [];
  const out: LinkObservation[] = [];
  for (const link of status.links) {
    for (const n of link.nodes) {
      if (n.nodeId === from || n.state === 'localhost') continue;
      const candidate = LinkObservation.safeParse({
        from,
        to: n.nodeId,
        link: link.link,
        // -s lists only enabled links
        enabled: true,
        connected: n.state === 'connected',
        latencyAvgMs: null,
        latencyMaxMs: null,
        lossPct: null,
        downCount: 0,
      });
      if (candidate.success) out.push(candidate.data);
    }
  }
  return out;
}
