// `corosync-qnetd-tool -l` / `-lv` (clusters and their connected QDevice clients) and `-s` / `-sv` (the
// server), as corosync-qnetd prints them (qnetd/qnetd-ipc-cmd.c). `-l` with no client prints nothing: an
// empty list, not an error. A value that is not one the tool prints fails the whole parse; a list cut short
// at a line boundary gives fewer fields (each client's are nullable), never other values.
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { parseAlgorithm, parseNodeIdList, parseTieBreaker, splitHostPort, splitToolLabel, type QdeviceAlgorithmView, type TieBreakerView } from './qdevice-tool';
import { parseUInt, splitLines, trimEndOf } from './text';

/** tlv.c tlv_vote_to_str */
export const QNETD_VOTES = ['ACK', 'NACK', 'Ask later', 'Wait for reply', 'No change', 'Undefined'] as const;
export type QnetdVote = (typeof QNETD_VOTES)[number];

export interface QnetdClient {
  nodeId: number;
  /** `Client address:` the QDevice's source address and port, as qnetd saw them */
  address: string | null;
  port: number | null;
  configVersion: number | null;
  configuredNodes: number[] | null;
  membershipNodes: number[] | null;
  /** `Vote: ACK (ACK)`: the last vote sent, and the last ACK/NACK vote in brackets */
  vote: { raw: string; last: QnetdVote; ackNack: QnetdVote | null } | null;
  heuristics: string | null;
  /** -lv only */
  heartbeatIntervalMs: number | null;
  ringId: string | null;
  tlsActive: { active: boolean; certificateVerified: boolean } | null;
}

export interface QnetdCluster {
  name: string;
  algorithm: QdeviceAlgorithmView | null;
  tieBreaker: TieBreakerView | null;
  clients: QnetdClient[];
}

export interface QnetdToolList {
  clusters: QnetdCluster[];
}

const indentOf = (text: string): number => text.length - text.replace(/^[ \t]+/, '').length;

function parseVote(raw: string): QnetdClient['vote'] {
  const alt = QNETD_VOTES.join('|');
  const m = new RegExp(`^(${alt})(?: \\((${alt})\\))?$`).exec(raw);
  return m ? { raw, last: m[1] as QnetdVote, ackNack: (m[2] as QnetdVote | undefined) ?? null } : null;
}

export function parseQnetdToolList(text: string): ParseResult<QnetdToolList> {
  return guard('corosync-qnetd-tool -l', () => {
    const input = requireText(text, 'corosync-qnetd-tool -l');
    if (!input.ok) return input;
    const warnings: string[] = [];
    const lines = splitLines(input.value);
    // the tool ends every line with a newline: a last line without one may be cut inside (`Vote: ACK` of
    // `ACK (ACK)`, a port cut short), so it is left out rather than read as a value the tool did not print
    if (input.value !== '' && !input.value.endsWith('\n')) {
      const cut = lines.pop();
      warnings.push(`no final newline: the last line was left out as possibly cut short (${JSON.stringify(cut ?? '')})`);
    }
    const clusters: QnetdCluster[] = [];
    let cluster: QnetdCluster | null = null;
    let client: QnetdClient | null = null;
    for (let i = 0; i < lines.length; i++) {
      const no = i + 1;
      const raw = lines[i]!;
      const t = trimEndOf(raw).trim();
      if (t === '') continue;
      const indent = indentOf(raw);
      const bad = (message: string) => fail<QnetdToolList>(message, no, raw);
      const head = /^Cluster "(.*)":$/.exec(t);
      if (indent === 0) {
        if (!head) return bad('expected `Cluster "NAME":`');
        cluster = { name: head[1]!, algorithm: null, tieBreaker: null, clients: [] };
        clusters.push(cluster);
        client = null;
        continue;
      }
      if (!cluster) return bad('text before the first `Cluster "NAME":`');
      const node = /^Node ID (\d+):$/.exec(t);
      if (node) {
        const nodeId = parseUInt(node[1]);
        if (nodeId === null) return bad('node id is not a number');
        client = { nodeId, address: null, port: null, configVersion: null, configuredNodes: null, membershipNodes: null, vote: null, heuristics: null, heartbeatIntervalMs: null, ringId: null, tlsActive: null };
        cluster.clients.push(client);
        continue;
      }
      const kv = splitToolLabel(t);
      if (!kv) return bad('unexpected line');
      if (!client || indent <= 4) {
        // the cluster's own lines (before its first client)
        if (kv.label === 'Algorithm') cluster.algorithm = parseAlgorithm(kv.value);
        else if (kv.label === 'Tie-breaker') cluster.tieBreaker = parseTieBreaker(kv.value);
        else warnings.push(`line ${no}: unknown cluster line "${kv.label}"`);
        continue;
      }
      switch (kv.label) {
        case 'Client address': {
          const hp = splitHostPort(kv.value);
          if (!hp) return bad('"Client address" is not address:port');
          client.address = hp.host.replace(/^\[(.*)\]$/, '$1');
          client.port = hp.port;
          break;
        }
        case 'HB interval': {
          const m = /^(\d+)ms$/.exec(kv.value);
          if (!m) return bad('"HB interval" is not <n>ms');
          client.heartbeatIntervalMs = Number(m[1]);
          break;
        }
        case 'Configuration version': {
          const n = parseUInt(kv.value);
          if (n === null) return bad('"Configuration version" is not a number');
          client.configVersion = n;
          break;
        }
        case 'Configured node list':
        case 'Membership node list': {
          const list = parseNodeIdList(kv.value);
          if (list === null) return bad(`"${kv.label}" is not a list of node ids`);
          if (kv.label === 'Configured node list') client.configuredNodes = list;
          else client.membershipNodes = list;
          break;
        }
        case 'Ring ID':
          client.ringId = kv.value;
          break;
        case 'Heuristics':
          client.heuristics = kv.value;
          break;
        case 'TLS active': {
          const m = /^(Yes|No)( \(client certificate verified\))?$/.exec(kv.value);
          if (!m) return bad('"TLS active" is not Yes/No');
          client.tlsActive = { active: m[1] === 'Yes', certificateVerified: m[2] !== undefined };
          break;
        }
        case 'Vote': {
          const vote = parseVote(kv.value);
          if (!vote) return bad(`unknown vote ${JSON.stringify(kv.value)}`);
          client.vote = vote;
          break;
        }
        default:
          warnings.push(`line ${no}: unknown client line "${kv.label}"`);
      }
    }
    for (const c of clusters) if (c.clients.length === 0) warnings.push(`cluster "${c.name}" lists no client (cut short?)`);
    for (const c of clusters) for (const cl of c.clients) if (cl.address === null) return fail(`cluster "${c.name}", node ${cl.nodeId}: no "Client address:" (cut short?)`);
    return ok({ clusters }, warnings);
  });
}

