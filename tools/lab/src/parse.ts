// Just enough parsing of corosync tool output for the lab's own waits and `lab status`.
// (The dashboard's full parsers live in @quorate/corosync; the lab must not depend on work in progress there.)

export interface QuorumSummary {
  /** `Nodes:` — current members */
  members: number | null;
  quorate: boolean | null;
  expectedVotes: number | null;
  totalVotes: number | null;
  /** `Quorum: 2 Activity blocked` */
  activityBlocked: boolean;
}

function field(text: string, name: string): string | null {
  const m = new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*$`, 'm').exec(text);
  return m?.[1] ?? null;
}

function int(s: string | null): number | null {
  if (s === null) return null;
  const m = /^\d+/.exec(s);
  return m ? Number(m[0]) : null;
}

/** `corosync-quorumtool -s` */
export function parseQuorumStatus(text: string): QuorumSummary {
  const q = field(text, 'Quorate');
  return {
    members: int(field(text, 'Nodes')),
    quorate: q === 'Yes' ? true : q === 'No' ? false : null,
    expectedVotes: int(field(text, 'Expected votes')),
    totalVotes: int(field(text, 'Total votes')),
    activityBlocked: /Activity blocked/.test(field(text, 'Quorum') ?? ''),
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
  const links: LinkView[] = [];
  let current: LinkView | null = null;
  for (const line of text.split('\n')) {
    const head = /^LINK ID (\d+)/.exec(line);
    if (head) {
      current = { link: Number(head[1]), connected: [], disconnected: [] };
      links.push(current);
      continue;
    }
    const node = /^\s*nodeid:\s*(\d+):\s*(\S+)/.exec(line);
    if (node && current) {
      const id = Number(node[1]);
      if (node[2] === 'connected') current.connected.push(id);
      else if (node[2] !== 'localhost') current.disconnected.push(id);
    }
  }
  return links;
}
