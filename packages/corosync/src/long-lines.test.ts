// Parsing stays linear: a 1 MiB hostile line (long blank runs, digit runs, stray line breaks) in every place
// a parser looks at returns quickly. Before the regexes were rewritten, 16 Ki characters took 0.1-0.6 s
// (quadratic: a 1 MiB line would have blocked the server for minutes); the bounds below are generous on
// purpose and fail only on super-linear behaviour.
import { describe, expect, it } from 'vitest';
import { parseCfgtoolNodes, parseCfgtoolStatus } from './cfgtool';
import { parseCmap, parseCmapTrackLine, type Cmap } from './cmap';
import { cmapNodelist, cmapTotemConfig, runtimeMembers, runtimeTotem, runtimeVotequorum } from './cmap-runtime';
import { parseCorosyncConf, serializeCorosyncConf, validateCorosyncConf } from './corosync-conf';
import { corosyncConfView, quorumOptionsFromConf } from './corosync-conf-view';
import { parseCorosyncLogLine } from './corosync-log';
import { knetLinkStats } from './knet-stats';
import { knetToLinkObservations, membersToNodeInfo, toQuorumState } from './mappers';
import { parsePvecmStatus } from './pvecm-status';
import { QuorumtoolMonitorParser, splitMonitorStream } from './quorumtool-monitor';
import { parseQuorumtoolList } from './quorumtool-list';
import { parseQuorumtoolStatus, parseRingId } from './quorumtool-status';
import type { ParseResult } from './result';

const MiB = 1 << 20;

/** hostile line bodies, each about 1 MiB */
const bodies: Record<string, string> = {
  'a + spaces + b': `a${' '.repeat(MiB)}b`,
  'a + tabs + b': `a${'\t'.repeat(MiB)}b`,
  '"1 " repeated': '1 '.repeat(MiB / 2),
  'digits + x': `${'1'.repeat(MiB)}x`,
  // a line break `.` does not match, inside the line: what made `(.*)$` and `\s*(.*?)\s*$` backtrack
  'blanks/tabs + CR + x': `${' \t'.repeat(MiB / 2)}\rx`,
  'parens and words': 'r(1) ip(a '.repeat(Math.ceil(MiB / 10)),
};

const statusHead = (quorum = '2  ', flags = 'Quorate ') =>
  [
    'Quorum information', '------------------', 'Date:             Wed Nov 25 22:30:55 2026', 'Quorum provider:  corosync_votequorum',
    'Nodes:            1', 'Node ID:          1', 'Ring ID:          1.9', 'Quorate:          Yes', '',
    'Votequorum information', '----------------------', 'Expected votes:   1', 'Highest expected: 1', 'Total votes:      1',
    `Quorum:           ${quorum}`, `Flags:            ${flags}`, '',
    'Membership information', '----------------------',
  ].join('\n');
const table = (rows: string, header = '    Nodeid      Votes Name') => `${statusHead()}\n${header}\n${rows}\n`;

/** where each parser looks: a document around the hostile line `l` */
const statusDocs = (l: string): string[] => [
  l,
  `${l}\n${statusHead()}`,
  `${statusHead()}\n${l}`,
  `${statusHead(`2${l}`)}\n    Nodeid      Votes Name\n         1          1 a (local)\n`,
  `${statusHead('2  ', l)}\n    Nodeid      Votes Name\n         1          1 a (local)\n`,
  statusHead().replace('Date:             ', `Date:${l}`),
  statusHead().replace('Ring ID:          1.9', `Ring ID:          ${l}`),
  table(`         1          1 ${l}`),
  table(`         1          1 ${l} (local)`),
  table(l),
  table(`0x${l}`),
  table('         1          1 a (local)', `    Nodeid ${l} Name`),
  table(`         1          1    A,V,NMW a (local)\n         0          1            ${l}`, '    Nodeid      Votes    Qdevice Name'),
  table(`         1          1    A,V,NMW a (local)\n         0          0            ${l} (votes 1)`, '    Nodeid      Votes    Qdevice Name'),
  table(`         1          1    ${l}`, '    Nodeid      Votes    Qdevice Name'),
];

// pvecm status and -m blocks go through the same section parser as -s: a few documents each suffice
const pvecmDocs = (l: string): string[] => [
  ...statusDocs(l).slice(0, 4),
  `Cluster information\n-------------------\nName:             ${l}\nConfig Version:   ${l}\nTransport:        ${l}\nSecure auth:      ${l}\n\n${table('         1          1 a (local)')}`,
];

