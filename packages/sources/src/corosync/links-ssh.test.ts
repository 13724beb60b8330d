// Link changes over SSH against a fake runner: corosync.conf read from /etc/pve, new addresses pinged from every
// other running node (iputils' summary), the write in the admin guide's order (.new, .bak, mv, cfgtool -R) with
// the text through stdin, and failures in words.
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner, RunOptions } from '../runners';
import { sshLinkControl, type LinkNode } from './links-ssh';

const res = (stdout: string, code: number | null = 0, stderr = ''): CommandResult => ({ code, signal: null, stdout, stderr, timedOut: false, truncated: false, durationMs: 1 });
const PING_OK = 'PING 10.2.0.3 (10.2.0.3) 56(84) bytes of data.\n\n--- 10.2.0.3 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 402ms\nrtt min/avg/max/mdev = 0.211/0.254/0.301/0.037 ms\n';
const PING_LOST = 'PING 10.9.9.9 (10.9.9.9) 56(84) bytes of data.\n\n--- 10.9.9.9 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2046ms\n\n';

function node(name: string, answer: (cmd: string, args: string[], opts: RunOptions) => CommandResult, calls: { cmd: string; args: string[]; stdin?: string }[] = [], online = true): LinkNode {
  const runner: CommandRunner = { label: name, run: async (cmd, args, opts = {}) => (calls.push({ cmd, args, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) }), answer(cmd, args, opts)) };
  return { name, runner, online: () => online };
}

describe('link changes over SSH', () => {
  it('facts: the conf from /etc/pve, pings from every other running node; UDP left unprobed', async () => {
    const nodes = [
      node('pve1', (cmd) => (cmd === 'cat' ? res('totem {\n  config_version: 4\n}\n') : res(PING_OK))),
      node('pve2', (_c, args) => (args.at(-1) === '10.9.9.9' ? res(PING_LOST, 1) : res(PING_OK))),
      node('pve3', () => res(PING_OK), [], false),
    ];
    const facts = await sshLinkControl(nodes, () => nodes[0]!).linkFacts({ kind: 'set-address', node: 'pve4', link: 1, address: '10.9.9.9' });
    expect(facts.conf).toEqual({ text: 'totem {\n  config_version: 4\n}\n' });
    expect(facts.probes.map((p) => [p.from, p.reachable, p.udp, p.lossPct])).toEqual([
      ['pve1', true, null, 0],
      ['pve2', false, null, 100],
    ]);
    const refused = await sshLinkControl([node('pve1', () => res('', 1, 'cat: /etc/pve/corosync.conf: No such file or directory'))], () => null).linkFacts({ kind: 'remove-link', link: 1 });
    expect(refused.conf).toEqual({ unmeasured: 'no node can be reached' });
    const missing = await sshLinkControl([], () => node('pve1', () => res('', 1, 'cat: /etc/pve/corosync.conf: No such file or directory'))).linkFacts({ kind: 'remove-link', link: 1 });
    expect(missing.conf).toEqual({ unmeasured: 'pve1: cat /etc/pve/corosync.conf: cat: /etc/pve/corosync.conf: No such file or directory' });
  });

  it("apply: the admin guide's order, the text through stdin; a failed step stops with its words", async () => {
    const calls: { cmd: string; args: string[]; stdin?: string }[] = [];
    const n = node('pve1', () => res(''), calls);
    const log: string[] = [];
    await sshLinkControl([n], () => n).apply('totem {\n  config_version: 5\n}\n', { log: (l) => void log.push(l), signal: new AbortController().signal });
    expect(calls.map((c) => [c.cmd, ...c.args].join(' '))).toEqual([
      'tee /etc/pve/corosync.conf.new',
      'cp -- /etc/pve/corosync.conf /etc/pve/corosync.conf.bak',
      'mv -- /etc/pve/corosync.conf.new /etc/pve/corosync.conf',
      'corosync-cfgtool -R',
    ]);
    expect(calls[0]!.stdin).toBe('totem {\n  config_version: 5\n}\n');
    const ro = node('pve1', (cmd) => (cmd === 'tee' ? res('', 1, 'tee: /etc/pve/corosync.conf.new: Permission denied') : res('')));
    await expect(sshLinkControl([ro], () => ro).apply('x', { log: () => undefined, signal: new AbortController().signal })).rejects.toThrow('writing corosync.conf.new on pve1 failed: tee: /etc/pve/corosync.conf.new: Permission denied');
  });
});
