// The expected-votes operation on a lab (real Corosync) cluster: the source behind deferredSource answers
// with the command's log, its failures keep what the command printed, and only a source without the
// method is 501.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, DryRunResponse, type ClusterSnapshot } from '@quorate/model';
import { ExpectedVotesError, deferredSource, type ExpectedVotesResult } from '@quorate/sources';
import type { LedCluster } from '../clusters';
import type { ClusterConfig } from '../config';
import { FakeSource } from '../testing/fake-source';
import { endedTask, labCluster, startFake, type Harness } from '../testing/harness';
import { expectedVotes } from './expected-votes';

/** what the Corosync source does, by hand: -e n on the observer, then the refreshed view */
class CorosyncLike extends FakeSource {
  readonly calls: number[] = [];
  fail: string | null = null;
  override readonly capabilities = { expectedVotes: { setExpectedVotes: (n: number) => this.setExpectedVotes(n) } };

  async setExpectedVotes(n: number): Promise<ExpectedVotesResult> {
    this.calls.push(n);
    const log = [`pve1: corosync-quorumtool -e ${n}`];
    if (this.fail) throw new ExpectedVotesError(this.fail, [...log, 'pve1: Unable to set expected votes: CS_ERR_TRY_AGAIN']);
    const s = structuredClone(this.current()!) as ClusterSnapshot;
    s.observedAt += 1000;
    s.quorum = { ...s.quorum!, expectedVotes: n, highestExpected: n, quorum: 1, quorate: true, flags: ['Quorate'] };
    this.push(s);
    return { node: 'pve1', log: [...log, 'pve1: exit 0'] };
  }
}

const lab: ClusterConfig = labCluster('lab-cluster', 'qlab', true);

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function start(inner: FakeSource): Promise<Harness> {
  h = await startFake([lab], {
    createSource: (c) => deferredSource({ clusterId: c.id, kind: 'lab', create: async () => inner }),
  });
  return h;
}

const op = (hh: Harness, body: unknown) => hh.api('/api/v1/operations/expected-votes', { method: 'POST', body });

describe('expected votes on a lab cluster', () => {
  it('recovery: 2 of 3 gone, expected 1 runs through deferredSource; the command log is the task log', async () => {
    const inner = new CorosyncLike('lab-cluster');
    const hh = await start(inner);
    inner.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    const res = await op(hh, { expectedVotes: 1, confirm: true, clusterName: 'lab-cluster' });
    const task = await endedTask(hh.url, hh.tokens.operator, res);
    expect(task.status).toBe('ok');
    expect(inner.calls).toEqual([1]);
    expect(task.log.slice(1).map((l) => l.line)).toEqual([
      'pve1: pvecm expected 1',
      'pve1: corosync-quorumtool -e 1',
      'pve1: exit 0',
      'expected votes 3 -> 1; quorum 2 -> 1; 1 vote present; quorate',
    ]);
  });

  it("a failure keeps the command's output before the reason, and is audited as failed", async () => {
    const inner = new CorosyncLike('lab-cluster');
    const hh = await start(inner);
    inner.fail = 'Unable to set expected votes: CS_ERR_TRY_AGAIN (pve1: corosync-quorumtool -e 4, exit 1)';
    const res = await op(hh, { expectedVotes: 4, confirm: true, clusterName: 'lab-cluster' });
    const task = await endedTask(hh.url, hh.tokens.operator, res);
    expect(task.status).toBe('failed');
    expect(task.log.slice(-3).map((l) => l.line)).toEqual([
      'pve1: corosync-quorumtool -e 4',
      'pve1: Unable to set expected votes: CS_ERR_TRY_AGAIN',
      `failed: ${inner.fail}`,
    ]);
    expect((await hh.server.store.audit.list({ limit: 10, operation: 'expected-votes' })).records[0]).toMatchObject({ result: 'failed', message: `failed: ${inner.fail}` });
  });

  it('a source without the method is 501; nothing runs', async () => {
    const hh = await start(new FakeSource('lab-cluster'));
    const res = await op(hh, { expectedVotes: 4, confirm: true });
    expect(res.status).toBe(501);
    expect(ApiError.parse(await res.json()).error).toBe("cluster 'lab-cluster' (source 'lab') cannot set expected votes");
  });
});

