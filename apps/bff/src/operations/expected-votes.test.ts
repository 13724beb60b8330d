// The expected-votes operation on a lab (real Corosync) cluster: the source behind deferredSource answers
// with the command's log, its failures keep what the command printed, and only a source without the
// method is 501.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, OperationResponse, type ClusterSnapshot } from '@quorate/model';
import { ExpectedVotesError, deferredSource, type ExpectedVotesResult } from '@quorate/sources';
import type { ClusterConfig } from '../config';
import { FakeSource } from '../testing/fake-source';
import { startFake, type Harness } from '../testing/harness';

/** what the Corosync source does, by hand: -e n on the observer, then the refreshed view */
class CorosyncLike extends FakeSource {
  readonly calls: number[] = [];
  fail: string | null = null;

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

const labCluster: ClusterConfig = { id: 'lab-cluster', name: 'lab-cluster', default: true, source: 'lab', labPrefix: 'qlab' };

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function start(inner: FakeSource): Promise<Harness> {
  h = await startFake([labCluster], {
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
    expect(res.status).toBe(200);
    const { task } = OperationResponse.parse(await res.json());
    expect(task.result).toBe('ok');
    expect(inner.calls).toEqual([1]);
    expect(task.log.slice(1)).toEqual([
      'pve1: pvecm expected 1',
      'pve1: corosync-quorumtool -e 1',
      'pve1: exit 0',
      'expected votes 3 -> 1; quorum 2 -> 1; 1 votes present; quorate',
    ]);
  });

  it("a failure keeps the command's output before the reason, and is audited as failed", async () => {
    const inner = new CorosyncLike('lab-cluster');
    const hh = await start(inner);
    inner.fail = 'Unable to set expected votes: CS_ERR_TRY_AGAIN (pve1: corosync-quorumtool -e 4, exit 1)';
    const res = await op(hh, { expectedVotes: 4, confirm: true });
    const { task } = OperationResponse.parse(await res.json());
    expect(task.result).toBe('failed');
    expect(task.log.slice(-3)).toEqual([
      'pve1: corosync-quorumtool -e 4',
      'pve1: Unable to set expected votes: CS_ERR_TRY_AGAIN',
      `failed: ${inner.fail}`,
    ]);
    expect(hh.server.store.audit.list({ limit: 10, operation: 'expected-votes' }).records[0]).toMatchObject({ result: 'failed', message: `failed: ${inner.fail}` });
  });

  it('a source without the method is 501; nothing runs', async () => {
    const hh = await start(new FakeSource('lab-cluster'));
    const res = await op(hh, { expectedVotes: 4, confirm: true });
    expect(res.status).toBe(501);
    expect(ApiError.parse(await res.json()).error).toBe("cluster 'lab-cluster' (source 'lab') cannot set expected votes");
  });
});
