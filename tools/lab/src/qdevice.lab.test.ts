// Issue 16 on real Corosync: a 2-node cluster (no two_node) loses quorum when one node dies; with a QDevice
// (ffsplit, the lab's own corosync-qnetd) the survivor keeps it on the QDevice's vote; after removeQdevice
// the cluster is back to 2 expected votes. Every wait is bounded and its failure carries the tools' output.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Lab, down, labOperations, readStateEx } from './index';
import { describeLab, stepTimer } from './lab-test-kit';
import { qdeviceQuorumView, qdeviceTool, type QdeviceQuorumView } from './qdevice';
import { QNETD_ADDRESS, qnetdNamespace } from './qnetd';
import { sleep } from './procs';

const prefix = process.env.QUORATE_QDEVICE_LAB_PREFIX ?? 'qdl';
const { timed, report } = stepTimer(prefix);
/** the survivor's view must settle within this after a kill (token 1000 ms: ~2 s to drop, the QDevice's vote after) */
const SETTLE_MS = 30_000;

await describeLab('lab qdevice', 'lab: QDevice on a 2-node cluster (ffsplit, the lab qnetd, token 1000 ms)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await timed('up --nodes 2 --qnetd', () => Lab.up({ nodes: 2, token: 1000, qnetd: true, prefix }));
  });

  afterAll(async () => {
    const r = await down(prefix).catch((err: unknown) => {
      console.error(`cleanup of ${prefix} failed:`, err);
      return null;
    });
    if (r) console.log(`[lab ${prefix}] down: ${r.corosync} corosync, ${r.qdevice} corosync-qdevice, ${r.qnetd} corosync-qnetd, ${r.namespaces.length} namespaces`);
    report();
  });

  /** polls pve1's corosync-quorumtool -s until `ok` (bounded); the failure shows the last output */
  const until = async (what: string, ok: (v: QdeviceQuorumView) => boolean): Promise<QdeviceQuorumView> => {
    const t0 = performance.now();
    let raw = '';
    for (;;) {
      const q = await lab.quorum('pve1');
      raw = q.raw;
      const v = qdeviceQuorumView(raw);
      if (ok(v)) return v;
      if (performance.now() - t0 > SETTLE_MS) throw new Error(`pve1: waited ${SETTLE_MS} ms for ${what}; corosync-quorumtool -s (exit ${q.exitCode}):\n${raw}`);
      await sleep(200);
    }
  };

  it('up --qnetd: qnetd in its own namespace with its own NSS db, named qnetd on every node; the state records it', async () => {
    const state = await readStateEx(prefix);
    expect(state?.qnetd).toMatchObject({ namespace: qnetdNamespace(prefix), name: 'qnetd', address: QNETD_ADDRESS, port: 5403 });
    expect(state?.qnetd?.nssDb.startsWith(`/tmp/quorate-lab-${prefix}/`)).toBe(true);
    expect(existsSync(`${state?.qnetd?.nssDb}/qnetd-cacert.crt`)).toBe(true);
    const hosts = await lab.runner('pve2').run('getent', ['hosts', 'qnetd']);
    expect(hosts.stdout).toMatch(/^198\.18\.0\.250\s+qnetd$/m);
    const facts = await lab.qdeviceFacts('qnetd');
    expect(facts.qnetdRunning).toBe(true);
    expect(facts.nodes.map((n) => [n.name, n.online, n.qdevicePackage])).toEqual([
      ['pve1', true, true],
      ['pve2', true, true],
    ]);
    for (const n of facts.nodes) expect(n.qnetdPort, JSON.stringify(n)).toMatchObject({ ok: true });
    // a host that is not the lab's qnetd is neither probed nor set up
    const other = await lab.qdeviceFacts('192.0.2.1');
    expect(other.nodes[0]?.qnetdPort).toHaveProperty('unmeasured');
    expect(other.qnetdRunning).toHaveProperty('unmeasured');
    await expect(lab.setupQdevice({ host: '192.0.2.1' })).rejects.toThrow(/not the lab's qnetd.*nothing changed/);
    expect(readFileSync(lab.node('pve1').conf, 'utf8')).not.toContain('device');
  });

  it('without a QDevice, the survivor of a 2-node cluster is not quorate (expected 2, quorum 2)', async () => {
    await timed('kill pve2 (no QDevice)', () => lab.fault('pve2', { kind: 'kill' }));
    const v = await timed('pve1 loses quorum', () => until('1 member, not quorate', (x) => x.members === 1 && x.quorate === false));
    expect(v).toMatchObject({ expectedVotes: 2, totalVotes: 1, quorum: 2, flag: false });
    expect((await lab.quorum('pve1')).exitCode).toBe(2);
    await timed('start pve2, both quorate', async () => {
      await lab.fault('pve2', { kind: 'start' });
      await Promise.all(['pve1', 'pve2'].map((n) => lab.waitQuorum(n, { quorate: true, members: 2 }, SETTLE_MS)));
    });
  });

  it('a setup that fails after the corosync.conf write restores the previous file on every node and says why', async () => {
    const before = lab.state.configVersion;
    const confs = ['pve1', 'pve2'].map((n) => readFileSync(lab.node(n).conf, 'utf8'));
    const q = lab.state.qnetd!;
    const lines: string[] = [];
    // qnetd dies right after the certificates: the QDevice never casts its vote, the last step's bound runs out
    const logged = await Lab.open(prefix, (l) => {
      lines.push(l);
      if (l.startsWith('3/7 ') && q.pid) process.kill(q.pid, 'SIGKILL');
    });
    const err = await timed('setupQdevice with qnetd killed (fails, rolled back)', () => logged.setupQdevice({ algorithm: 'ffsplit', waitMs: 4_000 }).then(() => null, (e: unknown) => e as Error));
    expect(err?.message).toMatch(/failed at the wait for the QDevice: pve\d: waited 4000 ms/);
    expect(err?.message).toMatch(/corosync-qdevice-tool -s on pve\d:\n[\s\S]*State:/);
    expect(err?.message).toMatch(/rollback: the previous corosync.conf \(config_version 1, no quorum.device\) is back on pve1, pve2 and reloaded/);
    expect(lines.at(-1)).toMatch(/^rollback: /);
    lab = await Lab.open(prefix);
    expect(lab.state.configVersion).toBe(before);
    expect(lab.state.qdevice).toBeNull();
    expect(['pve1', 'pve2'].map((n) => readFileSync(lab.node(n).conf, 'utf8'))).toEqual(confs);
    for (const name of ['pve1', 'pve2']) {
      expect(qdeviceQuorumView((await lab.quorum(name)).raw), name).toMatchObject({ flag: false, row: false, quorate: true, expectedVotes: 2 });
      expect(existsSync(`${lab.node(name).dir}/etc-corosync`)).toBe(false);
    }
    await timed('qnetd start', () => lab.qnetdFault('start'));
  });

  /** the source capability the BFF gets (tools/lab operations.ts), with a task's io */
  const capability = () => labOperations(prefix, { current: () => null, log: () => {} }).qdevice!;
  const taskIo = (lines: string[]) => ({ log: (l: string) => lines.push(l), signal: new AbortController().signal });

  it('setup through the qdevice capability (ffsplit): every step logged, quorum.device in corosync.conf, the QDevice on both nodes', async () => {
    const lines: string[] = [];
    const before = lab.state.configVersion;
    expect((await capability().qdeviceFacts('qnetd')).nodes.every((n) => n.online && n.qdevicePackage === true)).toBe(true);
    await timed('setupQdevice ffsplit (capability)', () => capability().setup({ host: 'qnetd', algorithm: 'ffsplit' }, taskIo(lines)));
    lab = await Lab.open(prefix);
    console.log(`[lab ${prefix}] ${lines.join(`\n[lab ${prefix}] `)}`);
    expect(lines.filter((l) => /^[1-7]\/7 /.test(l))).toHaveLength(7);
    expect(lines.at(-1)).toMatch(/^QDevice set up on 'lab-cluster' \(ffsplit, host qnetd, config_version 2\)/);
    expect(lab.state.configVersion).toBe(before + 1);
    expect(lab.state.qdevice).toEqual({ host: 'qnetd', algorithm: 'ffsplit', votes: 1 });
    const conf = readFileSync(lab.node('pve2').conf, 'utf8');
    expect(conf).toContain(`config_version: ${before + 1}`);
    expect(conf).toMatch(/device \{\n\s+model: net\n\s+votes: 1\n\s+net \{\n\s+algorithm: ffsplit\n\s+host: qnetd\n\s+tls: on\n/);
    for (const name of ['pve1', 'pve2']) {
      const v = qdeviceQuorumView((await lab.quorum(name)).raw);
      expect(v, name).toMatchObject({ flag: true, row: true, allAlive: true, quorate: true, expectedVotes: 3, totalVotes: 3, quorum: 2 });
      const t = await qdeviceTool(lab.node(name));
      expect(t.stdout, name).toMatch(/^State:\s+Connected$/m);
      // its own NSS db in the lab dir, never /etc/corosync/qdevice
      expect(lab.node(name).qdevice?.nssDb).toBe(`${lab.node(name).dir}/etc-corosync/qdevice/net/nssdb`);
    }
    await expect(lab.setupQdevice({})).rejects.toThrow(/already configured/);
  });

  it('with the QDevice, the survivor stays quorate on its vote (expected 3, total 2, quorum 2, Qdevice flag)', async () => {
    await timed('kill pve2 (with QDevice)', () => lab.fault('pve2', { kind: 'kill' }));
    const v = await timed('pve1 alone, quorate with the QDevice', () => until('1 member, quorate, total 2 with the QDevice', (x) => x.members === 1 && x.quorate === true && x.totalVotes === 2 && x.row));
    expect(v).toMatchObject({ quorate: true, expectedVotes: 3, totalVotes: 2, quorum: 2, flag: true });
    expect((await lab.quorum('pve1')).exitCode).toBe(0);
    await timed('start pve2 (corosync + corosync-qdevice), 3 votes again', async () => {
      await lab.fault('pve2', { kind: 'start' });
      await until('2 members, total 3', (x) => x.members === 2 && x.totalVotes === 3 && x.allAlive);
    });
  });

  it('remove through the capability: back to 2 expected votes, no Qdevice, daemons stopped and NSS dbs deleted', async () => {
    const lines: string[] = [];
    await timed('removeQdevice (capability)', () => capability().remove(taskIo(lines)));
    lab = await Lab.open(prefix);
    console.log(`[lab ${prefix}] ${lines.join(`\n[lab ${prefix}] `)}`);
    expect(lines.filter((l) => /^[1-5]\/5 /.test(l))).toHaveLength(5);
    expect(lab.state.qdevice).toBeNull();
    for (const name of ['pve1', 'pve2']) {
      const v = qdeviceQuorumView((await lab.quorum(name)).raw);
      expect(v, name).toMatchObject({ flag: false, row: false, quorate: true, expectedVotes: 2, totalVotes: 2, quorum: 2 });
      expect(readFileSync(lab.node(name).conf, 'utf8')).not.toContain('device');
      expect(existsSync(`${lab.node(name).dir}/etc-corosync`)).toBe(false);
      expect(lab.node(name).qdevice).toBeNull();
    }
    await expect(lab.removeQdevice()).rejects.toThrow(/no QDevice is configured/);
  });

  it('down leaves no process, namespace or file of the lab', async () => {
    const q = lab.state.qnetd!;
    const r = await timed('down', () => down(prefix));
    expect(r.qnetd).toBe(1);
    expect(r.namespaces).toContain(q.namespace);
    expect(existsSync(q.dir)).toBe(false);
    expect(existsSync(`/etc/netns/${q.namespace}`)).toBe(false);
    expect(await readStateEx(prefix)).toBeNull();
    // no process left that was started from the lab dir (corosync, corosync-qdevice, corosync-qnetd)
    const left = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(`/tmp/quorate-lab-${prefix}/`);
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  });
}, { qnetd: true });
