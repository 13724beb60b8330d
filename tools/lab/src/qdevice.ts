// A QDevice on the lab's cluster, the way `pvecm qdevice setup` / `remove` do it (docs/proxmox-facts.md
// §2.5), against the lab's own corosync-qnetd (`up --qnetd`, qnetd.ts): every step is one log line (a task
// log on the BFF), and a refused or failed step leaves the previous corosync.conf on every node.
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { parseQuorumtoolStatus } from '@quorate/corosync';
import type { QdeviceFacts, QdeviceNodeFacts } from '@quorate/model';
import { NetnsRunner, type CommandResult } from '@quorate/sources';
import type { QuorumDeviceConf } from './conf';
import type { Lab, Log } from './lab';
import { sleep } from './procs';
import {
  CERT_TIMEOUT_MS,
  DaemonError,
  QNETD_NAME,
  TOOL_TIMEOUT_MS,
  initQnetdCa,
  pidIn,
  readPid,
  spawnDaemon,
  startQnetd,
  stopDaemon,
  tail,
  waitReady,
  withEtcCorosync,
} from './qnetd';
import type { LabNodeEx as LabNode, LabQdeviceNode, LabQnetd } from './state';

/** setupQdevice waits this long for every node's corosync-quorumtool -s to show the QDevice */
export const QDEVICE_WAIT_MS = 30_000;
/** removeQdevice waits this long for every running node to show the cluster without it */
export const QDEVICE_REMOVE_WAIT_MS = 30_000;
/** the TCP test to qnetd's port from a node (bash's /dev/tcp under timeout) */
export const QNETD_CONNECT_TIMEOUT_S = 2;

export type QdeviceAlgorithm = 'ffsplit' | 'lms';
export interface QdeviceSetupOptions {
  /** the qnetd host as quorum.device.net.host: the lab's `qnetd` (default) or its address */
  host?: string;
  algorithm?: QdeviceAlgorithm;
  /** checked between steps: a cancel before the corosync.conf write undoes the certificates and changes nothing */
  signal?: AbortSignal;
  /** the last step's bound (default QDEVICE_WAIT_MS) */
  waitMs?: number;
}

/** The error type of the lab (its CLI exit code) without importing lab.ts at load time. */
export type LabErrorCtor = new (message: string, exitCode?: number) => Error;

/** Where a node's QDevice lives: `etc-corosync/` is bound over /etc/corosync for corosync-qdevice-net-certutil. */
export function nodeQdevicePaths(node: LabNode): Omit<LabQdeviceNode, 'pid'> & { etc: string; runDir: string } {
  const etc = `${node.dir}/etc-corosync`;
  const runDir = `${node.dir}/qdevice`;
  return {
    etc,
    runDir,
    nssDb: `${etc}/qdevice/net/nssdb`,
    pidFile: `${runDir}/corosync-qdevice.pid`,
    socket: `${runDir}/corosync-qdevice.sock`,
    log: `${runDir}/corosync-qdevice.log`,
  };
}

/** `corosync-qdevice-tool -s[v] -p <socket>` on a node (TOOL_TIMEOUT_MS). */
export async function qdeviceTool(node: LabNode, verbose = false): Promise<CommandResult> {
  const p = nodeQdevicePaths(node);
  return new NetnsRunner(node.namespace).run('corosync-qdevice-tool', [verbose ? '-sv' : '-s', '-p', p.socket], { timeoutMs: TOOL_TIMEOUT_MS });
}

/** The node's corosync-qdevice pid, if alive in its namespace. */
export async function qdevicePid(node: LabNode): Promise<number | null> {
  const p = nodeQdevicePaths(node);
  return pidIn(node.namespace, node.qdevice?.pid, await readPid(p.pidFile));
}

/** corosync-qdevice needs its node's Corosync to answer IPC (cmap) at start: a just-started one takes a moment */
export const COROSYNC_IPC_WAIT_MS = 10_000;

