// The QDevice change on real Proxmox nodes over SSH (kind ssh, and pve with SSH): `pvecm qdevice setup <host>
// [--force 1]` and `pvecm qdevice remove` on the node Quorate observes through — pvecm does the
// certificates, the quorum.device section (pmxcfs distributes corosync.conf), the daemons and the reload. Its
// output lines become the task log. The pre-flight's facts are read on every node: corosync-qdevice installed
// (dpkg-query), TCP 5403 to the host (bash's /dev/tcp under timeout; the host is an argument, never shell
// text). pvecm needs root SSH from that node to the qnetd host (it runs ssh-copy-id): a refusal says so.
import { QDEVICE_PORT, QnetdHost, type QdeviceFacts, type QdeviceSetupInput } from '@quorate/model';
import type { CommandRunner } from '../runners';
import type { QdeviceControl, TaskIo } from '../source';

/** one probe or package query per node at most this long */
export const QDEVICE_PROBE_TIMEOUT_MS = 5_000;
/** pvecm qdevice setup: certificates over SSH to qnetd, every node, a reload (Proxmox's own runs take ~10–30 s) */
export const QDEVICE_SETUP_TIMEOUT_MS = 180_000;
/** the TCP connect itself (inside the probe's timeout) */
const CONNECT_S = 3;

export interface QdeviceNode {
  name: string;
  runner: CommandRunner;
  online: () => boolean;
}

/** corosync-qdevice installed: dpkg-query's status "install ok installed" */
export function parseDpkgInstalled(stdout: string): boolean {
  return /\binstall ok installed\b/.test(stdout);
}

async function packageOn(n: QdeviceNode): Promise<QdeviceFacts['nodes'][number]['qdevicePackage']> {
  const r = await n.runner.run('dpkg-query', ['-W', '-f=${Status}', 'corosync-qdevice'], { timeoutMs: QDEVICE_PROBE_TIMEOUT_MS, maxBytes: 4096 }).catch((e: unknown) => e as Error);
  if (r instanceof Error) return { unmeasured: `${n.name}: ${r.message}` };
  if (r.timedOut) return { unmeasured: `${n.name}: dpkg-query timed out` };
  // exit 1 with "no packages found matching": not installed
  return parseDpkgInstalled(r.stdout);
}

async function portFrom(n: QdeviceNode, host: string): Promise<QdeviceFacts['nodes'][number]['qnetdPort']> {
  // the host is $1 of a fixed script: validated by QnetdHost before, and never part of the shell text
  const r = await n.runner
    .run('timeout', [String(CONNECT_S), 'bash', '-c', `exec 3<>"/dev/tcp/$1/${QDEVICE_PORT}"`, 'qdevice-probe', host], { timeoutMs: QDEVICE_PROBE_TIMEOUT_MS, maxBytes: 4096 })
    .catch((e: unknown) => e as Error);
  if (r instanceof Error) return { unmeasured: `${n.name}: ${r.message}` };
  if (r.code === 0) return { ok: true, detail: `connected to ${host}:${QDEVICE_PORT}` };
  if (r.code === 124 || r.timedOut) return { ok: false, detail: `${host}:${QDEVICE_PORT}: connection timed out after ${CONNECT_S} s` };
  // bash: "bash: line 1: /dev/tcp/<host>/5403: Connection refused" — the reason is the last part of the last line
  const last = r.stderr.trim().split('\n').at(-1)?.trim() ?? '';
  const why = last.split(': ').at(-1) || `exit ${r.code}`;
  return { ok: false, detail: `${host}:${QDEVICE_PORT}: ${why.slice(0, 200)}` };
}

/** pvecm's output, line by line, into the task log (at most what fits; its own lines are not secrets) */
async function pvecm(runner: CommandRunner, args: string[], io: TaskIo, what: string): Promise<void> {
  const r = await runner.run('pvecm', args, { timeoutMs: QDEVICE_SETUP_TIMEOUT_MS });
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) if (line.trim() !== '') io.log(line.trimEnd());
  if (r.timedOut) throw new Error(`${what}: pvecm did not finish within ${QDEVICE_SETUP_TIMEOUT_MS / 1000} s — check the cluster (pvecm status) before trying again`);
  if (r.code !== 0) {
    const last = r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`;
    throw new Error(`${what} failed: ${last}`);
  }
}

export function sshQdeviceControl(nodes: readonly QdeviceNode[], observer: () => QdeviceNode | null): QdeviceControl {
  const through = () => {
    const n = observer();
    if (!n) throw new Error('no node can be reached to run pvecm on');
    return n;
  };
  return {
    async qdeviceFacts(host) {
      const h = QnetdHost.parse(host);
      const rows = await Promise.all(
        nodes.map(async (n) => {
          const online = n.online();
          if (!online) return { name: n.name, online, qdevicePackage: { unmeasured: 'the node is offline' }, qnetdPort: { unmeasured: 'the node is offline' } };
          const [qdevicePackage, qnetdPort] = await Promise.all([packageOn(n), portFrom(n, h)]);
          return { name: n.name, online, qdevicePackage, qnetdPort };
        }),
      );
      return { host: h, nodes: rows, qnetdRunning: { unmeasured: 'the qnetd host is not one of the cluster’s nodes: pvecm checks it over SSH during the setup' } };
    },
    async setup(input: QdeviceSetupInput, io: TaskIo) {
      const host = QnetdHost.parse(input.host);
      const n = through();
      if (io.signal.aborted) throw new Error('the QDevice setup cancelled before anything changed');
      // pvecm has no algorithm option: ffsplit on an even node count; on an odd one it refuses unless forced,
      // and forced it sets up lms. (--force also deletes an existing certificate store: only ever for odd.)
      const odd = nodes.length % 2 === 1;
      if (odd !== (input.algorithm === 'lms'))
        throw new Error(`pvecm sets up ${odd ? 'lms on an odd node count (forced)' : 'ffsplit on an even node count'}: choose ${odd ? 'lms and force it' : 'ffsplit'} — nothing was changed`);
      io.log(`running pvecm qdevice setup on ${n.name}`);
      await pvecm(n.runner, ['qdevice', 'setup', host, ...(odd ? ['--force', '1'] : [])], io, 'pvecm qdevice setup');
    },
    async remove(io) {
      const n = through();
      if (io.signal.aborted) throw new Error('the QDevice removal cancelled before anything changed');
      io.log(`running pvecm qdevice remove on ${n.name}`);
      await pvecm(n.runner, ['qdevice', 'remove'], io, 'pvecm qdevice remove');
    },
  };
}
