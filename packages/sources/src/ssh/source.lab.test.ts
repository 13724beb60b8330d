// The `ssh` source against real OpenSSH (root): a 3-node lab with `--sshd` (Debian's sshd in every node's
// namespace, key auth, pinned ed25519 host keys), watched through createSshCorosyncSource exactly as a
// QUORATE_CLUSTERS "ssh" entry would be. After every fault the dashboard's view of each node must agree
// with `corosync-quorumtool -s` run in that node's namespace (the truth), or say why it cannot ask.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { parseQuorumtoolStatus, toQuorumState } from '@quorate/corosync';
import { Lab, down, labAvailable, type LabStateEx } from '@quorate/lab';
import { ClusterSnapshot } from '@quorate/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunner, NetnsRunner, RunnerError, SshRunner } from '../runners';
import { RemoteTimeoutRunner, createSshCorosyncSource, type SshClusterConfigInput } from './source';
import type { CorosyncSource } from '../corosync';

const avail = await labAvailable({ sshd: true }).catch((err: unknown) => ({ ok: false, reason: String(err) }));
const onCi = process.env.CI === 'true';
// one lab at a time can have --sshd (the host link addresses are the same in every lab)
const prefix = process.env.QUORATE_SSH_LAB_PREFIX ?? 'qlb';
const tag = `[ssh source ${prefix}]`;
const figures: string[] = [];
const note = (line: string) => {
  figures.push(line);
  console.log(`${tag} ${line}`);
};
const sourceLog: string[] = [];

interface Truth {
  /** quorumtool's exit: 0 quorate, 2 inquorate, 1 no corosync; null on timeout (frozen) */
  exit: number | null;
  members: number[] | null;
  quorate: boolean | null;
  totalVotes: number | null;
  expectedVotes: number | null;
}

/** `corosync-quorumtool -s` in every node's namespace, read with the dashboard's own parser. */
async function truth(lab: Lab): Promise<Map<string, Truth>> {
  const out = new Map<string, Truth>();
  await Promise.all(
    lab.state.nodes.map(async (n) => {
      const r = await new NetnsRunner(n.namespace).run('corosync-quorumtool', ['-s'], { timeoutMs: 3_000 });
      const parsed = r.timedOut ? null : parseQuorumtoolStatus(r.stdout);
      const q = parsed?.ok ? toQuorumState(parsed.value) : null;
      out.set(n.name, {
        exit: r.timedOut ? null : r.code,
        members: q?.members ?? null,
        quorate: q?.quorate ?? null,
        totalVotes: q?.totalVotes ?? null,
        expectedVotes: q?.expectedVotes ?? null,
      });
    }),
  );
  return out;
}

/** Where the source's view of a node differs from the truth ([] = agrees); `unreachable` nodes are only checked for being unreachable. */
function disagreements(s: ClusterSnapshot, t: Map<string, Truth>, unreachable: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const [name, want] of t) {
    const v = s.views.find((x) => x.name === name);
    if (!v) {
      out.push(`${name}: no view`);
      continue;
    }
    if (unreachable.has(name) || want.exit === null || want.exit === 1) {
      if (v.reachable) out.push(`${name}: reachable in the source, but ${want.exit === null ? 'its corosync is frozen' : want.exit === 1 ? 'no corosync runs' : 'it is cut off'}`);
      continue;
    }
    if (!v.reachable || !v.quorum) {
      out.push(`${name}: unreachable in the source (${v.reason}), quorumtool says ${JSON.stringify(want)}`);
      continue;
    }
    const got = { members: v.quorum.members, quorate: v.quorum.quorate, totalVotes: v.quorum.totalVotes, expectedVotes: v.quorum.expectedVotes };
    const exp = { members: want.members, quorate: want.quorate, totalVotes: want.totalVotes, expectedVotes: want.expectedVotes };
    if (JSON.stringify(got) !== JSON.stringify(exp)) out.push(`${name}: source ${JSON.stringify(got)}, quorumtool ${JSON.stringify(exp)}`);
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * source.stop(), but never waiting longer than `ms`. Against OpenSSH it does not return while the nodes
 * are up (known bug, see the test 'stopping the source' below): `stopping` settles once sshd is gone.
 */
async function stopBounded(source: CorosyncSource, ms: number): Promise<{ outcome: 'stopped' | 'hung'; stopping: Promise<void> }> {
  const stopping = source.stop().catch(() => undefined);
  const outcome = await Promise.race([stopping.then(() => 'stopped' as const), sleep(ms).then(() => 'hung' as const)]);
  return { outcome, stopping };
}

/** `corosync-quorumtool` processes (by /proc comm) living in the lab's node namespaces. */
async function quorumtools(lab: Lab): Promise<number> {
  let n = 0;
  for (const node of lab.state.nodes) {
    const r = await new LocalRunner().run('ip', ['netns', 'pids', node.namespace]);
    for (const pid of r.stdout.split(/\s+/).filter((t) => /^\d+$/.test(t))) {
      if ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'corosync-quorum') n++;
    }
  }
  return n;
}

