// `corosync-qdevice-tool -s` / `-sv`: the QDevice daemon's own view (corosync-qdevice qdevices/qdevice-ipc-cmd.c
// and qdevice-net-ipc-cmd.c): a "Qdevice information" section (model, node id, config node list, membership,
// with -sv the quorum view and the last poll), then the model's "Qdevice-net information" (cluster name,
// qnetd host:port, algorithm, tie-breaker, connection state; with -sv timers, TLS, connected since).
// Labels and values are tab-separated. A report cut short fails (no net section, no State line, a value that
// is not one the tool prints), never gives a state the whole report would not.
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { hasLineBreak, parseUInt, splitLines, trimEndOf } from './text';

/** The algorithms corosync-qdevice names (tlv.c tlv_decision_algorithm_type_to_str). */
export type QdeviceAlgorithmId = 'ffsplit' | 'lms' | '2nodelms' | 'test';

export interface QdeviceAlgorithmView {
  /** as printed, e.g. `Fifty-Fifty split` or (qnetd-tool) `Fifty-Fifty split (KAP Tie-breaker)` */
  raw: string;
  id: QdeviceAlgorithmId | null;
}

export interface TieBreakerView {
  raw: string;
  mode: 'lowest' | 'highest' | 'node' | null;
  /** the node of `Node with node ID N` */
  nodeId: number | null;
}

/** `State:` of the net model: the only value printed while its vote can count is `Connected` */
export const QDEVICE_NET_STATES = ['Connected', 'Connecting', 'Connect failed', 'Disconnected'] as const;
export type QdeviceNetState = (typeof QDEVICE_NET_STATES)[number];

export interface QdeviceNetStatus {
  clusterName: string | null;
  /** `QNetd host:` host (name or address as configured) and port */
  qnetdHost: string | null;
  qnetdPort: number | null;
  algorithm: QdeviceAlgorithmView | null;
  tieBreaker: TieBreakerView | null;
  state: QdeviceNetState;
  connected: boolean;
  /** -sv only (null otherwise) */
  connectTimeoutMs: number | null;
  heartbeatIntervalMs: number | null;
  voteTimerIntervalMs: number | null;
  /** `TLS:` Supported / Unsupported / Required */
  tls: string | null;
  /** `KAP Tie-breaker:` Enabled / Disabled / … */
  kapTieBreaker: string | null;
  /** `Poll timer running: Yes (cast vote)` */
  pollTimer: { running: boolean; castVote: boolean } | null;
  /** `TLS active: Yes (client certificate sent)` (printed only while connected) */
  tlsActive: { active: boolean; clientCertificateSent: boolean } | null;
  /** `Connected since:` as printed (`2026-12-02T14:44:16`, the node's local time) */
  connectedSince: string | null;
  echoReplyReceived: string | null;
  /** `Heuristics result:` when heuristics are enabled */
  heuristicsResult: string | null;
}

export interface QdeviceToolStatus {
  /** lines only `-sv` prints were seen */
  verbose: boolean;
  /** `Model:` (`Net`) */
  model: string;
  nodeId: number;
  /** `Configuration version:` (printed once the node list's version is known) */
  configVersion: number | null;
  configuredNodes: { nodeId: number; dataCenterId: number | null }[];
  /** `Membership node list:` (votequorum's current members) */
  membershipNodes: number[];
  /** -sv only */
  heartbeatIntervalMs: number | null;
  syncHeartbeatIntervalMs: number | null;
  heuristics: string | null;
  ringId: string | null;
  quorate: boolean | null;
  quorumNodes: { nodeId: number; state: string }[] | null;
  expectedVotes: number | null;
  /** `Last poll call:` null at = `Never` */
  lastPoll: { at: string | null; castVote: boolean } | null;
  /** the model's section (`Qdevice-net information`); null only for a model other than Net */
  net: QdeviceNetStatus | null;
}

interface Line {
  no: number;
  text: string;
}

/** `Label:<tabs>value`; labels are letters, spaces, `-` and `/` (`Tie-breaker`, `QNetd host`). */
export function splitToolLabel(text: string): { label: string; value: string } | null {
  const colon = text.indexOf(':');
  if (colon < 1) return null;
  const label = text.slice(0, colon).trim();
  if (!/^[A-Za-z][A-Za-z /-]*$/.test(label)) return null;
  let from = colon + 1;
  while (text[from] === ' ' || text[from] === '\t') from++;
  const value = trimEndOf(text.slice(from));
  return hasLineBreak(value) ? null : { label, value };
}

