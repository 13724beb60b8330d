// `corosync-quorumtool -s` (and -siH, and one block of -m): quorum, votequorum and membership.
import { QuorumFlag } from '@quorate/model';
import {
  parseMembershipHeader,
  parseMembershipRow,
  type MembershipTable,
} from './membership';
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { parseLabelLine, splitSections, type Section } from './sections';
import { hasLineBreak, parseNodeId, parseUInt } from './text';

export interface QuorumInfo {
  /** ctime() text as printed, e.g. `Wed Nov 25 22:30:55 2026` (the observed node's local time, no zone) */
  date: string;
  /** `corosync_votequorum`, or `Not configured` */
  provider: string;
  /** members in this node's view */
  nodes: number;
  /** the node the tool ran on */
  nodeId: number;
  /** as printed: `1.9` (hex rep node . hex seq) on corosync 3, `1/8` on old versions */
  ringId: string;
  quorate: boolean;
}

export interface VotequorumInfo {
  expectedVotes: number;
  highestExpected: number;
  totalVotes: number;
  /** votes needed */
  quorum: number;
  /** `Quorum: 2 Activity blocked` */
  activityBlocked: boolean;
  flags: QuorumFlag[];
  /** flag words this version does not know (kept, not dropped) */
  unknownFlags: string[];
}

export interface QuorumtoolStatus {
  quorum: QuorumInfo | null;
  /** null when votequorum is not the provider (or the section is missing) */
  votequorum: VotequorumInfo | null;
  membership: MembershipTable | null;
}

const KNOWN_FLAGS: ReadonlySet<string> = new Set(QuorumFlag.options);

type Out<T> = { ok: true; value: T } | { ok: false; result: ParseResult<never> };
const bad = (message: string, line: number, text?: string): Out<never> => ({ ok: false, result: fail(message, line, text) });

function labelled(section: Section, warnings: string[]): Map<string, { value: string; no: number; text: string }> {
  const out = new Map<string, { value: string; no: number; text: string }>();
  for (const l of section.lines) {
    if (l.text.trim() === '') continue;
    const kv = parseLabelLine(l.text);
    if (!kv) {
      warnings.push(`line ${l.no}: unexpected text in ${section.title}: ${JSON.stringify(l.text)}`);
      continue;
    }
    if (out.has(kv.label)) warnings.push(`line ${l.no}: repeated "${kv.label}" in ${section.title}; keeping the last`);
    out.set(kv.label, { value: kv.value, no: l.no, text: l.text });
  }
  return out;
}

function need(map: ReturnType<typeof labelled>, label: string, section: Section): Out<{ value: string; no: number; text: string }> {
  const v = map.get(label);
  return v ? { ok: true, value: v } : bad(`${section.title}: missing "${label}:" line`, section.no);
}

function needInt(map: ReturnType<typeof labelled>, label: string, section: Section, parse = parseUInt): Out<number> {
  const v = need(map, label, section);
  if (!v.ok) return v;
  const n = parse(v.value.value);
  return n === null ? bad(`${section.title}: "${label}" is not a number`, v.value.no, v.value.text) : { ok: true, value: n };
}

export function parseQuorumSection(section: Section, warnings: string[]): Out<QuorumInfo> {
  const map = labelled(section, warnings);
  const date = need(map, 'Date', section);
  if (!date.ok) return date;
  const provider = need(map, 'Quorum provider', section);
  if (!provider.ok) return provider;
  const nodes = needInt(map, 'Nodes', section);
  if (!nodes.ok) return nodes;
  const nodeId = needInt(map, 'Node ID', section, parseNodeId);
  if (!nodeId.ok) return nodeId;
  const ring = need(map, 'Ring ID', section);
  if (!ring.ok) return ring;
  const quorate = need(map, 'Quorate', section);
  if (!quorate.ok) return quorate;
  const q = quorate.value.value.trim();
  if (q !== 'Yes' && q !== 'No') return bad(`${section.title}: "Quorate" is neither Yes nor No`, quorate.value.no, quorate.value.text);
  return {
    ok: true,
    value: {
      date: date.value.value.trim(),
      provider: provider.value.value.trim(),
      nodes: nodes.value,
      nodeId: nodeId.value,
      ringId: ring.value.value.trim(),
      quorate: q === 'Yes',
    },
  };
}

