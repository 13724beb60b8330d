// The real-Corosync lab: N corosync processes, one network namespace each, one bridge per link in a
// separate namespace. Nothing is added to the host's root network namespace except the namespaces, and,
// with `--sshd` only, one veth per link into the bridges (the way in for SSH clients on this host).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chmod, copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { LocalRunner, NetnsRunner, RunnerError, type CommandResult, type CommandRunner } from '@quorate/sources';
import { renderCorosyncConf, type ConfNode, type QuorumDeviceConf } from './conf';
import type { QdeviceFacts } from '@quorate/model';
import {
  labDeviceConf,
  qdeviceFacts,
  qdevicePid,
  qnetdFault,
  removeQdevice,
  setupQdevice,
  startNodeQdevice,
  stopNodeQdevice,
  type LabHooks,
  type QdeviceSetupOptions,
} from './qdevice';
import { applyLinks, labLinkFacts, type LinkApplyOptions } from './links';
import type { LinkChange, LinkFacts } from '@quorate/model';
import { QNETD_NAME, buildQnetdNetwork, initQnetdCa, newQnetd, startQnetd } from './qnetd';
import {
  BLOCK_TABLE,
  COROSYNC_PORT,
  PING_COUNT,
  PING_INTERVAL_S,
  PING_WAIT_S,
  PROBE_PAYLOAD,
  UDP_LISTENER,
  UDP_SENDER,
  UDP_SEND_EVERY_MS,
  UDP_WAIT_MS,
  blockRules,
  confFacts,
  parseCorosyncVersion,
  parsePing,
  renderHosts,
} from './probe';
import type { z } from 'zod';
import {
  ClockOffsetSchema,
  CreateClusterOptionsSchema,
  CreateNodesSchema,
  JoinOptionsSchema,
  ProbeOptionsSchema,
  zodMessage,
  type CreateClusterOptions,
  type JoinOptions,
  type ProbeOptions,
} from './membership';
import { parseLinkStatus, parseQuorumStatus, type LinkView, type QuorumSummary } from './parse';
import { PartitionError, describePartition, parsePartition, partitionRules } from './partition';
import { cmdline, comm, isAlive, netnsOf, parentPid, procState, removeQbLeftovers, signal, sleep, waitGone, type ProcState } from './procs';
import { QuorumOptionError, validateQuorum, type LabQuorumOptions } from './quorum';
import {
  SSHD_BIN,
  SSH_PORT,
  hostLinkAddress,
  hostLinkIface,
  hostLinkPort,
  knownHostsLine,
  parseKeygenFingerprint,
  renderSshdConfig,
} from './sshd';
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
  networkLinks,
  nodeNamespace,
  readStateEx,
  removeState,
  writeState,
  type LabNodeEx as LabNode,
  type LabStateEx as LabState,
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
  /** votequorum options for corosync.conf's `quorum {}` (parseQuorumOptions reads the CLI's syntax) */
  quorum?: LabQuorumOptions;
  /** quorum_votes per node id, e.g. {3: 2} (default 1 each) */
  votes?: Record<number, number>;
  /** an OpenSSH server in every node's namespace, reachable from this host (see README) */
  sshd?: boolean;
  /** standalone nodes pve<nodes+1>…: own namespace, addresses and hosts file, Corosync installed, not configured */
  spare?: number;
  /** a corosync-qnetd in its own namespace on the link-0 bridge, `qnetd` in every node's hosts file (qnetd.ts) */
  qnetd?: boolean;
  /** networks beyond Corosync's links (links L..L+N-1): a bridge and an interface per node, for a link added later (links.ts) */
  spareLinks?: number;
  log?: Log;
}

/** `up`: members 2..5 (0 with spares), spares 0..MAX_SPARES, all together at most MAX_NODES */
export const MAX_SPARES = 5;
export const MAX_NODES = 8;
/** knet's most (link0..link7): Corosync's links and the spare networks together */
export const MAX_LINKS = 8;
/** joinNode and createCluster wait this long for the new membership to be quorate everywhere */
export const JOIN_TIMEOUT_MS = 60_000;
/** removeNode waits this long for the remaining members to see the smaller membership */
export const REMOVE_TIMEOUT_MS = 30_000;

/** What a join pre-flight reads about a node (`nodeFacts`). */
export interface NodeFacts {
  name: string;
  role: 'member' | 'spare';
  corosyncConf: boolean;
  authkey: boolean;
  corosyncRunning: boolean;
  /** cluster_name of its corosync.conf, null without one */
  clusterName: string | null;
  /** IPv4 addresses in its namespace, loopback left out */
  localAddresses: string[];
  /** the FAKE offset set with setClockOffset (the lab cannot skew a namespace's clock) */
  clockOffsetMs: number;
  corosyncVersion: string | null;
}

/** What `probe` saw between two namespaces. */
export interface ProbeResult {
  /** any ICMP echo answered */
  reachable: boolean;
  /** a datagram reached a listener on the port; null when none could listen (Corosync binds it there, or no lab node has the address) */
  udp: boolean | null;
  /** ping's rtt avg, null when nothing came back */
  latencyMs: number | null;
  lossPct: number;
  /** why udp is null, else null */
  note: string | null;
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
  role: 'member' | 'spare';
  nodeid: number;
  namespace: string;
  /** quorum_votes in corosync.conf */
  votes: number;
  pid: number | null;
  process: ProcState;
  /** `up --sshd`: the node's sshd, null without */
  sshd: { pid: number | null; address: string; port: number; hostKey: string } | null;
  /** its corosync-qdevice's pid while the cluster has a QDevice (null: not running), undefined without a QDevice */
  qdevicePid?: number | null;
  /** null when the node could not be asked (frozen, not running, timeout) */
  quorum: QuorumView | null;
  links: LinkView[];
  note: string | null;
}

const local = new LocalRunner();
/** tool calls against corosync: short, since a frozen corosync blocks them until the timeout */
const TOOL_TIMEOUT_MS = 3_000;
const LOSS_TABLE = 'quorate_lab_loss';
const SSH_WAIT_MS = 10_000;
/** where `ip netns exec` finds per-namespace files (hosts) to bind over /etc */
const NETNS_ETC = '/etc/netns';
/** a node process (UDP listener, sender) starting inside a namespace */
const PROCESS_START_MS = 3_000;

/** Input checked with a zod schema; its issues become one LabError (exit 2). */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new LabError(`${what}: ${zodMessage(r.error)}`, 2);
  return r.data;
}

function newNode(prefix: string, i: number, links: number, role: 'member' | 'spare'): LabNode {
  const d = `${labDir(prefix)}/n${i}`;
  return {
    name: `pve${i}`,
    nodeid: i,
    index: i,
    namespace: nodeNamespace(prefix, i),
    addresses: Array.from({ length: links }, (_, l) => nodeAddress(i, l)),
    dir: d,
    conf: `${d}/corosync.conf`,
    log: `${d}/corosync.log`,
    pidFile: `${d}/run/corosync.pid`,
    pid: null,
    votes: 1,
    sshd: null,
    role,
    ownCluster: null,
    clockOffsetMs: 0,
    qdevice: null,
  };
}

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

/**
 * Whether a lab can run here: root, and ip, corosync, its tools and nft installed; with `sshd`, also
 * OpenSSH's sshd and ssh-keygen (for `up --sshd`); with `qnetd`, corosync-qnetd and corosync-qdevice (`up --qnetd`).
 */