const listDocs = (l: string): string[] => [
  `\nMembership information\n----------------------\n    Nodeid      Votes Name\n${l}\n`,
  `\nMembership information\n----------------------\n    Nodeid      Votes Name\n         1          1 ${l}\n`,
  `\nMembership information\n----------------------\n${l}\n`,
  `${l}\nMembership information\n`,
];

const cfgtoolStatusDocs = (l: string): string[] => [
  l,
  `Local node ID ${l}`,
  `Local node ID 1, transport ${l}`,
  `Local node ID 1, transport knet\nLINK ID ${l}`,
  `Local node ID 1, transport knet\nLINK ID 0 ${l}`,
  `Local node ID 1, transport knet\nLINK ID 0 udp\n\taddr\t= ${l}`,
  `Local node ID 1, transport knet\nLINK ID 0 udp\n\tstatus = ${l}`,
  `Local node ID 1, transport knet\nLINK ID 0 udp\n\tstatus:\n\t\tnodeid: ${l}`,
  `Local node ID 1, transport knet\nLINK ID 0 udp\n\tstatus:\n\t\tnodeid:          2:\t${l}`,
  `Local node ID 1, transport knet\nLINK ID 0 udp\n${l}`,
];

const cfgtoolNodesDocs = (l: string): string[] => [
  l,
  `Local node ID 1, transport knet\nnodeid: ${l}`,
  `Local node ID 1, transport knet\nnodeid: 2 ${l}`,
  `Local node ID 1, transport knet\nnodeid: 2 reachable onwire (min/max/cur): ${l}`,
  `Local node ID 1, transport knet\nnodeid: 2 reachable\n   LINK: ${l}`,
  `Local node ID 1, transport knet\nnodeid: 2 reachable\n   LINK: 0 ${l}`,
  `Local node ID 1, transport knet\nnodeid: 2 reachable\n   LINK: 0 udp (${l}) enabled`,
  `Local node ID 1, transport knet\nnodeid: 2 reachable\n   LINK: 0 udp (a->b) ${l}`,
  `Local node ID 1, transport knet\nnodeid: 2 reachable\n   LINK: 0 udp (a->b) enabled mtu: ${l}`,
];

const cmapDocs = (l: string): string[] => [
  l,
  `a (str) = ${l}`,
  `a (flt) = ${l}`,
  `a (dbl) = -${l}`,
  `a (u64) = ${l}`,
  `a (i32) = -${l}`,
  `${l} (str) = x`,
  `${l} (u32)`,
  `runtime.members.1.ip (str) = ${l}`,
  `runtime.members.${l}.status (str) = joined`,
  `nodelist.node.0.ring0_addr (str) = ${l}`,
  `totem.token (str) = ${l}`,
  `stats.knet.node1.link0.${l} (u32) = 1`,
  `stats.knet.node${l}.link0.connected (u8) = 1`,
];

const confDocs = (l: string): string[] => [
  l,
  `k: ${l}`,
  `${l}: v`,
  `${l} {\n}`,
  `totem {\n${l}\n}`,
  `totem {\n  cluster_name: ${l}\n  token: ${l}\n}`,
  `quorum {\n  auto_tie_breaker_node: ${l}\n  expected_votes: ${l}\n}`,
  `nodelist {\n  node {\n    nodeid: ${l}\n    ring0_addr: ${l}\n  }\n}`,
  `# ${l}`,
];

const logDocs = (l: string): string[] => [
  l,
  `Nov 25 22:27:17.857 [6120] vm corosync notice  [KNET  ] ${l}`,
  `Nov 25 22:27:17.857 [6120] ${l} corosync notice  [KNET  ] x`,
  `Nov 25 22:27:17.857 [6120] vm corosync ${l}[KNET  ] x`,
  `Nov 25 22:27:17 pve1 corosync[6120]:${l}[TOTEM ] x`,
  `Nov 25 22:27:17 pve1 corosync[6120]:   [TOTEM ] A new membership (${l}) was formed. Members joined:${l}`,
  `Nov 25 22:27:17 pve1 corosync[6120]:   [TOTEM ] A new membership (1.1) was formed. Members joined:${l} left:${l}`,
  `Nov 25 22:27:17 pve1 corosync[6120]:   [QUORUM] Members[3]:${l}`,
  `Nov 25 22:27:17 pve1 corosync[6120]:   [KNET  ] link: host: 1 link: 0 is up${l}`,
  `Nov 25 22:27:17 pve1 corosync[6120]:   [KNET  ] host: ${l} link: ${l} is down`,
  `Nov 25 22:27:17 pve1 corosync[6120]:   [TOTEM ] token timed out (${l}ms), waiting ${l}ms for consensus`,
];