describe('the plan: failure tolerance', () => {
  const cluster = { config: { id: 'lab-cluster' } } as unknown as LedCluster;
  const snapshotOf = (nodes: string[], stopped: string[] = []) => {
    const s = new FakeSource('lab-cluster', nodes);
    if (stopped.length) s.applyFault({ action: 'stop', nodes: stopped });
    else s.applyFault({ action: 'heal' });
    return s.current()!;
  };
  const planFor = (n: number, snapshot: ClusterSnapshot) => expectedVotes.plan({ expectedVotes: n, dryRun: true }, cluster, snapshot) as Awaited<ReturnType<typeof expectedVotes.plan>>;

  it('raising expected votes on a healthy 3-node cluster so that it can lose no node names the risk and needs the cluster name', () => {
    const healthy = snapshotOf(['pve1', 'pve2', 'pve3']);
    for (const n of [4, 5]) {
      const plan = planFor(n, healthy);
      expect(plan).toMatchObject({ recovery: false, needsClusterName: true, refusal: null, before: { nodesCanLose: 1 }, after: { quorum: 3, quorate: true, nodesCanLose: 0 } });
      expect(plan.risk).toBe(
        `Raising expected votes to ${n} makes the cluster fragile: 3 of the 3 votes present are then needed. ` +
          'The cluster could lose 1 node before; after this it can lose none: one more node down and the cluster loses quorum (/etc/pve turns read-only; HA nodes fence themselves).',
      );
    }
    // the same number changes nothing: no risk, a tick is enough
    expect(planFor(3, healthy)).toMatchObject({ risk: null, needsClusterName: false, before: { nodesCanLose: 1 }, after: { nodesCanLose: 1 } });
  });

  it('says from what to what when the cluster can still lose some', () => {
    const five = snapshotOf(['pve1', 'pve2', 'pve3', 'pve4', 'pve5']);
    const plan = planFor(6, five);
    expect(plan).toMatchObject({ needsClusterName: true, before: { nodesCanLose: 2 }, after: { quorum: 4, nodesCanLose: 1 } });
    expect(plan.risk).toMatch(/The cluster could lose 2 nodes before; after this it can lose 1 node\b/);
    expect(planFor(5, five)).toMatchObject({ risk: null, needsClusterName: false });
  });

  it('lowering keeps the tolerance (no typed name); the recovery path still warns of split brain', () => {
    const oneDown = snapshotOf(['pve1', 'pve2', 'pve3', 'pve4', 'pve5'], ['pve5']);
    const lower = planFor(4, oneDown);
    expect(lower).toMatchObject({ needsClusterName: false, before: { nodesCanLose: 1 }, after: { nodesCanLose: 1 } });
    expect(lower.risk).toMatch(/^Lowering expected votes lowers the quorum/);
    const recovery = planFor(1, snapshotOf(['pve1', 'pve2', 'pve3'], ['pve2', 'pve3']));
    expect(recovery).toMatchObject({ recovery: true, needsClusterName: true, before: { nodesCanLose: 0 }, after: { nodesCanLose: 0 } });
    expect(recovery.risk).toMatch(/split brain/);
  });
});

describe('a change that leaves the cluster fragile needs the typed name', () => {
  it('confirm: true alone is refused (400, audited); with the cluster name it runs', async () => {
    const inner = new CorosyncLike('lab-cluster');
    const hh = await start(inner);
    const dry = DryRunResponse.parse(await (await op(hh, { expectedVotes: 5, dryRun: true })).json());
    expect(dry.plan).toMatchObject({ needsClusterName: true, recovery: false });
    expect(dry.plan.risk).toMatch(/could lose 1 node before; after this it can lose none/);
    const res = await op(hh, { expectedVotes: 5, confirm: true });
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).error).toBe("type the cluster name 'lab-cluster' to confirm");
    expect(inner.calls).toEqual([]);
    expect((await hh.server.store.audit.list({ limit: 10, operation: 'expected-votes' })).records[0]).toMatchObject({ result: 'refused' });
    const ok = await op(hh, { expectedVotes: 5, confirm: true, clusterName: 'lab-cluster' });
    expect((await endedTask(hh.url, hh.tokens.operator, ok)).status).toBe('ok');
    expect(inner.calls).toEqual([5]);
  });
});
