import { ClusterSnapshot } from '@quorate/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunnerError } from '../runners';
import { ExpectedVotesError } from './expected-votes';
import { FakeCorosync, fixture } from './fake-corosync.test-helper';
import { createCorosyncSource, type CorosyncSource } from './source';

const Q3 = [1, 2, 3].map((n) => fixture(`quorumtool-s__quorate-3of3__node${n}.txt`));
const ALONE_N1 = fixture('quorumtool-s__inquorate-1of3__node2-node3-sigstopped__node1.txt');
/** pve1 alone after `corosync-quorumtool -e 1`, as corosync 3.1.7 prints it */
const ALONE_N1_EXPECTED_1 = ALONE_N1.replace('Quorate:          No', 'Quorate:          Yes')
  .replace('Expected votes:   3', 'Expected votes:   1')
  .replace('Highest expected: 3', 'Highest expected: 1')
  .replace('Quorum:           2 Activity blocked', 'Quorum:           1  ')
  .replace(/^Flags:\s*$/m, 'Flags:            Quorate ');
const INVALID = 'Unable to set expected votes: CS_ERR_INVALID_PARAM\n';

interface Rig {
  source: CorosyncSource;
  nodes: [FakeCorosync, FakeCorosync, FakeCorosync];
  snaps: ClusterSnapshot[];
}

async function rig(): Promise<Rig> {
  const nodes = [1, 2, 3].map((id) => new FakeCorosync(id, Q3[id - 1]!)) as Rig['nodes'];
  const source = createCorosyncSource({ clusterId: 'c1', kind: 'ssh', nodes: nodes.map((r, i) => ({ name: `pve${i + 1}`, runner: r })) });
  const snaps: ClusterSnapshot[] = [];
  source.subscribe((s) => snaps.push(ClusterSnapshot.parse(s)));
  await source.start();
  await vi.advanceTimersByTimeAsync(0);
  return { source, nodes, snaps };
}

