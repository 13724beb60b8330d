// The lab's QNetd server (`up --qnetd`) and the daemons of a QDevice: how they are run in the namespaces.
//
// - corosync-qnetd runs in the foreground in its own namespace `<prefix>-qnetd`, on the link-0 bridge at
//   QNETD_ADDRESS, named `qnetd` in every node's hosts file. Its NSS db, lock file and socket are in the
//   lab dir (`-S nss_db_dir=…,lock_file=…,local_socket_file=…`): the host's /etc/corosync/qnetd (which
//   Debian's package initializes) and a system corosync-qnetd.service, if one runs, are never used.
// - The certutil scripts (corosync-qnetd-certutil, corosync-qdevice-net-certutil) hard-code
//   /etc/corosync/…: they run with a lab dir bound over /etc/corosync inside `ip netns exec`'s private mount
//   namespace (as corosync gets its own /run), so the host's /etc is never written.
// - corosync-qdevice runs in the foreground in a node's namespace with `-S net_nss_db_dir=…,lock_file=…,
//   local_socket_file=…` (its own per node); it talks to that node's Corosync over libqb IPC (abstract
//   sockets: per network namespace).
// Foreground daemons are started detached (own session, stdio to a log file in the lab dir) and tracked by
// pid: `ip netns exec` execs them, so the pid we spawn is the daemon's.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { LocalRunner, NetnsRunner, type CommandResult } from '@quorate/sources';
import { isAlive, netnsOf, signal, sleep, waitGone } from './procs';
import { bridgeName, labDir, nodeIface, type LabQnetd } from './state';

export const QNETD_NAME = 'qnetd';
/** on link 0's /24, far above the nodes' 198.18.0.<10+i> and below the host link's .254 */
export const QNETD_ADDRESS = '198.18.0.250';
export const QNETD_PORT = 5403;
/** its veth's end in the bridge namespace (a port of br0) */
export const QNETD_BRIDGE_PORT = 'qnetd0';
/** a daemon must answer (socket, lock file) this soon after it was spawned */
export const DAEMON_START_MS = 5_000;
/** SIGTERM, then SIGKILL after this */
export const DAEMON_STOP_MS = 5_000;
/** every certutil / tool call */
export const CERT_TIMEOUT_MS = 20_000;
export const TOOL_TIMEOUT_MS = 3_000;

export const qnetdNamespace = (prefix: string) => `${prefix}-qnetd`;

const local = new LocalRunner();

export function newQnetd(prefix: string): LabQnetd {
  const dir = `${labDir(prefix)}/qnetd`;
  return {
    namespace: qnetdNamespace(prefix),
    name: QNETD_NAME,
    address: QNETD_ADDRESS,
    port: QNETD_PORT,
    dir,
    nssDb: `${dir}/etc/qnetd/nssdb`,
    pidFile: `${dir}/run/corosync-qnetd.pid`,
    socket: `${dir}/run/corosync-qnetd.sock`,
    log: `${dir}/corosync-qnetd.log`,
    pid: null,
  };
}

export class DaemonError extends Error {
  override readonly name = 'DaemonError';
}

