// `corosync-cfgtool -s` (links, per node status) and `-n` (reachable nodes, per link detail).
// tools/corosync-cfgtool.c. Parsed loosely: older releases print `Printing link status.`, `LINK ID 0`
// without a transport, other spacing, and corosync 2 printed `RING ID 0` / `id = ...` / `status = ...`.
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { hasLineBreak, splitLines } from './text';

export type CfgtoolLinkState = 'localhost' | 'connected' | 'disconnected' | 'other';

export interface CfgtoolLinkNode {
  nodeId: number;
  state: CfgtoolLinkState;
  /** the word as printed */
  raw: string;
}

export interface CfgtoolLink {
  link: number;
  /** `udp`/`sctp` after `LINK ID n`; null when not printed (corosync < 3.1.5) */
  transport: string | null;
  /** this node's address on the link */
  address: string | null;
  nodes: CfgtoolLinkNode[];
  /** `-b` brief status (`n33`), decoded by decodeBriefStatus */
  brief: string | null;
  /** corosync 2 style `status = ring 0 active with no faults` */
  legacyStatus: string | null;
}

export interface CfgtoolStatus {
  localNodeId: number | null;
  /** from `Local node ID 1, transport knet`; null on versions that do not print it */
  transport: string | null;
  links: CfgtoolLink[];
}

function header(line: string): { localNodeId: number; transport: string | null } | null {
  const m = /^\s*Local node ID\s+(\d+)(?:,\s*transport\s+(\S+))?\s*$/.exec(line);
  if (!m || m[1] === undefined) return null;
  return { localNodeId: Number(m[1]), transport: m[2] ?? null };
}

/**
 * The trimmed rest of a `key = value` line whose start matches `prefix`; null when it does not, or when the
 * value holds a line break. Trimmed by hand: `\s*(.*?)\s*$` is quadratic on a long blank run in the value.
 */
function valueAfter(line: string, prefix: RegExp): string | null {
  const m = prefix.exec(line);
  if (!m) return null;
  const value = line.slice(m[0].length).trim();
  return hasLineBreak(value) ? null : value;
}

function stateOf(word: string): CfgtoolLinkState {
  return word === 'localhost' || word === 'connected' || word === 'disconnected' ? word : 'other';
}

export function parseCfgtoolStatus(text: string): ParseResult<CfgtoolStatus> {
  return guard('corosync-cfgtool -s', () => {
    const input = requireText(text, 'corosync-cfgtool -s');
    if (!input.ok) return input;
    const out: CfgtoolStatus = { localNodeId: null, transport: null, links: [] };
    const warnings: string[] = [];
    let link: CfgtoolLink | null = null;
    let sawHeader = false;
    const lines = splitLines(input.value);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const no = i + 1;
      if (line.trim() === '' || /^\s*Printing (link|ring) status\.\s*$/.test(line)) continue;
      const h = header(line);
      if (h) {
        if (sawHeader) return fail('second "Local node ID" header: more than one report in the input', no, line);
        sawHeader = true;
        out.localNodeId = h.localNodeId;
        out.transport = h.transport;
        continue;
      }
      const lm = /^\s*(?:LINK|RING) ID\s+(\d+)(?:\s+(\S+))?\s*$/.exec(line);
      if (lm && lm[1] !== undefined) {
        const n = Number(lm[1]);
        if (out.links.some((l) => l.link === n)) return fail(`link ${n} listed twice`, no, line);
        link = { link: n, transport: lm[2] ?? null, address: null, nodes: [], brief: null, legacyStatus: null };
        out.links.push(link);
        continue;
      }
      if (!link) {
        warnings.push(`line ${no}: text outside a link: ${JSON.stringify(line)}`);
        continue;
      }
      const address = valueAfter(line, /^\s*(?:addr|id)\s*=/);
      if (address !== null) {
        link.address = address === '' ? null : address;
        continue;
      }
      if (/^\s*status:\s*$/.test(line)) continue;
      const nm = /^\s*nodeid:?\s*(\d+):?\s+(\S+)\s*$/.exec(line);
      if (nm && nm[1] !== undefined && nm[2] !== undefined) {
        const nodeId = Number(nm[1]);
        if (link.nodes.some((x) => x.nodeId === nodeId)) warnings.push(`line ${no}: node ${nodeId} listed twice on link ${link.link}`);
        link.nodes.push({ nodeId, state: stateOf(nm[2]), raw: nm[2] });
        if (stateOf(nm[2]) === 'other') warnings.push(`line ${no}: unknown link state ${JSON.stringify(nm[2])}`);
        continue;
      }
      const status = valueAfter(line, /^\s*status\s*=/);
      if (status !== null) {
        if (/^[n0-9?d]+$/.test(status)) link.brief = status;
        else link.legacyStatus = status;
        continue;
      }
      warnings.push(`line ${no}: unrecognised: ${JSON.stringify(line)}`);
    }
    if (!sawHeader && out.links.length === 0) {
      const first = lines.findIndex((l) => l.trim() !== '');
      return first >= 0
        ? fail('not corosync-cfgtool -s output (no "Local node ID" and no links)', first + 1, lines[first])
        : fail('empty input');
    }
    if (!sawHeader) warnings.push('no "Local node ID" line');
    if (out.localNodeId !== null) {
      for (const l of out.links) {
        const self = l.nodes.find((x) => x.state === 'localhost');
        if (self && self.nodeId !== out.localNodeId) warnings.push(`link ${l.link}: localhost is node ${self.nodeId}, not ${out.localNodeId}`);
      }
    }
    return ok(out, warnings);
  });
}

