// `up --quorum` and `--votes` against real Corosync: the options reach votequorum (its flags and figures),
// and `up` still waits for a whole, quorate cluster with them.
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { Lab, LabError, down, readStateEx } from './index';
import { describeLab } from './lab-test-kit';

const prefix = process.env.QUORATE_LAB_TEST_PREFIX ?? 'qla';

await describeLab('lab quorum option', 'lab: votequorum options and weighted votes, token 1000 ms', () => {
  afterAll(async () => {
    await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
  });

  it('refuses bad options before building anything (exit 2)', async () => {
    const err = await Lab.up({ nodes: 3, prefix, quorum: { twoNode: true } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).exitCode).toBe(2);
    expect((err as LabError).message).toMatch(/two_node needs exactly 2 nodes/);
    expect(await readStateEx(prefix)).toBeNull();
  });

  it('two_node: up waits for 2/2; one node killed, the other stays quorate (2Node, WaitForAll)', async () => {
    const lab = await Lab.up({ nodes: 2, token: 1000, prefix, quorum: { twoNode: true } });
    expect(lab.state.quorum).toEqual({ twoNode: true });
    expect((await readStateEx(prefix))?.quorum).toEqual({ twoNode: true });
    expect(readFileSync(lab.node(1).conf, 'utf8')).toContain('quorum {\n  provider: corosync_votequorum\n  two_node: 1\n}');
    const q = await lab.quorum(1);
    expect(q).toMatchObject({ quorate: true, members: 2, expectedVotes: 2 });
    expect(q.raw).toMatch(/^Flags:\s+2Node Quorate WaitForAll\s*$/m);
    await lab.fault('pve2', { kind: 'kill' });
    await lab.waitQuorum(1, { quorate: true, members: 1 });
    expect(await lab.quorum(1)).toMatchObject({ exitCode: 0, quorate: true, members: 1, totalVotes: 1, expectedVotes: 2 });
  });

  it('--votes pve3=2: expected votes 4; losing pve3 loses quorum, status reports the votes', async () => {
    const lab = await Lab.up({ nodes: 3, token: 1000, prefix, votes: { 3: 2 } });
    expect(lab.state.nodes.map((n) => n.votes)).toEqual([1, 1, 2]);
    expect(await lab.quorum(1)).toMatchObject({ quorate: true, members: 3, expectedVotes: 4, totalVotes: 4 });
    expect((await lab.status()).map((s) => [s.name, s.votes])).toEqual([
      ['pve1', 1],
      ['pve2', 1],
      ['pve3', 2],
    ]);
    await lab.fault('pve3', { kind: 'kill' });
    await lab.waitQuorum(1, { quorate: false, members: 2 });
    expect(await lab.quorum(1)).toMatchObject({ exitCode: 2, totalVotes: 2, expectedVotes: 4, activityBlocked: true });
  });
});
