/// <reference types="vite/client" />
// The votequorum modes captured on the lab (fixtures/quorum-modes, see its README): auto_tie_breaker
// (lowest, highest, a list) split 2|2 seen from both sides, last_man_standing losing nodes past the window,
// two_node losing one, weighted votes, wait_for_all at a cold start. Each state: `corosync-quorumtool -s`,
// `-siH` and `corosync-cmapctl quorum. runtime.votequorum. nodelist.node.` on the node it was taken on.
import { QuorumOptions, evaluateQuorum, initialQuorumMemory, type QuorumMemory, type VoteNode } from '@quorate/model';
import { describe, expect, it } from 'vitest';
import { cmapPrefix, parseCmap, type Cmap } from './cmap';
import { cmapNodelist, runtimeVotequorum, type RuntimeVotequorum } from './cmap-runtime';
import { parseCorosyncConf } from './corosync-conf';
import { confNodelist, quorumOptionsFromConf } from './corosync-conf-view';
import { toQuorumState } from './mappers';
import { parseQuorumtoolStatus, type QuorumtoolStatus } from './quorumtool-status';

const files = import.meta.glob<string>('../fixtures/quorum-modes/*.{txt,conf,tsv}', { query: '?raw', import: 'default', eager: true });
const modes = new Map(Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, ''), text]));

function text(name: string): string {
  const t = modes.get(name);
  if (t === undefined) throw new Error(`no fixture quorum-modes/${name}`);
  return t;
}