export async function labAvailable(opts: { sshd?: boolean; qnetd?: boolean } = {}): Promise<{ ok: boolean; reason: string | null }> {
  if (!isRoot()) return { ok: false, reason: 'not root (the lab needs network namespaces and bind mounts)' };
  const probes: Array<[string, string[], string]> = [
    ['ip', ['-V'], 'iproute2 (apt-get install -y iproute2)'],
    ['corosync', ['-v'], 'corosync (apt-get install -y corosync)'],
    ['corosync-quorumtool', ['-h'], 'corosync-quorumtool (apt-get install -y corosync)'],
    ['corosync-cfgtool', ['-h'], 'corosync-cfgtool (apt-get install -y corosync)'],
    ['nft', ['--version'], 'nft (apt-get install -y nftables)'],
  ];
  if (opts.sshd) {
    // `sshd -V` prints its version and exits (1 on 9.2, but it runs); a missing binary is a RunnerError
    probes.push([SSHD_BIN, ['-V'], `${SSHD_BIN} (apt-get install -y openssh-server)`], ['ssh-keygen', ['-?'], 'ssh-keygen (apt-get install -y openssh-client)']);
  }
  if (opts.qnetd) {
    // `up --qnetd` and a QDevice: the daemons and their certutil scripts (a missing binary is a RunnerError)
    probes.push(
      ['corosync-qnetd', ['-h'], 'corosync-qnetd (apt-get install -y corosync-qnetd)'],
      ['corosync-qnetd-certutil', ['-h'], 'corosync-qnetd-certutil (apt-get install -y corosync-qnetd)'],
      ['corosync-qdevice', ['-h'], 'corosync-qdevice (apt-get install -y corosync-qdevice)'],
      ['corosync-qdevice-net-certutil', ['-h'], 'corosync-qdevice-net-certutil (apt-get install -y corosync-qdevice)'],
    );
  }
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

/** "pve2", "2" or 2 -> the node (member or spare) of this lab */
export function resolveNode(state: LabState, ref: string | number): LabNode {
  const s = String(ref).trim();
  const m = /^(?:pve)?(\d+)$/.exec(s);
  const all = [...state.nodes, ...state.spares];
  const node = m ? all.find((n) => n.name === `pve${m[1]}`) : undefined;
  if (!node) throw new LabError(`no node ${JSON.stringify(s)} in lab ${state.prefix} (nodes: ${all.map((n) => n.name).join(', ') || 'none'})`, 2);
  return node;
}

/** i of pve<i>: its namespace, addresses, bridge ports and dir */
export const indexOf = (node: LabNode): number => node.index ?? node.nodeid;

export class Lab {
  private constructor(
    public state: LabState,
    private readonly log: Log,
  ) {}

  static async open(prefix = DEFAULT_PREFIX, log: Log = () => {}): Promise<Lab> {
    requireRoot();
    const state = await readStateEx(checkPrefix(prefix));
    if (!state) throw new LabError(`no lab '${prefix}' is up (no state file); start one with: npm run lab -- up --nodes 3`, 1);
    return new Lab(state, log);
  }

  static async up(opts: UpOptions): Promise<Lab> {
    const prefix = checkPrefix(opts.prefix ?? DEFAULT_PREFIX);
    const n = opts.nodes;
    const links = opts.links ?? 1;
    const token = opts.token ?? 3000;
    const log = opts.log ?? (() => {});
    const spares = opts.spare ?? 0;
    if (!Number.isInteger(spares) || spares < 0 || spares > MAX_SPARES) throw new LabError(`--spare must be 0..${MAX_SPARES}, got ${spares}`, 2);
    if (spares === 0 && (!Number.isInteger(n) || n < 2 || n > 5)) throw new LabError(`--nodes must be 2..5, got ${n}`, 2);
    if (spares > 0 && (!Number.isInteger(n) || n === 1 || n < 0 || n > 5)) throw new LabError(`--nodes must be 0 or 2..5 with --spare, got ${n}`, 2);
    if (n + spares > MAX_NODES) throw new LabError(`--nodes plus --spare must be at most ${MAX_NODES}, got ${n + spares}`, 2);
    if (!Number.isInteger(links) || links < 1 || links > 2) throw new LabError(`--links must be 1 or 2, got ${links}`, 2);
    const spareLinks = opts.spareLinks ?? 0;
    if (!Number.isInteger(spareLinks) || spareLinks < 0 || links + spareLinks > MAX_LINKS) throw new LabError(`--spare-links must be 0..${MAX_LINKS - links} (at most ${MAX_LINKS} links in all), got ${spareLinks}`, 2);
    if (!Number.isInteger(token) || token < 200 || token > 60_000) throw new LabError(`--token must be 200..60000 ms, got ${token}`, 2);
    const quorum = opts.quorum ?? {};
    let votes: number[];
    try {
      votes = validateQuorum(n, quorum, opts.votes ?? {});
    } catch (err) {
      if (err instanceof QuorumOptionError) throw new LabError(err.message, 2);
      throw err;
    }
    requireRoot();

    const avail = await labAvailable({ sshd: opts.sshd === true, qnetd: opts.qnetd === true });
    if (!avail.ok) throw new LabError(`cannot build a lab here: ${avail.reason}`, 2);

    const left = await down(prefix, () => {});
    if (left.found) log(`removed leftovers of an earlier lab '${prefix}'`);
    if (opts.sshd) await checkHostLinksFree(prefix, links);

    const dir = labDir(prefix);
    const state: LabState = {
      version: 1,
      prefix,
      clusterName: CLUSTER_NAME,
      links,
      token,
      nodes: Array.from({ length: n }, (_, k) => ({ ...newNode(prefix, k + 1, links, 'member'), votes: votes[k] ?? 1 })),
      spares: Array.from({ length: spares }, (_, k) => newNode(prefix, n + k + 1, links, 'spare')),
      configVersion: 1,
      bridgeNamespace: bridgeNamespace(prefix),
      namespaces: [...Array.from({ length: n + spares }, (_, k) => nodeNamespace(prefix, k + 1)), bridgeNamespace(prefix)],
      dir,
      authkey: `${dir}/authkey`,
      createdAt: new Date().toISOString(),
      pastPids: [],
      quorum,
      partition: null,
      sshd: null,
      qnetd: opts.qnetd ? newQnetd(prefix) : null,
      qdevice: null,
      spareLinks: Array.from({ length: spareLinks }, (_, k) => links + k),
      linkMode: 'passive',
      linkPriorities: [],
    };
    if (state.qnetd) state.namespaces.push(state.qnetd.namespace);
    const lab = new Lab(state, log);
    try {
      // written first, so that `lab down` finds everything even if we crash half-way
      await writeState(state);
      const t0 = performance.now();
      await lab.buildNetwork();
      const bridges = links + spareLinks;
      log(`network: ${n + spares} node namespaces${spares > 0 ? ` (${spares} spare${spares > 1 ? 's' : ''})` : ''} + ${state.bridgeNamespace} (${bridges} bridge${bridges > 1 ? 's' : ''}${spareLinks > 0 ? `, link${spareLinks > 1 ? 's' : ''} ${state.spareLinks.join(', ')} spare: no Corosync link uses ${spareLinks > 1 ? 'them' : 'it'} yet` : ''}) in ${ms(t0)}`);
      if (state.qnetd) {
        const q = state.qnetd;
        const tq = performance.now();
        await buildQnetdNetwork(q, state.bridgeNamespace, lab.hostsFile(), NETNS_ETC);
        const ca = await initQnetdCa(q);
        q.pid = await startQnetd(q);
        await writeState(state);
        log(`qnetd: corosync-qnetd (pid ${q.pid}) in ${q.namespace} on ${q.address}:${q.port} ('${q.name}' in every node's hosts file), CA ${ca} in ${q.nssDb}, in ${ms(tq)}`);
      }
      await lab.writeConfigs();
      const t1 = performance.now();
      await Promise.all(state.nodes.map((node) => lab.startNode(node)));
      if (n > 0) log(`corosync started on ${n} nodes (pids ${state.nodes.map((x) => x.pid).join(' ')}) in ${ms(t1)}`);
      if (opts.sshd) {
        const t3 = performance.now();
        await lab.startSshd();
        log(`sshd listening on ${lab.allNodes().map((x) => `${x.sshd?.address}:${x.sshd?.port}`).join(', ')} (host links ${state.sshd?.hostLinks.map((h) => `${h.iface} ${h.address}`).join(', ')}) in ${ms(t3)}`);
      }
      const t2 = performance.now();
      await Promise.all(state.nodes.map((node) => lab.waitQuorum(node.name, { quorate: true, members: n }, opts.waitTimeoutMs ?? 60_000)));
      if (n > 0) log(`all ${n} nodes quorate with ${n} members after ${ms(t2)} (total ${ms(t0)})`);
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

  /** members first, then spares */
  allNodes(): LabNode[] {
    return [...this.state.nodes, ...this.state.spares];
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
      last = await this.quorum(node.name);
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
        // the node's corosync-qdevice goes with it (a crashed, stopped or hung machine): first, so it never
        // sees its Corosync vanish; a frozen one is thawed with it
        const qd = await qdevicePid(node);
        let qdNote = '';
        if (qd !== null) {
          if (action.kind === 'kill' || action.kind === 'stop') await stopNodeQdevice(node, action.kind === 'kill' ? 'kill' : 'term');
          else signal(qd, sig);
          qdNote = ` and corosync-qdevice pid ${qd}`;
        }
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
        return `${node.name}: ${sig} sent to corosync pid ${pid}${qdNote}`;
      }
      case 'start': {
        const pid = await this.ourPid(node);
        if (pid !== null) throw new LabError(`${node.name}: corosync is already running (pid ${pid})`);
        if (!existsSync(node.conf)) throw new LabError(`${node.name}: no corosync.conf (a spare: create a cluster with it or join it first)`);
        await this.startNode(node);
        // its QDevice too, while the cluster has one (the node kept its NSS db)
        if (this.state.qdevice && node.role === 'member' && existsSync(`${node.dir}/etc-corosync/qdevice/net/nssdb/cert9.db`)) {
          const qd = await startNodeQdevice(node);
          await writeState(this.state);
          return `${node.name}: corosync started (pid ${node.pid}), corosync-qdevice (pid ${qd})`;
        }
        return `${node.name}: corosync started (pid ${node.pid})`;
      }
      case 'link-down':
      case 'link-up': {
        const linkIds = this.linkIds(action.link);
        const state = action.kind === 'link-down' ? 'down' : 'up';
        const br = new NetnsRunner(this.state.bridgeNamespace);
        for (const l of linkIds) await sh(br, `${node.name} link ${l} ${state}`, 'ip', ['link', 'set', bridgePort(indexOf(node), l), state]);
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
        await sh(this.runner(node.name), `${node.name} loss ${pct}%`, 'nft', ['-f', '-'], `${rules.join('\n')}\n`);
        return pct > 0 ? `${node.name}: dropping ${pct} % of egress UDP` : `${node.name}: packet loss cleared`;
      }
    }
  }

  /**
   * Cuts the cluster into groups (node names or ids, comma-separated, every node in exactly one): an
   * nftables table `inet quorate_lab_partition` in each node's namespace drops IPv4 to and from the other
   * groups' addresses on every link. Replaces an earlier partition; the same call twice changes nothing.
   */
  async partition(groups: readonly string[]): Promise<string> {
    let parsed: number[][];
    try {
      parsed = parsePartition(groups, this.state.nodes.map((n) => n.nodeid));
    } catch (err) {
      if (err instanceof PartitionError) throw new LabError(err.message, 2);
      throw err;
    }
    const groupOf = new Map(parsed.flatMap((g, gi) => g.map((id) => [id, gi] as const)));
    await Promise.all(
      this.state.nodes.map((node) => {
        const cut = this.state.nodes.filter((o) => groupOf.get(o.nodeid) !== groupOf.get(node.nodeid)).flatMap((o) => o.addresses);
        return sh(this.runner(node.name), `${node.name} partition`, 'nft', ['-f', '-'], partitionRules(cut));
      }),
    );
    this.state.partition = parsed;
    await writeState(this.state);
    return `partitioned: ${describePartition(parsed)} (traffic between the groups dropped on every link)`;
  }

  /** Removes every partition rule (idempotent). Leaves kill/stop/freeze, link-down and loss faults alone. */
  async heal(): Promise<string> {
    await Promise.all(this.state.nodes.map((node) => sh(this.runner(node.name), `${node.name} heal`, 'nft', ['-f', '-'], partitionRules([]))));
    const was = this.state.partition;
    this.state.partition = null;
    await writeState(this.state);
    return was ? `healed: partition ${describePartition(was)} removed` : 'healed: no partition was in place (rules checked on every node)';
  }

  async status(): Promise<NodeStatus[]> {
    return Promise.all(
      this.allNodes().map(async (node): Promise<NodeStatus> => {
        const pid = await this.ourPid(node);
        const proc: ProcState = pid === null ? 'gone' : await procState(pid);
        const sshd = node.sshd
          ? { pid: await this.sshdPid(node), address: node.sshd.address, port: node.sshd.port, hostKey: node.sshd.hostKey }
          : null;
        const qd = this.state.qdevice && node.role === 'member' ? { qdevicePid: await qdevicePid(node) } : {};
        const base = { name: node.name, role: node.role, nodeid: node.nodeid, namespace: node.namespace, votes: node.votes, pid, process: proc, sshd, ...qd };
        if (proc !== 'running') {
          const idle = node.role === 'spare' && !existsSync(node.conf) ? 'spare: corosync not configured' : 'corosync not running';
          const note = proc === 'frozen' ? 'frozen (SIGSTOP): its tools would block, not asked' : idle;
          return { ...base, quorum: null, links: [], note };
        }
        const [quorum, cfg] = await Promise.all([
          this.quorum(node.name),
          this.runner(node.name).run('corosync-cfgtool', ['-s'], { timeoutMs: TOOL_TIMEOUT_MS }),
        ]);
        const own = node.ownCluster ? `spare running its own cluster '${node.ownCluster.name}'` : null;
        const note = quorum.timedOut ? 'corosync-quorumtool timed out' : own;
        return { ...base, quorum, links: parseLinkStatus(cfg.stdout), note };
      }),
    );
  }

  // ------------------------------------------------------------------ create / join / remove (issue 13)

  /**
   * A new cluster of spares: `corosync-keygen` writes its authkey, each node gets a copy and a corosync.conf
   * with exactly these nodes (config_version 1, no votequorum options: expected votes = the nodes' votes,
   * as `pvecm create` + `pvecm add` leave it), Corosync starts on them, and we wait until all are quorate.
   * On a lab without members it becomes the lab's cluster (the nodes turn members); otherwise the nodes stay
   * spares running a cluster of their own (`ownCluster`): a spare "already clustered" elsewhere.
   */
  async createCluster(names: string[], opts: CreateClusterOptions): Promise<string> {
    const o = parse(CreateClusterOptionsSchema, opts, 'createCluster');
    const refs = parse(CreateNodesSchema, names, 'createCluster nodes');
    const nodes = refs.map((r) => this.node(r));
    if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new LabError(`createCluster: a node is named twice (${refs.join(', ')})`, 2);
    for (const node of nodes) await this.requireIdleSpare(node, 'createCluster');
    const links = o.links ?? this.state.links;
    if (links > this.state.links) throw new LabError(`createCluster: ${links} links asked, the lab has ${this.state.links}`, 2);
    const labCluster = this.state.nodes.length === 0;
    const taken = [...(labCluster ? [] : [this.state.clusterName]), ...this.state.spares.flatMap((n) => (n.ownCluster ? [n.ownCluster.name] : []))];
    if (taken.includes(o.clusterName)) throw new LabError(`createCluster: a cluster '${o.clusterName}' already runs in this lab`, 2);

    const authkey = labCluster ? this.state.authkey : `${this.state.dir}/clusters/${o.clusterName}/authkey`;
    await mkdir(authkey.slice(0, authkey.lastIndexOf('/')), { recursive: true });
    await rm(authkey, { force: true });
    await sh(local, `${o.clusterName}: authkey`, 'corosync-keygen', ['-k', authkey]);
    for (const node of nodes) {
      node.addresses = Array.from({ length: links }, (_, l) => nodeAddress(indexOf(node), l));
      node.votes = 1;
    }
    if (labCluster) {
      this.state.clusterName = o.clusterName;
      this.state.configVersion = 1;
      this.state.quorum = {};
      this.state.linkMode = 'passive';
      this.state.linkPriorities = [];
      this.state.partition = null;
      this.state.spares = this.state.spares.filter((s) => !nodes.includes(s));
      for (const node of nodes) node.role = 'member';
      this.state.nodes = [...nodes].sort((a, b) => a.nodeid - b.nodeid);
    } else {
      for (const node of nodes) node.ownCluster = { name: o.clusterName, authkey };
    }
    await writeState(this.state);
    await this.writeClusterConfs(nodes, { clusterName: o.clusterName, authkey, configVersion: 1 });
    await Promise.all(nodes.map((node) => this.startNode(node)));
    await Promise.all(nodes.map((node) => this.waitQuorum(node.name, { quorate: true, members: nodes.length }, JOIN_TIMEOUT_MS)));
    const what = labCluster ? 'the lab cluster' : 'a cluster of its own (the nodes stay spares)';
    return `created cluster '${o.clusterName}' (${what}) on ${nodes.map((n) => n.name).join(', ')}: quorate with ${nodes.length} member${nodes.length > 1 ? 's' : ''}`;
  }

  /**
   * Joins a spare to the lab's cluster the way `pvecm add` ends up: the nodelist with the new node and
   * config_version + 1 written on every member and on it, the authkey copied, `corosync-cfgtool -R` on the
   * members (each reloads its own file), then Corosync started on the new node; waits (JOIN_TIMEOUT_MS)
   * until every member and the new node are quorate with the new membership.
   */
  async joinNode(name: string, opts: JoinOptions = {}): Promise<string> {
    const o = parse(JoinOptionsSchema, opts, 'joinNode');
    const node = this.node(name);
    if (node.role === 'member') throw new LabError(`joinNode: ${node.name} is already a member of '${this.state.clusterName}'`, 2);
    this.requireNoPartition('joinNode');
    this.requireNoQdevice('joinNode');
    await this.requireIdleSpare(node, 'joinNode');
    const members = this.state.nodes;
    const running = await this.runningMembers('joinNode');
    const links = members[0]?.addresses.length ?? this.state.links;
    const nodeid = o.nodeid ?? indexOf(node);
    const clash = members.find((m) => m.nodeid === nodeid);
    if (clash) throw new LabError(`joinNode: nodeid ${nodeid} is ${clash.name}'s`, 2);
    const facts = await this.localAddresses(node);
    const addresses = Array.from({ length: links }, (_, l) => nodeAddress(indexOf(node), l));
    for (const a of o.addresses ?? []) {
      if (a.link >= links) throw new LabError(`joinNode: link ${a.link} is not one of the cluster's (links 0..${links - 1})`, 2);
      if (!facts.includes(a.address)) throw new LabError(`joinNode: ${a.address} is not an address of ${node.name} (it has ${facts.join(', ')})`, 2);
      addresses[a.link] = a.address;
    }
    if (new Set(addresses).size !== addresses.length) throw new LabError(`joinNode: one address on two links (${addresses.join(', ')})`, 2);

    node.nodeid = nodeid;
    node.votes = o.votes ?? 1;
    node.addresses = addresses;
    node.role = 'member';
    this.state.spares = this.state.spares.filter((s) => s !== node);
    this.state.nodes = [...members, node];
    this.state.configVersion += 1;
    await writeState(this.state);
    const t0 = performance.now();
    await this.writeClusterConfs(this.state.nodes, { clusterName: this.state.clusterName, authkey: this.state.authkey, configVersion: this.state.configVersion, quorum: this.state.quorum, device: labDeviceConf(this) });
    await this.reload(running);
    await this.startNode(node);
    const n = this.state.nodes.length;
    try {
      await Promise.all(this.state.nodes.map((m) => this.waitQuorum(m.name, { quorate: true, members: n }, JOIN_TIMEOUT_MS)));
    } catch (err) {
      throw new LabError(`joinNode: ${node.name} did not become a member: ${(err as Error).message}${await this.logTails()}`);
    }
    return `${node.name} joined '${this.state.clusterName}' as nodeid ${nodeid} (config_version ${this.state.configVersion}): ${n} members quorate after ${ms(t0)}`;
  }

  /**
   * `pvecm delnode` after the node is off: Corosync stopped on it (SIGTERM), the nodelist without it and
   * config_version + 1 on the others, `corosync-cfgtool -R`; its corosync.conf and authkey are removed (Proxmox:
   * never start it again with the old config), so it is a spare again. Waits (REMOVE_TIMEOUT_MS) until the
   * others see the smaller membership.
   */
  async removeNode(name: string): Promise<string> {
    const node = this.node(name);
    if (node.role !== 'member') throw new LabError(`removeNode: ${node.name} is not a member of '${this.state.clusterName}'`, 2);
    const rest = this.state.nodes.filter((m) => m !== node);
    if (rest.length === 0) throw new LabError(`removeNode: ${node.name} is the last member (take the lab down instead)`, 2);
    this.requireNoPartition('removeNode');
    this.requireNoQdevice('removeNode');
    const pid = await this.ourPid(node);
    if (pid !== null) await this.fault(node.name, { kind: 'stop' });
    this.state.nodes = rest;
    this.state.configVersion += 1;
    await this.writeClusterConfs(rest, { clusterName: this.state.clusterName, authkey: this.state.authkey, configVersion: this.state.configVersion, quorum: this.state.quorum, device: labDeviceConf(this) });
    await this.reload(await this.runningMembers('removeNode'));
    await this.forgetCluster(node);
    node.role = 'spare';
    this.state.spares = [...this.state.spares, node].sort((a, b) => indexOf(a) - indexOf(b));
    await writeState(this.state);
    const n = rest.length;
    const running = await this.runningMembers('removeNode');
    await Promise.all(running.map((m) => this.waitQuorum(m.name, { members: n }, REMOVE_TIMEOUT_MS)));
    return `${node.name} removed from '${this.state.clusterName}' (config_version ${this.state.configVersion}), its corosync.conf and authkey deleted: now a spare; ${n} members left`;
  }

  /** Drops (on) or lets through (off) UDP to Corosync's port into the node's namespace (nft table `inet quorate_lab_block`). */
  async blockCorosyncPort(name: string, on: boolean): Promise<string> {
    const node = this.node(name);
    await sh(this.runner(node.name), `${node.name} block-port`, 'nft', ['-f', '-'], blockRules(on));
    return on ? `${node.name}: incoming UDP to port ${COROSYNC_PORT} dropped (table inet ${BLOCK_TABLE})` : `${node.name}: port ${COROSYNC_PORT} open again`;
  }

  /** A FAKE clock offset (ms) in the lab state for a skew check to read; the node's real clock is the host's. */
  async setClockOffset(name: string, offsetMs: number): Promise<string> {
    const node = this.node(name);
    node.clockOffsetMs = parse(ClockOffsetSchema, offsetMs, 'clock offset (ms)');
    await writeState(this.state);
    return `${node.name}: clock offset ${offsetMs} ms recorded (fake: read from the lab state, the clock itself is unchanged)`;
  }

  /**
   * From `from`'s namespace to `to` (a lab address): ICMP ping (PING_COUNT echoes; loss and rtt avg from its
   * summary) and a UDP datagram test to the port: a listener in the namespace that has `to` (only when
   * nothing, e.g. Corosync, holds the port there), datagrams sent from `from` for up to UDP_WAIT_MS.
   */
  async probe(from: string, to: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
    const o = parse(ProbeOptionsSchema, { to, port: opts.port ?? COROSYNC_PORT }, 'probe');
    const src = this.node(from);
    const ping = await this.runner(src.name)
      .run('ping', ['-n', '-q', '-c', String(PING_COUNT), '-i', PING_INTERVAL_S, '-W', PING_WAIT_S, o.to], { timeoutMs: PING_COUNT * 1_000 + 5_000 })
      .catch((err: unknown) => {
        if (err instanceof RunnerError && err.reason === 'not-found') throw new LabError('probe: missing ping (apt-get install -y iputils-ping)', 2);
        throw err;
      });
    const sum = parsePing(ping.stdout);
    if (!sum) throw new LabError(`probe: could not read ping's summary (exit ${ping.code}): ${(ping.stderr || ping.stdout).trim()}`);
    const base = { reachable: sum.received > 0, latencyMs: sum.avgMs, lossPct: sum.lossPct };
    // the node that has (or, for a link change, is to have) the address: named, or found by the lab's addressing
    const target = opts.on !== undefined ? this.node(opts.on) : this.allNodes().find((n) => [...networkLinks(this.state).map((l) => nodeAddress(indexOf(n), l)), ...n.addresses].includes(o.to));
    if (!target) return { ...base, udp: null, note: `no lab node has ${o.to}: nothing to listen there` };
    const udp = await this.udpTest(src, target, o.to, o.port);
    return { ...base, ...udp };
  }

  /** What a join pre-flight checks on a node, read from its namespace and files. */
  async nodeFacts(name: string): Promise<NodeFacts> {
    const node = this.node(name);
    const conf = await readFile(node.conf, 'utf8').catch(() => null);
    const facts = conf === null ? null : confFacts(conf);
    const keyfile = facts?.keyfile ?? `${node.dir}/authkey`;
    const version = await this.runner(node.name).run('corosync', ['-v'], { timeoutMs: TOOL_TIMEOUT_MS });
    return {
      name: node.name,
      role: node.role,
      corosyncConf: conf !== null,
      authkey: existsSync(keyfile),
      corosyncRunning: (await this.ourPid(node)) !== null,
      clusterName: facts?.clusterName ?? null,
      localAddresses: await this.localAddresses(node),
      clockOffsetMs: node.clockOffsetMs,
      corosyncVersion: parseCorosyncVersion(version.stdout),
    };
  }

  async down(): Promise<void> {
    await down(this.state.prefix, this.log);
  }

  // ------------------------------------------------------------------ QDevice (issue 16; qdevice.ts, qnetd.ts)

  /** `pvecm qdevice setup qnetd` on the lab (see qdevice.ts): each step one log line; a failure restores the previous corosync.conf */
  setupQdevice(opts: QdeviceSetupOptions = {}): Promise<string> {
    return setupQdevice(this.hooks(), opts);
  }

  /** `pvecm qdevice remove` on the lab */
  removeQdevice(): Promise<string> {
    return removeQdevice(this.hooks());
  }

  /** Per member: online, corosync-qdevice installed, TCP 5403 to `host` (the lab's qnetd only); qnetd running. */
  qdeviceFacts(host: string = QNETD_NAME): Promise<QdeviceFacts> {
    return qdeviceFacts(this.hooks(), host);
  }

  /** The lab's qnetd killed (SIGKILL), stopped (SIGTERM) or started again. */
  qnetdFault(action: 'kill' | 'stop' | 'start'): Promise<string> {
    return qnetdFault(this.hooks(), action);
  }

  // ------------------------------------------------------------------ Corosync links (issue 16; links.ts)

  /** The corosync.conf the members run (pve1's, as the lab wrote it) and each new address probed from every other running member. */
  linkFacts(change: LinkChange): Promise<LinkFacts> {
    return labLinkFacts(this.hooks(), change);
  }

  /** A new corosync.conf (the canonical text linkFacts gave, edited) applied to every member: written, reloaded (or a rolling restart), checked; rolled back on a failure. */
  applyLinks(text: string, opts: LinkApplyOptions = {}): Promise<string> {
    return applyLinks(this.hooks(), text, opts);
  }

  private hooks(): LabHooks {
    return {
      lab: this,
      log: this.log,
      LabError,
      corosyncPid: (node) => this.ourPid(node),
      writeConfs: () =>
        this.writeClusterConfs(this.state.nodes, {
          clusterName: this.state.clusterName,
          authkey: this.state.authkey,
          configVersion: this.state.configVersion,
          quorum: this.state.quorum,
          device: labDeviceConf(this),
        }),
      reload: async () => this.reload(await this.runningMembers('reload')),
      writeState: () => writeState(this.state),
      requireNoPartition: (what) => this.requireNoPartition(what),
    };
  }

  // ------------------------------------------------------------------ internals

  private linkIds(link: number | undefined): number[] {
    const all = networkLinks(this.state);
    if (link === undefined) return all;
    if (!Number.isInteger(link) || !all.includes(link)) {
      throw new LabError(`no link ${link} (this lab has link${all.length > 1 ? 's' : ''} ${all.join(', ')})`, 2);
    }
    return [link];
  }

  /** A spare with no corosync.conf and no Corosync running: what create and join start from. */
  private async requireIdleSpare(node: LabNode, what: string): Promise<void> {
    if (node.role !== 'spare') throw new LabError(`${what}: ${node.name} is a member of '${this.state.clusterName}', not a spare`, 2);
    const pid = await this.ourPid(node);
    if (pid !== null || node.ownCluster) {
      const which = node.ownCluster ? ` of cluster '${node.ownCluster.name}'` : '';
      throw new LabError(`${what}: ${node.name} already runs Corosync${which}${pid !== null ? ` (pid ${pid})` : ''}`, 2);
    }
    if (existsSync(node.conf)) throw new LabError(`${what}: ${node.name} already has a corosync.conf (${node.conf})`, 2);
  }

  /** A partition names every member: a membership change under one would leave its rules half right. */
  private requireNoPartition(what: string): void {
    const p = this.state.partition;
    if (p) throw new LabError(`${what}: the cluster is partitioned (${describePartition(p)}); heal first`, 2);
  }

  /** Proxmox VE: remove a QDevice before adding or removing nodes (pvecm.adoc, "Adding/Deleting Nodes After QDevice Setup"). */
  private requireNoQdevice(what: string): void {
    const q = this.state.qdevice;
    if (q) throw new LabError(`${what}: the cluster has a QDevice (${q.algorithm}, host ${q.host}); remove it first (npm run lab -- qdevice remove): nodes are not added or removed with a QDevice configured`, 2);
  }

  /** The lab cluster's members whose Corosync runs; a LabError when none does (nobody to reload). */
  private async runningMembers(what: string): Promise<LabNode[]> {
    const out: LabNode[] = [];
    for (const m of this.state.nodes) if ((await this.ourPid(m)) !== null) out.push(m);
    if (out.length === 0) {
      throw new LabError(`${what}: no member of '${this.state.clusterName}' runs Corosync${this.state.nodes.length === 0 ? ' (the lab has no cluster: createCluster first)' : ''}`);
    }
    return out;
  }

  /**
   * `corosync-cfgtool -R` on a running member: it tells every Corosync of the cluster to re-read its own
   * corosync.conf (one call reloads them all; a member that is down reads the new file when it starts).
   */
  private async reload(running: readonly LabNode[]): Promise<void> {
    const first = running[0];
    if (!first) return;
    await sh(this.runner(first.name), `${first.name}: reload`, 'corosync-cfgtool', ['-R']);
  }

  /** A node leaves its cluster for good: corosync.conf, authkey copy and Corosync's state dir gone, back to its own addresses and id. */
  private async forgetCluster(node: LabNode): Promise<void> {
    await rm(node.conf, { force: true });
    await rm(`${node.dir}/authkey`, { force: true });
    await rm(`${node.dir}/state`, { recursive: true, force: true });
    await mkdir(`${node.dir}/state`, { recursive: true });
    node.nodeid = indexOf(node);
    node.index = indexOf(node);
    node.votes = 1;
    node.addresses = Array.from({ length: this.state.links }, (_, l) => nodeAddress(indexOf(node), l));
    node.ownCluster = null;
    node.qdevice = null;
    await rm(`${node.dir}/etc-corosync`, { recursive: true, force: true });
  }

  /** IPv4 addresses in the node's namespace, loopback left out (`ip -4 -o addr show`). */
  private async localAddresses(node: LabNode): Promise<string[]> {
    const r = await sh(this.runner(node.name), `${node.name}: addresses`, 'ip', ['-4', '-o', 'addr', 'show']);
    return r.stdout
      .split('\n')
      .map((l) => /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(l)?.[1])
      .filter((a): a is string => a !== undefined && !a.startsWith('127.'));
  }

  /** The UDP half of `probe`: a listener in `target`'s namespace, datagrams from `src`'s, both bounded by UDP_WAIT_MS. */
  private async udpTest(src: LabNode, target: LabNode, address: string, port: number): Promise<{ udp: boolean | null; note: string | null }> {
    const lines: string[] = [];
    let heard: () => void = () => {};
    const ready = new Promise<void>((resolve) => (heard = resolve));
    const listener = this.runner(target.name).spawnStream(process.execPath, ['-e', UDP_LISTENER, address, String(port), String(UDP_WAIT_MS), PROBE_PAYLOAD], {
      onLine: (l) => {
        lines.push(l);
        heard();
      },
      holdStdin: false,
    });
    const guard = setTimeout(() => listener.kill('SIGKILL'), UDP_WAIT_MS + PROCESS_START_MS);
    try {
      await Promise.race([ready, listener.exited]);
      const first = lines[0] ?? '';
      if (first !== 'ready') {
        listener.kill();
        const why = first.startsWith('error EADDRINUSE') ? 'the port is in use there (Corosync runs)' : first || 'the listener did not start';
        return { udp: null, note: `cannot listen on ${address}:${port} in ${target.name}: ${why}` };
      }
      const sender = this.runner(src.name).spawnStream(
        process.execPath,
        ['-e', UDP_SENDER, address, String(port), String(UDP_WAIT_MS), String(UDP_SEND_EVERY_MS), PROBE_PAYLOAD],
        { onLine: () => {}, holdStdin: false },
      );
      const exit = await listener.exited;
      sender.kill();
      await sender.exited;
      return { udp: exit.code === 0 && lines.includes('got'), note: null };
    } finally {
      clearTimeout(guard);
    }
  }

  /** The node's sshd (its listener) if it is alive and in the node's namespace. */
  private async sshdPid(node: LabNode): Promise<number | null> {
    if (!node.sshd) return null;
    const pid = await readPidFile(node.sshd.pidFile);
    return pid !== null && (await isAlive(pid)) && (await netnsOf(local, pid)) === node.namespace ? pid : null;
  }

  /** The node's corosync pid if it is alive AND in the node's namespace: we never signal anything else. */
  private async ourPid(node: LabNode): Promise<number | null> {
    const candidates = [node.pid, await readPidFile(node.pidFile)].filter((p): p is number => p !== null);
    for (const pid of new Set(candidates)) {
      if ((await isAlive(pid)) && (await netnsOf(local, pid)) === node.namespace) return pid;
    }
    return null;
  }

  /** every lab node's name and link-0 address (and `qnetd`'s with `up --qnetd`), as each namespace's /etc/hosts */
  private hostsFile(): string {
    const q = this.state.qnetd;
    return renderHosts([
      ...this.allNodes().map((node) => ({ name: node.name, address: nodeAddress(indexOf(node), 0) })),
      ...(q ? [{ name: q.name, address: q.address }] : []),
    ]);
  }

  private async buildNetwork(): Promise<void> {
    const { prefix } = this.state;
    const links = networkLinks(this.state);
    const br = this.state.bridgeNamespace;
    const brRun = new NetnsRunner(br);
    const noV6 = ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
    await sh(local, 'bridge namespace', 'ip', ['netns', 'add', br]);
    // IPv4 only inside the lab: no IPv6 link-local chatter on the veths
    await sh(brRun, 'bridge namespace', 'sysctl', noV6);
    await sh(local, 'bridge namespace', 'ip', ['-n', br, 'link', 'set', 'lo', 'up']);
    for (const l of links) {
      await sh(local, `bridge ${l}`, 'ip', ['-n', br, 'link', 'add', bridgeName(l), 'type', 'bridge']);
      await sh(local, `bridge ${l}`, 'ip', ['-n', br, 'link', 'set', bridgeName(l), 'up']);
    }
    // nodes in parallel: each `ip` call costs ~50 ms, mostly process start-up
    const hosts = this.hostsFile();
    await Promise.all(this.allNodes().map(async (node) => {
      const i = indexOf(node);
      const ns = nodeNamespace(prefix, i);
      await sh(local, node.name, 'ip', ['netns', 'add', ns]);
      // `ip netns exec` binds /etc/netns/<ns>/hosts over /etc/hosts: every lab node's name, as in a PVE cluster's
      await mkdir(`${NETNS_ETC}/${ns}`, { recursive: true });
      await writeFile(`${NETNS_ETC}/${ns}/hosts`, hosts);
      await sh(new NetnsRunner(ns), node.name, 'sysctl', noV6);
      await sh(local, node.name, 'ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await mkdir(`${node.dir}/state`, { recursive: true });
      await mkdir(`${node.dir}/run`, { recursive: true });
      for (const l of links) {
        const port = bridgePort(i, l);
        // created inside the bridge namespace, the peer moved straight into the node's: never in the root namespace
        await sh(local, node.name, 'ip', ['-n', br, 'link', 'add', port, 'type', 'veth', 'peer', 'name', nodeIface(l), 'netns', ns]);
        await sh(local, node.name, 'ip', ['-n', br, 'link', 'set', port, 'master', bridgeName(l)]);
        await sh(local, node.name, 'ip', ['-n', br, 'link', 'set', port, 'up']);
        await sh(local, node.name, 'ip', ['-n', ns, 'addr', 'add', `${nodeAddress(i, l)}/24`, 'dev', nodeIface(l)]);
        await sh(local, node.name, 'ip', ['-n', ns, 'link', 'set', nodeIface(l), 'up']);
      }
    }));
  }

  /** `up`: the members' authkey (our own 256 random bytes, as corosync-keygen writes) and corosync.conf. */
  private async writeConfigs(): Promise<void> {
    const s = this.state;
    await mkdir(s.dir, { recursive: true });
    if (s.nodes.length === 0) return;
    await writeFile(s.authkey, randomBytes(256), { mode: 0o400 });
    await this.writeClusterConfs(s.nodes, { clusterName: s.clusterName, authkey: s.authkey, configVersion: s.configVersion, quorum: s.quorum, device: labDeviceConf(this) });
  }

  /**
   * corosync.conf (and a copy of the authkey, as /etc/corosync/authkey) for each of `nodes`, with exactly
   * `nodes` in the nodelist; then `corosync -t` on the first. The lab cluster's votequorum options go along.
   */
  private async writeClusterConfs(
    nodes: readonly LabNode[],
    c: { clusterName: string; authkey: string; configVersion: number; quorum?: LabQuorumOptions; device?: QuorumDeviceConf | null },
  ): Promise<void> {
    for (const node of nodes) {
      await mkdir(`${node.dir}/state`, { recursive: true });
      await mkdir(`${node.dir}/run`, { recursive: true });
      const keyfile = `${node.dir}/authkey`;
      if (!existsSync(keyfile)) {
        await copyFile(c.authkey, keyfile);
        await chmod(keyfile, 0o400);
      }
      const conf = this.confText(node, nodes, c);
      // tmp + rename: a reload (or a node starting) never reads half a file
      await writeFile(`${node.conf}.tmp`, conf);
      await rename(`${node.conf}.tmp`, node.conf);
    }
    const first = nodes[0];
    if (first) await sh(this.runner(first.name), 'corosync -t (config check)', 'corosync', ['-t', '-c', first.conf]);
  }

  /** One node's corosync.conf: the cluster's sections, with its own keyfile, logfile and state_dir. */
  private confText(
    node: LabNode,
    nodes: readonly LabNode[],
    c: { clusterName: string; configVersion: number; quorum?: LabQuorumOptions; device?: QuorumDeviceConf | null },
  ): string {
    const nodelist: ConfNode[] = nodes.map((n) => ({ name: n.name, nodeid: n.nodeid, votes: n.votes, addresses: n.addresses }));
    const labCluster = c.clusterName === this.state.clusterName && nodes.every((n) => n.role === 'member');
    return renderCorosyncConf({
      clusterName: c.clusterName,
      nodes: nodes.length,
      links: node.addresses.length,
      tokenMs: this.state.token,
      keyfile: `${node.dir}/authkey`,
      logfile: node.log,
      stateDir: `${node.dir}/state`,
      address: nodeAddress,
      quorum: c.quorum ?? {},
      nodelist,
      configVersion: c.configVersion,
      device: c.device ?? null,
      // the lab cluster's link_mode and priorities (links.ts); a spares' own cluster keeps the defaults
      ...(labCluster ? { linkMode: this.state.linkMode, linkPriorities: this.state.linkPriorities } : {}),
    });
  }

  /** The member's corosync.conf as the lab would write it from the state now (what hooks' writeConfs writes). */
  memberConfText(node: LabNode): string {
    return this.confText(node, this.state.nodes, { clusterName: this.state.clusterName, configVersion: this.state.configVersion, quorum: this.state.quorum, device: labDeviceConf(this) });
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
    // libqb's leftovers of this lab's dead corosyncs (a killed one leaves ~8 MiB + ~3 MiB per open IPC
    // connection in /dev/shm): gone before the next one starts, so kill/start cycles do not pile them up
    const left = await removeQbLeftovers(this.state.pastPids);
    if (left.removed.length > 0) this.log(`removed ${left.removed.length} libqb leftovers of dead corosyncs from /dev/shm (${mib(left.bytes)})`);
    await rm(node.pidFile, { force: true });
    const r = await this.runner(node.name).run(
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

  /**
   * `up --sshd`: keys, configs and host links, then an sshd in every node's namespace. Like corosync it
   * runs with the node's run dir bound over /run (its privilege separation dir /run/sshd lives there, the
   * host's /run is left alone), and its sessions share that mount namespace.
   */
  private async startSshd(): Promise<void> {
    const s = this.state;
    const sshDir = `${s.dir}/ssh`;
    await mkdir(sshDir, { recursive: true, mode: 0o700 });
    const clientKey = `${sshDir}/id_ed25519`;
    await sh(local, 'client key', 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `quorate-lab-${s.prefix}`, '-f', clientKey]);
    await chmod(clientKey, 0o600);
    const hostLinks = await this.addHostLinks();
    s.sshd = { user: 'root', clientKey, knownHosts: `${sshDir}/known_hosts`, hostLinks };
    const known: string[] = [];
    for (const node of this.allNodes()) {
      const d = `${node.dir}/ssh`;
      await mkdir(d, { recursive: true, mode: 0o700 });
      const hostKeyFile = `${d}/ssh_host_ed25519_key`;
      await sh(local, `${node.name} host key`, 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${node.name}`, '-f', hostKeyFile]);
      const fp = parseKeygenFingerprint((await sh(local, `${node.name} host key`, 'ssh-keygen', ['-l', '-f', `${hostKeyFile}.pub`])).stdout);
      if (fp === null) throw new LabError(`${node.name}: could not read the fingerprint of ${hostKeyFile}.pub`);
      const address = nodeAddress(indexOf(node), 0);
      const config = `${d}/sshd_config`;
      const pidFile = `${d}/sshd.pid`;
      await writeFile(
        config,
        renderSshdConfig({ node: node.name, listenAddress: address, port: SSH_PORT, hostKeyFile, pidFile, authorizedKeysFile: `${clientKey}.pub` }),
        { mode: 0o600 },
      );
      known.push(knownHostsLine(address, SSH_PORT, await readFile(`${hostKeyFile}.pub`, 'utf8')));
      node.sshd = { address, port: SSH_PORT, hostKey: fp, hostKeyFile, config, pidFile, log: `${d}/sshd.log` };
    }
    await writeFile(s.sshd.knownHosts, `${known.join('\n')}\n`, { mode: 0o644 });
    await writeState(s);
    // config check first: one clear error instead of N dead daemons
    const first = s.nodes[0];
    if (first?.sshd) check(await this.sshdInNode(first, ['-t', '-f', first.sshd.config]), `${first.name}: sshd -t (config check)`);
    await Promise.all(this.allNodes().map((node) => this.startNodeSshd(node)));
  }

  /**
   * `sshd ARGS` in the node's namespace with its run dir over /run (sshd needs /run/sshd, owned by root) and
   * an empty home of its own over root's: a session's shell must not run this host's ~/.bashrc (bash does
   * for ssh commands; a pyenv there held every command for 60 s on a stale lock), as on a fresh node.
   */
  private async sshdInNode(node: LabNode, args: string[]): Promise<CommandResult> {
    const home = `${node.dir}/home`;
    await mkdir(home, { recursive: true, mode: 0o700 });
    return this.runner(node.name).run(
      'sh',
      ['-c', 'mount --bind "$1" /run && mkdir -p -m 755 /run/sshd && mount --bind "$2" "$3" && shift 3 && exec "$@"', 'sh', `${node.dir}/run`, home, userInfo().homedir, SSHD_BIN, ...args],
      { timeoutMs: 15_000 },
    );
  }

  private async startNodeSshd(node: LabNode): Promise<void> {
    const ssh = node.sshd;
    if (!ssh) return;
    await rm(ssh.pidFile, { force: true });
    check(await this.sshdInNode(node, ['-f', ssh.config, '-E', ssh.log]), `${node.name}: starting sshd`);
    const deadline = Date.now() + SSH_WAIT_MS;
    for (;;) {
      if (await tcpOpen(ssh.address, ssh.port, 1_000)) break;
      if (Date.now() > deadline) {
        const tail = await readFile(ssh.log, 'utf8').catch(() => '');
        throw new LabError(`${node.name}: sshd does not answer on ${ssh.address}:${ssh.port} after ${SSH_WAIT_MS} ms${tail ? `; ${ssh.log}:\n${tail.trimEnd()}` : ''}`);
      }
      await sleep(100);
    }
  }

  /**
   * One veth per link from the root namespace into the bridge namespace, a port of that link's bridge,
   * with `198.18.<l>.254/24` on the root side: this host (the BFF, a test) reaches every node's address.
   * Only one lab at a time can have them (every lab uses the same addresses); checkHostLinksFree refuses a second.
   */
  private async addHostLinks(): Promise<{ link: number; iface: string; address: string }[]> {
    const { prefix, links } = this.state;
    const br = this.state.bridgeNamespace;
    const out: { link: number; iface: string; address: string }[] = [];
    for (let l = 0; l < links; l++) {
      const iface = hostLinkIface(prefix, l);
      const port = hostLinkPort(l);
      const address = hostLinkAddress(l);
      await sh(local, `host link ${l}`, 'ip', ['link', 'add', iface, 'type', 'veth', 'peer', 'name', port, 'netns', br]);
      // recorded at once, so `down` removes it even if a later step fails
      out.push({ link: l, iface, address });
      await sh(local, `host link ${l}`, 'sysctl', ['-q', '-w', `net.ipv6.conf.${iface}.disable_ipv6=1`]);
      await sh(local, `host link ${l}`, 'ip', ['-n', br, 'link', 'set', port, 'master', bridgeName(l)]);
      await sh(local, `host link ${l}`, 'ip', ['-n', br, 'link', 'set', port, 'up']);
      await sh(local, `host link ${l}`, 'ip', ['addr', 'add', `${address}/24`, 'dev', iface]);
      await sh(local, `host link ${l}`, 'ip', ['link', 'set', iface, 'up']);
    }
    return out;
  }

  private async logTails(): Promise<string> {
    let out = '';
    for (const node of this.allNodes()) {
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

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Whether something accepts TCP connections at host:port (from this, the root, namespace). */
function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** `--sshd` puts 198.18.<l>.254/24 into the root namespace: refuse when another lab (or anything) has it. */
async function checkHostLinksFree(prefix: string, links: number): Promise<void> {
  for (let l = 0; l < links; l++) {
    const r = await local.run('ip', ['-4', '-o', 'route', 'show', 'root', `198.18.${l}.0/24`], { timeoutMs: 5_000 });
    const taken = r.stdout.trim();
    if (taken !== '') {
      const dev = /\bdev (\S+)/.exec(taken)?.[1] ?? '?';
      const other = /^([a-z][a-z0-9]{0,11})-h\d$/.exec(dev)?.[1];
      throw new LabError(
        `--sshd: this host already routes 198.18.${l}.0/24 (via ${dev}${other ? `, the host link of lab '${other}'` : ''}); ` +
          `only one lab at a time can be reached from the root namespace${other && other !== prefix ? `: npm run lab -- down --prefix ${other}, or run this lab without --sshd` : ''}`,
        2,
      );
    }
  }
}

/** Interfaces in the root namespace named like our host links (`<prefix>-h<l>`). */
async function hostLinksOf(prefix: string): Promise<string[]> {
  const r = await local.run('ip', ['-o', 'link', 'show'], { timeoutMs: 5_000 });
  const re = new RegExp(`^\\d+: (${prefix}-h\\d)[@:]`);
  return r.stdout
    .split('\n')
    .map((l) => re.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
}

/** What `down` did. */
export interface DownResult {
  found: boolean;
  /** every process signalled (corosync, sshd and whatever else lived in the lab's namespaces) */
  killed: number[];
  /** of those, how many were corosync / sshd (by /proc/<pid>/comm) */
  corosync: number;
  sshd: number;
  /** corosync-qdevice (a QDevice on the nodes) and corosync-qnetd (`up --qnetd`) */
  qdevice: number;
  qnetd: number;
  namespaces: string[];
  /** root-namespace host links removed (`--sshd`) */
  hostLinks: string[];
  /** /dev/shm entries of dead corosyncs removed */
  shm: string[];
}

/**
 * Removes the lab with this prefix and leftovers of earlier runs, also without a state file: the
 * processes living in our namespaces (corosync, sshd, and any other, e.g. a BFF's quorumtool watchers),
 * found by pid (state file, pid files, `ip netns pids`) and only signalled when they live in our
 * namespaces or (namespace gone) were started from our dir; libqb's /dev/shm leftovers of every corosync
 * the lab started; the host links of `--sshd`; the namespaces (which takes the veths and bridges with
 * them), the working dir and the state file.
 */
export async function down(prefix = DEFAULT_PREFIX, log: Log = () => {}): Promise<DownResult> {
  requireRoot();
  checkPrefix(prefix);
  const state = await readStateEx(prefix).catch(() => null);
  const dir = labDir(prefix);
  const ours = new RegExp(`^${prefix}-(n\\d+|br|qnetd)$`);

  const listed = await local.run('ip', ['netns', 'list'], { timeoutMs: 5_000 });
  const namespaces = listed.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((name) => ours.test(name));

  // candidate pids: the state file, the pid files in our dir, and whatever runs in our namespaces
  const candidates = new Set<number>();
  const corosyncPids = new Set<number>();
  for (const node of state?.nodes ?? []) if (node.pid !== null) corosyncPids.add(node.pid);
  for (const p of state?.pastPids ?? []) corosyncPids.add(p);
  if (state?.qnetd?.pid) candidates.add(state.qnetd.pid);
  for (const node of [...(state?.nodes ?? []), ...(state?.spares ?? [])]) if (node.qdevice?.pid) candidates.add(node.qdevice.pid);
  const pidFiles: number[] = [];
  if (existsSync(dir)) {
    for (const entry of await readdir(dir)) {
      const pid = await readPidFile(`${dir}/${entry}/run/corosync.pid`);
      if (pid !== null) {
        pidFiles.push(pid);
        corosyncPids.add(pid);
      }
      // sshd (`--sshd`), corosync-qdevice (a QDevice), corosync-qnetd (`--qnetd`, dir `qnetd/`)
      for (const file of [`${dir}/${entry}/ssh/sshd.pid`, `${dir}/${entry}/qdevice/corosync-qdevice.pid`, `${dir}/${entry}/run/corosync-qnetd.pid`]) {
        const other = await readPidFile(file);
        if (other !== null) {
          pidFiles.push(other);
          candidates.add(other);
        }
      }
    }
  }
  // every corosync pid this lab started (kept in the dir as well as in the state file)
  const started = await readFile(`${dir}/pids`, 'utf8').catch(() => '');
  for (const tok of started.split('\n')) if (/^\d+$/.test(tok)) corosyncPids.add(Number(tok));
  corosyncPids.forEach((p) => candidates.add(p));
  for (const ns of namespaces) {
    const r = await local.run('ip', ['netns', 'pids', ns], { timeoutMs: 5_000 });
    for (const tok of r.stdout.split(/\s+/)) if (/^\d+$/.test(tok)) candidates.add(Number(tok));
  }

  const victims: { pid: number; name: string; ppid: number | null }[] = [];
  for (const pid of candidates) {
    if (!(await isAlive(pid))) continue;
    const ns = await netnsOf(local, pid);
    // in one of our namespaces, or (namespace already gone) a process started from our dir
    if (ours.test(ns) || (ns === '' && (await cmdline(pid)).includes(`${dir}/`))) victims.push({ pid, name: await comm(pid), ppid: await parentPid(pid) });
  }
  for (const { pid } of victims) {
    signal(pid, 'SIGCONT'); // a frozen process would not act on SIGTERM
    signal(pid, 'SIGTERM');
  }
  // corosync needs about a second for a clean shutdown
  const stubborn = await waitGone(victims.map((v) => v.pid), 10_000);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  if (stubborn.length > 0) await waitGone(stubborn, 2_000);

  const shm = await removeQbLeftovers(corosyncPids);
  for (const ns of namespaces) await local.run('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
  // the hosts views (`ip netns exec` binds /etc/netns/<ns>/hosts); also those of namespaces already gone
  const etc = existsSync(NETNS_ETC) ? (await readdir(NETNS_ETC)).filter((name) => ours.test(name)) : [];
  for (const name of etc) await rm(`${NETNS_ETC}/${name}`, { recursive: true, force: true });
  // deleting the bridge namespace destroys the peers and with them these; a crash half-way may leave one
  const hostLinks = await hostLinksOf(prefix);
  for (const iface of hostLinks) await local.run('ip', ['link', 'del', iface], { timeoutMs: 5_000 });
  await rm(dir, { recursive: true, force: true });
  await removeState(prefix);

  const corosync = victims.filter((v) => v.name === 'corosync').length;
  const sshd = victims.filter((v) => v.name === 'sshd').length;
  // comm is cut at 15 characters: corosync-qdevic(e)
  // (a corosync-qdevice forks a heuristics worker of the same name: counted with its daemon)
  const isQdevice = (v: { name: string }) => v.name.startsWith('corosync-qdevic');
  const qdevicePids = new Set(victims.filter(isQdevice).map((v) => v.pid));
  const qdevice = victims.filter((v) => isQdevice(v) && !(v.ppid !== null && qdevicePids.has(v.ppid))).length;
  const qnetd = victims.filter((v) => v.name === 'corosync-qnetd').length;
  const others = victims.filter((v) => !['corosync', 'sshd', 'corosync-qnetd'].includes(v.name) && !v.name.startsWith('corosync-qdevic'));
  const found = state !== null || namespaces.length > 0 || victims.length > 0 || pidFiles.length > 0 || hostLinks.length > 0;
  if (found) {
    const parts = [`${corosync} corosync`];
    if (sshd > 0) parts.push(`${sshd} sshd`);
    if (qdevice > 0) parts.push(`${qdevice} corosync-qdevice`);
    if (qnetd > 0) parts.push(`${qnetd} corosync-qnetd`);
    if (others.length > 0) parts.push(`${others.length} other process${others.length > 1 ? 'es' : ''} (${[...new Set(others.map((o) => o.name || '?'))].join(', ')})`);
    log(
      `lab '${prefix}' down: stopped ${parts.join(', ')}${stubborn.length > 0 ? ` (${stubborn.length} needed SIGKILL)` : ''}, ` +
        `removed ${namespaces.length} namespaces${hostLinks.length > 0 ? `, ${hostLinks.length} host links` : ''}, ` +
        `${shm.removed.length} libqb leftovers in /dev/shm (${mib(shm.bytes)})`,
    );
  } else {
    log(`lab '${prefix}': nothing to remove`);
  }
  return { found, killed: victims.map((v) => v.pid), corosync, sshd, qdevice, qnetd, namespaces, hostLinks, shm: shm.removed };
}
