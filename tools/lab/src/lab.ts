// The real-Corosync lab: N corosync processes, one network namespace each, one bridge per link in a
// separate namespace. Nothing is added to the host's root network namespace except the namespaces.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { LocalRunner, NetnsRunner, RunnerError, type CommandResult, type CommandRunner } from '@quorate/sources';
import { renderCorosyncConf } from './conf';
import { parseLinkStatus, parseQuorumStatus, type LinkView, type QuorumSummary } from './parse';
import { cmdline, isAlive, netnsOf, procState, removeBlackboxes, signal, sleep, waitGone, type ProcState } from './procs';
import {
  CLUSTER_NAME,
  DEFAULT_PREFIX,
  PREFIX_RE,
  bridgeName,
  bridgeNamespace,
  bridgePort,
  labDir,
  nodeAddress,
  nodeIface,
  nodeNamespace,
  readState,
  removeState,
  writeState,
  type LabNode,
  type LabState,
} from './state';

export class LabError extends Error {
  override readonly name = 'LabError';
  /** CLI exit code: 2 for "cannot run here" (not root, tools missing), 1 otherwise */
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export type Log = (line: string) => void;

export interface UpOptions {
  nodes: number;
  links?: number;
  /** totem.token in ms (default 3000, corosync's own default; 1000 makes tests ~2x faster) */
  token?: number;
  prefix?: string;
  /** how long to wait for every node to be quorate with all members (default 60 s) */
  waitTimeoutMs?: number;
  log?: Log;
}

export type FaultAction =
  | { kind: 'kill' }
  | { kind: 'stop' }
  | { kind: 'freeze' }
  | { kind: 'thaw' }
  | { kind: 'start' }
  | { kind: 'link-down'; link?: number }
  | { kind: 'link-up'; link?: number }
  | { kind: 'loss'; percent: number };

export interface QuorumView extends QuorumSummary {
  /** corosync-quorumtool's exit code: 0 quorate, 2 inquorate, 1 no corosync; null on timeout */
  exitCode: number | null;
  timedOut: boolean;
  raw: string;
}

export interface NodeStatus {
  name: string;
  nodeid: number;
  namespace: string;
  pid: number | null;
  process: ProcState;
  /** null when the node could not be asked (frozen, not running, timeout) */
  quorum: QuorumView | null;
  links: LinkView[];
  note: string | null;
}

const local = new LocalRunner();
/** tool calls against corosync: short, since a frozen corosync blocks them until the timeout */
const TOOL_TIMEOUT_MS = 3_000;
const LOSS_TABLE = 'quorate_lab_loss';

function check(r: CommandResult, what: string): CommandResult {
  if (r.code !== 0) {
    const why = r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`;
    throw new LabError(`${what} failed (${why}): ${(r.stderr || r.stdout).trim()}`);
  }
  return r;
}

async function sh(runner: CommandRunner, what: string, cmd: string, args: string[], stdin?: string): Promise<CommandResult> {
  const opts = stdin === undefined ? { timeoutMs: 10_000 } : { timeoutMs: 10_000, stdin };
  return check(await runner.run(cmd, args, opts), `${what}: ${cmd} ${args.join(' ')}`);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function requireRoot(): void {
  if (!isRoot()) {
    throw new LabError('the lab needs root (network namespaces, bind mounts, signals to corosync): run it with sudo', 2);
  }
}

/** Whether a lab can run here: root, and ip, corosync, its tools and nft installed. */
export async function labAvailable(): Promise<{ ok: boolean; reason: string | null }> {
  if (!isRoot()) return { ok: false, reason: 'not root (the lab needs network namespaces and bind mounts)' };
  const probes: Array<[string, string[], string]> = [
    ['ip', ['-V'], 'iproute2 (apt-get install -y iproute2)'],
    ['corosync', ['-v'], 'corosync (apt-get install -y corosync)'],
    ['corosync-quorumtool', ['-h'], 'corosync-quorumtool (apt-get install -y corosync)'],
    ['corosync-cfgtool', ['-h'], 'corosync-cfgtool (apt-get install -y corosync)'],
    ['nft', ['--version'], 'nft (apt-get install -y nftables)'],
  ];
  for (const [cmd, args, what] of probes) {
    try {
      await local.run(cmd, args, { timeoutMs: 5_000 });
    } catch (err) {
      if (err instanceof RunnerError) return { ok: false, reason: `missing ${what}` };
      throw err;
    }
  }
  return { ok: true, reason: null };
}

function checkPrefix(prefix: string): string {
  if (!PREFIX_RE.test(prefix)) throw new LabError(`invalid prefix ${JSON.stringify(prefix)}: 1-12 lowercase letters/digits, starting with a letter`, 2);
  return prefix;
}

/** "pve2", "2" or 2 -> the node of this lab */
export function resolveNode(state: LabState, ref: string | number): LabNode {
  const s = String(ref).trim();
  const m = /^(?:pve)?(\d+)$/.exec(s);
  const node = m ? state.nodes.find((n) => n.nodeid === Number(m[1])) : undefined;
  if (!node) throw new LabError(`no node ${JSON.stringify(s)} in lab ${state.prefix} (nodes: ${state.nodes.map((n) => n.name).join(', ')})`, 2);
  return node;
}

export class Lab {
  private constructor(
    public state: LabState,
    private readonly log: Log,
  ) {}

  static async open(prefix = DEFAULT_PREFIX, log: Log = () => {}): Promise<Lab> {
    requireRoot();
    const state = await readState(checkPrefix(prefix));
    if (!state) throw new LabError(`no lab '${prefix}' is up (no state file); start one with: npm run lab -- up --nodes 3`, 1);
    return new Lab(state, log);
  }

  static async up(opts: UpOptions): Promise<Lab> {
    requireRoot();
    const prefix = checkPrefix(opts.prefix ?? DEFAULT_PREFIX);
    const n = opts.nodes;
    const links = opts.links ?? 1;
    const token = opts.token ?? 3000;
    const log = opts.log ?? (() => {});
    if (!Number.isInteger(n) || n < 2 || n > 5) throw new LabError(`--nodes must be 2..5, got ${n}`, 2);
    if (!Number.isInteger(links) || links < 1 || links > 2) throw new LabError(`--links must be 1 or 2, got ${links}`, 2);
    if (!Number.isInteger(token) || token < 200 || token > 60_000) throw new LabError(`--token must be 200..60000 ms, got ${token}`, 2);

    const avail = await labAvailable();
    if (!avail.ok) throw new LabError(`cannot build a lab here: ${avail.reason}`, 2);

    const left = await down(prefix, () => {});
    if (left.found) log(`removed leftovers of an earlier lab '${prefix}'`);

    const dir = labDir(prefix);
    const state: LabState = {
      version: 1,
      prefix,
      clusterName: CLUSTER_NAME,
      links,
      token,
      nodes: Array.from({ length: n }, (_, k) => {
        const i = k + 1;
        const d = `${dir}/n${i}`;
        return {
          name: `pve${i}`,
          nodeid: i,
          namespace: nodeNamespace(prefix, i),
          addresses: Array.from({ length: links }, (_, l) => nodeAddress(i, l)),
          dir: d,
          conf: `${d}/corosync.conf`,
          log: `${d}/corosync.log`,
          pidFile: `${d}/run/corosync.pid`,
          pid: null,
        };
      }),
      bridgeNamespace: bridgeNamespace(prefix),
      namespaces: [...Array.from({ length: n }, (_, k) => nodeNamespace(prefix, k + 1)), bridgeNamespace(prefix)],
      dir,
      authkey: `${dir}/authkey`,
      createdAt: new Date().toISOString(),
      pastPids: [],
    };
    const lab = new Lab(state, log);
    try {
      // written first, so that `lab down` finds everything even if we crash half-way
      await writeState(state);
      const t0 = performance.now();
      await lab.buildNetwork();
      log(`network: ${n} node namespaces + ${state.bridgeNamespace} (${links} bridge${links > 1 ? 's' : ''}) in ${ms(t0)}`);
      await lab.writeConfigs();
      const t1 = performance.now();
      await Promise.all(state.nodes.map((node) => lab.startNode(node)));
      log(`corosync started on ${n} nodes (pids ${state.nodes.map((x) => x.pid).join(' ')}) in ${ms(t1)}`);
      const t2 = performance.now();
      await Promise.all(state.nodes.map((node) => lab.waitQuorum(node.nodeid, { quorate: true, members: n }, opts.waitTimeoutMs ?? 60_000)));
      log(`all ${n} nodes quorate with ${n} members after ${ms(t2)} (total ${ms(t0)})`);
      return lab;
    } catch (err) {
      const tails = await lab.logTails();
      await down(prefix, () => {});
      throw new LabError(`lab up failed: ${(err as Error).message}${tails}`);
    }
  }

  runner(ref: string | number): NetnsRunner {
    return new NetnsRunner(resolveNode(this.state, ref).namespace);
  }

  node(ref: string | number): LabNode {
    return resolveNode(this.state, ref);
  }

  /** `corosync-quorumtool -s` on a node, never hanging (frozen corosync). */
  async quorum(ref: string | number, timeoutMs = TOOL_TIMEOUT_MS): Promise<QuorumView> {
    const r = await this.runner(ref).run('corosync-quorumtool', ['-s'], { timeoutMs });
    return { ...parseQuorumStatus(r.stdout), exitCode: r.code, timedOut: r.timedOut, raw: r.stdout + r.stderr };
  }

  /** Polls quorumtool until the node reports the wanted state; returns the elapsed ms. */
  async waitQuorum(ref: string | number, want: { quorate?: boolean; members?: number }, timeoutMs = 60_000): Promise<number> {
    const node = this.node(ref);
    const t0 = performance.now();
    let last: QuorumView | null = null;
    for (;;) {
      last = await this.quorum(node.nodeid);
      const okQ = want.quorate === undefined || last.quorate === want.quorate;
      const okM = want.members === undefined || last.members === want.members;
      if (okQ && okM) return Math.round(performance.now() - t0);
      if (performance.now() - t0 > timeoutMs) {
        const seen = last.timedOut ? 'quorumtool timed out' : `quorate=${last.quorate} members=${last.members} exit=${last.exitCode}`;
        throw new LabError(`${node.name}: waited ${timeoutMs} ms for ${JSON.stringify(want)}, last seen ${seen}`);
      }
      await sleep(100);
    }
  }

  async fault(ref: string | number, action: FaultAction): Promise<string> {
    const node = this.node(ref);
    switch (action.kind) {
      case 'kill':
      case 'stop':
      case 'freeze':
      case 'thaw': {
        const pid = await this.ourPid(node);
        if (pid === null) throw new LabError(`${node.name}: corosync is not running`);
        const sig = ({ kill: 'SIGKILL', stop: 'SIGTERM', freeze: 'SIGSTOP', thaw: 'SIGCONT' } as const)[action.kind];
        // a frozen process only acts on SIGTERM once continued
        if (action.kind === 'stop') signal(pid, 'SIGCONT');
        signal(pid, sig);
        if (action.kind === 'kill' || action.kind === 'stop') {
          const still = await waitGone([pid], 10_000);
          if (still.length > 0) signal(pid, 'SIGKILL');
          await waitGone([pid], 2_000);
          node.pid = null;
          await writeState(this.state);
        }
        return `${node.name}: ${sig} sent to corosync pid ${pid}`;
      }
      case 'start': {
        const pid = await this.ourPid(node);
        if (pid !== null) throw new LabError(`${node.name}: corosync is already running (pid ${pid})`);
        await this.startNode(node);
        return `${node.name}: corosync started (pid ${node.pid})`;
      }
      case 'link-down':
      case 'link-up': {
        const linkIds = this.linkIds(action.link);
        const state = action.kind === 'link-down' ? 'down' : 'up';
        const br = new NetnsRunner(this.state.bridgeNamespace);
        for (const l of linkIds) await sh(br, `${node.name} link ${l} ${state}`, 'ip', ['link', 'set', bridgePort(node.nodeid, l), state]);
        return `${node.name}: bridge port${linkIds.length > 1 ? 's' : ''} of link ${linkIds.join(', ')} ${state}`;
      }
      case 'loss': {
        const pct = action.percent;
        if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw new LabError(`loss must be 0..100 %, got ${pct}`, 2);
        // one atomic nft transaction: create-if-missing, delete, then (for pct > 0) add the drop rule
        const rules = [`table inet ${LOSS_TABLE} { }`, `delete table inet ${LOSS_TABLE}`];
        if (pct > 0) {
          rules.push(
            `table inet ${LOSS_TABLE} {`,
            '  chain out {',
            '    type filter hook output priority 0; policy accept;',
            `    oifname != "lo" meta l4proto udp numgen random mod 100 < ${pct} counter drop`,
            '  }',
            '}',
          );
        }
        await sh(this.runner(node.nodeid), `${node.name} loss ${pct}%`, 'nft', ['-f', '-'], `${rules.join('\n')}\n`);
        return pct > 0 ? `${node.name}: dropping ${pct} % of egress UDP` : `${node.name}: packet loss cleared`;
      }
    }
  }

  async status(): Promise<NodeStatus[]> {
    return Promise.all(
      this.state.nodes.map(async (node): Promise<NodeStatus> => {
        const pid = await this.ourPid(node);
        const proc: ProcState = pid === null ? 'gone' : await procState(pid);
        const base = { name: node.name, nodeid: node.nodeid, namespace: node.namespace, pid, process: proc };
        if (proc !== 'running') {
          const note = proc === 'frozen' ? 'frozen (SIGSTOP): its tools would block, not asked' : 'corosync not running';
          return { ...base, quorum: null, links: [], note };
        }
        const [quorum, cfg] = await Promise.all([
          this.quorum(node.nodeid),
          this.runner(node.nodeid).run('corosync-cfgtool', ['-s'], { timeoutMs: TOOL_TIMEOUT_MS }),
        ]);
        const note = quorum.timedOut ? 'corosync-quorumtool timed out' : null;
        return { ...base, quorum, links: parseLinkStatus(cfg.stdout), note };
      }),
    );
  }

  async down(): Promise<void> {
    await down(this.state.prefix, this.log);
  }

  // ------------------------------------------------------------------ internals

  private linkIds(link: number | undefined): number[] {
    if (link === undefined) return Array.from({ length: this.state.links }, (_, l) => l);
    if (!Number.isInteger(link) || link < 0 || link >= this.state.links) {
      throw new LabError(`no link ${link} (this lab has link${this.state.links > 1 ? 's 0..' + (this.state.links - 1) : ' 0'})`, 2);
    }
    return [link];
  }

  /** The node's corosync pid if it is alive AND in the node's namespace: we never signal anything else. */
  private async ourPid(node: LabNode): Promise<number | null> {
    const candidates = [node.pid, await readPidFile(node.pidFile)].filter((p): p is number => p !== null);
    for (const pid of new Set(candidates)) {
      if ((await isAlive(pid)) && (await netnsOf(local, pid)) === node.namespace) return pid;
    }
    return null;
  }

  private async buildNetwork(): Promise<void> {
    const { prefix, links } = this.state;
    const br = this.state.bridgeNamespace;
    const brRun = new NetnsRunner(br);
    const noV6 = ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
    await sh(local, 'bridge namespace', 'ip', ['netns', 'add', br]);
    // IPv4 only inside the lab: no IPv6 link-local chatter on the veths
    await sh(brRun, 'bridge namespace', 'sysctl', noV6);
    await sh(local, 'bridge namespace', 'ip', ['-n', br, 'link', 'set', 'lo', 'up']);
    for (let l = 0; l < links; l++) {
      await sh(local, `bridge ${l}`, 'ip', ['-n', br, 'link', 'add', bridgeName(l), 'type', 'bridge']);
      await sh(local, `bridge ${l}`, 'ip', ['-n', br, 'link', 'set', bridgeName(l), 'up']);
    }
    // nodes in parallel: each `ip` call costs ~50 ms, mostly process start-up
    await Promise.all(this.state.nodes.map(async (node) => {
      const ns = nodeNamespace(prefix, node.nodeid);
      await sh(local, node.name, 'ip', ['netns', 'add', ns]);
      await sh(new NetnsRunner(ns), node.name, 'sysctl', noV6);
      await sh(local, node.name, 'ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      for (let l = 0; l < links; l++) {
        const port = bridgePort(node.nodeid, l);
        // created inside the bridge namespace, the peer moved straight into the node's: never in the root namespace
        await sh(local, node.name, 'ip', ['-n', br, 'link', 'add', port, 'type', 'veth', 'peer', 'name', nodeIface(l), 'netns', ns]);
        await sh(local, node.name, 'ip', ['-n', br, 'link', 'set', port, 'master', bridgeName(l)]);
        await sh(local, node.name, 'ip', ['-n', br, 'link', 'set', port, 'up']);
        await sh(local, node.name, 'ip', ['-n', ns, 'addr', 'add', `${nodeAddress(node.nodeid, l)}/24`, 'dev', nodeIface(l)]);
        await sh(local, node.name, 'ip', ['-n', ns, 'link', 'set', nodeIface(l), 'up']);
      }
    }));
  }

  private async writeConfigs(): Promise<void> {
    const s = this.state;
    await mkdir(s.dir, { recursive: true });
    // corosync-keygen writes 256 random bytes; so do we, without another process
    await writeFile(s.authkey, randomBytes(256), { mode: 0o400 });
    for (const node of s.nodes) {
      await mkdir(`${node.dir}/state`, { recursive: true });
      await mkdir(`${node.dir}/run`, { recursive: true });
      const conf = renderCorosyncConf({
        clusterName: s.clusterName,
        nodes: s.nodes.length,
        links: s.links,
        tokenMs: s.token,
        keyfile: s.authkey,
        logfile: node.log,
        stateDir: `${node.dir}/state`,
        address: nodeAddress,
      });
      await writeFile(node.conf, conf);
    }
    const first = s.nodes[0];
    if (first) await sh(this.runner(first.nodeid), 'corosync -t (config check)', 'corosync', ['-t', '-c', first.conf]);
  }

  /**
   * Starts corosync in the node's namespace and records its pid.
   * GOTCHA: corosync 3.1.7 hard-codes its lock file /var/run/corosync.pid, so a second instance on the host
   * dies with "Another Corosync instance is already running". `ip netns exec` gives the command a private
   * (slave) mount namespace, so a per-node dir is bind-mounted over /run there; corosync then daemonizes
   * (stdio to /dev/null, own session) and writes its pid into that dir, where we read it.
   * The sh script is a constant; paths go in as positional parameters, never into the script text.
   */
  private async startNode(node: LabNode): Promise<void> {
    await rm(node.pidFile, { force: true });
    const r = await this.runner(node.nodeid).run(
      'sh',
      ['-c', 'mount --bind "$1" /run && exec corosync -c "$2"', 'sh', `${node.dir}/run`, node.conf],
      { timeoutMs: 15_000 },
    );
    check(r, `${node.name}: starting corosync`);
    const deadline = Date.now() + 5_000;
    let pid: number | null = null;
    while (pid === null && Date.now() < deadline) {
      pid = await readPidFile(node.pidFile);
      if (pid === null) await sleep(20);
    }
    if (pid === null || !(await isAlive(pid))) throw new LabError(`${node.name}: corosync did not stay up (no live pid in ${node.pidFile})`);
    node.pid = pid;
    this.state.pastPids.push(pid);
    // also outside the state file, so `down` finds the blackbox files of killed pids even without it
    await appendFile(`${this.state.dir}/pids`, `${pid}\n`);
    await writeState(this.state);
  }

  private async logTails(): Promise<string> {
    let out = '';
    for (const node of this.state.nodes) {
      try {
        const lines = (await readFile(node.log, 'utf8')).trimEnd().split('\n').slice(-5);
        out += `\n--- ${node.log} (last lines)\n${lines.join('\n')}`;
      } catch {
        // no log yet
      }
    }
    return out;
  }
}

async function readPidFile(file: string): Promise<number | null> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function ms(t0: number): string {
  return `${Math.round(performance.now() - t0)} ms`;
}

/**
 * Removes the lab with this prefix and leftovers of earlier runs, also without a state file: corosync
 * processes (by pid, only those in our namespaces or started from our dir), libqb blackbox files,
 * namespaces (which takes the veths and bridges with them), the working dir and the state file.
 */
export async function down(prefix = DEFAULT_PREFIX, log: Log = () => {}): Promise<{ found: boolean; killed: number[]; namespaces: string[] }> {
  requireRoot();
  checkPrefix(prefix);
  const state = await readState(prefix).catch(() => null);
  const dir = labDir(prefix);
  const ours = new RegExp(`^${prefix}-(n\\d+|br)$`);

  const listed = await local.run('ip', ['netns', 'list'], { timeoutMs: 5_000 });
  const namespaces = listed.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((name) => ours.test(name));

  // candidate pids: the state file, the pid files in our dir, and whatever runs in our namespaces
  const candidates = new Set<number>();
  for (const node of state?.nodes ?? []) if (node.pid !== null) candidates.add(node.pid);
  for (const p of state?.pastPids ?? []) candidates.add(p);
  const pidFiles: number[] = [];
  if (existsSync(dir)) {
    for (const entry of await readdir(dir)) {
      const pid = await readPidFile(`${dir}/${entry}/run/corosync.pid`);
      if (pid !== null) pidFiles.push(pid);
    }
  }
  pidFiles.forEach((p) => candidates.add(p));
  // every pid this lab started (kept in the dir as well as in the state file)
  const started = await readFile(`${dir}/pids`, 'utf8').catch(() => '');
  for (const tok of started.split('\n')) if (/^\d+$/.test(tok)) candidates.add(Number(tok));
  for (const ns of namespaces) {
    const r = await local.run('ip', ['netns', 'pids', ns], { timeoutMs: 5_000 });
    for (const tok of r.stdout.split(/\s+/)) if (/^\d+$/.test(tok)) candidates.add(Number(tok));
  }

  const victims: number[] = [];
  for (const pid of candidates) {
    if (!(await isAlive(pid))) continue;
    const ns = await netnsOf(local, pid);
    // in one of our namespaces, or (namespace already gone) a corosync started from our dir
    if (ours.test(ns) || (ns === '' && (await cmdline(pid)).includes(`${dir}/`))) victims.push(pid);
  }
  for (const pid of victims) {
    signal(pid, 'SIGCONT'); // a frozen process would not act on SIGTERM
    signal(pid, 'SIGTERM');
  }
  // corosync needs about a second for a clean shutdown
  const stubborn = await waitGone(victims, 10_000);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  if (stubborn.length > 0) await waitGone(stubborn, 2_000);

  const removed = await removeBlackboxes([...candidates]);
  for (const ns of namespaces) await local.run('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
  await rm(dir, { recursive: true, force: true });
  await removeState(prefix);

  const found = state !== null || namespaces.length > 0 || victims.length > 0 || pidFiles.length > 0;
  if (found) {
    log(
      `lab '${prefix}' down: stopped ${victims.length} corosync (${stubborn.length} needed SIGKILL), ` +
        `removed ${namespaces.length} namespaces, ${removed.length} blackbox files`,
    );
  } else {
    log(`lab '${prefix}': nothing to remove`);
  }
  return { found, killed: victims, namespaces };
}
