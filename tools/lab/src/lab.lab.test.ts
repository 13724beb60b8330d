// The lab against real Corosync 3: every fault the dashboard must show, with the time each step takes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { LocalRunner, NetnsRunner, RunnerError } from '@quorate/sources';
import { Lab, down, parseLinkStatus, parseQuorumStatus, readState, readStateEx, stateFile } from './index';
import { describeLab, stepTimer } from './lab-test-kit';
import { isAlive, sleep } from './procs';

const prefix = `lt${Date.now().toString(36).slice(-6)}`;
const { timed, report } = stepTimer(prefix);

await describeLab('lab', 'lab: 3 nodes, 2 links, token 1000 ms', () => {
  let lab: Lab;
  const wait = { timeoutMs: 60_000 };

  beforeAll(async () => {
    lab = await timed('up 3 nodes (until all quorate 3/3)', () => Lab.up({ nodes: 3, links: 2, token: 1000, prefix }));
  });

  afterAll(async () => {
    // also when a test failed half-way: leave nothing behind
    await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
    report();
  });

  const allQuorate = (members: number) =>
    Promise.all([1, 2, 3].map((i) => lab.waitQuorum(i, { quorate: true, members }, wait.timeoutMs)));

  it('writes a state file the BFF can read', async () => {
    const state = await readState(prefix);
    expect(state?.nodes.map((n) => [n.name, n.namespace, n.addresses])).toEqual([
      ['pve1', `${prefix}-n1`, ['198.18.0.11', '198.18.1.11']],
      ['pve2', `${prefix}-n2`, ['198.18.0.12', '198.18.1.12']],
      ['pve3', `${prefix}-n3`, ['198.18.0.13', '198.18.1.13']],
    ]);
    expect(state?.clusterName).toBe('lab-cluster');
    expect(state?.nodes.every((n) => typeof n.pid === 'number')).toBe(true);
  });

  it('all nodes are quorate 3/3, seen through NetnsRunner, on both links', async () => {
    for (const ns of [1, 2, 3].map((i) => `${prefix}-n${i}`)) {
      const r = await new NetnsRunner(ns).run('corosync-quorumtool', ['-s']);
      expect(r.code).toBe(0);
      expect(parseQuorumStatus(r.stdout)).toMatchObject({ quorate: true, members: 3, expectedVotes: 3 });
    }
    const cfg = await new NetnsRunner(`${prefix}-n1`).run('corosync-cfgtool', ['-s']);
    expect(parseLinkStatus(cfg.stdout)).toEqual([
      { link: 0, connected: [2, 3], disconnected: [] },
      { link: 1, connected: [2, 3], disconnected: [] },
    ]);
  });

  it('NetnsRunner: missing command and missing namespace are RunnerErrors', async () => {
    const notFound = await new NetnsRunner(`${prefix}-n1`).run('quorate-no-such-tool', []).catch((e: unknown) => e);
    expect((notFound as RunnerError).reason).toBe('not-found');
    const noNs = await new NetnsRunner(`${prefix}-n9`).run('true', []).catch((e: unknown) => e);
    expect(noNs).toBeInstanceOf(RunnerError);
    expect((noNs as RunnerError).reason).toBe('unreachable');
  });

  let killedPid3 = 0;

  it('kill pve3 (SIGKILL): pve1 sees 2 members and stays quorate; a quorumtool -m watcher reports it', async () => {
    const lines: string[] = [];
    const watcher = new NetnsRunner(`${prefix}-n1`).spawnStream('stdbuf', ['-oL', 'corosync-quorumtool', '-m'], { onLine: (l) => lines.push(l) });
    // a watcher on pve3 too: its IPC connections are what a killed corosync leaves in /dev/shm
    const lines3: string[] = [];
    const watcher3 = new NetnsRunner(`${prefix}-n3`).spawnStream('stdbuf', ['-oL', 'corosync-quorumtool', '-m'], { onLine: (l) => lines3.push(l) });
    try {
      while (!lines.some((l) => /^Nodes:\s+3$/.test(l)) || !lines3.some((l) => /^Nodes:\s+3$/.test(l))) await sleep(50);
      killedPid3 = lab.node(3).pid ?? 0;
      await lab.fault('pve3', { kind: 'kill' });
      // libqb's leftovers of the killed corosync: its blackbox and one dir per IPC connection of the watcher
      const shm = readdirSync('/dev/shm');
      expect(shm).toContain(`qb-corosync-${killedPid3}-blackbox-data`);
      expect(shm.filter((f) => f.startsWith(`qb-${killedPid3}-`)).length).toBeGreaterThanOrEqual(3);
      expect((await watcher3.exited).code).not.toBe(0);
      await timed('kill pve3 -> pve1 sees 2 members', () => lab.waitQuorum(1, { quorate: true, members: 2 }, wait.timeoutMs));
      const q = await lab.quorum(1);
      expect(q).toMatchObject({ exitCode: 0, quorate: true, members: 2, totalVotes: 2 });
      const deadline = Date.now() + 5_000;
      while (!lines.some((l) => /^Nodes:\s+2$/.test(l)) && Date.now() < deadline) await sleep(50);
      expect(lines.some((l) => /^Nodes:\s+2$/.test(l))).toBe(true);
    } finally {
      watcher.kill();
      watcher3.kill();
    }
    expect((await watcher.exited).signal).toBe('SIGTERM');
  });

  it('freeze pve2 (SIGSTOP): pve1 alone is not quorate (exit 2, Activity blocked); tools on pve2 hang until the timeout', async () => {
    await lab.fault(2, { kind: 'freeze' });
    await timed('freeze pve2 -> pve1 not quorate', () => lab.waitQuorum(1, { quorate: false, members: 1 }, wait.timeoutMs));
    const q = await lab.quorum(1);
    expect(q).toMatchObject({ exitCode: 2, quorate: false, activityBlocked: true });
    const hung = await new NetnsRunner(`${prefix}-n2`).run('corosync-quorumtool', ['-s'], { timeoutMs: 1000 });
    expect(hung.timedOut).toBe(true);
    const st = await lab.status();
    expect(st.map((s) => s.process)).toEqual(['running', 'frozen', 'gone']);
  });

  it('thaw pve2 + start pve3: back to quorate 3/3 everywhere; the start removed the killed corosync\'s /dev/shm leftovers', async () => {
    await lab.fault(2, { kind: 'thaw' });
    await lab.fault(3, { kind: 'start' });
    expect(readdirSync('/dev/shm').filter((f) => f.startsWith(`qb-${killedPid3}-`) || f.startsWith(`qb-corosync-${killedPid3}-`))).toEqual([]);
    await timed('thaw pve2 + start pve3 -> 3/3 on all nodes', () => allQuorate(3));
  });

  it('partition pve1,pve2 | pve3 on both links, the same again, then heal: 3/3', async () => {
    expect(await lab.partition(['pve1,pve2', '3'])).toMatch(/pve1,pve2 \| pve3/);
    try {
      await timed('partition pve3 off -> pve1 2 members', () => lab.waitQuorum(1, { quorate: true, members: 2 }, wait.timeoutMs));
      await timed('partition pve3 off -> pve3 alone', () => lab.waitQuorum(3, { quorate: false, members: 1 }, wait.timeoutMs));
      const rules = await new NetnsRunner(`${prefix}-n3`).run('nft', ['list', 'table', 'inet', 'quorate_lab_partition']);
      expect(rules.stdout).toMatch(/ip daddr \{ 198\.18\.0\.11, 198\.18\.0\.12, 198\.18\.1\.11, 198\.18\.1\.12 \}/);
      // idempotent: the same partition again leaves one table with the same rules
      await lab.partition(['pve1,pve2', 'pve3']);
      const again = await new NetnsRunner(`${prefix}-n3`).run('nft', ['list', 'tables']);
      expect(again.stdout.match(/quorate_lab_partition/g)).toHaveLength(1);
      expect((await readStateEx(prefix))?.partition).toEqual([[1, 2], [3]]);
      await expect(lab.partition(['pve1', 'pve2'])).rejects.toThrow(/pve3 in no group/);
    } finally {
      await lab.heal();
    }
    const gone = await new NetnsRunner(`${prefix}-n3`).run('nft', ['list', 'table', 'inet', 'quorate_lab_partition']);
    expect(gone.code).not.toBe(0);
    expect((await readStateEx(prefix))?.partition).toBeNull();
    await timed('heal -> 3/3 on all nodes', () => allQuorate(3));
    expect(await lab.heal()).toMatch(/no partition was in place/);
  });

  it('link-down pve3 on link 0 only: membership holds over link 1', async () => {
    await lab.fault(3, { kind: 'link-down', link: 0 });
    await timed('link-down pve3 link 0 -> pve1 sees link0 to pve3 disconnected', async () => {
      for (;;) {
        const cfg = await new NetnsRunner(`${prefix}-n1`).run('corosync-cfgtool', ['-s']);
        const l0 = parseLinkStatus(cfg.stdout).find((l) => l.link === 0);
        if (l0?.disconnected.includes(3)) return;
        await sleep(100);
      }
    });
    expect(await lab.quorum(1)).toMatchObject({ quorate: true, members: 3 });
    await lab.fault(3, { kind: 'link-up', link: 0 });
  });

  it('link-down pve3 (all links): pve1 2/3 quorate, pve3 isolated and inquorate; link-up: 3/3', async () => {
    await lab.fault('pve3', { kind: 'link-down' });
    try {
      await timed('link-down pve3 -> pve1 sees 2 members', () => lab.waitQuorum(1, { quorate: true, members: 2 }, wait.timeoutMs));
      await timed('link-down pve3 -> pve3 isolated, not quorate', () => lab.waitQuorum(3, { quorate: false, members: 1 }, wait.timeoutMs));
      expect(await lab.quorum(3)).toMatchObject({ exitCode: 2, activityBlocked: true, members: 1 });
      // knet on pve3 marks each link down on its own clock, which may trail the membership change
      await timed('link-down pve3 -> pve3 reports no link connected', async () => {
        const t0 = performance.now();
        for (;;) {
          const st = await lab.status();
          if (st[2]?.links.every((l) => l.connected.length === 0)) return;
          if (performance.now() - t0 > wait.timeoutMs) throw new Error(`pve3 still reports connected links: ${JSON.stringify(st[2]?.links)}`);
          await sleep(200);
        }
      });
    } finally {
      // whatever happened above, the later tests need the cluster whole again
      await lab.fault('pve3', { kind: 'link-up' });
    }
    await timed('link-up pve3 -> 3/3 on all nodes', () => allQuorate(3));
  });

  it('loss 30 % on pve3, then 0: the rule is in place, then gone, and the cluster is 3/3', async () => {
    const n3 = new NetnsRunner(`${prefix}-n3`);
    await lab.fault(3, { kind: 'loss', percent: 30 });
    const listed = await n3.run('nft', ['list', 'table', 'inet', 'quorate_lab_loss']);
    expect(listed.stdout).toMatch(/numgen random mod 100 < 30/);
    const samples: string[] = [];
    for (let k = 0; k < 5; k++) {
      await sleep(1000);
      const q = await lab.quorum(1);
      samples.push(`${q.members ?? '?'}${q.quorate ? 'Q' : 'q'}`);
    }
    console.log(`[lab ${prefix}] pve1 during 30 % loss on pve3 (members, Q = quorate), 1 s apart: ${samples.join(' ')}`);
    await lab.fault(3, { kind: 'loss', percent: 0 });
    const gone = await n3.run('nft', ['list', 'table', 'inet', 'quorate_lab_loss']);
    expect(gone.code).not.toBe(0);
    await timed('loss 0 -> 3/3 on all nodes', () => allQuorate(3));
  });

  it('down removes every namespace, process, blackbox file and the state file, and counts only corosyncs as such', async () => {
    const pids = (await readState(prefix))?.pastPids ?? [];
    expect(pids.length).toBeGreaterThanOrEqual(4); // 3 + the restarted pve3
    // like a BFF's watcher: a process in a node namespace that is not a corosync
    const watcher = new NetnsRunner(`${prefix}-n1`).spawnStream('stdbuf', ['-oL', 'corosync-quorumtool', '-m'], { onLine: () => {} });
    await sleep(500);
    const said: string[] = [];
    const result = await timed('down', () => down(prefix, (l) => said.push(l)));
    await watcher.exited;
    expect(result.corosync).toBe(3);
    expect(result.killed.length).toBeGreaterThanOrEqual(4);
    expect(said.join('\n')).toMatch(/stopped 3 corosync, 1 other process \(corosync-quorum\)/);
    const ns = await new LocalRunner().run('ip', ['netns', 'list']);
    expect(ns.stdout.split('\n').filter((l) => l.startsWith(`${prefix}-`))).toEqual([]);
    expect(existsSync(stateFile(prefix))).toBe(false);
    const alive: number[] = [];
    for (const p of pids) if (await isAlive(p)) alive.push(p);
    expect(alive).toEqual([]);
    const shm = readdirSync('/dev/shm').filter((f) => pids.some((p) => f.startsWith(`qb-corosync-${p}-`) || f.startsWith(`qb-${p}-`)));
    expect(shm).toEqual([]);
    const again = await down(prefix);
    expect(again.found).toBe(false);
  });
});
