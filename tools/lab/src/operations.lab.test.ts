// The lab's join as a source capability, on real Corosync: the pre-flight facts measured in the namespaces
// (a clean spare passes every check but the advice; a spare behind a firewall that drops Corosync's port and
// a spare running a cluster of its own fail the right check), then a join through the capability that the
// lab source follows to 4 members.
import { joinPlan, type ClusterSnapshot } from '@quorate/model';
import { createLabSource, type CorosyncSource } from '@quorate/sources';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Lab, down, labOperations } from './index';
import { describeLab, stepTimer } from './lab-test-kit';

const prefix = process.env.QUORATE_OPS_LAB_PREFIX ?? 'qop';
const { timed, report } = stepTimer(prefix);

await describeLab('lab operations', 'lab operations: join pre-flight and join through the source (3 members + 2 spares, token 1000 ms)', () => {
  let lab: Lab;
  let source: CorosyncSource;
  const lines: string[] = [];
  const ctx = { current: (): ClusterSnapshot | null => source.current(), log: (l: string) => lines.push(l) };
  const ops = labOperations(prefix, ctx);
  const io = () => ({ log: (l: string) => lines.push(l), signal: new AbortController().signal });
  const verdicts = async (name: string) => Object.fromEntries(joinPlan(await ops.join!.joinFacts({ name })).checks.map((c) => [c.id, `${c.status}: ${c.measured}`]));

  beforeAll(async () => {
    lab = await timed('up --nodes 3 --spare 2', () => Lab.up({ nodes: 3, spare: 2, token: 1000, prefix }));
    // the source's own lines (re-attaching, unreachable nodes) go into the failure message
    source = await createLabSource(prefix, { operations: ops, reloadMs: 300, log: (l) => lines.push(`[source] ${l}`) });
    await source.start();
  });

  afterAll(async () => {
    await source?.stop();
    await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
    report();
  });

  it('the source offers join, create, delnode, qdevice and links; the spares are the candidates', async () => {
    await expect.poll(() => source.current()?.nodes.filter((n) => n.state === 'online').length, { timeout: 20_000 }).toBe(3);
    expect(Object.keys(source.capabilities).sort()).toEqual(['advisorFacts', 'create', 'delnode', 'expectedVotes', 'join', 'links', 'qdevice']);
    expect(await ops.join!.candidates()).toEqual([
      { name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }] },
      { name: 'pve5', addresses: [{ link: 0, address: '198.18.0.15' }] },
    ]);
  });

  it('a clean spare: every check passes, only the advice warns (4 nodes: even; one link)', async () => {
    const plan = joinPlan(await timed('pre-flight pve4', () => ops.join!.joinFacts({ name: 'pve4', addresses: [{ link: 0, address: '198.18.0.14' }] })));
    const notPass = plan.checks.filter((c) => c.status !== 'pass').map((c) => c.id);
    expect(notPass, JSON.stringify(plan.checks, null, 1)).toEqual(['advice-qdevice', 'advice-second-link']);
    expect(plan.canJoin).toBe(true);
    const v = Object.fromEntries(plan.checks.map((c) => [c.id, c.measured]));
    expect(v['names-resolve']).toBe('pve4 → 198.18.0.14 on pve1, pve2 and pve3');
    expect(v['corosync-port']).toBe('UDP 5405 passes on 3 paths');
    expect(v['links-reachable']).toMatch(/^3 probes from pve1, pve2 and pve3 answered$/);
    expect(v.versions).toMatch(/^Corosync 3\.\d+\.\d+ here, 3\.\d+\.\d+ on the cluster$/);
    expect(plan.before).toMatchObject({ expectedVotes: 3, quorum: 2 });
    expect(plan.after).toMatchObject({ expectedVotes: 4, quorum: 3 });
  });

  it('UDP 5405 dropped by nftables in the spare: the port check fails, ping still passes', async () => {
    await lab.blockCorosyncPort('pve4', true);
    try {
      const v = await timed('pre-flight pve4, port blocked', () => verdicts('pve4'));
      expect(v['corosync-port']).toBe('fail: UDP dropped: pve1 → 198.18.0.14:5405, pve2 → 198.18.0.14:5405 and pve3 → 198.18.0.14:5405');
      expect(v['links-reachable']).toMatch(/^pass: /);
    } finally {
      await lab.blockCorosyncPort('pve4', false);
    }
  });

  it('a spare running a cluster of its own: not-clustered fails naming that cluster', async () => {
    await timed('pve5 creates cluster other', () => lab.createCluster(['pve5'], { clusterName: 'other' }));
    const v = await verdicts('pve5');
    expect(v['not-clustered']).toMatch(/^fail: .*corosync is already running.*\(cluster other\)$/);
  });

  it('a name no lab node has: the checks say what could not be read, and it cannot join', async () => {
    const plan = joinPlan(await ops.join!.joinFacts({ name: 'pve9' }));
    expect(plan.canJoin).toBe(false);
    expect(plan.checks.find((c) => c.id === 'not-clustered')).toMatchObject({ status: 'warn', measured: expect.stringContaining('no lab node is named pve9') });
  });

  it('join pve4 through the capability: the source follows the lab to 4 members, expected 4', async () => {
    await timed('join pve4 (until quorate 4/4)', () => ops.join!.join({ name: 'pve4' }, io()));
    expect(lines.some((l) => /^pve4 joined 'lab-cluster' as nodeid 4 \(config_version 2\): 4 members quorate/.test(l)), lines.join('\n')).toBe(true);
    // within the BFF's own verification bound (VERIFY_MS, 60 s); what the source saw is in the message
    const online = () => source.current()?.nodes.filter((n) => n.state === 'online').map((n) => n.name);
    await expect
      .poll(online, { timeout: 45_000, message: `${lines.join('\n')}\nnode states: ${JSON.stringify(source.nodeStates().map((s) => [s.name, s.reachable, s.reason]))}` })
      .toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    await expect.poll(() => source.current()?.quorum, { timeout: 10_000 }).toMatchObject({ quorate: true, expectedVotes: 4, quorum: 3 });
    expect(await ops.join!.candidates()).toEqual([{ name: 'pve5', addresses: [{ link: 0, address: '198.18.0.15' }] }]);
  });
});