export function parseAlgorithm(raw: string): QdeviceAlgorithmView {
  const base = raw.replace(/\s*\(KAP Tie-breaker\)$/, '');
  const ids: Record<string, QdeviceAlgorithmId> = { 'Fifty-Fifty split': 'ffsplit', LMS: 'lms', '2 Node LMS': '2nodelms', Test: 'test' };
  return { raw, id: ids[base] ?? null };
}

export function parseTieBreaker(raw: string): TieBreakerView {
  if (raw === 'Node with lowest node ID') return { raw, mode: 'lowest', nodeId: null };
  if (raw === 'Node with highest node ID') return { raw, mode: 'highest', nodeId: null };
  const m = /^Node with node ID (\d+)$/.exec(raw);
  return m ? { raw, mode: 'node', nodeId: Number(m[1]) } : { raw, mode: null, nodeId: null };
}

/** `1, 2, 3` (node ids; qnetd-tool may add ` (DC)` after one): null when it is not such a list */
export function parseNodeIdList(value: string): number[] | null {
  if (value.trim() === '') return [];
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)(?: \(\d+\))?\s*$/.exec(part);
    if (!m) return null;
    const n = parseUInt(m[1]);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

/** `host:port` (the last colon: an IPv6 address keeps its own) */
export function splitHostPort(value: string): { host: string; port: number } | null {
  const colon = value.lastIndexOf(':');
  if (colon < 1) return null;
  const port = parseUInt(value.slice(colon + 1));
  if (port === null || port > 65535) return null;
  return { host: value.slice(0, colon), port };
}

const ms = (v: string): number | null => {
  const m = /^(\d+)ms$/.exec(v);
  return m ? parseUInt(m[1]) : null;
};

type Out<T> = { ok: true; value: T } | { ok: false; result: ParseResult<never> };

function sections(lines: readonly Line[]): Out<Map<string, { no: number; lines: Line[] }>> {
  const out = new Map<string, { no: number; lines: Line[] }>();
  let current: { no: number; lines: Line[] } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const t = l.text.trim();
    if (t === 'Qdevice information' || /^Qdevice-[A-Za-z]+ information$/.test(t)) {
      if (out.has(t)) return { ok: false, result: fail(`second "${t}" section`, l.no, l.text) };
      current = { no: l.no, lines: [] };
      out.set(t, current);
      if (/^-+$/.test(lines[i + 1]?.text.trim() ?? '')) i++;
      continue;
    }
    if (current) current.lines.push(l);
    else if (t !== '') return { ok: false, result: fail('text before "Qdevice information"', l.no, l.text) };
  }
  return { ok: true, value: out };
}

/** label → value, and the indented list lines under an empty-valued label (`Configured node list:`) */
function labelled(sec: { lines: Line[] }, what: string): Out<{ values: Map<string, Line & { value: string }>; lists: Map<string, Line[]> }> {
  const values = new Map<string, Line & { value: string }>();
  const lists = new Map<string, Line[]>();
  let list: Line[] | null = null;
  for (const l of sec.lines) {
    if (l.text.trim() === '') {
      list = null;
      continue;
    }
    if (list && /^\s+\d+\t/.test(l.text)) {
      list.push(l);
      continue;
    }
    const kv = splitToolLabel(l.text);
    if (!kv) return { ok: false, result: fail(`${what}: unexpected line`, l.no, l.text) };
    if (values.has(kv.label)) return { ok: false, result: fail(`${what}: "${kv.label}" twice`, l.no, l.text) };
    values.set(kv.label, { ...l, value: kv.value });
    list = null;
    if (kv.value === '' && / list$/.test(kv.label)) {
      list = [];
      lists.set(kv.label, list);
    }
  }
  return { ok: true, value: { values, lists } };
}

