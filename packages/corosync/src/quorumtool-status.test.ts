import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from './fixtures.test-helper';
import { parseQuorumtoolStatus, parseRingId, type QuorumtoolStatus } from './quorumtool-status';

function parsed(name: string): QuorumtoolStatus {
  const r = parseQuorumtoolStatus(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.message} (line ${r.error.line})`);
  expect(r.warnings ?? []).toEqual([]);
  return r.value;
}

/** [fixture, date, nodes, nodeId, ringId, quorate, expected, highest, total, quorum, blocked, flags, rows "id:votes:name[:local]"] */
type Row = [string, string, number, number, string, boolean, number, number, number, number, boolean, string, string];
const table: Row[] = [
  ['quorumtool-s__after-quorumtool-e1__isolated__node3.txt', 'Wed Nov 25 22:30:55 2026', 1, 3, '3.68', true, 1, 1, 1, 1, false, 'Quorate', '3:1:pve3:L'],
  ['quorumtool-s__inquorate-1of3__isolated-ifdown__node3.txt', 'Wed Nov 25 22:40:28 2026', 1, 3, '3.2f', false, 3, 3, 1, 2, true, '', '3:1:pve3:L'],
  ['quorumtool-s__inquorate-1of3__isolated-linkdown__node3.txt', 'Wed Nov 25 22:39:51 2026', 1, 3, '3.d', false, 3, 3, 1, 2, true, '', '3:1:pve3:L'],
  ['quorumtool-s__inquorate-1of3__node2-node3-sigstopped__node1.txt', 'Wed Nov 25 22:29:00 2026', 1, 1, '1.40', false, 3, 3, 1, 2, true, '', '1:1:pve1:L'],
  ['quorumtool-s__quorate-2of3__node3-ifdown__node1.txt', 'Wed Nov 25 22:40:28 2026', 2, 1, '1.2f', true, 3, 3, 2, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2'],
  ['quorumtool-s__quorate-2of3__node3-linkdown__node1.txt', 'Wed Nov 25 22:39:51 2026', 2, 1, '1.d', true, 3, 3, 2, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2'],
  ['quorumtool-s__quorate-2of3__node3-sigkill__node1.txt', 'Wed Nov 25 22:40:12 2026', 2, 1, '1.1d', true, 3, 3, 2, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2'],
  ['quorumtool-s__quorate-2of3__node3-sigstop__node1.txt', 'Wed Nov 25 22:40:01 2026', 2, 1, '1.15', true, 3, 3, 2, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2'],
  ['quorumtool-s__quorate-2of3__node3-sigterm__node1.txt', 'Wed Nov 25 22:40:16 2026', 2, 1, '1.26', true, 3, 3, 2, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2'],
  ['quorumtool-s__quorate-3of3-2links__node1.txt', 'Thu Nov 26 00:30:48 2026', 3, 1, '1.9', true, 3, 3, 3, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2 3:1:pve3'],
  ['quorumtool-s__quorate-3of3__after-all-restores__node1.txt', 'Wed Nov 25 22:40:53 2026', 3, 1, '1.33', true, 3, 3, 3, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2 3:1:pve3'],
  ['quorumtool-s__quorate-3of3__node1.txt', 'Wed Nov 25 22:39:43 2026', 3, 1, '1.9', true, 3, 3, 3, 2, false, 'Quorate', '1:1:pve1:L 2:1:pve2 3:1:pve3'],
  ['quorumtool-s__quorate-3of3__node2.txt', 'Wed Nov 25 22:39:43 2026', 3, 2, '1.9', true, 3, 3, 3, 2, false, 'Quorate', '1:1:pve1 2:1:pve2:L 3:1:pve3'],
  ['quorumtool-s__quorate-3of3__node3.txt', 'Wed Nov 25 22:39:43 2026', 3, 3, '1.9', true, 3, 3, 3, 2, false, 'Quorate', '1:1:pve1 2:1:pve2 3:1:pve3:L'],
  ['quorumtool-s__quorate-4of4__after-runtime-add-reload__node1.txt', 'Wed Nov 25 22:31:15 2026', 4, 1, '1.70', true, 4, 4, 4, 3, false, 'Quorate', '1:1:pve1:L 2:1:pve2 3:1:pve3 4:1:pve4'],
  ['quorumtool-s__two_node__peer-killed__node1.txt', 'Wed Nov 25 22:32:21 2026', 1, 1, '1.81', true, 2, 2, 1, 1, false, '2Node Quorate WaitForAll', '1:1:pve1:L'],
  ['quorumtool-s__two_node__peer-never-seen-waitforall__node1.txt', 'Wed Nov 25 22:32:12 2026', 1, 1, '1.79', false, 2, 2, 1, 1, true, '2Node WaitForAll', '1:1:pve1:L'],
];

const rowsOf = (s: QuorumtoolStatus) =>
  (s.membership?.rows ?? [])
    .filter((r) => !r.isQdevice)
    .map((r) => `${r.nodeId}:${r.votes}:${r.name}${r.local ? ':L' : ''}`)
    .join(' ');

describe('parseQuorumtoolStatus on the captured -s outputs', () => {
  it('has a table row for every non-qdevice -s fixture', () => {
    const names = fixtureNames(/^quorumtool-s__/).filter((n) => !n.includes('qdevice'));
    expect(table.map((r) => r[0]).sort()).toEqual(names);
  });

  it.each(table)('%s', (name, date, nodes, nodeId, ringId, quorate, expected, highest, total, quorum, blocked, flags, rows) => {
    const s = parsed(name);
    expect(s.quorum).toEqual({ date, provider: 'corosync_votequorum', nodes, nodeId, ringId, quorate });
    expect(s.votequorum).toEqual({
      expectedVotes: expected,
      highestExpected: highest,
      totalVotes: total,
      quorum,
      activityBlocked: blocked,
      flags: flags === '' ? [] : flags.split(' '),
      unknownFlags: [],
    });
    expect(s.membership?.hasVotes).toBe(true);
    expect(s.membership?.hasQdeviceColumn).toBe(false);
    expect(s.membership?.nodeIdFormat).toBe('decimal');
    expect(rowsOf(s)).toBe(rows);
    expect(s.membership?.rows.every((r) => r.qdevice === null && !r.isQdevice)).toBe(true);
  });
});

/** [fixture, date, nodes, nodeId, ringId, quorate, total, blocked, flags, rows "id:votes:ip[:L]"]; expected 3, highest 3, quorum 2 in all */
type HexRow = [string, string, number, number, string, boolean, number, boolean, string, string];
const hexTable: HexRow[] = [
  ['quorumtool-siH__link0-down-pve3-2links__node1.txt', 'Thu Nov 26 00:31:01 2026', 3, 1, '1.9', true, 3, false, 'Quorate', '1:1:198.18.0.11:L 2:1:198.18.0.12 3:1:198.18.0.13'],
  ['quorumtool-siH__partition-2of3__node1.txt', 'Thu Nov 26 00:31:14 2026', 2, 1, '1.d', true, 2, false, 'Quorate', '1:1:198.18.0.11:L 2:1:198.18.0.12'],
  ['quorumtool-siH__partition-isolated-1of3__node3.txt', 'Thu Nov 26 00:31:14 2026', 1, 3, '3.d', false, 1, true, '', '3:1:198.18.0.13:L'],
  ['quorumtool-siH__quorate-3of3-2links__after-link-up__node1.txt', 'Thu Nov 26 00:31:26 2026', 3, 1, '1.11', true, 3, false, 'Quorate', '1:1:198.18.0.11:L 2:1:198.18.0.12 3:1:198.18.0.13'],
  ['quorumtool-siH__quorate-3of3-2links__node1.txt', 'Thu Nov 26 00:30:47 2026', 3, 1, '1.9', true, 3, false, 'Quorate', '1:1:198.18.0.11:L 2:1:198.18.0.12 3:1:198.18.0.13'],
];

describe("parseQuorumtoolStatus on the lab's -siH captures (the body of pvecm status)", () => {
  it('has a table row for every -siH fixture', () => {
    expect(hexTable.map((r) => r[0]).sort()).toEqual(fixtureNames(/^quorumtool-siH__/));
  });

  it.each(hexTable)('%s', (name, date, nodes, nodeId, ringId, quorate, total, blocked, flags, rows) => {
    const text = fixture(name);
    // as printed: 0x%08x ids, the IP instead of the name, `(local)` on the node the tool ran on
    expect(text).toContain(`Node ID:          0x0000000${nodeId}\n`);
    expect(text).toContain(`0x0000000${nodeId}          1 198.18.0.1${nodeId} (local)\n`);
    const s = parsed(name);
    expect(s.quorum).toEqual({ date, provider: 'corosync_votequorum', nodes, nodeId, ringId, quorate });
    expect(s.votequorum).toEqual({
      expectedVotes: 3,
      highestExpected: 3,
      totalVotes: total,
      quorum: 2,
      activityBlocked: blocked,
      flags: flags === '' ? [] : flags.split(' '),
      unknownFlags: [],
    });
    expect(s.membership?.nodeIdFormat).toBe('hex');
    expect(s.membership?.hasVotes).toBe(true);
    expect(s.membership?.hasQdeviceColumn).toBe(false);
    expect(rowsOf(s)).toBe(rows);
  });

  it('the isolated node prints "Activity blocked" and an empty Flags line', () => {
    const text = fixture('quorumtool-siH__partition-isolated-1of3__node3.txt');
    expect(text).toContain('Quorum:           2 Activity blocked\nFlags:            \n');
    expect(parsed('quorumtool-siH__partition-isolated-1of3__node3.txt').votequorum).toMatchObject({ quorum: 2, activityBlocked: true, flags: [] });
  });

  it('-s and -siH of the same healthy cluster agree on everything but the id format and names', () => {
    const dec = parsed('quorumtool-s__quorate-3of3-2links__node1.txt');
    const hex = parsed('quorumtool-siH__quorate-3of3-2links__node1.txt');
    expect(hex.votequorum).toEqual(dec.votequorum);
    expect({ ...hex.quorum, date: null }).toEqual({ ...dec.quorum, date: null });
    expect(hex.membership?.rows.map((r) => [r.nodeId, r.votes, r.local])).toEqual(dec.membership?.rows.map((r) => [r.nodeId, r.votes, r.local]));
    expect(dec.membership?.rows.map((r) => r.name)).toEqual(['pve1', 'pve2', 'pve3']);
  });
});

describe('parseQuorumtoolStatus with a QDevice', () => {
  it('2 nodes + qnetd: Qdevice column and pseudo-row', () => {
    const s = parsed('quorumtool-s__qdevice__2nodes-plus-qnetd__node1.txt');
    expect(s.quorum).toMatchObject({ nodes: 2, nodeId: 1, ringId: '1.8a', quorate: true });
    expect(s.votequorum).toMatchObject({ expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, flags: ['Quorate', 'Qdevice'] });
    expect(s.membership?.hasQdeviceColumn).toBe(true);
    expect(s.membership?.rows).toEqual([
      {
        nodeId: 1, votes: 1, name: 'pve1', local: true, isQdevice: false, qdeviceVotes: null,
        qdevice: { raw: 'A,V,NMW', registered: true, alive: true, castsVote: true, masterWins: false },
      },
      {
        nodeId: 2, votes: 1, name: 'pve2', local: false, isQdevice: false, qdeviceVotes: null,
        qdevice: { raw: 'A,V,NMW', registered: true, alive: true, castsVote: true, masterWins: false },
      },
      { nodeId: 0, votes: 1, name: 'Qdevice', local: false, isQdevice: true, qdeviceVotes: null, qdevice: null },
    ]);
  });

  it('split, survivor side: keeps quorum with the device vote', () => {
    const s = parsed('quorumtool-s__qdevice__split-survivor__node1.txt');
    expect(s.quorum).toMatchObject({ nodes: 1, nodeId: 1, ringId: '1.8e', quorate: true, date: 'Wed Nov 25 22:33:04 2026' });
    expect(s.votequorum).toMatchObject({ totalVotes: 2, quorum: 2, activityBlocked: false, flags: ['Quorate', 'Qdevice'] });
    expect(s.membership?.rows.map((r) => [r.nodeId, r.votes, r.name, r.qdevice?.raw ?? null, r.isQdevice])).toEqual([
      [1, 1, 'pve1', 'A,V,NMW', false],
      [0, 1, 'Qdevice', null, true],
    ]);
  });

  it('split, isolated side: NV, votes 0 and "(votes 1)"', () => {
    const s = parsed('quorumtool-s__qdevice__split-isolated__node2.txt');
    expect(s.quorum).toMatchObject({ nodes: 1, nodeId: 2, ringId: '2.8e', quorate: false });
    expect(s.votequorum).toMatchObject({ totalVotes: 1, quorum: 2, activityBlocked: true, flags: ['Qdevice'] });
    const [node, dev] = s.membership?.rows ?? [];
    expect(node).toMatchObject({ nodeId: 2, votes: 1, name: 'pve2', local: true });
    expect(node?.qdevice).toEqual({ raw: 'A,NV,NMW', registered: true, alive: true, castsVote: false, masterWins: false });
    expect(dev).toEqual({ nodeId: 0, votes: 0, name: 'Qdevice', local: false, isQdevice: true, qdeviceVotes: 1, qdevice: null });
  });
});

describe('parseQuorumtoolStatus formats from the code', () => {
  it('reads hex node ids and -i addresses', () => {
    const text = [
      'Quorum information',
      '------------------',
      'Date:             Tue Sep 14 11:06:47 2021',
      'Quorum provider:  corosync_votequorum',
      'Nodes:            2',
      'Node ID:          0x0000000a',
      'Ring ID:          a.1a8',
      'Quorate:          Yes',
      '',
      'Votequorum information',
      '----------------------',
      'Expected votes:   3',
      'Highest expected: 3',
      'Total votes:      2',
      'Quorum:           2  ',
      'Flags:            Quorate LastManStanding AutoTieBreaker AllowDownscale Frobnicate ',
      '',
      'Membership information',
      '----------------------',
      '    Nodeid      Votes    Qdevice Name',
      '0x0000000a          1         NR 10.0.0.10 (local)',
      '0x0000000b          1   NA,NV,MW fe80::1',
      // a QDevice registered on any node: the pseudo-row follows (votes 0 here: the local node casts none)
      '0x00000000          0            Qdevice (votes 1)',
      '',
    ].join('\n');
    const r = parseQuorumtoolStatus(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.quorum?.nodeId).toBe(10);
    expect(r.value.votequorum?.flags).toEqual(['Quorate', 'LastManStanding', 'AutoTieBreaker', 'AllowDownscale']);
    expect(r.value.votequorum?.unknownFlags).toEqual(['Frobnicate']);
    expect(r.warnings?.some((w) => w.includes('Frobnicate'))).toBe(true);
    expect(r.value.membership?.nodeIdFormat).toBe('hex');
    expect(r.value.membership?.rows.map((x) => [x.nodeId, x.name, x.local, x.qdevice])).toEqual([
      [10, '10.0.0.10', true, { raw: 'NR', registered: false, alive: null, castsVote: null, masterWins: null }],
      [11, 'fe80::1', false, { raw: 'NA,NV,MW', registered: true, alive: false, castsVote: false, masterWins: true }],
      [0, 'Qdevice', false, null],
    ]);
    expect(r.value.membership?.rows[2]).toMatchObject({ isQdevice: true, votes: 0, qdeviceVotes: 1 });
  });

  it('reads a non-votequorum report (no Votes column, old ring id) and an unresolved name', () => {
    const text = [
      'Quorum information',
      '------------------',
      'Date:             Tue Sep 14 11:06:47 2021',
      'Quorum provider:  Not configured',
      'Nodes:            2',
      'Node ID:          1',
      'Ring ID:          1/8',
      'Quorate:          Yes',
      '',
      'Membership information',
      '----------------------',
      '    Nodeid Name',
      '         1 node-a (local)',
      '         2 ',
    ].join('\n');
    const r = parseQuorumtoolStatus(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.votequorum).toBeNull();
    expect(r.value.quorum?.ringId).toBe('1/8');
    expect(r.value.membership?.rows.map((x) => [x.nodeId, x.votes, x.name, x.local])).toEqual([
      [1, null, 'node-a', true],
      [2, null, '', false],
    ]);
  });

  it('warns about interleaved error lines and more rows than "Nodes:"', () => {
    // the tool prints "Unable to get node N info" before the table, i.e. at the end of the votequorum section
    const base = fixture('quorumtool-s__quorate-3of3__node1.txt')
      .replace('Flags:            Quorate \n', 'Flags:            Quorate \nUnable to get node 2 info\n')
      .replace('Nodes:            3', 'Nodes:            2');
    const r = parseQuorumtoolStatus(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.membership?.rows.map((x) => x.nodeId)).toEqual([1, 2, 3]);
    expect(r.warnings).toEqual([
      'line 17: unexpected text in Votequorum information: "Unable to get node 2 info"',
      '"Nodes: 2" but 3 membership rows',
    ]);
  });

  it('rejects a table with fewer rows than "Nodes:" (a row missing is a member missing)', () => {
    const base = fixture('quorumtool-s__quorate-3of3__node1.txt').replace('         2          1 pve2\n', 'Unable to get node 2 info\n');
    expect(parseQuorumtoolStatus(base)).toEqual({
      ok: false,
      error: { line: 18, message: 'Membership information: 2 of 3 member rows ("Nodes: 3"): the table is cut short' },
    });
  });
});

describe('parseQuorumtoolStatus errors', () => {
  it('rejects text with no section, pointing at the first line', () => {
    expect(parseQuorumtoolStatus('Cannot initialize CMAP service\n')).toEqual({
      ok: false,
      error: { line: 1, message: 'no quorum, votequorum or membership section found', text: 'Cannot initialize CMAP service' },
    });
    expect(parseQuorumtoolStatus('')).toEqual({ ok: false, error: { line: 0, message: 'no quorum, votequorum or membership section found' } });
  });

  it('rejects a bad number with its line', () => {
    const text = fixture('quorumtool-s__quorate-3of3__node1.txt').replace('Total votes:      3', 'Total votes:      three');
    expect(parseQuorumtoolStatus(text)).toEqual({
      ok: false,
      error: { line: 14, message: 'Votequorum information: "Total votes" is not a number', text: 'Total votes:      three' },
    });
  });

  it('rejects a missing line, pointing at its section', () => {
    const text = fixture('quorumtool-s__quorate-3of3__node1.txt').replace('Quorate:          Yes\n', '');
    expect(parseQuorumtoolStatus(text)).toMatchObject({ ok: false, error: { line: 1, message: 'Quorum information: missing "Quorate:" line' } });
  });

  it('rejects two concatenated reports', () => {
    const one = fixture('quorumtool-s__quorate-3of3__node1.txt');
    const r = parseQuorumtoolStatus(`${one}\n${one}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/more than one report/);
  });

  it('does not throw on non-string input', () => {
    expect(parseQuorumtoolStatus(null as unknown as string)).toMatchObject({ ok: false, error: { line: 0 } });
    expect(parseQuorumtoolStatus(42 as unknown as string)).toMatchObject({ ok: false });
  });
});

describe('parseRingId', () => {
  it('reads corosync 3 hex and old decimal forms', () => {
    expect(parseRingId('1.1a8')).toEqual({ representative: 1, sequence: 0x1a8 });
    expect(parseRingId('3.2f')).toEqual({ representative: 3, sequence: 0x2f });
    expect(parseRingId('1/8')).toEqual({ representative: 1, sequence: 8 });
    expect(parseRingId('x')).toBeNull();
  });
});