const setCalls = (n: FakeCorosync) => n.calls.filter((c) => c.startsWith('corosync-quorumtool -e'));

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-25T22:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CorosyncSource.setExpectedVotes', () => {
  it('pve1 alone and inquorate: runs -e 1 on pve1 only, keeps its output, and the refreshed view is quorate before it resolves', async () => {
    const r = await rig();
    const [n1, n2, n3] = r.nodes;
    for (const n of [n2, n3]) {
      n.mode = { kind: 'dead' };
      n.liveStream!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    }
    n1.change(ALONE_N1);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.source.current()?.quorum).toMatchObject({ quorate: false, expectedVotes: 3, members: [1] });

    // the real tool prints nothing on success; the -m watcher is not relied upon to report the change
    n1.onSetExpected = (n) => {
      n1.status = n === 1 ? ALONE_N1_EXPECTED_1 : n1.status;
      return { code: 0 };
    };
    const watchers = n1.streams.length;
    const result = await r.source.setExpectedVotes(1);
    expect(result).toEqual({ node: 'pve1', log: ['pve1: corosync-quorumtool -e 1', 'pve1: exit 0'] });
    // its -m watcher was started afresh (a running one lags a notification behind after -e)
    expect(n1.streams).toHaveLength(watchers + 1);
    expect(n1.streams.filter((x) => !x.ended)).toHaveLength(1);
    expect(setCalls(n1)).toEqual(['corosync-quorumtool -e 1']);
    expect([...setCalls(n2), ...setCalls(n3)]).toEqual([]);
    const q = r.source.current()?.quorum;
    expect(q).toMatchObject({ quorate: true, expectedVotes: 1, quorum: 1, totalVotes: 1, members: [1] });
    expect(q?.flags).toContain('Quorate');
    expect(r.snaps.at(-1)?.quorum?.expectedVotes).toBe(1);
    await r.source.stop();
  });

  it("runs on the observer: pve2 when pve1's Corosync is frozen", async () => {
    const r = await rig();
    const [n1, n2] = r.nodes;
    n1.mode = { kind: 'hang' };
    await vi.advanceTimersByTimeAsync(250 + 3_000 + 50);
    expect(r.source.current()?.observer?.name).toBe('pve2');
    const n3 = r.nodes[2];
    const raise = (report: string) => report.replace('Expected votes:   3', 'Expected votes:   4');
    // votequorum applies it on every member: pve3 shows it after two more asks (its message came late)
    let pve3Asks = 0;
    const n3Status = n3.status;
    Object.defineProperty(n3, 'status', { configurable: true, get: () => (pve3Asks++ >= 2 && n2.calls.some((c) => c.includes('-e')) ? raise(n3Status) : n3Status), set: () => {} });
    n2.onSetExpected = () => {
      n2.status = raise(n2.status);
      return { code: 0 };
    };
    const streams = [n2.streams.length, n3.streams.length];
    const pending = r.source.setExpectedVotes(4);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(pending).resolves.toMatchObject({ node: 'pve2' });
    expect(setCalls(n2)).toEqual(['corosync-quorumtool -e 4']);
    expect(setCalls(n1)).toEqual([]);
    expect(r.source.current()?.quorum?.expectedVotes).toBe(4);
    expect(r.source.current()?.views.find((v) => v.name === 'pve3')?.quorum?.expectedVotes).toBe(4);
    // both watchers restarted once their node showed the change; frozen pve1 was not touched
    expect([n2.streams.length, n3.streams.length]).toEqual([streams[0]! + 1, streams[1]! + 1]);
    await r.source.stop();
  });

  it("corosync's refusal becomes the error, with its text and the output kept; nothing changes", async () => {
    const r = await rig();
    const [n1] = r.nodes;
    n1.onSetExpected = () => ({ code: 1, stderr: INVALID });
    const err = await r.source.setExpectedVotes(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExpectedVotesError);
    expect((err as Error).message).toBe('Unable to set expected votes: CS_ERR_INVALID_PARAM (pve1: corosync-quorumtool -e 1, exit 1)');
    expect((err as ExpectedVotesError).log).toEqual(['pve1: corosync-quorumtool -e 1', 'pve1: Unable to set expected votes: CS_ERR_INVALID_PARAM']);
    expect(r.source.current()?.quorum).toMatchObject({ quorate: true, expectedVotes: 3 });
    // a refusal says nothing about reachability
    expect(r.source.current()?.views.every((v) => v.reachable)).toBe(true);
    await r.source.stop();
  });

  it('an SSH failure and a timeout say what happened; a bad number is refused before anything runs', async () => {
    const r = await rig();
    const [n1] = r.nodes;
    await expect(r.source.setExpectedVotes(0)).rejects.toThrow('expected votes must be a whole number of at least 1, got 0');
    await expect(r.source.setExpectedVotes(1.5)).rejects.toThrow(/got 1.5/);
    expect(setCalls(n1)).toEqual([]);

    n1.mode = { kind: 'error', error: new RunnerError('auth-failed', 'refused', 'ssh root@a') };
    await expect(r.source.setExpectedVotes(2)).rejects.toThrow('pve1: corosync-quorumtool -e 2: auth failed');

    const r2 = await rig();
    r2.nodes[0].mode = { kind: 'hang' };
    const pending = r2.source.setExpectedVotes(2).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(((await pending) as Error).message).toBe(
      'pve1: corosync-quorumtool -e 2: timeout after 3 s (Corosync frozen or overloaded?); whether expected votes changed is unknown',
    );
    await r.source.stop();
    await r2.source.stop();
  });

  it('refuses when no node can be asked, or the source is not running', async () => {
    const r = await rig();
    for (const n of r.nodes) {
      n.mode = { kind: 'dead' };
      n.liveStream!.exit(1, 'Unable to dispatch quorum status: CS_ERR_LIBRARY');
    }
    await vi.advanceTimersByTimeAsync(0);
    await expect(r.source.setExpectedVotes(1)).rejects.toThrow(/^no node can be asked to set expected votes \(pve1: no Corosync running/);
    await r.source.stop();
    await expect(r.source.setExpectedVotes(1)).rejects.toThrow(/not running/);
    expect(r.nodes.flatMap(setCalls)).toEqual([]);
  });
});