if (!avail.ok && onCi) {
  describe('ssh source on the lab (CI)', () => {
    it('can run the real-Corosync lab with sshd', () => {
      throw new Error(`CI=true but the lab with --sshd cannot run here: ${avail.reason}`);
    });
  });
} else if (!avail.ok) {
  console.warn(`ssh source lab tests skipped: ${avail.reason}`);
  describe.skip(`ssh source on the lab (skipped: ${avail.reason})`, () => {
    it('needs root, corosync and openssh-server', () => {});
  });
} else {
  describe('ssh source against OpenSSH on the lab: 3 nodes, token 1000 ms', () => {
    let lab: Lab;
    let state: LabStateEx;
    let source: CorosyncSource;
    /** the main source's stop() once it was asked to stop (it may be pending: see stopBounded) */
    let stopping: Promise<void> | null = null;
    /** stop() of the wrong-host-key sources, pending until sshd is gone */
    const pendingStops: Promise<void>[] = [];

    const config = (hostKeyOf: (name: string) => string = (name) => state.nodes.find((n) => n.name === name)!.sshd!.hostKey): SshClusterConfigInput => ({
      id: 'ssh-lab',
      name: 'lab over OpenSSH',
      nodes: state.nodes.map((n) => ({
        name: n.name,
        host: n.sshd!.address,
        port: n.sshd!.port,
        user: state.sshd!.user,
        keyPath: state.sshd!.clientKey,
        hostKey: hostKeyOf(n.name),
      })),
    });

    /**
     * Waits until the source's current snapshot agrees with quorumtool on every node and `want` holds,
     * twice in a row 300 ms apart (both sides settled); returns that snapshot and how long it took.
     */
    async function settle(what: string, want: (s: ClusterSnapshot) => boolean, unreachable: ReadonlySet<string> = new Set(), timeoutMs = 60_000) {
      const t0 = performance.now();
      let streak = 0;
      let last = '';
      for (;;) {
        const cur = source.current();
        const s = cur ? ClusterSnapshot.parse(cur) : null;
        const t = await truth(lab);
        const diff = s ? disagreements(s, t, unreachable) : ['no snapshot yet'];
        if (s && diff.length === 0 && want(s)) {
          if (++streak >= 2) {
            const ms = Math.round(performance.now() - t0);
            note(`${what}: settled after ${ms} ms`);
            return { s, t, ms };
          }
        } else {
          streak = 0;
          last = `${diff.join('; ')}${s && diff.length === 0 ? ' (agrees, but not yet the wanted state)' : ''}; views ${JSON.stringify(s?.views.map((v) => [v.name, v.reachable, v.reason, v.quorum?.members]))}`;
        }
        if (performance.now() - t0 > timeoutMs) throw new Error(`${what}: not settled after ${timeoutMs} ms: ${last}\nsource log:\n${sourceLog.slice(-20).join('\n')}`);
        await sleep(300);
      }
    }

    const view = (s: ClusterSnapshot, name: string) => s.views.find((v) => v.name === name);
    const members = (s: ClusterSnapshot, name: string) => view(s, name)?.quorum?.members.join(',');
    const whole = (s: ClusterSnapshot) => s.views.length === 3 && s.views.every((v) => v.reachable && v.quorum?.members.join(',') === '1,2,3' && v.quorum.quorate);

    beforeAll(async () => {
      lab = await Lab.up({ nodes: 3, token: 1000, prefix, sshd: true });
      state = lab.state;
      source = createSshCorosyncSource(config(), { log: (l) => sourceLog.push(`${new Date().toISOString()} ${l}`) });
      await source.start();
    });

    afterAll(async () => {
      // also when a test failed half-way: leave nothing behind
      if (source && !stopping) stopping = (await stopBounded(source, 10_000)).stopping;
      await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
      // with sshd gone the SSH channels close and every pending stop() can finish
      await Promise.race([Promise.all([stopping, ...pendingStops]), sleep(15_000)]);
      console.log(`${tag} figures:\n  ${figures.join('\n  ')}`);
    });

    it('the lab state has what an ssh cluster config needs: a 600 key, SHA256 host keys, a known_hosts OpenSSH accepts', async () => {
      expect(state.sshd).not.toBeNull();
      expect(statSync(state.sshd!.clientKey).mode & 0o777).toBe(0o600);
      expect(state.nodes.map((n) => [n.name, n.sshd?.address, n.sshd?.port])).toEqual([
        ['pve1', '198.18.0.11', 22],
        ['pve2', '198.18.0.12', 22],
        ['pve3', '198.18.0.13', 22],
      ]);
      for (const n of state.nodes) expect(n.sshd?.hostKey).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(new Set(state.nodes.map((n) => n.sshd?.hostKey)).size).toBe(3);
      // OpenSSH's own client, strict host key checking against the lab's known_hosts
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('ssh', [
          '-i', state.sshd!.clientKey,
          '-o', `UserKnownHostsFile=${state.sshd!.knownHosts}`,
          '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5',
          // and the session's home is the node's own, empty: this host's ~/.bashrc is not run
          `root@${state.nodes[1]!.sshd!.address}`, 'corosync-quorumtool -s; echo "home files: $(ls -A ~ | wc -l)"',
        ]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^\s+2\s+1 pve2 \(local\)$/m);
      expect(out.stdout).toMatch(/^home files: 0$/m);
    });

    it('baseline: 3/3 quorate, every node asked over SSH, as quorumtool says', async () => {
      const { s } = await settle('baseline 3/3', whole);
      expect(s.source).toBe('ssh');
      expect(s.cluster).toMatchObject({ name: 'lab-cluster', tokenMs: 1000 });
      expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 3, expectedVotes: 3, quorum: 2, members: [1, 2, 3] });
      expect(s.nodes.map((n) => [n.name, n.state])).toEqual([
        ['pve1', 'online'],
        ['pve2', 'online'],
        ['pve3', 'online'],
      ]);
      expect(s.partitioned).toBe(false);
      expect(source.health().state).toBe('ok');
    });

    it('kill pve3: 2/3 quorate on pve1 and pve2, pve3 answers over SSH that no Corosync runs; start: 3/3', async () => {
      await lab.fault('pve3', { kind: 'kill' });
      const { s } = await settle('kill pve3 -> 2/3', (x) => members(x, 'pve1') === '1,2' && members(x, 'pve2') === '1,2');
      expect(s.quorum).toMatchObject({ quorate: true, totalVotes: 2, expectedVotes: 3 });
      expect(view(s, 'pve3')).toMatchObject({ reachable: false, quorum: null });
      expect(view(s, 'pve3')?.reason).toMatch(/^no Corosync running/);
      expect(s.nodes.find((n) => n.name === 'pve3')?.state).toBe('offline');

      await lab.fault('pve3', { kind: 'start' });
      await settle('start pve3 -> 3/3', whole);
    });

    it('partition pve1,pve3 | pve2: both sides seen over SSH as Corosync says; heal: 3/3', async () => {
      await lab.partition(['pve1,pve3', 'pve2']);
      try {
        const { s, t } = await settle('partition pve1,pve3 | pve2', (x) => members(x, 'pve1') === '1,3' && members(x, 'pve2') === '2');
        expect(t.get('pve2')).toMatchObject({ exit: 2, quorate: false, members: [2] });
        expect(view(s, 'pve2')?.quorum).toMatchObject({ quorate: false, totalVotes: 1, members: [2] });
        expect(view(s, 'pve3')?.quorum).toMatchObject({ quorate: true, totalVotes: 2, members: [1, 3] });
        expect(s.quorum).toMatchObject({ quorate: true, members: [1, 3] });
        expect(s.partitioned).toBe(true);
      } finally {
        await lab.heal();
      }
      const { s } = await settle('heal -> 3/3', whole);
      expect(s.partitioned).toBe(false);
    });

    it('link-down pve2: pve1 and pve3 2/3 as quorumtool says, pve2 unreachable over SSH; link-up: 3/3 again', async () => {
      const t0 = performance.now();
      await lab.fault('pve2', { kind: 'link-down' });
      try {
        const { s, t } = await settle(
          'link-down pve2 -> pve1,pve3 2/3, pve2 unreachable',
          (x) => members(x, 'pve1') === '1,3' && members(x, 'pve3') === '1,3' && view(x, 'pve2')?.reachable === false,
          new Set(['pve2']),
        );
        // on its own side of the cut pve2 is alone (the dashboard cannot see that: its SSH goes through the cut)
        expect(t.get('pve2')).toMatchObject({ exit: 2, members: [2] });
        note(`link-down pve2: its view unreachable (${view(s, 'pve2')?.reason}) ${Math.round(performance.now() - t0)} ms after the fault`);
        expect(view(s, 'pve2')?.reason).toMatch(/^(unreachable|timeout)/);
      } finally {
        await lab.fault('pve2', { kind: 'link-up' });
      }
      await settle('link-up pve2 -> 3/3 (SSH back)', whole);
    });

    it('freeze pve2: its SSH calls time out (remote timeout), the others carry on 2/3; thaw: 3/3', async () => {
      const t0 = performance.now();
      await lab.fault('pve2', { kind: 'freeze' });
      try {
        const { s } = await settle(
          'freeze pve2 -> pve2 timed out, pve1,pve3 2/3',
          (x) => view(x, 'pve2')?.reason?.startsWith('timeout') === true && members(x, 'pve1') === '1,3' && members(x, 'pve3') === '1,3',
        );
        const took = Math.round(performance.now() - t0);
        note(`freeze pve2: timeout reason and 2/3 on the others ${took} ms after SIGSTOP (reason: ${view(s, 'pve2')?.reason})`);
        expect(view(s, 'pve2')).toMatchObject({ reachable: false, quorum: null, reason: 'timeout after 5 s (Corosync frozen or overloaded?)' });
        expect(took).toBeLessThan(45_000);

        // one call by hand: the remote `timeout` ends it, the SSH channel does not hang
        const ssh = new SshRunner({
          host: state.nodes[1]!.sshd!.address,
          username: 'root',
          privateKeyPath: state.sshd!.clientKey,
          hostKeyFingerprint: state.nodes[1]!.sshd!.hostKey,
        });
        try {
          const c0 = performance.now();
          const r = await new RemoteTimeoutRunner(ssh, 2).run('corosync-quorumtool', ['-s']);
          const callMs = Math.round(performance.now() - c0);
          note(`freeze pve2: one corosync-quorumtool -s over SSH with a 2 s remote timeout returned after ${callMs} ms, timedOut ${r.timedOut}`);
          expect(r.timedOut).toBe(true);
          expect(callMs).toBeLessThan(6_000);
        } finally {
          await ssh.close();
        }
      } finally {
        await lab.fault('pve2', { kind: 'thaw' });
      }
      await settle('thaw pve2 -> 3/3', whole);
    });

    it('a wrong pinned host key is refused: that node unreachable, the others watched as usual', async () => {
      const fp = (name: string) => state.nodes.find((n) => n.name === name)!.sshd!.hostKey;
      // pve1 pinned with pve2's key: the server presents pve1's own
      const wrong = createSshCorosyncSource(config((name) => (name === 'pve1' ? fp('pve2') : fp(name))));
      try {
        await wrong.start();
        const t0 = performance.now();
        let s: ClusterSnapshot | null = null;
        while (performance.now() - t0 < 20_000) {
          const cur = wrong.current();
          s = cur ? ClusterSnapshot.parse(cur) : null;
          if (s && view(s, 'pve1')?.reachable === false && members(s, 'pve2') === '1,2,3') break;
          await sleep(200);
        }
        expect(view(s!, 'pve1')).toMatchObject({ reachable: false, quorum: null });
        expect(view(s!, 'pve1')?.reason).toMatch(/host key mismatch/i);
        note(`wrong host key for pve1: reason ${JSON.stringify(view(s!, 'pve1')?.reason)}`);
        expect(s!.quorum).toMatchObject({ quorate: true, members: [1, 2, 3] });
      } finally {
        const { stopping: wrongStop } = await stopBounded(wrong, 5_000);
        pendingStops.push(wrongStop);
      }
      // the runner's own error names both fingerprints, so the operator can compare them
      const ssh = new SshRunner({ host: state.nodes[0]!.sshd!.address, username: 'root', privateKeyPath: state.sshd!.clientKey, hostKeyFingerprint: fp('pve2') });
      const err = await ssh.run('true', []).catch((e: unknown) => e);
      await ssh.close();
      expect(err).toBeInstanceOf(RunnerError);
      expect((err as RunnerError).reason).toBe('host-key-mismatch');
      expect((err as RunnerError).message).toContain(`expected ${fp('pve2')}, the server presented ${fp('pve1')}`);
    });

    // the dashboard's reason names both fingerprints (a reinstall and an attack look the same otherwise)
    it('a wrong pinned host key: the dashboard reason names the pinned and the presented fingerprint', async () => {
      const fp = (name: string) => state.nodes.find((n) => n.name === name)!.sshd!.hostKey;
      const wrong = createSshCorosyncSource(config((name) => (name === 'pve1' ? fp('pve2') : fp(name))));
      try {
        await wrong.start();
        const t0 = performance.now();
        let reason: string | null | undefined = null;
        while (performance.now() - t0 < 10_000 && !reason) {
          const cur = wrong.current();
          reason = cur?.views.find((v) => v.name === 'pve1')?.reason;
          await sleep(200);
        }
        expect(reason).toContain(fp('pve2'));
        expect(reason).toContain(fp('pve1'));
      } finally {
        const { stopping: wrongStop } = await stopBounded(wrong, 5_000);
        pendingStops.push(wrongStop);
      }
    });

    // The -m watcher runs behind streamCommand: EOF on its stdin ends it. OpenSSH keeps a session open while
    // its command runs and refuses signal requests for root without privilege separation, so a channel
    // close or a signal alone left the watcher running and stop() waiting for it.
    it('stopping the source ends its remote watchers and returns', async () => {
      const before = await quorumtools(lab);
      const t0 = performance.now();
      const r = await stopBounded(source, 15_000);
      stopping = r.stopping;
      // a one-shot poll that was running when stop() aborted it may take a moment to end on its own; a watcher
      // left behind never ends, so 5 s tells them apart (CI once counted 1 left at the instant stop() returned)
      let after = await quorumtools(lab);
      for (const until = Date.now() + 5_000; after > 0 && Date.now() < until; after = await quorumtools(lab)) await sleep(200);
      note(`source.stop(): ${r.outcome} after ${Math.round(performance.now() - t0)} ms; corosync-quorumtool processes in the namespaces: ${before} before, ${after} after`);
      expect(r.outcome).toBe('stopped');
      expect(after).toBe(0);
    });

    it('down stops every sshd and removes the host link; the pending stop() then returns', async () => {
      const r = await down(prefix);
      expect(r.corosync).toBe(3);
      expect(r.sshd).toBeGreaterThanOrEqual(3);
      // nothing started from the lab dir is left (pids are not compared: the kernel reuses them quickly)
      const left: string[] = [];
      for (const pid of await readdir('/proc').then((d) => d.filter((x) => /^\d+$/.test(x)))) {
        const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
        if (cmd.includes(`/tmp/quorate-lab-${prefix}/`)) left.push(`${pid} ${cmd}`);
      }
      expect(left).toEqual([]);
      const ns = await new LocalRunner().run('ip', ['netns', 'list']);
      expect(ns.stdout.split('\n').filter((l) => l.startsWith(`${prefix}-`))).toEqual([]);
      const links = await new LocalRunner().run('ip', ['-o', 'link', 'show']);
      expect(links.stdout).not.toContain(`${prefix}-h0`);
      const routes = await new LocalRunner().run('ip', ['-4', 'route', 'show', 'root', '198.18.0.0/24']);
      expect(routes.stdout.trim()).toBe('');
      // with the servers gone the channels close: the source's stop() is done within seconds
      const done = await Promise.race([Promise.all([stopping, ...pendingStops]).then(() => true), sleep(15_000).then(() => false)]);
      expect(done).toBe(true);
    });
  });
}