export function parseQdeviceToolStatus(text: string): ParseResult<QdeviceToolStatus> {
  return guard('corosync-qdevice-tool -s', () => {
    const input = requireText(text, 'corosync-qdevice-tool -s');
    if (!input.ok) return input;
    if (input.value.trim() === '') return fail('corosync-qdevice-tool -s: empty output (no corosync-qdevice answered)');
    const warnings: string[] = [];
    if (!input.value.endsWith('\n')) warnings.push('no final newline: the report may be cut short');
    const lines = splitLines(input.value).map((t, i) => ({ no: i + 1, text: t }));
    const secs = sections(lines);
    if (!secs.ok) return secs.result;
    const main = secs.value.get('Qdevice information');
    if (!main) return fail('no "Qdevice information" section');
    const lab = labelled(main, 'Qdevice information');
    if (!lab.ok) return lab.result;
    const { values: v, lists } = lab.value;
    const model = v.get('Model');
    if (!model || model.value === '') return fail('Qdevice information: missing "Model:"', main.no);
    const nodeIdLine = v.get('Node ID');
    const nodeId = parseUInt(nodeIdLine?.value);
    if (nodeId === null) return nodeIdLine ? fail('"Node ID" is not a number', nodeIdLine.no, nodeIdLine.text) : fail('Qdevice information: missing "Node ID:"', main.no);
    const num = (label: string): Out<number | null> => {
      const l = v.get(label);
      if (!l) return { ok: true, value: null };
      const n = parseUInt(l.value);
      return n === null ? { ok: false, result: fail(`"${label}" is not a number`, l.no, l.text) } : { ok: true, value: n };
    };
    const interval = (label: string, map = v): Out<number | null> => {
      const l = map.get(label);
      if (!l) return { ok: true, value: null };
      const n = ms(l.value);
      return n === null ? { ok: false, result: fail(`"${label}" is not <n>ms`, l.no, l.text) } : { ok: true, value: n };
    };
    const configVersion = num('Configuration version');
    if (!configVersion.ok) return configVersion.result;
    const expectedVotes = num('Expected votes');
    if (!expectedVotes.ok) return expectedVotes.result;
    const hb = interval('HB interval');
    if (!hb.ok) return hb.result;
    const syncHb = interval('Sync HB interval');
    if (!syncHb.ok) return syncHb.result;

    if (!v.has('Configured node list')) return fail('Qdevice information: missing "Configured node list:"', main.no);
    const configuredNodes: QdeviceToolStatus['configuredNodes'] = [];
    for (const l of lists.get('Configured node list') ?? []) {
      const m = /^\s+\d+\tNode ID = (\d+)(?:, Data center ID = (\d+))?$/.exec(trimEndOf(l.text));
      if (!m) return fail('Configured node list: unexpected line', l.no, l.text);
      configuredNodes.push({ nodeId: Number(m[1]), dataCenterId: m[2] === undefined ? null : Number(m[2]) });
    }
    const memberLine = v.get('Membership node list');
    if (!memberLine) return fail('Qdevice information: missing "Membership node list:" (cut short?)', main.no);
    const membershipNodes = parseNodeIdList(memberLine.value);
    if (membershipNodes === null) return fail('"Membership node list" is not a list of node ids', memberLine.no, memberLine.text);

    let quorumNodes: QdeviceToolStatus['quorumNodes'] = null;
    if (v.has('Quorum node list')) {
      quorumNodes = [];
      for (const l of lists.get('Quorum node list') ?? []) {
        const m = /^\s+\d+\tNode ID = (\d+), State = ([a-z]+)$/.exec(trimEndOf(l.text));
        if (!m) return fail('Quorum node list: unexpected line', l.no, l.text);
        quorumNodes.push({ nodeId: Number(m[1]), state: m[2]! });
      }
    }
    const quorateLine = v.get('Quorate');
    let quorate: boolean | null = null;
    if (quorateLine) {
      if (quorateLine.value !== 'Yes' && quorateLine.value !== 'No') return fail('"Quorate" is not Yes or No', quorateLine.no, quorateLine.text);
      quorate = quorateLine.value === 'Yes';
    }
    const pollLine = v.get('Last poll call');
    let lastPoll: QdeviceToolStatus['lastPoll'] = null;
    if (pollLine) {
      const m = /^(Never|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)( \(cast vote\))?$/.exec(pollLine.value);
      if (!m) return fail('"Last poll call" is not Never or a time', pollLine.no, pollLine.text);
      lastPoll = { at: m[1] === 'Never' ? null : m[1]!, castVote: m[2] !== undefined };
    }
    const known = new Set(['Model', 'Node ID', 'HB interval', 'Sync HB interval', 'Configuration version', 'Configured node list', 'Heuristics', 'Ring ID', 'Membership node list', 'Quorate', 'Quorum node list', 'Expected votes', 'Last poll call']);
    for (const [label, l] of v) if (!known.has(label)) warnings.push(`line ${l.no}: unknown "${label}" in Qdevice information`);

    let net: QdeviceNetStatus | null = null;
    const netSec = secs.value.get('Qdevice-net information');
    for (const [title, s] of secs.value) if (title !== 'Qdevice information' && title !== 'Qdevice-net information') warnings.push(`line ${s.no}: section "${title}" not read`);
    if (model.value === 'Net' && !netSec) return fail('no "Qdevice-net information" section (cut short?)', lines.at(-1)?.no ?? 0);
    if (netSec) {
      const r = netStatus(netSec, warnings);
      if (!r.ok) return r.result;
      net = r.value;
    }
    const verbose = hb.value !== null || quorate !== null || lastPoll !== null || (net?.connectTimeoutMs ?? null) !== null;
    return ok(
      {
        verbose,
        model: model.value,
        nodeId,
        configVersion: configVersion.value,
        configuredNodes,
        membershipNodes,
        heartbeatIntervalMs: hb.value,
        syncHeartbeatIntervalMs: syncHb.value,
        heuristics: v.get('Heuristics')?.value ?? null,
        ringId: v.get('Ring ID')?.value ?? null,
        quorate,
        quorumNodes,
        expectedVotes: expectedVotes.value,
        lastPoll,
        net,
      },
      warnings,
    );
  });
}