export interface QnetdToolStatus {
  /** `QNetd address:` `*` when listening on every address */
  address: string | null;
  port: number | null;
  /** `TLS:` Supported / Unsupported / Required */
  tls: string;
  clientCertificateRequired: boolean;
  connectedClients: number;
  connectedClusters: number;
  /** -sv */
  maxClients: number | null;
}

export function parseQnetdToolStatus(text: string): ParseResult<QnetdToolStatus> {
  return guard('corosync-qnetd-tool -s', () => {
    const input = requireText(text, 'corosync-qnetd-tool -s');
    if (!input.ok) return input;
    if (input.value.trim() === '') return fail('corosync-qnetd-tool -s: empty output (no corosync-qnetd answered)');
    const warnings: string[] = [];
    const v = new Map<string, { no: number; text: string; value: string }>();
    splitLines(input.value).forEach((text, i) => {
      if (text.trim() === '') return;
      const kv = splitToolLabel(text);
      if (kv) v.set(kv.label, { no: i + 1, text, value: kv.value });
      else warnings.push(`line ${i + 1}: unexpected line ${JSON.stringify(text)}`);
    });
    if (warnings.length > 0 && v.size === 0) return fail('corosync-qnetd-tool -s: no `Label: value` line');
    const need = (label: string) => v.get(label) ?? null;
    const addr = need('QNetd address');
    const tls = need('TLS');
    const clients = need('Connected clients');
    const clustersLine = need('Connected clusters');
    if (!addr || !tls || !clients || !clustersLine) {
      const missing = [['QNetd address', addr], ['TLS', tls], ['Connected clients', clients], ['Connected clusters', clustersLine]].filter(([, l]) => !l).map(([n]) => n);
      return fail(`corosync-qnetd-tool -s: missing ${missing.map((m) => `"${String(m)}:"`).join(', ')} (cut short?)`);
    }
    const hp = splitHostPort(addr.value);
    if (!hp) return fail('"QNetd address" is not address:port', addr.no, addr.text);
    const m = /^(Supported|Unsupported|Required)( \(client certificate required\))?$/.exec(tls.value);
    if (!m) return fail('"TLS" is not Supported/Unsupported/Required', tls.no, tls.text);
    const nClients = parseUInt(clients.value);
    if (nClients === null) return fail('"Connected clients" is not a number', clients.no, clients.text);
    const nClusters = parseUInt(clustersLine.value);
    if (nClusters === null) return fail('"Connected clusters" is not a number', clustersLine.no, clustersLine.text);
    const max = need('Maximum allowed clients');
    return ok(
      {
        address: hp.host === '*' ? null : hp.host,
        port: hp.port,
        tls: m[1]!,
        clientCertificateRequired: m[2] !== undefined,
        connectedClients: nClients,
        connectedClusters: nClusters,
        maxClients: max ? parseUInt(max.value) : null,
      },
      warnings,
    );
  });
}
