// The "Membership information" table that corosync-quorumtool prints for -s, -l and -m
// (tools/corosync-quorumtool.c, display_nodes_data).
import { hasLineBreak, parseNodeId, parseUInt } from './text';

/** The per-node Qdevice column: `A,V,NMW` style flags, or `NR` when no QDevice is registered on that node. */
export interface QdeviceColumn {
  raw: string;
  registered: boolean;
  /** A / NA: this node's qdevice daemon reaches qnetd */
  alive: boolean | null;
  /** V / NV: the device casts its vote for this node's partition */
  castsVote: boolean | null;
  /** MW / NMW: master wins */
  masterWins: boolean | null;
}

export interface MembershipRow {
  /** decimal value, whether printed as `3` or `0x00000003` */
  nodeId: number;
  /** null when the tool printed no Votes column (quorum provider is not votequorum) */
  votes: number | null;
  /** node name (or IP with -i); may be empty when the tool could not resolve it */
  name: string;
  /** the row of the node the tool ran on */
  local: boolean;
  qdevice: QdeviceColumn | null;
  /** the `0x00000000 ... Qdevice` pseudo-row for the quorum device itself */
  isQdevice: boolean;
  /** on the pseudo-row: the device's votes from ` (votes N)`, printed when they are not cast here */
  qdeviceVotes: number | null;
}

export interface MembershipTable {
  hasVotes: boolean;
  hasQdeviceColumn: boolean;
  nodeIdFormat: 'decimal' | 'hex' | null;
  rows: MembershipRow[];
}

export interface MembershipHeader {
  hasVotes: boolean;
  hasQdeviceColumn: boolean;
}

/** Recognises the column header line (`    Nodeid      Votes    Qdevice Name`). */
export function parseMembershipHeader(line: string): MembershipHeader | null {
  const tokens = line.trim().split(/\s+/);
  if (tokens[0] !== 'Nodeid' || tokens[tokens.length - 1] !== 'Name') return null;
  const middle = tokens.slice(1, -1);
  if (middle.some((t) => t !== 'Votes' && t !== 'Qdevice')) return null;
  return { hasVotes: middle.includes('Votes'), hasQdeviceColumn: middle.includes('Qdevice') };
}

const QDEVICE_FLAGS = /^(NA|A),(NV|V),(NMW|MW)$/;

export function parseQdeviceColumn(raw: string): QdeviceColumn | null {
  if (raw === 'NR') return { raw, registered: false, alive: null, castsVote: null, masterWins: null };
  const m = QDEVICE_FLAGS.exec(raw);
  if (!m) return null;
  return { raw, registered: true, alive: m[1] === 'A', castsVote: m[2] === 'V', masterWins: m[3] === 'MW' };
}

/** Parses one table row; null when the line is not a row (callers report it). */
export function parseMembershipRow(line: string, header: MembershipHeader): { row: MembershipRow; hex: boolean } | null {
  // Columns are space padded; consume them as whitespace-separated tokens, the rest is the name.
  let rest = line;
  const take = (pattern: RegExp): string | null => {
    const m = pattern.exec(rest);
    if (!m || m[1] === undefined) return null;
    rest = rest.slice(m[0].length);
    return m[1];
  };

  const idText = take(/^\s*(\S+)(?=\s|$)/);
  const nodeId = parseNodeId(idText ?? undefined);
  if (idText === null || nodeId === null) return null;

  let votes: number | null = null;
  if (header.hasVotes) {
    votes = parseUInt(take(/^\s+(\d+)(?=\s|$)/) ?? undefined);
    if (votes === null) return null;
  }

  let qdevice: QdeviceColumn | null = null;
  if (header.hasQdeviceColumn) {
    // Blank on the pseudo-row; a real row always has flags or NR (a row without is cut short or garbled).
    const peek = /^\s+(\S+)(?=\s|$)/.exec(rest);
    const candidate = peek?.[1] !== undefined ? parseQdeviceColumn(peek[1]) : null;
    if (candidate && peek) {
      qdevice = candidate;
      rest = rest.slice(peek[0].length);
    } else if (nodeId !== 0) return null;
  }

  let name = rest.trim();
  let local = false;
  const localMatch = /(?:^|\s)\(local\)$/.exec(name);
  if (localMatch) {
    local = true;
    name = name.slice(0, localMatch.index).trim();
  }
  const isQdevice = nodeId === 0;
  let qdeviceVotes: number | null = null;
  if (isQdevice) {
    // `<name> (votes N)`: found from the end (a `^(.*?)\s*\(votes (\d+)\)$` regex was quadratic on blank runs)
    const open = name.lastIndexOf('(votes ');
    const votesText = open >= 0 && name.endsWith(')') ? name.slice(open + 7, -1) : '';
    const before = open >= 0 ? name.slice(0, open).trimEnd() : '';
    if (/^\d+$/.test(votesText) && !hasLineBreak(before)) {
      name = before;
      qdeviceVotes = parseUInt(votesText);
    }
  }
  return { row: { nodeId, votes, name, local, qdevice, isQdevice, qdeviceVotes }, hex: /^0x/i.test(idText) };
}
