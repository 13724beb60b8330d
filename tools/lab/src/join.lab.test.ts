// Issue 13 on real Corosync: a 2-node cluster created from spares, a third joined, one removed, with quorum
// checked on every node at each step; the pre-flight's probes (ping, UDP to Corosync's port, blocked port)
// and the facts of a spare that already runs a cluster of its own.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Lab, LabError, down, readState, readStateEx } from './index';
import { describeLab, stepTimer } from './lab-test-kit';

const prefix = process.env.QUORATE_JOIN_LAB_PREFIX ?? 'qjl';
const { timed, report } = stepTimer(prefix);

await describeLab('lab join', 'lab: create from spares, join, remove (4 spares, token 1000 ms)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await timed('up --nodes 0 --spare 4', () => Lab.up({ nodes: 0, spare: 4, token: 1000, prefix }));
  });

  afterAll(async () => {
    await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
    report();
  });

  /** corosync-quorumtool -s on each of these nodes: every one must report the same figures */
  const everyNode = async (names: string[], want: { members: number; expectedVotes: number; quorum: number }) => {
    for (const name of names) {
      const q = await lab.quorum(name);
      expect(q, `${name}: ${q.raw}`).toMatchObject({ exitCode: 0, quorate: true, members: want.members, expectedVotes: want.expectedVotes, totalVotes: want.members });
      expect(Number(/^Quorum:\s+(\d+)/m.exec(q.raw)?.[1]), `${name}: ${q.raw}`).toBe(want.quorum);
    }
  };

  it('spares: own namespace, addresses and hosts view, no Corosync; the state says so', async () => {
    const state = await readStateEx(prefix);
    expect(state?.nodes).toEqual([]);
    expect(state?.spares.map((n) => [n.name, n.role, n.namespace, n.addresses])).toEqual([
      ['pve1', 'spare', `${prefix}-n1`, ['198.18.0.11']],
      ['pve2', 'spare', `${prefix}-n2`, ['198.18.0.12']],
      ['pve3', 'spare', `${prefix}-n3`, ['198.18.0.13']],
      ['pve4', 'spare', `${prefix}-n4`, ['198.18.0.14']],
    ]);
    // the BFF's reader (shared schema) still reads the file: a cluster with no nodes yet
    expect((await readState(prefix))?.nodes).toEqual([]);
    const hosts = await lab.runner('pve1').run('getent', ['hosts', 'pve4']);
    expect(hosts.stdout).toMatch(/^198\.18\.0\.14\s+pve4$/m);
    const facts = await lab.nodeFacts('pve2');
    expect(facts).toMatchObject({ role: 'spare', corosyncConf: false, authkey: false, corosyncRunning: false, clusterName: null, localAddresses: ['198.18.0.12'], clockOffsetMs: 0 });
    expect(facts.corosyncVersion).toMatch(/^3\.\d+\.\d+/);
    const st = await lab.status();
    expect(st.map((s) => [s.name, s.role, s.note])).toContainEqual(['pve3', 'spare', 'spare: corosync not configured']);
  });

  it('create: a 2-node cluster from pve1 and pve2, quorate 2/2 (expected 2, no two_node)', async () => {
    await timed('createCluster pve1 pve2 (until quorate 2/2)', () => lab.createCluster(['pve1', 'pve2'], { clusterName: 'labjoin' }));
    const conf = readFileSync(lab.node('pve1').conf, 'utf8');
    expect(conf).toContain('cluster_name: labjoin');
    expect(conf).toContain('config_version: 1');
    expect(conf).not.toContain('two_node');
    expect(readFileSync(lab.state.authkey).length).toBe(256); // corosync-keygen's key
    expect(lab.state.nodes.map((n) => [n.name, n.role])).toEqual([
      ['pve1', 'member'],
      ['pve2', 'member'],
    ]);
    await everyNode(['pve1', 'pve2'], { members: 2, expectedVotes: 2, quorum: 2 });
  });

  it('join: pve3 joins, 3 members, expected 3, quorum 2 on every node; config_version 2 everywhere', async () => {
    await timed('joinNode pve3 (until all quorate 3/3)', () => lab.joinNode('pve3'));
    for (const name of ['pve1', 'pve2', 'pve3']) {
      const conf = readFileSync(lab.node(name).conf, 'utf8');
      expect(conf, name).toContain('config_version: 2');
      expect(conf, name).toContain('ring0_addr: 198.18.0.13');
      const running = await lab.runner(name).run('corosync-cmapctl', ['-g', 'totem.config_version']);
      expect(running.stdout.trim(), name).toBe('totem.config_version (u64) = 2');
    }
    expect(readFileSync(`${lab.node('pve3').dir}/authkey`).equals(readFileSync(lab.state.authkey))).toBe(true);
    await everyNode(['pve1', 'pve2', 'pve3'], { members: 3, expectedVotes: 3, quorum: 2 });
  });

  it('join refuses a member, a bad address and an unknown node, with the reason', async () => {
    const errs = await Promise.all([
      lab.joinNode('pve2').catch((e: unknown) => e),
      lab.joinNode('pve4', { addresses: [{ link: 0, address: '10.0.0.1' }] }).catch((e: unknown) => e),
      lab.joinNode('pve4', { addresses: [{ link: 0, address: '198.18.0.99' }] }).catch((e: unknown) => e),
      lab.joinNode('pve9').catch((e: unknown) => e),
    ]);
    expect(errs.every((e) => e instanceof LabError)).toBe(true);
    expect((errs as LabError[]).map((e) => e.message)).toEqual([
      "joinNode: pve2 is already a member of 'labjoin'",
      'joinNode: addresses.0.address: an address inside the lab (198.18.0.0/15)',
      'joinNode: 198.18.0.99 is not an address of pve4 (it has 198.18.0.14)',
      `no node "pve9" in lab ${prefix} (nodes: pve1, pve2, pve3, pve4)`,
    ]);
  });

  it('remove: pve2 leaves, 2 members, expected 2, quorum 2; pve2 is a spare without config again', async () => {
    await timed('removeNode pve2 (until the others see 2 members)', () => lab.removeNode('pve2'));
    await everyNode(['pve1', 'pve3'], { members: 2, expectedVotes: 2, quorum: 2 });
    expect(readFileSync(lab.node('pve1').conf, 'utf8')).not.toContain('name: pve2');
    expect(await lab.nodeFacts('pve2')).toMatchObject({ role: 'spare', corosyncConf: false, authkey: false, corosyncRunning: false, clusterName: null });
    expect((await readStateEx(prefix))?.configVersion).toBe(3);
  });

  it('probe: ping and UDP to 5405 pass; with the port blocked, UDP is dropped and ping still answers', async () => {
    const open = await timed('probe pve1 -> pve2 (open)', () => lab.probe('pve1', '198.18.0.12'));
    expect(open).toMatchObject({ reachable: true, udp: true, lossPct: 0, note: null });
    expect(open.latencyMs).toBeGreaterThan(0);
    await lab.blockCorosyncPort('pve2', true);
    const blocked = await timed('probe pve1 -> pve2 (port blocked)', () => lab.probe('pve1', '198.18.0.12'));
    expect(blocked).toMatchObject({ reachable: true, udp: false, lossPct: 0 });
    await lab.blockCorosyncPort('pve2', false);
    expect((await lab.probe('pve1', '198.18.0.12')).udp).toBe(true);
    // a member's port is Corosync's: nothing else can listen there, so UDP is unknown, not "passes"
    const member = await lab.probe('pve2', '198.18.0.13');
    expect(member.udp).toBeNull();
    expect(member.note).toMatch(/port is in use there/);
  });

  it('an already clustered spare: pve4 runs its own 1-node cluster, and nodeFacts says so', async () => {
    await timed('createCluster other on pve4', () => lab.createCluster(['pve4'], { clusterName: 'other' }));
    expect(await lab.quorum('pve4')).toMatchObject({ quorate: true, members: 1, expectedVotes: 1 });
    expect(await lab.nodeFacts('pve4')).toMatchObject({ role: 'spare', corosyncConf: true, authkey: true, corosyncRunning: true, clusterName: 'other' });
    expect(existsSync(`${lab.state.dir}/clusters/other/authkey`)).toBe(true);
    const err = await lab.joinNode('pve4').catch((e: unknown) => e);
    expect((err as LabError).message).toMatch(/^joinNode: pve4 already runs Corosync of cluster 'other' \(pid \d+\)$/);
    // the lab cluster did not notice
    await everyNode(['pve1', 'pve3'], { members: 2, expectedVotes: 2, quorum: 2 });
  });

  it('clock skew is a fake offset in the state, bounded', async () => {
    await lab.setClockOffset('pve2', -1500);
    expect((await lab.nodeFacts('pve2')).clockOffsetMs).toBe(-1500);
    expect((await readStateEx(prefix))?.spares.find((n) => n.name === 'pve2')?.clockOffsetMs).toBe(-1500);
    const err = await lab.setClockOffset('pve2', 1e12).catch((e: unknown) => e);
    expect((err as LabError).exitCode).toBe(2);
  });
});