export interface BriefNodeStatus {
  /** position in node-id order (the brief format does not print ids) */
  index: number;
  local: boolean;
  enabled: boolean | null;
  connected: boolean | null;
  /** `?`: unknown; `d`: configuration error */
  problem: 'unknown' | 'config-error' | null;
}

/** Decodes `-s -b` status chars: `n` local, digit = enabled(1) + connected(2), `?` unknown, `d` config error. */
export function decodeBriefStatus(brief: string): BriefNodeStatus[] {
  return [...brief].map((c, index) => {
    if (c === 'n') return { index, local: true, enabled: true, connected: true, problem: null };
    if (c >= '0' && c <= '3') {
      const v = c.charCodeAt(0) - 48;
      return { index, local: false, enabled: (v & 1) !== 0, connected: (v & 2) !== 0, problem: null };
    }
    return { index, local: false, enabled: null, connected: null, problem: c === 'd' ? 'config-error' : 'unknown' };
  });
}

export interface CfgtoolNodeLink {
  link: number;
  transport: string | null;
  sourceAddress: string | null;
  destinationAddress: string | null;
  enabled: boolean;
  connected: boolean;
  dynconnected: boolean;
  mtu: number | null;
}

export interface CfgtoolNode {
  nodeId: number;
  /** only reachable nodes are printed, so this is true for every listed node */
  reachable: boolean;
  remote: boolean;
  external: boolean;
  onwire: { min: number; max: number; current: number } | null;
  links: CfgtoolNodeLink[];
}