/** Polls `corosync-cmapctl -g totem.cluster_name` in the node's namespace until it answers (COROSYNC_IPC_WAIT_MS). */
async function waitCorosyncIpc(node: LabNode): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const r = await new NetnsRunner(node.namespace).run('corosync-cmapctl', ['-g', 'totem.cluster_name'], { timeoutMs: TOOL_TIMEOUT_MS });
    if (r.code === 0) return;
    if (Date.now() - t0 > COROSYNC_IPC_WAIT_MS) throw new DaemonError(`${node.name}: Corosync does not answer IPC after ${COROSYNC_IPC_WAIT_MS} ms (corosync-cmapctl: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`})`);
    await sleep(100);
  }
}

/** `corosync-qdevice -f` in the node's namespace with its own NSS db, lock file and socket; returns once its socket answers. */
export async function startNodeQdevice(node: LabNode): Promise<number> {
  const p = nodeQdevicePaths(node);
  await waitCorosyncIpc(node);
  await mkdir(p.runDir, { recursive: true });
  await rm(p.socket, { force: true });
  await rm(p.pidFile, { force: true });
  const settings = `net_nss_db_dir=${p.nssDb},lock_file=${p.pidFile},local_socket_file=${p.socket}`;
  const pid = await spawnDaemon(node.namespace, 'corosync-qdevice', ['-f', '-S', settings], p.log);
  node.qdevice = { nssDb: p.nssDb, pidFile: p.pidFile, socket: p.socket, log: p.log, pid };
  await waitReady(`${node.name}: corosync-qdevice (pid ${pid})`, pid, async () => (await qdeviceTool(node)).code === 0, p.log);
  return pid;
}

/** Stops the node's corosync-qdevice (SIGTERM, SIGKILL after DAEMON_STOP_MS; or SIGKILL at once). */
export async function stopNodeQdevice(node: LabNode, how: 'term' | 'kill' = 'term'): Promise<{ pid: number; killed: boolean } | null> {
  const pid = await qdevicePid(node);
  if (node.qdevice) node.qdevice.pid = null;
  if (pid === null) return null;
  return { pid, killed: await stopDaemon(pid, how) };
}

/** What one node's `corosync-quorumtool -s` says about the QDevice. */
export interface QdeviceQuorumView {
  /** `Qdevice` in Flags */
  flag: boolean;
  /** the `0 … Qdevice` membership row */
  row: boolean;
  /** every member row's Qdevice column registered and alive (`A,…`) */
  allAlive: boolean;
  quorate: boolean | null;
  members: number | null;
  expectedVotes: number | null;
  totalVotes: number | null;
  quorum: number | null;
  flags: string[];
}

export function qdeviceQuorumView(text: string): QdeviceQuorumView {
  const r = parseQuorumtoolStatus(text);
  const v = r.ok ? r.value : null;
  const rows = v?.membership?.rows ?? [];
  const members = rows.filter((x) => !x.isQdevice);
  const flags = [...(v?.votequorum?.flags ?? []), ...(v?.votequorum?.unknownFlags ?? [])];
  return {
    flag: flags.includes('Qdevice'),
    row: rows.some((x) => x.isQdevice),
    allAlive: members.length > 0 && members.every((x) => x.qdevice?.registered === true && x.qdevice.alive === true),
    quorate: v?.quorum?.quorate ?? null,
    members: v?.quorum?.nodes ?? null,
    expectedVotes: v?.votequorum?.expectedVotes ?? null,
    totalVotes: v?.votequorum?.totalVotes ?? null,
    quorum: v?.votequorum?.quorum ?? null,
    flags,
  };
}

const describeView = (q: QdeviceQuorumView) =>
  `${q.quorate ? 'quorate' : 'NOT quorate'}, expected ${q.expectedVotes ?? '?'}, total ${q.totalVotes ?? '?'}, quorum ${q.quorum ?? '?'}, flags ${q.flags.join(' ') || '-'}`;

/** Internals of the Lab a QDevice change uses (lab.ts hands them in: it owns them). */
export interface LabHooks {
  lab: Lab;
  log: Log;
  LabError: LabErrorCtor;
  corosyncPid(node: LabNode): Promise<number | null>;
  /** corosync.conf of every member (config_version and the QDevice from the state), `corosync -t` on the first */
  writeConfs(): Promise<void>;
  /** corosync-cfgtool -R on a running member */
  reload(): Promise<void>;
  writeState(): Promise<void>;
  requireNoPartition(what: string): void;
}

function deviceConf(lab: Lab): QuorumDeviceConf | null {
  const d = lab.state.qdevice;
  return d ? { algorithm: d.algorithm, host: d.host, votes: d.votes, tls: 'on' } : null;
}
export { deviceConf as labDeviceConf };

/** the lab's qnetd when `host` names it (`qnetd` or its address), else null */
function labQnetdFor(lab: Lab, host: string): LabQnetd | null {
  const q = lab.state.qnetd;
  return q && (host === q.name || host === q.address) ? q : null;
}

async function commandV(node: LabNode, cmd: string): Promise<boolean | null> {
  const r = await new NetnsRunner(node.namespace).run('sh', ['-c', 'command -v "$1"', 'sh', cmd], { timeoutMs: TOOL_TIMEOUT_MS });
  if (r.timedOut) return null;
  return r.code === 0;
}

/** the IPv4 address `host` has in the node's namespace (its hosts file), null when it does not resolve */
async function resolveIn(node: LabNode, host: string): Promise<string | null> {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host;
  const r = await new NetnsRunner(node.namespace).run('getent', ['ahostsv4', host], { timeoutMs: TOOL_TIMEOUT_MS });
  if (r.code !== 0) return null;
  return r.stdout.split('\n').map((l) => l.split(/\s+/)[0] ?? '').find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? null;
}

/** TCP connect to address:port from the node's namespace: bash's /dev/tcp under `timeout`. */
async function tcpFrom(node: LabNode, address: string, port: number): Promise<{ ok: boolean; detail: string }> {
  const t0 = performance.now();
  const r = await new NetnsRunner(node.namespace).run(
    'timeout',
    ['-k', '1', String(QNETD_CONNECT_TIMEOUT_S), 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'bash', address, String(port)],
    { timeoutMs: (QNETD_CONNECT_TIMEOUT_S + 3) * 1_000 },
  );
  const ms = Math.round(performance.now() - t0);
  if (r.code === 0) return { ok: true, detail: `connected to ${address}:${port} from ${node.name} in ${ms} ms` };
  if (r.code === 124 || r.timedOut) return { ok: false, detail: `no answer from ${address}:${port} within ${QNETD_CONNECT_TIMEOUT_S} s (from ${node.name})` };
  const why = /: ([^:\n]+)$/m.exec(r.stderr.trim())?.[1] ?? `exit ${r.code}`;
  return { ok: false, detail: `${address}:${port} from ${node.name}: ${why}` };
}

/**
 * Per member: online (its Corosync runs), corosync-qdevice installed (`command -v` in its namespace), and TCP
 * to `host`'s port 5403 from there (only when `host` is the lab's qnetd there; nothing else is probed); and
 * whether the lab's qnetd runs.
 */
export async function qdeviceFacts(h: LabHooks, host: string): Promise<QdeviceFacts> {
  const { lab } = h;
  const q = lab.state.qnetd;
  const nodes = await Promise.all(
    lab.state.nodes.map(async (node): Promise<QdeviceNodeFacts> => {
      const [pid, pkg, address] = await Promise.all([h.corosyncPid(node), commandV(node, 'corosync-qdevice'), resolveIn(node, host)]);
      let qnetdPort: QdeviceNodeFacts['qnetdPort'];
      if (address === null) qnetdPort = { ok: false, detail: `${host} does not resolve on ${node.name} (getent ahostsv4)` };
      else if (!q || address !== q.address) qnetdPort = { unmeasured: `not probed: ${host} is ${address} on ${node.name}, not the lab's qnetd${q ? ` (${q.address})` : ' (this lab has none: up --qnetd)'}; the lab connects only to its own` };
      else qnetdPort = await tcpFrom(node, address, q.port);
      return {
        name: node.name,
        online: pid !== null,
        qdevicePackage: pkg ?? { unmeasured: `command -v corosync-qdevice timed out on ${node.name}` },
        qnetdPort,
      };
    }),
  );
  const labQ = labQnetdFor(lab, host);
  const qnetdRunning: QdeviceFacts['qnetdRunning'] = labQ
    ? (await pidIn(labQ.namespace, labQ.pid, await readPid(labQ.pidFile))) !== null
    : host === QNETD_NAME && !q
      ? false
      : { unmeasured: `${host} is not the lab's qnetd${q ? ` (${q.name} = ${q.address})` : ''}: the lab does not look at other hosts` };
  return { host, nodes, qnetdRunning };
}