function status(name: string): QuorumtoolStatus {
  const r = parseQuorumtoolStatus(text(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.message} (line ${r.error.line})`);
  expect(r.warnings ?? []).toEqual([]);
  return r.value;
}

function cmap(name: string): Cmap {
  const r = parseCmap(text(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  expect(r.warnings ?? []).toEqual([]);
  return r.value;
}

/** exit codes as captured (captures.tsv: file, node, command, exit) */
const exits = new Map(
  text('captures.tsv')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .map(([file, , , exit]) => [file ?? '', Number(exit)]),
);

/** [state, node, quorumtool -s exit, nodes, ringId, quorate, expected, highest, total, quorum, blocked, flags, rows "id:votes[:L]"] */
type Row = [string, number, number, number, string, boolean, number, number, number, number, boolean, string, string];
const table: Row[] = [
  ['atb-highest__split-2-2-with-pve4', 3, 0, 2, '3.11', true, 4, 4, 2, 3, false, 'Quorate AutoTieBreaker', '3:1:L 4:1'],
  ['atb-highest__split-2-2-without-pve4', 1, 2, 2, '1.11', false, 4, 4, 2, 3, true, 'AutoTieBreaker', '1:1:L 2:1'],
  ['atb-list-3-1__split-2-2-with-pve3', 2, 0, 2, '2.15', true, 4, 4, 2, 3, false, 'Quorate AutoTieBreaker', '2:1:L 3:1'],
  ['atb-list-3-1__split-2-2-without-pve3', 1, 2, 2, '1.15', false, 4, 4, 2, 3, true, 'AutoTieBreaker', '1:1:L 4:1'],
  ['atb-lowest__4of4', 1, 0, 4, '1.9', true, 4, 4, 4, 3, false, 'Quorate AutoTieBreaker', '1:1:L 2:1 3:1 4:1'],
  ['atb-lowest__split-2-2-with-pve1', 1, 0, 2, '1.d', true, 4, 4, 2, 3, false, 'Quorate AutoTieBreaker', '1:1:L 2:1'],
  ['atb-lowest__split-2-2-without-pve1', 3, 2, 2, '3.d', false, 4, 4, 2, 3, true, 'AutoTieBreaker', '3:1:L 4:1'],
  ['lms__1of4-past-window', 1, 2, 1, '1.19', false, 2, 2, 1, 2, true, 'WaitForAll LastManStanding', '1:1:L'],
  ['lms__2of4-after-window', 1, 0, 2, '1.15', true, 2, 2, 2, 2, false, 'Quorate WaitForAll LastManStanding', '1:1:L 2:1'],
  ['lms__2of4-within-window', 1, 0, 2, '1.15', true, 3, 3, 2, 2, false, 'Quorate WaitForAll LastManStanding', '1:1:L 2:1'],
  ['lms__3of4-after-window', 1, 0, 3, '1.11', true, 3, 3, 3, 2, false, 'Quorate WaitForAll LastManStanding', '1:1:L 2:1 3:1'],
  ['lms__3of4-within-window', 1, 0, 3, '1.11', true, 4, 4, 3, 3, false, 'Quorate WaitForAll LastManStanding', '1:1:L 2:1 3:1'],
  ['lms__4of4', 1, 0, 4, '1.d', true, 4, 4, 4, 3, false, 'Quorate WaitForAll LastManStanding', '1:1:L 2:1 3:1 4:1'],
  ['two-node__2of2', 1, 0, 2, '1.9', true, 2, 2, 2, 1, false, '2Node Quorate WaitForAll', '1:1:L 2:1'],
  ['two-node__pve1-restarted-alone', 1, 2, 1, '1.12', false, 2, 2, 1, 1, true, '2Node WaitForAll', '1:1:L'],
  ['two-node__pve2-killed', 1, 0, 1, '1.d', true, 2, 2, 1, 1, false, '2Node Quorate WaitForAll', '1:1:L'],
  ['votes-pve3-2__3of3', 1, 0, 3, '1.9', true, 4, 4, 4, 3, false, 'Quorate', '1:1:L 2:1 3:2'],
  ['votes-pve3-2__pve1-killed', 3, 0, 2, '2.16', true, 4, 4, 3, 3, false, 'Quorate', '2:1 3:2:L'],
  ['votes-pve3-2__pve3-killed', 1, 2, 2, '1.d', false, 4, 4, 2, 3, true, '', '1:1:L 2:1'],
  ['wfa__2of3-after-cold-start', 1, 2, 2, '1.1e', false, 3, 3, 2, 2, true, 'WaitForAll', '1:1:L 2:1'],
  ['wfa__2of3-after-quorum-lost', 1, 2, 2, '1.2f', false, 3, 3, 2, 2, true, 'WaitForAll', '1:1:L 2:1'],
  ['wfa__3of3', 1, 0, 3, '1.d', true, 3, 3, 3, 2, false, 'Quorate WaitForAll', '1:1:L 2:1 3:1'],
  ['wfa__pve3-killed-after-all-seen', 1, 0, 2, '1.26', true, 3, 3, 2, 2, false, 'Quorate WaitForAll', '1:1:L 2:1'],
];

const rowsOf = (s: QuorumtoolStatus) => (s.membership?.rows ?? []).map((r) => `${r.nodeId}:${r.votes}${r.local ? ':L' : ''}`).join(' ');

describe('quorum modes: corosync-quorumtool -s and -siH', () => {
  it('has a table row for every captured state, and all three captures of each', () => {
    const states = [...modes.keys()].filter((n) => n.startsWith('quorumtool-s__')).map((n) => n.replace(/^quorumtool-s__(.*)__node\d\.txt$/, '$1'));
    expect(table.map((r) => r[0]).sort()).toEqual(states.sort());
    for (const [state, node] of table) {
      for (const kind of ['quorumtool-s', 'quorumtool-siH', 'cmapctl-quorum']) expect(modes.has(`${kind}__${state}__node${node}.txt`)).toBe(true);
    }
  });

  it.each(table)('%s (node %i)', (state, node, exit, nodes, ringId, quorate, expected, highest, total, quorum, blocked, flags, rows) => {
    const name = `quorumtool-s__${state}__node${node}.txt`;
    expect(exits.get(name)).toBe(exit);
    // the tool's exit code and its Quorate line tell the same
    expect(exit === 0).toBe(quorate);
    const s = status(name);
    expect(s.quorum).toMatchObject({ provider: 'corosync_votequorum', nodes, nodeId: node, ringId, quorate });
    expect(s.votequorum).toEqual({
      expectedVotes: expected,
      highestExpected: highest,
      totalVotes: total,
      quorum,
      activityBlocked: blocked,
      flags: flags === '' ? [] : flags.split(' '),
      unknownFlags: [],
    });
    expect(s.membership?.nodeIdFormat).toBe('decimal');
    expect(rowsOf(s)).toBe(rows);
    expect(s.membership?.rows.every((r) => r.name === `pve${r.nodeId}`)).toBe(true);

    // -siH (the body of pvecm status): the same figures, hex ids and link-0 addresses
    const hexName = `quorumtool-siH__${state}__node${node}.txt`;
    expect(exits.get(hexName)).toBe(exit);
    const h = status(hexName);
    expect({ ...h.quorum, date: '' }).toEqual({ ...s.quorum, date: '' });
    expect(h.votequorum).toEqual(s.votequorum);
    expect(h.membership?.nodeIdFormat).toBe('hex');
    expect(rowsOf(h)).toBe(rows);
    expect(h.membership?.rows.every((r) => r.name === `198.18.0.${10 + r.nodeId}`)).toBe(true);

    // and the dashboard's QuorumState
    expect(toQuorumState(s)).toMatchObject({ expectedVotes: expected, totalVotes: total, quorum, quorate, members: rows.split(' ').map((r) => Number(r.split(':')[0])) });
  });
});

/** [state, node, quorum.* keys (without provider) as printed, runtime.votequorum view, atb_type or null, nodelist votes] */
type CmapRow = [string, number, Record<string, string>, RuntimeVotequorum, number | null, number[]];
const rt = (thisNodeId: number, lowestNodeId: number | null, highestNodeId: number | null, twoNode: boolean, evBarrier: number, waitForAllStatus: boolean | null): RuntimeVotequorum => ({
  thisNodeId,
  lowestNodeId,
  highestNodeId,
  twoNode,
  evBarrier,
  waitForAllStatus,
});
const ATB = { auto_tie_breaker: '1' };
const LMS = { last_man_standing: '1', last_man_standing_window: '5000', wait_for_all: '1' };
const cmapTable: CmapRow[] = [
  ['atb-highest__split-2-2-with-pve4', 3, { ...ATB, auto_tie_breaker_node: 'highest' }, rt(3, 1, 4, false, 4, null), 2, [1, 1, 1, 1]],
  ['atb-highest__split-2-2-without-pve4', 1, { ...ATB, auto_tie_breaker_node: 'highest' }, rt(1, 1, 4, false, 4, null), 2, [1, 1, 1, 1]],
  ['atb-list-3-1__split-2-2-with-pve3', 2, { ...ATB, auto_tie_breaker_node: '3 1' }, rt(2, 1, 4, false, 4, null), 3, [1, 1, 1, 1]],
  ['atb-list-3-1__split-2-2-without-pve3', 1, { ...ATB, auto_tie_breaker_node: '3 1' }, rt(1, 1, 4, false, 4, null), 3, [1, 1, 1, 1]],
  ['atb-lowest__4of4', 1, ATB, rt(1, 1, 4, false, 4, null), 1, [1, 1, 1, 1]],
  ['atb-lowest__split-2-2-with-pve1', 1, ATB, rt(1, 1, 4, false, 4, null), 1, [1, 1, 1, 1]],
  ['atb-lowest__split-2-2-without-pve1', 3, ATB, rt(3, 1, 4, false, 4, null), 1, [1, 1, 1, 1]],
  ['lms__1of4-past-window', 1, LMS, rt(1, 1, 2, false, 4, true), null, [1, 1, 1, 1]],
  ['lms__2of4-after-window', 1, LMS, rt(1, 1, 2, false, 4, false), null, [1, 1, 1, 1]],
  ['lms__2of4-within-window', 1, LMS, rt(1, 1, 2, false, 4, false), null, [1, 1, 1, 1]],
  ['lms__3of4-after-window', 1, LMS, rt(1, 1, 3, false, 4, false), null, [1, 1, 1, 1]],
  ['lms__3of4-within-window', 1, LMS, rt(1, 1, 3, false, 4, false), null, [1, 1, 1, 1]],
  ['lms__4of4', 1, LMS, rt(1, 1, 4, false, 4, false), null, [1, 1, 1, 1]],
  ['two-node__2of2', 1, { two_node: '1' }, rt(1, 1, 2, true, 2, false), null, [1, 1]],
  ['two-node__pve1-restarted-alone', 1, { two_node: '1' }, rt(1, null, null, true, 2, true), null, [1, 1]],
  ['two-node__pve2-killed', 1, { two_node: '1' }, rt(1, 1, 1, true, 2, false), null, [1, 1]],
  ['votes-pve3-2__3of3', 1, {}, rt(1, 1, 3, false, 4, null), null, [1, 1, 2]],
  ['votes-pve3-2__pve1-killed', 3, {}, rt(3, 2, 3, false, 4, null), null, [1, 1, 2]],
  ['votes-pve3-2__pve3-killed', 1, {}, rt(1, 1, 3, false, 4, null), null, [1, 1, 2]],
  ['wfa__2of3-after-cold-start', 1, { wait_for_all: '1' }, rt(1, null, null, false, 3, true), null, [1, 1, 1]],
  ['wfa__2of3-after-quorum-lost', 1, { wait_for_all: '1' }, rt(1, 1, 2, false, 3, true), null, [1, 1, 1]],
  ['wfa__3of3', 1, { wait_for_all: '1' }, rt(1, 1, 3, false, 3, false), null, [1, 1, 1]],
  ['wfa__pve3-killed-after-all-seen', 1, { wait_for_all: '1' }, rt(1, 1, 2, false, 3, false), null, [1, 1, 1]],
];

describe('quorum modes: corosync-cmapctl quorum. runtime.votequorum. nodelist.node.', () => {
  it('has a row for every state', () => {
    expect(cmapTable.map((r) => r[0])).toEqual(table.map((r) => r[0]));
  });

  it.each(cmapTable)('%s (node %i)', (state, node, config, runtime, atbType, votes) => {
    const name = `cmapctl-quorum__${state}__node${node}.txt`;
    expect(exits.get(name)).toBe(0);
    const m = cmap(name);
    const quorumKeys = Object.fromEntries(cmapPrefix(m, 'quorum.').map((e) => [e.key.slice('quorum.'.length), e.raw]));
    expect(quorumKeys).toEqual({ provider: 'corosync_votequorum', ...config });
    expect(runtimeVotequorum(m)).toEqual(runtime);
    // atb_type (1 lowest, 2 highest, 3 a list) is printed with auto_tie_breaker; runtimeVotequorum does not map it
    expect(m.get('runtime.votequorum.atb_type')?.value ?? null).toBe(atbType);
    expect(cmapNodelist(m).map((n) => [n.nodeId, n.name, n.quorumVotes])).toEqual(votes.map((v, k) => [k + 1, `pve${k + 1}`, v]));
  });

  it('the runtime keys agree with quorumtool: this node, and wait_for_all_status with WaitForAll and not yet quorate', () => {
    for (const [state, node] of table) {
      const s = status(`quorumtool-s__${state}__node${node}.txt`);
      const r = runtimeVotequorum(cmap(`cmapctl-quorum__${state}__node${node}.txt`));
      expect(r.thisNodeId).toBe(s.quorum?.nodeId);
      if (r.waitForAllStatus === true) expect(s.quorum?.quorate).toBe(false);
      if (r.waitForAllStatus !== null) expect(s.votequorum?.flags.includes('WaitForAll')).toBe(true);
    }
  });
});

/** [mode, the `quorum {}` options the dashboard reads from the lab's corosync.conf, nodelist votes] */
const confTable: [string, Partial<QuorumOptions>, number[]][] = [
  ['atb-lowest', { autoTieBreaker: true }, [1, 1, 1, 1]],
  ['atb-highest', { autoTieBreaker: true, autoTieBreakerNode: 'highest' }, [1, 1, 1, 1]],
  ['atb-list-3-1', { autoTieBreaker: true, autoTieBreakerNode: [3, 1] }, [1, 1, 1, 1]],
  ['lms', { lastManStanding: true, lastManStandingWindowMs: 5000, waitForAll: true }, [1, 1, 1, 1]],
  ['two-node', { twoNode: true }, [1, 1]],
  ['votes-pve3-2', {}, [1, 1, 2]],
  ['wfa', { waitForAll: true }, [1, 1, 1]],
];

describe("quorum modes: the lab's corosync.conf", () => {
  it.each(confTable)('%s', (mode, options, votes) => {
    const r = parseCorosyncConf(text(`corosync-conf__${mode}__node1.conf`));
    if (!r.ok) throw new Error(r.error.message);
    expect(quorumOptionsFromConf(r.value)).toEqual(QuorumOptions.parse(options));
    expect(confNodelist(r.value).map((n) => n.quorumVotes)).toEqual(votes);
  });
});

// ---------------------------------------------------------------- the model's votequorum rules, replayed

type Step = { members: number[]; at: number; from?: 'fresh' | string; capture?: string; node?: number; save?: string };
interface Replay {
  mode: string;
  options: Partial<QuorumOptions>;
  votes: number[];
  steps: Step[];
}

const replays: Replay[] = [
  {
    mode: 'atb-lowest',
    options: { autoTieBreaker: true },
    votes: [1, 1, 1, 1],
    steps: [
      { members: [1, 2, 3, 4], at: 0, capture: 'atb-lowest__4of4', save: 'all' },
      { members: [1, 2], at: 1000, capture: 'atb-lowest__split-2-2-with-pve1' },
      { members: [3, 4], at: 1000, from: 'all', capture: 'atb-lowest__split-2-2-without-pve1', node: 3 },
    ],
  },
  {
    mode: 'atb-highest',
    options: { autoTieBreaker: true, autoTieBreakerNode: 'highest' },
    votes: [1, 1, 1, 1],
    steps: [
      { members: [1, 2, 3, 4], at: 0, save: 'all' },
      { members: [1, 2], at: 1000, capture: 'atb-highest__split-2-2-without-pve4' },
      { members: [3, 4], at: 1000, from: 'all', capture: 'atb-highest__split-2-2-with-pve4', node: 3 },
    ],
  },
  {
    mode: 'atb-list-3-1',
    options: { autoTieBreaker: true, autoTieBreakerNode: [3, 1] },
    votes: [1, 1, 1, 1],
    steps: [
      { members: [1, 2, 3, 4], at: 0, save: 'all' },
      { members: [1, 4], at: 1000, capture: 'atb-list-3-1__split-2-2-without-pve3' },
      { members: [2, 3], at: 1000, from: 'all', capture: 'atb-list-3-1__split-2-2-with-pve3', node: 2 },
    ],
  },
  {
    mode: 'lms',
    options: { lastManStanding: true, lastManStandingWindowMs: 5000, waitForAll: true },
    votes: [1, 1, 1, 1],
    steps: [
      { members: [1, 2, 3, 4], at: 0, capture: 'lms__4of4' },
      { members: [1, 2, 3], at: 10_000, capture: 'lms__3of4-within-window' },
      { members: [1, 2, 3], at: 15_500, capture: 'lms__3of4-after-window' },
      { members: [1, 2], at: 20_000, capture: 'lms__2of4-within-window' },
      { members: [1, 2], at: 25_500, capture: 'lms__2of4-after-window' },
      { members: [1], at: 30_000 },
      { members: [1], at: 36_000, capture: 'lms__1of4-past-window' },
    ],
  },
  {
    mode: 'two-node',
    options: { twoNode: true },
    votes: [1, 1],
    steps: [
      { members: [1, 2], at: 0, capture: 'two-node__2of2' },
      { members: [1], at: 1000, capture: 'two-node__pve2-killed' },
      // both stopped, pve1 started alone: a fresh corosync
      { members: [1], at: 2000, from: 'fresh', capture: 'two-node__pve1-restarted-alone' },
    ],
  },
  {
    mode: 'votes-pve3-2',
    options: {},
    votes: [1, 1, 2],
    steps: [
      { members: [1, 2, 3], at: 0, capture: 'votes-pve3-2__3of3' },
      { members: [1, 2], at: 1000, capture: 'votes-pve3-2__pve3-killed' },
      { members: [1, 2, 3], at: 2000 },
      { members: [2, 3], at: 3000, capture: 'votes-pve3-2__pve1-killed', node: 3 },
    ],
  },
  {
    mode: 'wfa',
    options: { waitForAll: true },
    votes: [1, 1, 1],
    steps: [
      { members: [1, 2, 3], at: 0, capture: 'wfa__3of3' },
      // the whole cluster stopped, pve1 and pve2 started again
      { members: [1, 2], at: 1000, from: 'fresh', capture: 'wfa__2of3-after-cold-start' },
      { members: [1, 2, 3], at: 2000 },
      { members: [1, 2], at: 3000, capture: 'wfa__pve3-killed-after-all-seen' },
    ],
  },
];

function replay(r: Replay): { capture: string; node: number; state: ReturnType<typeof evaluateQuorum>['state'] }[] {
  const options = QuorumOptions.parse(r.options);
  const nodes: VoteNode[] = r.votes.map((votes, k) => ({ id: k + 1, votes }));
  const saved = new Map<string, QuorumMemory>();
  let memory = initialQuorumMemory();
  const out: { capture: string; node: number; state: ReturnType<typeof evaluateQuorum>['state'] }[] = [];
  for (const step of r.steps) {
    const start = step.from === 'fresh' ? initialQuorumMemory() : step.from ? saved.get(step.from)! : memory;
    const e = evaluateQuorum({ options, nodes, members: step.members, memory: start, now: step.at });
    memory = e.memory;
    if (step.save) saved.set(step.save, e.memory);
    if (step.capture) out.push({ capture: step.capture, node: step.node ?? 1, state: e.state });
  }
  return out;
}

describe("quorum modes: the model's votequorum rules give what Corosync printed", () => {
  const cases = replays.flatMap((r) => replay(r).map((c) => [c.capture, c.node, c.state] as const));

  it('covers every captured state but the one the model gets wrong (below)', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(table.map((r) => r[0]).filter((s) => s !== 'wfa__2of3-after-quorum-lost'));
  });

  it.each(cases)('%s', (capture, node, state) => {
    const seen = toQuorumState(status(`quorumtool-s__${capture}__node${node}.txt`));
    expect({ ...state, ringId: null }).toEqual({ ...seen, ringId: null });
  });

  // Corosync re-arms wait_for_all when a partition loses quorum (runtime.votequorum.wait_for_all_status = 1
  // in wfa__2of3-after-quorum-lost and lms__1of4-past-window): pve1 and pve2 back together hold 2 of 3
  // votes, enough for quorum, yet stay inquorate until all 3 are seen again. So does the model.
  it('wfa__2of3-after-quorum-lost: wait_for_all is re-armed after quorum was lost', () => {
    const options = QuorumOptions.parse({ waitForAll: true });
    const nodes: VoteNode[] = [1, 2, 3].map((id) => ({ id, votes: 1 }));
    let memory = initialQuorumMemory();
    // all seen, pve3 killed (still quorate), pve2 killed (pve1 alone, inquorate), pve2 started again
    for (const [members, at] of [
      [[1, 2, 3], 0],
      [[1, 2], 1000],
      [[1], 2000],
    ] as const) {
      memory = evaluateQuorum({ options, nodes, members: [...members], memory, now: at }).memory;
    }
    const last = evaluateQuorum({ options, nodes, members: [1, 2], memory, now: 3000 }).state;
    expect({ ...last, ringId: null }).toEqual({ ...toQuorumState(status('quorumtool-s__wfa__2of3-after-quorum-lost__node1.txt')), ringId: null });
  });
});