export function parseVotequorumSection(section: Section, warnings: string[]): Out<VotequorumInfo> {
  const map = labelled(section, warnings);
  const expected = needInt(map, 'Expected votes', section);
  if (!expected.ok) return expected;
  const highest = needInt(map, 'Highest expected', section);
  if (!highest.ok) return highest;
  const total = needInt(map, 'Total votes', section);
  if (!total.ok) return total;
  const quorumLine = need(map, 'Quorum', section);
  if (!quorumLine.ok) return quorumLine;
  // "%d %s": a lone space when quorate, "Activity blocked" when not. Trimmed and split by hand: the
  // former /^\s*(\d+)\s*(.*?)\s*$/ was quadratic on a long blank run inside the note.
  const qText = quorumLine.value.value.trim();
  const digits = /^\d+/.exec(qText)?.[0];
  const quorum = parseUInt(digits);
  const note = digits === undefined ? '' : qText.slice(digits.length).trim();
  if (digits === undefined || quorum === null || hasLineBreak(note)) {
    return bad(`${section.title}: "Quorum" is not a number`, quorumLine.value.no, quorumLine.value.text);
  }
  if (note !== '' && note !== 'Activity blocked') {
    warnings.push(`line ${quorumLine.value.no}: unexpected note after quorum: ${JSON.stringify(note)}`);
  }
  const flagsLine = need(map, 'Flags', section);
  if (!flagsLine.ok) return flagsLine;
  const flags: QuorumFlag[] = [];
  const unknownFlags: string[] = [];
  for (const word of flagsLine.value.value.split(/\s+/).filter((w) => w !== '')) {
    // a Set lookup, not a schema parse per word: a hostile Flags line may hold half a million words
    if (KNOWN_FLAGS.has(word)) flags.push(word as QuorumFlag);
    else unknownFlags.push(word);
  }
  if (unknownFlags.length > 0) warnings.push(`line ${flagsLine.value.no}: unknown flags ${unknownFlags.join(' ')}`);
  return {
    ok: true,
    value: {
      expectedVotes: expected.value,
      highestExpected: highest.value,
      totalVotes: total.value,
      quorum,
      activityBlocked: note !== '',
      flags,
      unknownFlags,
    },
  };
}

export function parseMembershipSection(section: Section, warnings: string[]): Out<MembershipTable> {
  const content = section.lines.filter((l) => l.text.trim() !== '');
  const first = content[0];
  if (!first) return bad(`${section.title}: missing the column header`, section.no);
  const header = parseMembershipHeader(first.text);
  if (!header) return bad(`${section.title}: unrecognised column header`, first.no, first.text);
  const table: MembershipTable = { ...header, nodeIdFormat: null, rows: [] };
  const seen = new Set<number>();
  for (const l of content.slice(1)) {
    const parsed = parseMembershipRow(l.text, header);
    if (!parsed) {
      // e.g. "Unable to get node 3 info" interleaved by the tool
      warnings.push(`line ${l.no}: not a membership row: ${JSON.stringify(l.text)}`);
      continue;
    }
    if (seen.has(parsed.row.nodeId)) warnings.push(`line ${l.no}: node id ${parsed.row.nodeId} listed twice`);
    seen.add(parsed.row.nodeId);
    table.nodeIdFormat ??= parsed.hex ? 'hex' : 'decimal';
    table.rows.push(parsed.row);
  }
  return { ok: true, value: table };
}

/** Parses one status report. Sections it does not know (pvecm's "Cluster information") are warned about. */
export function parseQuorumtoolStatus(text: string): ParseResult<QuorumtoolStatus> {
  return guard('corosync-quorumtool -s', () => {
    const input = requireText(text, 'corosync-quorumtool -s');
    if (!input.ok) return input;
    const warnings: string[] = [];
    const report = splitSections(input.value);
    return buildStatus(report.sections, report.preamble, warnings, new Set(['Cluster information']));
  });
}

export function buildStatus(
  sections: Section[],
  preamble: { no: number; text: string }[],
  warnings: string[],
  foreign: Set<string>,
): ParseResult<QuorumtoolStatus> {
  const status: QuorumtoolStatus = { quorum: null, votequorum: null, membership: null };
  const seen = new Set<string>();
  for (const p of preamble) warnings.push(`line ${p.no}: text before the first section: ${JSON.stringify(p.text)}`);
  let recognised = 0;
  for (const section of sections) {
    if (seen.has(section.title)) {
      return fail(`second "${section.title}" section: more than one report in the input (split -m output first)`, section.no);
    }
    seen.add(section.title);
    if (section.title === 'Quorum information') {
      const r = parseQuorumSection(section, warnings);
      if (!r.ok) return r.result;
      status.quorum = r.value;
      recognised++;
    } else if (section.title === 'Votequorum information') {
      const r = parseVotequorumSection(section, warnings);
      if (!r.ok) return r.result;
      status.votequorum = r.value;
      recognised++;
    } else if (section.title === 'Membership information') {
      const r = parseMembershipSection(section, warnings);
      if (!r.ok) return r.result;
      status.membership = r.value;
      recognised++;
    } else if (!foreign.has(section.title)) {
      warnings.push(`line ${section.no}: section "${section.title}" ignored`);
    }
  }
  if (recognised === 0) {
    const first = preamble[0];
    return first
      ? fail('no quorum, votequorum or membership section found', first.no, first.text)
      : fail('no quorum, votequorum or membership section found');
  }
  const cut = completeness(status, sections);
  if (cut) return cut;
  crossCheck(status, warnings);
  return ok(status, warnings);
}