/** Every member's corosync-quorumtool -s until `ok` holds on all (bounded); the failure names the node and its output. */
async function waitAll(h: LabHooks, what: string, ok: (v: QdeviceQuorumView) => boolean, timeoutMs: number, extra?: (node: LabNode) => Promise<string>): Promise<{ ms: number; views: Map<string, QdeviceQuorumView> }> {
  const t0 = performance.now();
  const nodes = [];
  for (const node of h.lab.state.nodes) if ((await h.corosyncPid(node)) !== null) nodes.push(node);
  const views = new Map<string, QdeviceQuorumView>();
  const raws = new Map<string, string>();
  for (;;) {
    let all = true;
    for (const node of nodes) {
      const r = await h.lab.quorum(node.name);
      raws.set(node.name, r.raw);
      const v = qdeviceQuorumView(r.raw);
      views.set(node.name, v);
      if (!ok(v)) all = false;
    }
    if (all) return { ms: Math.round(performance.now() - t0), views };
    if (performance.now() - t0 > timeoutMs) {
      const bad = nodes.find((n) => !ok(views.get(n.name)!)) ?? nodes[0]!;
      const more = extra ? await extra(bad).catch(() => '') : '';
      throw new h.LabError(`${bad.name}: waited ${timeoutMs} ms for ${what}; corosync-quorumtool -s says:\n${(raws.get(bad.name) ?? '').trimEnd()}${more}`);
    }
    await sleep(200);
  }
}

