// pvecm qdevice over SSH against a fake runner: the pre-flight's facts (dpkg-query's answers, bash /dev/tcp's
// exits and messages), the host passed as an argument and never as shell text, pvecm's output as the task log,
// its refusals in its own words. pvecm's lines are SYNTHETIC here, written from pvecm.pm's INFO messages
// (proxmox-facts §2.5): no recorded run of a real setup was available.
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../runners';
import { parseDpkgInstalled, sshQdeviceControl, type QdeviceNode } from './qdevice-ssh';

const res = (stdout: string, code: number | null = 0, stderr = '', timedOut = false): CommandResult => ({ code, signal: null, stdout, stderr, timedOut, truncated: false, durationMs: 1 });

const SETUP_OUT = [
  'INFO: initializing qnetd server',
  'Certificate database (/etc/corosync/qnetd/nssdb) already exists. Delete it to initialize new db',
  'INFO: copying CA cert and initializing on all nodes',
  'INFO: generating cert request',
  'INFO: copying exported cert request to qnetd server',
  'INFO: importing certificate',
  'INFO: copy and import pk12 cert to all nodes',
  'INFO: add QDevice to cluster configuration',
  'INFO: start and enable corosync qdevice daemon on node \'pve1\'...',
  'Reloading corosync.conf...',
  'Done',
].join('\n');

function node(name: string, answers: (cmd: string, args: string[]) => CommandResult, calls: string[][] = [], online = true): QdeviceNode {
  const runner: CommandRunner = { label: name, run: async (cmd, args) => (calls.push([cmd, ...args]), answers(cmd, args)) };
  return { name, runner, online: () => online };
}

describe('QDevice over SSH (pvecm)', () => {
  it('facts: installed or not, TCP 5403 connected, refused or timed out; offline nodes unmeasured; the host is an argument', async () => {
    const calls: string[][] = [];
    const nodes = [
      node('pve1', (cmd) => (cmd === 'dpkg-query' ? res('install ok installed') : res('')), calls),
      node('pve2', (cmd) => (cmd === 'dpkg-query' ? res('', 1, 'dpkg-query: no packages found matching corosync-qdevice') : res('', 1, 'bash: connect: Connection refused\nbash: line 1: /dev/tcp/qnetd.example.org/5403: Connection refused'))),
      node('pve3', (cmd) => (cmd === 'dpkg-query' ? res('install ok installed') : res('', 124))),
      node('pve4', () => res(''), [], false),
    ];
    const facts = await sshQdeviceControl(nodes, () => nodes[0]!).qdeviceFacts('qnetd.example.org');
    expect(facts.nodes.map((n) => [n.name, n.qdevicePackage, n.qnetdPort])).toEqual([
      ['pve1', true, { ok: true, detail: 'connected to qnetd.example.org:5403' }],
      ['pve2', false, { ok: false, detail: 'qnetd.example.org:5403: Connection refused' }],
      ['pve3', true, { ok: false, detail: 'qnetd.example.org:5403: connection timed out after 3 s' }],
      ['pve4', { unmeasured: 'the node is offline' }, { unmeasured: 'the node is offline' }],
    ]);
    const probe = calls.find((c) => c[0] === 'timeout')!;
    expect(probe.at(-1)).toBe('qnetd.example.org');
    expect(probe.slice(0, -1).join(' ')).not.toContain('qnetd.example.org');
    await expect(sshQdeviceControl(nodes, () => nodes[0]!).qdeviceFacts('x; rm -rf /')).rejects.toThrow();
  });

  it('setup: pvecm on the observer, its lines in the task log; even → ffsplit without --force, odd → lms with --force 1; a mismatch changes nothing', async () => {
    const calls: string[][] = [];
    const two = [node('pve1', () => res(SETUP_OUT), calls), node('pve2', () => res(''))];
    const log: string[] = [];
    const io = { log: (l: string) => void log.push(l), signal: new AbortController().signal };
    await sshQdeviceControl(two, () => two[0]!).setup({ host: 'qnetd', algorithm: 'ffsplit' }, io);
    expect(calls.at(-1)).toEqual(['pvecm', 'qdevice', 'setup', 'qnetd']);
    expect(log[0]).toBe('running pvecm qdevice setup on pve1');
    expect(log).toContain('INFO: add QDevice to cluster configuration');
    expect(log.at(-1)).toBe('Done');
    await expect(sshQdeviceControl(two, () => two[0]!).setup({ host: 'qnetd', algorithm: 'lms' }, io)).rejects.toThrow('pvecm sets up ffsplit on an even node count: choose ffsplit — nothing was changed');

    const three = [node('pve1', () => res(SETUP_OUT), calls), node('pve2', () => res('')), node('pve3', () => res(''))];
    await sshQdeviceControl(three, () => three[0]!).setup({ host: '198.18.0.50', algorithm: 'lms' }, io);
    expect(calls.at(-1)).toEqual(['pvecm', 'qdevice', 'setup', '198.18.0.50', '--force', '1']);
  });

  it("pvecm's refusal in its own words; no node to run it on; remove", async () => {
    const n = [node('pve1', (_c, args) => (args[1] === 'remove' ? res('Removed Qdevice.') : res('', 255, 'QDevice already configured!'))), node('pve2', () => res(''))];
    const log: string[] = [];
    const io = { log: (l: string) => void log.push(l), signal: new AbortController().signal };
    await expect(sshQdeviceControl(n, () => n[0]!).setup({ host: 'qnetd', algorithm: 'ffsplit' }, io)).rejects.toThrow('pvecm qdevice setup failed: QDevice already configured!');
    await expect(sshQdeviceControl(n, () => null).remove(io)).rejects.toThrow('no node can be reached to run pvecm on');
    await sshQdeviceControl(n, () => n[0]!).remove(io);
    expect(log.at(-1)).toBe('Removed Qdevice.');
    expect(parseDpkgInstalled('deinstall ok config-files')).toBe(false);
  });
});
