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
      'cat /etc/pve/corosync.conf',
      'tee /etc/pve/corosync.conf.new',
      'cp -- /etc/pve/corosync.conf /etc/pve/corosync.conf.bak',
      'mv -- /etc/pve/corosync.conf.new /etc/pve/corosync.conf',
      'corosync-cfgtool -R',
    ]);
    expect(calls[1]!.stdin).toBe('totem {\n  config_version: 5\n}\n');
    const ro = node('pve1', (cmd) => (cmd === 'tee' ? res('', 1, 'tee: /etc/pve/corosync.conf.new: Permission denied') : res('')));
    await expect(sshLinkControl([ro], () => ro).apply('x', { log: () => undefined, signal: new AbortController().signal })).rejects.toThrow('writing corosync.conf.new on pve1 failed: tee: /etc/pve/corosync.conf.new: Permission denied');
  });

  it('an address changed on a link that stays: Corosync restarted node by node, the moved node last, each quorate again', async () => {
    const conf = (addr: string, v: number) => `totem {\n  config_version: ${v}\n}\nnodelist {\n  node {\n    name: pve1\n    nodeid: 1\n    ring0_addr: 10.0.0.1\n  }\n  node {\n    name: pve2\n    nodeid: 2\n    ring0_addr: ${addr}\n  }\n}\n`;
    const calls: string[] = [];
    let restarted = 0;
    const mk = (name: string) =>
      node(name, (cmd, args) => {
        calls.push(`${name}: ${[cmd, ...args].join(' ')}`);
        if (cmd === 'cat') return res(conf('10.0.0.2', 4));
        if (cmd === 'systemctl') restarted++;
        // quorate only at the second ask after a restart
        if (cmd === 'corosync-quorumtool') return res(restarted > 0 && calls.filter((c) => c.startsWith(`${name}: corosync-quorumtool`)).length > 1 ? 'Quorate:          Yes\n' : 'Quorate:          No\n', restarted > 0 && calls.filter((c) => c.startsWith(`${name}: corosync-quorumtool`)).length > 1 ? 0 : 2);
        return res('');
      });
    const nodes = [mk('pve1'), mk('pve2')];
    const log: string[] = [];
    await sshLinkControl(nodes, () => nodes[0]!, { quorateMs: 2_000, pollMs: 1 }).apply(conf('10.0.9.2', 5), { log: (l) => void log.push(l), signal: new AbortController().signal });
    expect(calls.filter((c) => c.includes('systemctl') || c.includes('cfgtool'))).toEqual(['pve1: systemctl restart corosync', 'pve2: systemctl restart corosync']);
    expect(log).toContain('pve2 changed address on a link Corosync cannot reload: restarting Corosync one node at a time (pve1, pve2), each quorate again before the next');
    expect(log.at(-1)).toBe('pve2: quorate again');
  });
});