export interface CfgtoolNodes {
  localNodeId: number | null;
  transport: string | null;
  /** reachable remote nodes; an isolated node lists none */
  nodes: CfgtoolNode[];
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/**
 * `LINK: 0 udp (198.18.0.11->198.18.0.12) enabled connected mtu: 1397`, read left to right by hand. The former
 * `^\s*LINK:?\s*(\d+)\s*([^\s(]*)\s*\(([^)]*)\)(.*)$` let the digits and the transport word share a digit run,
 * which made a long `LINK: 111…` line quadratic; this reads the same lines.
 */
function linkLine(line: string): { link: string; transport: string; inside: string; tail: string } | null {
  const m = /^\s*LINK:?\s*(\d+)/.exec(line);
  if (!m || m[1] === undefined) return null;
  let i = m[0].length;
  while (isSpace(line[i])) i++;
  const wordStart = i;
  while (i < line.length && !isSpace(line[i]) && line[i] !== '(') i++;
  const transport = line.slice(wordStart, i);
  while (isSpace(line[i])) i++;
  if (line[i] !== '(') return null;
  const close = line.indexOf(')', i + 1);
  if (close < 0) return null;
  const tail = line.slice(close + 1);
  if (hasLineBreak(tail)) return null;
  return { link: m[1], transport, inside: line.slice(i + 1, close), tail };
}

export function parseCfgtoolNodes(text: string): ParseResult<CfgtoolNodes> {
  return guard('corosync-cfgtool -n', () => {
    const input = requireText(text, 'corosync-cfgtool -n');
    if (!input.ok) return input;
    const out: CfgtoolNodes = { localNodeId: null, transport: null, nodes: [] };
    const warnings: string[] = [];
    let node: CfgtoolNode | null = null;
    let sawHeader = false;
    const lines = splitLines(input.value);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const no = i + 1;
      if (line.trim() === '') continue;
      const h = header(line);
      if (h) {
        if (sawHeader) return fail('second "Local node ID" header: more than one report in the input', no, line);
        sawHeader = true;
        out.localNodeId = h.localNodeId;
        out.transport = h.transport;
        continue;
      }
      // the prefix alone, then the rest by hand: `(\d+):?(.*)$` retried every digit split when the line
      // held a line break (quadratic on a long digit run)
      const nm = /^\s*nodeid:?\s*(\d+):?/.exec(line);
      const rest = nm ? line.slice(nm[0].length) : '';
      if (nm && nm[1] !== undefined && !hasLineBreak(rest) && !/^\s*LINK/.test(line)) {
        const onwire = /onwire \(min\/max\/cur\):\s*(\d+),\s*(\d+),\s*(\d+)/.exec(rest);
        const onwireAt = rest.indexOf('onwire');
        const words = (onwireAt >= 0 ? rest.slice(0, onwireAt) : rest).trim().split(/\s+/).filter((w) => w !== '');
        node = {
          nodeId: Number(nm[1]),
          reachable: words.includes('reachable'),
          remote: words.includes('remote'),
          external: words.includes('external'),
          onwire:
            onwire && onwire[1] !== undefined && onwire[2] !== undefined && onwire[3] !== undefined
              ? { min: Number(onwire[1]), max: Number(onwire[2]), current: Number(onwire[3]) }
              : null,
          links: [],
        };
        if (out.nodes.some((n) => n.nodeId === node?.nodeId)) warnings.push(`line ${no}: node ${node.nodeId} listed twice`);
        out.nodes.push(node);
        continue;
      }
      const lm = linkLine(line);
      if (lm && node) {
        const inside = lm.inside;
        const arrow = inside.indexOf('->');
        const src = arrow >= 0 ? inside.slice(0, arrow).trim() : inside.trim();
        const dst = arrow >= 0 ? inside.slice(arrow + 2).trim() : '';
        const tail = lm.tail;
        const mtu = /mtu:\s*(\d+)/.exec(tail);
        const mtuAt = tail.indexOf('mtu:');
        const words = (mtuAt >= 0 ? tail.slice(0, mtuAt) : tail).trim().split(/\s+/);
        node.links.push({
          link: Number(lm.link),
          transport: lm.transport === '' ? null : lm.transport,
          sourceAddress: src === '' ? null : src,
          destinationAddress: dst === '' ? null : dst,
          enabled: words.includes('enabled'),
          connected: words.includes('connected'),
          dynconnected: words.includes('dynconnected'),
          mtu: mtu?.[1] !== undefined ? Number(mtu[1]) : null,
        });
        continue;
      }
      warnings.push(`line ${no}: unrecognised: ${JSON.stringify(line)}`);
    }
    if (!sawHeader && out.nodes.length === 0) {
      const first = lines.findIndex((l) => l.trim() !== '');
      return first >= 0 ? fail('not corosync-cfgtool -n output', first + 1, lines[first]) : fail('empty input');
    }
    if (!sawHeader) warnings.push('no "Local node ID" line');
    return ok(out, warnings);
  });
}