/**
 * A report cut short (output cap, a killed tool, a dropped connection) must not read as a state: quorate
 * with no members, or with members missing. What corosync-quorumtool always prints (display_quorum_data):
 * "Quorum information" (six lines, checked by parseQuorumSection); with votequorum as the provider, then
 * "Votequorum information" and "Membership information" with one row per member ("Nodes:") and, when a
 * QDevice is registered, its pseudo-row last. Without votequorum it stops after "Quorate:". A report without
 * the quorum section (a fragment) has no row count: its rows' votes must then add up to "Total votes".
 */
function completeness(s: QuorumtoolStatus, sections: Section[]): ParseResult<never> | null {
  const at = (title: string): number => sections.find((x) => x.title === title)?.no ?? 0;
  const votequorum = s.quorum ? s.quorum.provider === 'corosync_votequorum' : s.votequorum !== null;
  if (s.quorum && votequorum && !s.votequorum) {
    return fail('no "Votequorum information" section after a votequorum "Quorum information": the report is cut short');
  }
  if (!votequorum) return null;
  if (!s.membership) return fail('no "Membership information" section: the report is cut short');
  const rows = s.membership.rows;
  const members = rows.filter((r) => !r.isQdevice);
  if (s.quorum && members.length < s.quorum.nodes) {
    return fail(
      `Membership information: ${members.length} of ${s.quorum.nodes} member rows ("Nodes: ${s.quorum.nodes}"): the table is cut short`,
      at('Membership information'),
    );
  }
  if (rows.some((r) => r.qdevice?.registered) && !rows.some((r) => r.isQdevice)) {
    return fail('Membership information: a QDevice is registered but its row is missing: the table is cut short', at('Membership information'));
  }
  if (!s.quorum && s.votequorum && s.membership.hasVotes) {
    const sum = rows.reduce((n, r) => n + (r.votes ?? 0), 0);
    if (sum < s.votequorum.totalVotes) {
      return fail(
        `Membership information: the rows hold ${sum} of ${s.votequorum.totalVotes} votes ("Total votes"): the table is cut short`,
        at('Membership information'),
      );
    }
  }
  return null;
}

function crossCheck(s: QuorumtoolStatus, warnings: string[]): void {
  if (s.quorum && s.membership) {
    const members = s.membership.rows.filter((r) => !r.isQdevice).length;
    if (members !== s.quorum.nodes) warnings.push(`"Nodes: ${s.quorum.nodes}" but ${members} membership rows`);
    const local = s.membership.rows.find((r) => r.local);
    if (local && local.nodeId !== s.quorum.nodeId) {
      warnings.push(`"Node ID: ${s.quorum.nodeId}" but the (local) row is node ${local.nodeId}`);
    }
  }
  if (s.quorum && s.votequorum && s.votequorum.flags.includes('Quorate') !== s.quorum.quorate) {
    warnings.push(`"Quorate: ${s.quorum.quorate ? 'Yes' : 'No'}" disagrees with the Quorate flag`);
  }
}

/**
 * Splits a ring id into its representative node and sequence: `1.1a8` (corosync 3, both hex) or `1/8`
 * (older quorumtool, both decimal). Null for anything else.
 */
export function parseRingId(ringId: string): { representative: number; sequence: number } | null {
  const t = ringId.trim();
  let m = /^([0-9a-f]+)\.([0-9a-f]+)$/i.exec(t);
  if (m && m[1] !== undefined && m[2] !== undefined) {
    const representative = Number.parseInt(m[1], 16);
    const sequence = Number.parseInt(m[2], 16);
    return Number.isSafeInteger(representative) && Number.isSafeInteger(sequence) ? { representative, sequence } : null;
  }
  m = /^(\d+)\/(\d+)$/.exec(t);
  if (m && m[1] !== undefined && m[2] !== undefined) {
    const representative = Number(m[1]);
    const sequence = Number(m[2]);
    return Number.isSafeInteger(representative) && Number.isSafeInteger(sequence) ? { representative, sequence } : null;
  }
  return null;
}