async function nssCleanup(nodes: readonly LabNode[]): Promise<void> {
  for (const node of nodes) await rm(nodeQdevicePaths(node).etc, { recursive: true, force: true });
}

async function check(h: LabHooks, r: CommandResult | Promise<CommandResult>, what: string): Promise<CommandResult> {
  const res = await r;
  if (res.code !== 0) throw new h.LabError(`${what} failed (${res.timedOut ? 'timed out' : `exit ${res.code ?? res.signal}`}): ${(res.stderr || res.stdout).trim()}`);
  return res;
}

/** The refusals: a QDevice the lab could not set up as asked (exit 2, nothing changed). */
async function refusals(h: LabHooks, host: string, algorithm: QdeviceAlgorithm): Promise<LabQnetd> {
  const { lab } = h;
  const s = lab.state;
  const refuse = (why: string): never => {
    throw new h.LabError(`qdevice setup refused: ${why}; nothing changed`, 2);
  };
  if (algorithm !== 'ffsplit' && algorithm !== 'lms') refuse(`algorithm must be ffsplit or lms, got ${JSON.stringify(algorithm)}`);
  if (s.qdevice) refuse(`a QDevice is already configured (host ${s.qdevice.host}, ${s.qdevice.algorithm}): remove it first`);
  const q = s.qnetd ?? refuse(`lab '${s.prefix}' has no qnetd (start it with: npm run lab -- up --nodes 2 --qnetd)`);
  if (host !== q.name && host !== q.address) refuse(`${host} is not the lab's qnetd (${q.name} = ${q.address}): the lab sets up a QDevice only against its own`);
  if (s.nodes.length < 2) refuse(`the cluster has ${s.nodes.length} member(s); a QDevice needs at least 2`);
  h.requireNoPartition('qdevice setup');
  const o = s.quorum;
  if (o.twoNode) refuse('two_node is set: votequorum does not allow it with a QDevice (remove two_node)');
  if (o.autoTieBreaker) refuse('auto_tie_breaker is set: votequorum(5) — incompatible with a QDevice');
  if (o.lastManStanding) refuse('last_man_standing is set: votequorum(5) — incompatible with a QDevice');
  if (algorithm === 'ffsplit') {
    if (s.nodes.length % 2 === 1) refuse(`ffsplit needs an even number of nodes (the cluster has ${s.nodes.length}); pvecm uses lms for odd clusters (and discourages a QDevice there)`);
    const weighted = s.nodes.find((n) => n.votes !== 1);
    if (weighted) refuse(`ffsplit needs 1 vote per node (${weighted.name} has ${weighted.votes})`);
  }
  for (const node of s.nodes) {
    if ((await h.corosyncPid(node)) === null) refuse(`all nodes must be online (pvecm): Corosync is not running on ${node.name}`);
  }
  const first = s.nodes[0]!;
  const qv = await lab.quorum(first.name);
  if (qv.quorate !== true) refuse(`the cluster is not quorate (${first.name}: ${qv.timedOut ? 'corosync-quorumtool timed out' : `exit ${qv.exitCode}`})`);
  for (const node of s.nodes) {
    const has = await commandV(node, 'corosync-qdevice');
    if (has !== true) refuse(`corosync-qdevice is ${has === false ? 'not installed' : 'not checkable (timeout)'} on ${node.name} (apt-get install -y corosync-qdevice)`);
  }
  if ((await commandV(first, 'corosync-qdevice-net-certutil')) !== true) refuse('corosync-qdevice-net-certutil missing (apt-get install -y corosync-qdevice)');
  if ((await pidIn(q.namespace, q.pid, await readPid(q.pidFile))) === null) refuse(`the lab's qnetd is not running (npm run lab -- qnetd start --prefix ${s.prefix})`);
  return q;
}