function netStatus(sec: { no: number; lines: Line[] }, warnings: string[]): Out<QdeviceNetStatus> {
  const lab = labelled(sec, 'Qdevice-net information');
  if (!lab.ok) return lab;
  const v = lab.value.values;
  const bad = (message: string, l: Line): Out<never> => ({ ok: false, result: fail(message, l.no, l.text) });
  const stateLine = v.get('State');
  if (!stateLine) return { ok: false, result: fail('Qdevice-net information: missing "State:" (cut short?)', sec.no) };
  if (!(QDEVICE_NET_STATES as readonly string[]).includes(stateLine.value)) return bad(`unknown State ${JSON.stringify(stateLine.value)}`, stateLine);
  const state = stateLine.value as QdeviceNetState;
  const hostLine = v.get('QNetd host');
  let qnetdHost: string | null = null;
  let qnetdPort: number | null = null;
  if (hostLine) {
    const hp = splitHostPort(hostLine.value);
    if (!hp) return bad('"QNetd host" is not host:port', hostLine);
    qnetdHost = hp.host;
    qnetdPort = hp.port;
  }
  const intervals: Record<string, number | null> = {};
  for (const label of ['Connect timeout', 'HB interval', 'VQ vote timer interval']) {
    const l = v.get(label);
    if (!l) {
      intervals[label] = null;
      continue;
    }
    const n = ms(l.value);
    if (n === null) return bad(`"${label}" is not <n>ms`, l);
    intervals[label] = n;
  }
  const yesNo = (label: string, suffix: string): Out<{ yes: boolean; suffix: boolean } | null> => {
    const l = v.get(label);
    if (!l) return { ok: true, value: null };
    const m = new RegExp(`^(Yes|No)( \\(${suffix}\\))?$`).exec(l.value);
    return m ? { ok: true, value: { yes: m[1] === 'Yes', suffix: m[2] !== undefined } } : bad(`"${label}" is not Yes/No`, l);
  };
  const poll = yesNo('Poll timer running', 'cast vote');
  if (!poll.ok) return poll;
  const tlsActive = yesNo('TLS active', 'client certificate sent');
  if (!tlsActive.ok) return tlsActive;
  const algo = v.get('Algorithm');
  const tb = v.get('Tie-breaker');
  const known = new Set(['Cluster name', 'QNetd host', 'Force IP version', 'Connect timeout', 'HB interval', 'VQ vote timer interval', 'TLS', 'Algorithm', 'Tie-breaker', 'KAP Tie-breaker', 'Poll timer running', 'State', 'Heuristics result', 'TLS active', 'Connected since', 'Echo reply received']);
  for (const [label, l] of v) if (!known.has(label)) warnings.push(`line ${l.no}: unknown "${label}" in Qdevice-net information`);
  return {
    ok: true,
    value: {
      clusterName: v.get('Cluster name')?.value ?? null,
      qnetdHost,
      qnetdPort,
      algorithm: algo ? parseAlgorithm(algo.value) : null,
      tieBreaker: tb ? parseTieBreaker(tb.value) : null,
      state,
      connected: state === 'Connected',
      connectTimeoutMs: intervals['Connect timeout'] ?? null,
      heartbeatIntervalMs: intervals['HB interval'] ?? null,
      voteTimerIntervalMs: intervals['VQ vote timer interval'] ?? null,
      tls: v.get('TLS')?.value ?? null,
      kapTieBreaker: v.get('KAP Tie-breaker')?.value ?? null,
      pollTimer: poll.value ? { running: poll.value.yes, castVote: poll.value.suffix } : null,
      tlsActive: tlsActive.value ? { active: tlsActive.value.yes, clientCertificateSent: tlsActive.value.suffix } : null,
      connectedSince: v.get('Connected since')?.value ?? null,
      echoReplyReceived: v.get('Echo reply received')?.value ?? null,
      heuristicsResult: v.get('Heuristics result')?.value ?? null,
    },
  };
}