function check(r: CommandResult, what: string): CommandResult {
  if (r.code !== 0) {
    const why = r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`;
    throw new DaemonError(`${what} failed (${why}): ${(r.stderr || r.stdout).trim()}`);
  }
  return r;
}

/**
 * `cmd args` in the namespace with `etcDir` bound over /etc/corosync (the certutil scripts' fixed paths).
 * The script is a constant; paths go in as positional parameters.
 */
export async function withEtcCorosync(namespace: string, etcDir: string, cmd: string, args: string[], timeoutMs = CERT_TIMEOUT_MS): Promise<CommandResult> {
  await mkdir(etcDir, { recursive: true });
  return new NetnsRunner(namespace).run('sh', ['-c', 'mount --bind "$1" /etc/corosync && shift && exec "$@"', 'sh', etcDir, cmd, ...args], { timeoutMs });
}

/** The namespace on link 0's bridge with QNETD_ADDRESS, its own hosts file (the lab's names). */
export async function buildQnetdNetwork(q: LabQnetd, bridgeNs: string, hosts: string, netnsEtc: string): Promise<void> {
  const ns = q.namespace;
  const run = async (what: string, cmd: string, args: string[]) => check(await local.run(cmd, args, { timeoutMs: 10_000 }), `qnetd ${what}: ${cmd} ${args.join(' ')}`);
  await run('namespace', 'ip', ['netns', 'add', ns]);
  await mkdir(`${netnsEtc}/${ns}`, { recursive: true });
  await writeFile(`${netnsEtc}/${ns}/hosts`, hosts);
  check(await new NetnsRunner(ns).run('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], { timeoutMs: 10_000 }), 'qnetd sysctl');
  await run('lo', 'ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  // created in the bridge namespace, the peer moved straight into qnetd's: never in the root namespace
  await run('veth', 'ip', ['-n', bridgeNs, 'link', 'add', QNETD_BRIDGE_PORT, 'type', 'veth', 'peer', 'name', nodeIface(0), 'netns', ns]);
  await run('veth', 'ip', ['-n', bridgeNs, 'link', 'set', QNETD_BRIDGE_PORT, 'master', bridgeName(0)]);
  await run('veth', 'ip', ['-n', bridgeNs, 'link', 'set', QNETD_BRIDGE_PORT, 'up']);
  await run('address', 'ip', ['-n', ns, 'addr', 'add', `${q.address}/24`, 'dev', nodeIface(0)]);
  await run('address', 'ip', ['-n', ns, 'link', 'set', nodeIface(0), 'up']);
  await mkdir(`${q.dir}/run`, { recursive: true });
  await mkdir(`${q.dir}/etc`, { recursive: true });
}

/**
 * `corosync-qnetd-certutil -i` (QNetd CA and server certificate) in the qnetd namespace, its /etc/corosync
 * being `<dir>/etc`. 'exists' when the db is there already (the tool refuses: "already exists").
 */
export async function initQnetdCa(q: LabQnetd): Promise<'created' | 'exists'> {
  if (existsSync(`${q.nssDb}/cert9.db`)) return 'exists';
  check(await withEtcCorosync(q.namespace, `${q.dir}/etc`, 'corosync-qnetd-certutil', ['-i']), 'qnetd: corosync-qnetd-certutil -i');
  if (!existsSync(`${q.nssDb}/qnetd-cacert.crt`)) throw new DaemonError(`qnetd: corosync-qnetd-certutil -i wrote no ${q.nssDb}/qnetd-cacert.crt`);
  return 'created';
}

/**
 * A foreground daemon in a namespace, detached (own session; stdio appended to `log`), so it outlives the
 * CLI that started it. Returns its pid (`ip netns exec` execs it: same pid).
 */
export async function spawnDaemon(namespace: string, cmd: string, args: string[], log: string): Promise<number> {
  const fh = await open(log, 'a');
  try {
    const child = spawn('ip', ['netns', 'exec', namespace, cmd, ...args], { detached: true, stdio: ['ignore', fh.fd, fh.fd] });
    const pid = child.pid;
    if (pid === undefined) throw new DaemonError(`${namespace}: could not spawn ${cmd}`);
    child.on('error', () => {});
    child.unref();
    return pid;
  } finally {
    await fh.close();
  }
}

/** Waits until `pid` is alive and `ready()` says so; a DaemonError with the log's tail otherwise. */
export async function waitReady(what: string, pid: number, ready: () => Promise<boolean>, log: string, timeoutMs = DAEMON_START_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isAlive(pid))) throw new DaemonError(`${what} exited at start${await tail(log)}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new DaemonError(`${what} not ready after ${timeoutMs} ms${await tail(log)}`);
    await sleep(50);
  }
}

export async function tail(file: string, lines = 8): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const last = text.trimEnd().split('\n').slice(-lines).join('\n');
  return last ? `; ${file}:\n${last}` : '';
}

/** The pid if it is alive and lives in `namespace` (we never signal anything else). */
export async function pidIn(namespace: string, ...candidates: (number | null | undefined)[]): Promise<number | null> {
  for (const pid of new Set(candidates.filter((p): p is number => typeof p === 'number' && p > 0))) {
    if ((await isAlive(pid)) && (await netnsOf(local, pid)) === namespace) return pid;
  }
  return null;
}

export async function readPid(file: string): Promise<number | null> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** SIGCONT + SIGTERM (or SIGKILL at once), SIGKILL after DAEMON_STOP_MS; true when it had to be killed. */
export async function stopDaemon(pid: number, how: 'term' | 'kill'): Promise<boolean> {
  signal(pid, 'SIGCONT');
  signal(pid, how === 'kill' ? 'SIGKILL' : 'SIGTERM');
  const still = await waitGone([pid], how === 'kill' ? 2_000 : DAEMON_STOP_MS);
  if (still.length === 0) return false;
  signal(pid, 'SIGKILL');
  await waitGone([pid], 2_000);
  return true;
}

/** `corosync-qnetd -f` in its namespace; returns once its IPC socket answers `corosync-qnetd-tool -s`. */
export async function startQnetd(q: LabQnetd): Promise<number> {
  await mkdir(`${q.dir}/run`, { recursive: true });
  await rm(q.socket, { force: true });
  await rm(q.pidFile, { force: true });
  const settings = `nss_db_dir=${q.nssDb},lock_file=${q.pidFile},local_socket_file=${q.socket}`;
  const pid = await spawnDaemon(q.namespace, 'corosync-qnetd', ['-f', '-4', '-l', q.address, '-p', String(q.port), '-S', settings], q.log);
  await waitReady(`corosync-qnetd (pid ${pid})`, pid, async () => existsSync(q.socket) && (await qnetdTool(q, ['-s'])).code === 0, q.log);
  return pid;
}

/** `corosync-qnetd-tool ARGS -p <socket>` in the qnetd namespace (TOOL_TIMEOUT_MS). */
export async function qnetdTool(q: LabQnetd, args: string[]): Promise<CommandResult> {
  return new NetnsRunner(q.namespace).run('corosync-qnetd-tool', [...args, '-p', q.socket], { timeoutMs: TOOL_TIMEOUT_MS });
}