/** each parser, with what runs downstream of it on a successful parse */
const cases: [string, (l: string) => string[], (doc: string) => unknown][] = [
  ['corosync-quorumtool -s', statusDocs, (d) => {
    const r = parseQuorumtoolStatus(d);
    if (r.ok) {
      toQuorumState(r.value);
      if (r.value.quorum) parseRingId(r.value.quorum.ringId);
    }
    return r;
  }],
  ['corosync-quorumtool -m (whole stream)', (l) => statusDocs(l).slice(0, 5), (d) => splitMonitorStream(d)],
  ['corosync-quorumtool -m (in 64 KiB chunks)', statusDocs, (d) => {
    const p = new QuorumtoolMonitorParser();
    for (let i = 0; i < d.length; i += 65536) p.push(d.slice(i, i + 65536));
    return p.end();
  }],
  ['pvecm status', pvecmDocs, (d) => parsePvecmStatus(d)],
  ['corosync-quorumtool -l / pvecm nodes', listDocs, (d) => {
    const r = parseQuorumtoolList(d);
    if (r.ok) membersToNodeInfo(r.value);
    return r;
  }],
  ['corosync-cfgtool -s', cfgtoolStatusDocs, (d) => parseCfgtoolStatus(d)],
  ['corosync-cfgtool -n', cfgtoolNodesDocs, (d) => parseCfgtoolNodes(d)],
  ['corosync-cmapctl (+ runtime views, knet stats)', cmapDocs, (d) => {
    const r = parseCmap(d);
    if (r.ok) {
      const map: Cmap = r.value;
      runtimeMembers(map);
      runtimeVotequorum(map);
      runtimeTotem(map);
      cmapNodelist(map);
      cmapTotemConfig(map);
      knetToLinkObservations(knetLinkStats(map), 1);
    }
    return r;
  }],
  ['corosync-cmapctl -T', (l) => [l, `modify> ${l}`, `modify> a (str) = ${l}`, `create> ${l} (u8) = 1`], (d) => parseCmapTrackLine(d)],
  ['corosync.conf (+ view, options, validate, serialize)', confDocs, (d) => {
    const r = parseCorosyncConf(d);
    if (r.ok) {
      corosyncConfView(r.value);
      quorumOptionsFromConf(r.value);
      validateCorosyncConf(r.value);
      serializeCorosyncConf(r.value);
    }
    return r;
  }],
  ['corosync log line', logDocs, (d) => parseCorosyncLogLine(d)],
];

/**
 * A quadratic parse of 1 MiB took minutes (685 s for one -s report before the rewrite); a linear one takes a
 * few ms (at most ~0.1 s here, about 2 s for all ~580 calls together). The bounds leave room for a slow CI.
 */
const PER_CALL_MS = 2000;
const TOTAL_MS = 20_000;

describe('1 MiB hostile lines: every parser stays linear', () => {
  it('the bodies are 1 MiB each', () => {
    for (const b of Object.values(bodies)) expect(b.length).toBeGreaterThanOrEqual(MiB);
  });

  let total = 0;
  it.each(cases)('%s', (_name, docs, run) => {
    for (const [bodyName, body] of Object.entries(bodies)) {
      for (const doc of docs(body)) {
        const t0 = Date.now();
        const result = run(doc) as ParseResult<unknown> | unknown[];
        const ms = Date.now() - t0;
        total += ms;
        expect(result).toBeDefined();
        expect(ms, `${bodyName} in ${JSON.stringify(doc.slice(0, 60))}…: ${ms.toFixed(0)} ms`).toBeLessThan(PER_CALL_MS);
      }
    }
  }, 60_000);

  it(`all of them together take less than ${TOTAL_MS / 1000} s`, () => {
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(TOTAL_MS);
  });
});
