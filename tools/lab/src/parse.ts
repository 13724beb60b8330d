// The lab's summaries of Corosync tool output, built on the dashboard's own parsers (@quorate/corosync)
// so there is one reading of each format.
import { parseCfgtoolStatus, parseQuorumtoolStatus } from '@quorate/corosync';

export interface QuorumSummary {
  /** `Nodes:` — current members */
  members: number | null;
  quorate: boolean | null;
  expectedVotes: number | null;
  totalVotes: number | null;
  /** `Quorum: 2 Activity blocked` */
  activityBlocked: boolean;
}

/** `corosync-quorumtool -s` */
export function parseQuorumStatus(text: string): QuorumSummary {
  const r = parseQuorumtoolStatus(text);
  const q = r.ok ? r.value : null;
  return {
    members: q?.quorum?.nodes ?? null,
    quorate: q?.quorum?.quorate ?? null,
    expectedVotes: q?.votequorum?.expectedVotes ?? null,
    totalVotes: q?.votequorum?.totalVotes ?? null,
    activityBlocked: q?.votequorum?.activityBlocked ?? false,
  };
}

export interface LinkView {
  link: number;
  /** peer node ids this node reaches on the link */
  connected: number[];
  disconnected: number[];
}

/** `corosync-cfgtool -s` (knet): one block per link, one status line per node id. */
export function parseLinkStatus(text: string): LinkView[] {
  const r = parseCfgtoolStatus(text);
  if (!r.ok) return [];
  return r.value.links.map((l) => ({
    link: l.link,
    connected: l.nodes.filter((n) => n.state === 'connected').map((n) => n.nodeId),
    disconnected: l.nodes.filter((n) => n.state !== 'connected' && n.state !== 'localhost').map((n) => n.nodeId),
  }));
}