/**
 * `pvecm qdevice setup qnetd [--algorithm]`: (1) the qnetd CA (corosync-qnetd-certutil -i; kept when there),
 * (2) each node's NSS db with that CA (corosync-qdevice-net-certutil -i -c), (3) the cluster's certificate
 * requested on the first node, signed by qnetd, imported there and its .p12 on the others, (4) the
 * quorum.device section with config_version + 1 on every node, (5) corosync-cfgtool -R, (6) corosync-qdevice
 * on every node, (7) wait (QDEVICE_WAIT_MS) until every node's corosync-quorumtool -s shows the QDevice
 * (flag, row, each node's column `A,…`). The reload comes before the daemons (pvecm starts them first and
 * has pmxcfs reload): corosync-qdevice reads its quorum.device keys from cmap at start.
 */
export async function setupQdevice(h: LabHooks, opts: QdeviceSetupOptions = {}): Promise<string> {
  const { lab, log } = h;
  const s = lab.state;
  const host = (opts.host ?? QNETD_NAME).trim();
  const algorithm = opts.algorithm ?? 'ffsplit';
  const q = await refusals(h, host, algorithm);
  const nodes = [...s.nodes];
  const first = nodes[0]!;
  const t0 = performance.now();
  log(`checks passed: ${nodes.length} nodes online and quorate, corosync-qdevice on each, qnetd running at ${q.address}:${q.port}; algorithm ${algorithm}`);

  let step = 'certificates';
  try {
    const ca = await initQnetdCa(q);
    log(`1/7 qnetd CA: corosync-qnetd-certutil -i in ${q.namespace}: ${ca === 'created' ? 'created' : 'already initialized, kept'} (${q.nssDb})`);

    await nssCleanup(nodes);
    for (const node of nodes) {
      const p = nodeQdevicePaths(node);
      await mkdir(p.etc, { recursive: true });
      const caCopy = `${p.etc}/qnetd-cacert.crt`;
      await copyFile(`${q.nssDb}/qnetd-cacert.crt`, caCopy);
      await check(h, withEtcCorosync(node.namespace, p.etc, 'corosync-qdevice-net-certutil', ['-i', '-c', caCopy]), `${node.name}: corosync-qdevice-net-certutil -i -c qnetd-cacert.crt`);
    }
    log(`2/7 node NSS dbs: corosync-qdevice-net-certutil -i -c qnetd-cacert.crt on ${nodes.map((n) => n.name).join(', ')} (each its own ${nodes.map((n) => nodeQdevicePaths(n).nssDb.replace(`${s.dir}/`, '')).join(', ')})`);

    const fp = nodeQdevicePaths(first);
    await check(h, withEtcCorosync(first.namespace, fp.etc, 'corosync-qdevice-net-certutil', ['-r', '-n', s.clusterName]), `${first.name}: corosync-qdevice-net-certutil -r -n ${s.clusterName}`);
    const crq = `${q.dir}/requests/${s.clusterName}.crq`;
    await mkdir(`${q.dir}/requests`, { recursive: true });
    await copyFile(`${fp.nssDb}/qdevice-net-node.crq`, crq);
    await check(h, withEtcCorosync(q.namespace, `${q.dir}/etc`, 'corosync-qnetd-certutil', ['-s', '-c', crq, '-n', s.clusterName], CERT_TIMEOUT_MS), `qnetd: corosync-qnetd-certutil -s -n ${s.clusterName}`);
    const crt = `${fp.nssDb}/cluster-${s.clusterName}.crt`;
    await copyFile(`${q.nssDb}/cluster-${s.clusterName}.crt`, crt);
    await check(h, withEtcCorosync(first.namespace, fp.etc, 'corosync-qdevice-net-certutil', ['-M', '-c', crt]), `${first.name}: corosync-qdevice-net-certutil -M`);
    const p12 = `${fp.nssDb}/qdevice-net-node.p12`;
    for (const node of nodes.slice(1)) {
      const np = nodeQdevicePaths(node);
      const dst = `${np.nssDb}/qdevice-net-node.p12`;
      await copyFile(p12, dst);
      await check(h, withEtcCorosync(node.namespace, np.etc, 'corosync-qdevice-net-certutil', ['-m', '-c', dst]), `${node.name}: corosync-qdevice-net-certutil -m`);
    }
    log(`3/7 cluster certificate: requested on ${first.name} (CN=${s.clusterName}), signed by qnetd, imported there; qdevice-net-node.p12 imported on ${nodes.slice(1).map((n) => n.name).join(', ')}`);
    if (opts.signal?.aborted) throw new h.LabError('cancelled before corosync.conf was changed');
  } catch (err) {
    await nssCleanup(nodes);
    const why = err instanceof DaemonError || err instanceof h.LabError ? err.message : String(err);
    throw new h.LabError(`qdevice setup failed at the ${step} (${why}); corosync.conf was not changed, the nodes' NSS dbs are deleted`);
  }

  // past this point a failure restores every node's previous corosync.conf and reloads it
  const previous = new Map<string, string>();
  for (const node of nodes) previous.set(node.name, await readFile(node.conf, 'utf8'));
  const prevVersion = s.configVersion;
  const votes = algorithm === 'ffsplit' ? 1 : null;
  try {
    step = 'corosync.conf write';
    s.qdevice = { host, algorithm, votes };
    s.configVersion += 1;
    await h.writeConfs();
    await h.writeState();
    log(`4/7 corosync.conf: quorum.device (model net, algorithm ${algorithm}, host ${host}, tls on, votes ${votes ?? 'unset: nodes - 1'}) on ${nodes.map((n) => n.name).join(', ')}, config_version ${s.configVersion}`);
    step = 'reload';
    await h.reload();
    log(`5/7 corosync-cfgtool -R: every member re-read its corosync.conf`);
    step = 'corosync-qdevice start';
    const pids: string[] = [];
    for (const node of nodes) pids.push(`${node.name} pid ${await startNodeQdevice(node)}`);
    await h.writeState();
    log(`6/7 corosync-qdevice started (foreground, own NSS db, lock file and socket): ${pids.join(', ')}`);
    step = 'wait for the QDevice';
    const expected = nodes.reduce((a, n) => a + n.votes, 0) + (votes ?? nodes.length - 1);
    const { ms, views } = await waitAll(
      h,
      `the QDevice's vote (flag Qdevice, its row, every node's column A,…; expected and total ${expected})`,
      (v) => v.flag && v.row && v.allAlive && v.quorate === true && v.expectedVotes === expected && v.totalVotes === expected,
      opts.waitMs ?? QDEVICE_WAIT_MS,
      async (node) => `\ncorosync-qdevice-tool -s on ${node.name}:\n${(await qdeviceTool(node)).stdout.trimEnd()}${await tail(nodeQdevicePaths(node).log)}`,
    );
    const v = views.get(first.name)!;
    log(`7/7 every node's corosync-quorumtool -s shows the QDevice after ${ms} ms: ${describeView(v)}`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const restored = await rollbackSetup(h, nodes, previous, prevVersion).catch((e: unknown) => `the rollback failed too: ${e instanceof Error ? e.message : String(e)}`);
    throw new h.LabError(`qdevice setup failed at the ${step}: ${why}\n${restored}`);
  }
  return `QDevice set up on '${s.clusterName}' (${algorithm}, host ${host}, config_version ${s.configVersion}) in ${Math.round(performance.now() - t0)} ms`;
}

/**
 * Setup failed after the corosync.conf write: the previous files back and reloaded first, then the daemons
 * stopped with SIGTERM (a corosync-qdevice killed with SIGKILL stays registered with votequorum: the
 * Qdevice flag would stay), the NSS dbs deleted; waits (QDEVICE_REMOVE_WAIT_MS) until no node shows it.
 */
async function rollbackSetup(h: LabHooks, nodes: readonly LabNode[], previous: Map<string, string>, prevVersion: number): Promise<string> {
  const s = h.lab.state;
  for (const node of nodes) {
    const text = previous.get(node.name);
    if (text === undefined) continue;
    await writeFile(`${node.conf}.tmp`, text);
    await rename(`${node.conf}.tmp`, node.conf);
  }
  s.qdevice = null;
  s.configVersion = prevVersion;
  await h.writeState();
  await h.reload();
  for (const node of nodes) {
    await stopNodeQdevice(node, 'term');
    node.qdevice = null;
  }
  await h.writeState();
  await nssCleanup(nodes);
  const gone = await waitAll(h, 'no QDevice after the rollback', (v) => !v.flag && !v.row, QDEVICE_REMOVE_WAIT_MS).then(
    ({ ms }) => `no node shows the QDevice after ${ms} ms`,
    (e: unknown) => `but a node still shows it: ${e instanceof Error ? e.message : String(e)}`,
  );
  const line = `rollback: the previous corosync.conf (config_version ${prevVersion}, no quorum.device) is back on ${nodes.map((n) => n.name).join(', ')} and reloaded; corosync-qdevice stopped, the NSS dbs deleted; ${gone}`;
  h.log(line);
  return line;
}

/**
 * `pvecm qdevice remove`: (1) corosync.conf without quorum.device, config_version + 1, (2) corosync-cfgtool
 * -R, (3) corosync-qdevice stopped on every node, (4) their NSS dbs deleted, (5) wait (QDEVICE_REMOVE_WAIT_MS)
 * until every running node shows no Qdevice flag and the nodelist's votes expected. pvecm reloads last; the
 * lab reloads before it stops the daemons, so a failed write or reload (previous file restored) leaves the
 * QDevice running as it was.
 */
export async function removeQdevice(h: LabHooks): Promise<string> {
  const { lab, log } = h;
  const s = lab.state;
  const d = s.qdevice;
  if (!d) throw new h.LabError(`qdevice remove refused: no QDevice is configured on '${s.clusterName}'; nothing changed`, 2);
  h.requireNoPartition('qdevice remove');
  const nodes = [...s.nodes];
  const running: LabNode[] = [];
  for (const node of nodes) if ((await h.corosyncPid(node)) !== null) running.push(node);
  if (running.length === 0) throw new h.LabError(`qdevice remove refused: no member of '${s.clusterName}' runs Corosync (nobody to reload); nothing changed`, 2);
  const t0 = performance.now();
  const previous = new Map<string, string>();
  for (const node of nodes) previous.set(node.name, await readFile(node.conf, 'utf8'));
  const prevVersion = s.configVersion;
  let step = 'corosync.conf write';
  try {
    s.qdevice = null;
    s.configVersion += 1;
    await h.writeConfs();
    await h.writeState();
    log(`1/5 corosync.conf: quorum.device removed on ${nodes.map((n) => n.name).join(', ')}, config_version ${s.configVersion}`);
    step = 'reload';
    await h.reload();
    log(`2/5 corosync-cfgtool -R: every member re-read its corosync.conf`);
  } catch (err) {
    for (const node of nodes) {
      const text = previous.get(node.name);
      if (text !== undefined) {
        await writeFile(`${node.conf}.tmp`, text);
        await rename(`${node.conf}.tmp`, node.conf);
      }
    }
    s.qdevice = d;
    s.configVersion = prevVersion;
    await h.writeState();
    const reloaded = await h.reload().then(
      () => 'reloaded',
      (e: unknown) => `the reload failed too: ${e instanceof Error ? e.message : String(e)}`,
    );
    const line = `rollback: the previous corosync.conf (config_version ${prevVersion}, with the QDevice) is back on every node, ${reloaded}; corosync-qdevice left running`;
    log(line);
    throw new h.LabError(`qdevice remove failed at the ${step}: ${err instanceof Error ? err.message : String(err)}\n${line}`);
  }
  const stopped: string[] = [];
  for (const node of nodes) {
    const r = await stopNodeQdevice(node, 'term');
    node.qdevice = null;
    // corosync-qdevice often exits by itself once its quorum.device keys are gone from cmap
    stopped.push(r === null ? `${node.name} (had exited)` : `${node.name} pid ${r.pid}${r.killed ? ' (SIGKILL)' : ''}`);
  }
  await h.writeState();
  log(`3/5 corosync-qdevice stopped: ${stopped.join(', ')}`);
  await nssCleanup(nodes);
  log(`4/5 NSS dbs deleted: ${nodes.map((n) => nodeQdevicePaths(n).etc.replace(`${s.dir}/`, '')).join(', ')}`);
  const expected = nodes.reduce((a, n) => a + n.votes, 0);
  const { ms, views } = await waitAll(h, `no QDevice (expected ${expected})`, (v) => !v.flag && !v.row && (v.quorate === false || v.expectedVotes === expected), QDEVICE_REMOVE_WAIT_MS);
  const v = views.get(running[0]!.name)!;
  log(`5/5 every running node's corosync-quorumtool -s shows no QDevice after ${ms} ms: ${describeView(v)}`);
  return `QDevice removed from '${s.clusterName}' (config_version ${s.configVersion}) in ${Math.round(performance.now() - t0)} ms`;
}

/** `qnetd kill|stop|start`: the lab's qnetd as a fault (SIGKILL / SIGTERM) and back. */
export async function qnetdFault(h: LabHooks, action: 'kill' | 'stop' | 'start'): Promise<string> {
  const s = h.lab.state;
  const q = s.qnetd;
  if (!q) throw new h.LabError(`lab '${s.prefix}' has no qnetd (up --qnetd)`, 2);
  const pid = await pidIn(q.namespace, q.pid, await readPid(q.pidFile));
  if (action === 'start') {
    if (pid !== null) throw new h.LabError(`qnetd is already running (pid ${pid})`);
    q.pid = await startQnetd(q);
    await h.writeState();
    return `qnetd: corosync-qnetd started (pid ${q.pid}) on ${q.address}:${q.port}`;
  }
  if (pid === null) throw new h.LabError('qnetd is not running');
  const killed = await stopDaemon(pid, action === 'kill' ? 'kill' : 'term');
  q.pid = null;
  await h.writeState();
  return `qnetd: ${action === 'kill' ? 'SIGKILL' : 'SIGTERM'} sent to corosync-qnetd pid ${pid}${killed && action === 'stop' ? ' (needed SIGKILL)' : ''}`;
}
