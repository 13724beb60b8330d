// Golden runs of the simulator: fixed seeds through fixed fault scripts, every emitted snapshot hashed and
// the timeline (diffSnapshots) kept readable, compared with engine.golden.json. It pins the engine's
// behaviour exactly (snapshots, events, exported state), so a refactor can prove it changed nothing.
// Regenerate only for an intended change of behaviour: UPDATE_GOLDEN=1 npx vitest run packages/sources/src/sim/engine.golden.test.ts
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, type ClusterSnapshot, type SimFault } from '@quorate/model';
import { createSimSource, durableSimState, type SimOptions, type SimSource } from './index';

const FILE = fileURLToPath(new URL('./engine.golden.json', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const T0 = 1_780_000_000_000;

interface Run {
  snapshots: number;
  /** sha256 (16 hex) of each emitted snapshot's JSON, in order */
  hashes: string[];
  /** the timeline the BFF would write: "+ms message" */
  events: string[];
  /** refused faults and operations: their messages */
  refused: string[];
  /** sha256 of exportState() at the end */
  state: string;
}

interface Golden {
  runs: Record<string, Run>;
  /** states exported mid-run by the code that made this file: they must still resume */
  saved: { full: unknown; durable: unknown };
}

const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

type Step = SimFault | { advance: number } | { expected: number };

function record(s: SimSource, steps: Step[]): Run {
  const snaps: ClusterSnapshot[] = [];
  const refused: string[] = [];
  s.subscribe((x) => snaps.push(x));
  const first = s.current();
  if (first) snaps.push(first);
  for (const step of steps) {
    try {
      if ('advance' in step) s.advance(step.advance);
      else if ('expected' in step) s.setExpectedVotes(step.expected);
      else s.applyFault(step);
    } catch (e) {
      refused.push((e as Error).message);
    }
  }
  const events: string[] = [];
  let prev: ClusterSnapshot | null = null;
  for (const x of snaps) {
    for (const e of diffSnapshots(prev, x)) events.push(`+${e.at - T0} ${e.message}`);
    prev = x;
  }
  return { snapshots: snaps.length, hashes: snaps.map(hash), events, refused, state: hash(s.exportState()) };
}

const sim = (o: Partial<SimOptions> = {}) => createSimSource({ seed: 42, now: () => T0, ...o });
const adv = (ms: number): Step => ({ advance: ms });

/** most of the fault vocabulary on the default cluster, at a fast tick */
const mainScript: Step[] = [
  adv(2_500),
  { action: 'link-quality', node: 'pve2', latencyMs: 3, lossPct: 40, jitterMs: 2 },
  adv(23_000),
  { action: 'link-quality', node: 'pve2', link: 1, latencyMs: 1, lossPct: 100, jitterMs: 0 },
  adv(9_000),
  { action: 'link-down', node: 'pve3' },
  adv(4_100),
  { action: 'link-up', node: 'pve3', link: 1 },
  adv(12_000),
  { action: 'link-down', node: 'pve3', link: 1 },
  adv(20_000),
  { action: 'stop', nodes: ['pve1'] },
  adv(9_000),
  { action: 'shutdown', nodes: ['pve2'] },
  adv(3_000),
  { expected: 1 },
  { expected: 0 },
  adv(5_000),
  { action: 'start', nodes: ['pve1', 'pve2'] },
  adv(15_000),
  { action: 'heal' },
  adv(12_000),
  { action: 'partition', groups: [['pve1'], ['pve3']] },
  adv(15_000),
  { action: 'partition', groups: [['pve1', 'pve2'], ['pve2']] },
  { action: 'stop', nodes: ['pve9'] },
  { action: 'link-down', node: 'pve1', link: 5 },
  { action: 'heal' },
  adv(10_000),
  { action: 'scenario', name: 'rolling-failure' },
  adv(95_000),
  { action: 'scenario', name: 'flapping-link' },
  adv(70_000),
  { action: 'scenario', name: 'split-brain' },
  adv(30_000),
  { action: 'heal' },
  adv(20_000),
];

/** partitions, weighted by a QDevice, on a bigger cluster */
const qdeviceScript: Step[] = [
  { action: 'partition', groups: [['pve1', 'pve2'], ['pve3', 'pve4', 'pve5']] },
  adv(20_000),
  { action: 'link-quality', node: 'pve4', link: 2, latencyMs: 8, lossPct: 55, jitterMs: 4 },
  adv(25_000),
  { action: 'heal' },
  adv(15_000),
  { action: 'stop', nodes: ['pve1', 'pve2', 'pve3'] },
  adv(15_000),
  { expected: 3 },
  adv(5_000),
  { action: 'scenario', name: 'split-brain' },
  adv(80_000),
];

const lmsScript: Step[] = [
  { action: 'stop', nodes: ['pve4'] },
  adv(20_000),
  { action: 'stop', nodes: ['pve3'] },
  adv(20_000),
  { action: 'stop', nodes: ['pve2'] },
  adv(20_000),
  { action: 'start', nodes: ['pve2', 'pve3', 'pve4'] },
  adv(20_000),
  { action: 'partition', groups: [['pve1', 'pve2'], ['pve3', 'pve4']] },
  adv(30_000),
  { action: 'heal' },
  adv(15_000),
];

const twoNodeScript: Step[] = [
  { action: 'stop', nodes: ['pve2'] },
  adv(12_000),
  { action: 'stop', nodes: ['pve1'] },
  { action: 'start', nodes: ['pve1'] },
  adv(12_000),
  { action: 'start', nodes: ['pve2'] },
  adv(8_000),
  { action: 'link-down', node: 'pve1' },
  adv(12_000),
  { action: 'heal' },
  adv(10_000),
];

const resumeScript: Step[] = [adv(7_000), { action: 'heal' }, adv(20_000), { action: 'link-quality', node: 'pve3', latencyMs: 2, lossPct: 35, jitterMs: 1 }, adv(30_000)];

/** the run whose mid-point is saved */
function savedSource(): SimSource {
  const s = sim({ tickMs: 700 });
  s.applyFault({ action: 'scenario', name: 'rolling-failure' });
  s.applyFault({ action: 'link-quality', node: 'pve1', link: 1, latencyMs: 5, lossPct: 40, jitterMs: 1 });
  s.advance(17_000);
  return s;
}

function compute(saved: Golden['saved']): Golden['runs'] {
  return {
    main: record(sim({ tickMs: 500 }), mainScript),
    qdevice: record(sim({ seed: 'golden', nodeCount: 5, linkCount: 3, qdevice: { algorithm: 'ffsplit', tieBreaker: 'highest' } }), qdeviceScript),
    qdeviceLms: record(sim({ seed: 7, qdevice: { algorithm: 'lms' } }), [{ action: 'stop', nodes: ['pve2', 'pve3'] }, adv(20_000), { action: 'heal' }, adv(15_000)]),
    lastManStanding: record(
      sim({ seed: 3, nodeCount: 4, linkCount: 1, quorumOptions: { lastManStanding: true, lastManStandingWindowMs: 10_000, autoTieBreaker: true, autoTieBreakerNode: 'highest' } }),
      lmsScript,
    ),
    twoNode: record(sim({ seed: 2, nodeCount: 2, quorumOptions: { twoNode: true } }), twoNodeScript),
    wide: record(sim({ seed: 99, nodeCount: 7, linkCount: 3, tickMs: 1000 }), [
      { action: 'link-quality', node: 'pve5', latencyMs: 2, lossPct: 70, jitterMs: 3 },
      { action: 'partition', groups: [['pve1', 'pve2', 'pve3'], ['pve6']] },
      adv(40_000),
      { action: 'scenario', name: 'rolling-failure' },
      adv(120_000),
    ]),
    resumeFull: record(sim({ state: structuredClone(saved.full), now: () => 0 }), resumeScript),
    resumeDurable: record(sim({ state: structuredClone(saved.durable), now: () => 0 }), resumeScript),
  };
}

describe('sim: golden runs (behaviour pinned by engine.golden.json)', () => {
  it('every snapshot, event and exported state is as recorded', () => {
    if (UPDATE) {
      const s = savedSource();
      const saved = { full: JSON.parse(JSON.stringify(s.exportState())), durable: JSON.parse(JSON.stringify(durableSimState(s.exportState()))) };
      writeFileSync(FILE, `${JSON.stringify({ runs: compute(saved), saved } satisfies Golden, null, 1)}\n`);
    }
    const golden = JSON.parse(readFileSync(FILE, 'utf8')) as Golden;
    const runs = compute(golden.saved);
    for (const [name, run] of Object.entries(golden.runs)) {
      const got = runs[name];
      expect(got?.events, `${name}: events`).toEqual(run.events);
      expect(got?.refused, `${name}: refused`).toEqual(run.refused);
      expect(got?.hashes, `${name}: snapshots`).toEqual(run.hashes);
      expect(got?.state, `${name}: exported state`).toBe(run.state);
    }
    expect(Object.keys(runs)).toEqual(Object.keys(golden.runs));
  });
});
