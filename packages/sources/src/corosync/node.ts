// One configured node: what it says about itself (its quorum view, its knet links, its cmap config)
// and whether it can be asked at all. All of its I/O lives here; the source only assembles.
//
// - `corosync-quorumtool -m` (line-buffered, long-lived): one block at start and one per membership
//   change, handed on the moment its closing empty line arrives. Restarted with backoff when it exits
//   (the local Corosync died or restarted).
// - knet stats poll (`corosync-cmapctl -m stats stats.knet.node`): the early warning and the link
//   matrix, and the liveness probe: a frozen Corosync blocks the tools, the run() timeout says so.
// - `corosync-quorumtool -s` and the cmap config: at start and whenever the node comes back.
// - poll mode (the Proxmox GUI's model, for comparison): no watcher; the source calls pollStatus()
//   (`corosync-quorumtool -s`, the config too while none is known) on a fixed cadence instead.
import {
  QuorumtoolMonitorParser,
  knetLinkStats,
  parseCmap,
  parseQdeviceToolStatus,
  parseQuorumtoolStatus,
  toQuorumState,
  type KnetLinkStats,
  type ParseResult,
  type QuorumtoolStatus,
  type QdeviceNetState,
} from '@quorate/corosync';
import type { QuorumState } from '@quorate/model';
import type { CommandResult, CommandRunner, StreamHandle } from '../runners';
import { CONFIG_PREFIXES, configFromCmap, type CorosyncConfig } from './config';
import { noCorosyncReason, resultReason, runnerErrorReason, unexpectedOutputReason } from './reasons';

/** how long stop() waits for the -m watcher after SIGTERM, and again after SIGKILL */
export const STOP_GRACE_MS = 2_000;
/** true when p settled within ms */
const within = (p: Promise<unknown>, ms: number): Promise<boolean> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]).finally(() => clearTimeout(timer));
};

/** the nodelist is read again at least this often (watch mode's periodic -s, poll mode's polls), ms */
export const CONFIG_MAX_AGE_MS = 30_000;
/** a member the nodelist does not know makes the nodelist be read again, at most this often, ms */
export const UNKNOWN_MEMBER_RECHECK_MS = 2_000;

export interface NodeSpec {
  /** the node's name in the nodelist (pve1) */
  name: string;
  runner: CommandRunner;
  /** known in advance (the lab); otherwise taken from the nodelist by name */
  nodeId?: number;
}

export interface NodeTiming {
  toolTimeoutMs: number;
  /** first restart delay of the monitor stream; doubles up to monitorBackoffMaxMs */
  monitorBackoffMs: number;
  monitorBackoffMaxMs: number;
}

export type NodeChange =
  /** a new quorum view (a -m block or a -s probe) */
  | 'membership'
  /** reachable / unreachable or the reason changed */
  | 'reachability'
  /** a knet sample */
  | 'links'
  | 'config';

export interface NodeSnapshot {
  name: string;
  nodeId: number | null;
  /** false: the node could not be asked (reason says why); its quorum is then unknown */
  reachable: boolean;
  reason: string | null;
  /** last successful contact (ms since epoch); the age of what we know */
  lastOkAt: number | null;
  quorum: QuorumState | null;
  status: QuorumtoolStatus | null;
  knet: readonly KnetLinkStats[] | null;
  /** an older knet sample (>= lossWindowMs before `knet`) to compute loss from */
  knetBaseline: readonly KnetLinkStats[] | null;
  config: CorosyncConfig | null;
  monitorRunning: boolean;
  monitorStarts: number;
  /** since when this node has had a view without a break (a fresh Corosync, or back after being unreachable) */
  viewSince: number | null;
  /** whether any view since viewSince had other members: a Corosync still alone since it came up has not */
  sawOthers: boolean;
  /** `corosync-qdevice-tool -s`'s Qdevice-net state (this node's connection to qnetd); null without a QDevice or an answer */
  qdeviceNet?: QdeviceNetState | null;
}

const LOSS_WINDOW_MS = 5_000;

/** where a view came from: a -m block (as it arrived) or a -s probe (as it was asked) */
type Origin = { kind: 'monitor' } | { kind: 'probe'; askedAt: number };

/** the ring sequence of a ring id (`1.2a`: representative 1, sequence 0x2a); null when unreadable */
export function ringSeq(ringId: string | null): bigint | null {
  const m = ringId === null ? null : /^[0-9a-f]{1,8}\.([0-9a-f]{1,16})$/i.exec(ringId.trim());
  return m ? BigInt(`0x${m[1]}`) : null;
}
const KNET_PREFIX = 'stats.knet.node';

export class NodeWatcher {
  private reachableFlag = false;
  private reason: string | null = 'not asked yet';
  private lastOkAt: number | null = null;
  private quorum: QuorumState | null = null;
  private status: QuorumtoolStatus | null = null;
  private knet: KnetLinkStats[] | null = null;
  /** loss is computed over 5-10 s: `baseline` is the sample before `pending`, which is >= 5 s old */
  private baseline: { at: number; stats: KnetLinkStats[] } | null = null;
  private pending: { at: number; stats: KnetLinkStats[] } | null = null;
  private config: CorosyncConfig | null = null;
  /** the QDevice daemon's connection to qnetd, as corosync-qdevice-tool -s last said it (null: none, or no answer) */
  private qdeviceNet: QdeviceNetState | null = null;
  private askingQdevice = false;
  /** when the nodelist was last read; and when a member it did not know last made it be read again */
  private configAt = -Infinity;
  private unknownMemberAt = -Infinity;
  private monitor: StreamHandle | null = null;
  private monitorStarts = 0;
  private backoffMs: number;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  /** false in poll mode: no -m watcher */
  private watch = true;
  /** a refresh (-s + config) after coming back; one at a time */
  private refreshing: Promise<void> | null = null;
  private nodeIdKnown: number | null;
  private viewSince: number | null = null;
  private sawOthers = false;
  /** when the last -m block was taken: a -s asked before it cannot be newer on the same ring */
  private lastMonitorAt = -Infinity;

  constructor(
    readonly spec: NodeSpec,
    private readonly timing: NodeTiming,
    private readonly now: () => number,
    private readonly onChange: (node: NodeWatcher, change: NodeChange) => void,
  ) {
    this.backoffMs = timing.monitorBackoffMs;
    this.nodeIdKnown = spec.nodeId ?? null;
  }

  get name(): string {
    return this.spec.name;
  }

  get nodeId(): number | null {
    return this.nodeIdKnown;
  }

  snapshot(): NodeSnapshot {
    return {
      name: this.spec.name,
      nodeId: this.nodeIdKnown,
      reachable: this.reachableFlag,
      reason: this.reason,
      lastOkAt: this.lastOkAt,
      quorum: this.quorum,
      status: this.status,
      knet: this.knet,
      knetBaseline: this.baseline?.stats ?? null,
      config: this.config,
      monitorRunning: this.monitor !== null,
      monitorStarts: this.monitorStarts,
      viewSince: this.viewSince,
      sawOthers: this.sawOthers,
      qdeviceNet: this.qdeviceNet,
    };
  }

  /** Reads config and the first view, then starts the monitor stream (unless `watch` is false). Never rejects. */
  async start(watch = true): Promise<void> {
    this.stopped = false;
    this.watch = watch;
    await this.refresh();
    this.startMonitor();
  }

  /**
   * One `corosync-quorumtool -s` (poll mode; watch mode's periodic check), with the config too while none is
   * known or it is older than CONFIG_MAX_AGE_MS: a node removed elsewhere (pvecm delnode) changes the nodelist
   * without any membership change of its own. Never rejects.
   */
  async pollStatus(): Promise<void> {
    if (this.stopped) return;
    if (this.config === null || this.now() - this.configAt >= CONFIG_MAX_AGE_MS) return this.refresh();
    const askedAt = this.now();
    const st = await this.run('corosync-quorumtool', ['-s'], [0, 2]);
    if (this.stopped || st === null) return;
    this.acceptStatus(parseQuorumtoolStatus(st.stdout), { kind: 'probe', askedAt });
    void this.askQdevice();
  }

  /**
   * With a QDevice configured: `corosync-qdevice-tool -s` (its state toward qnetd). Its failure says nothing
   * about Corosync (the daemon may be down alone): the state is just unknown then, never the node unreachable.
   */
  private async askQdevice(): Promise<void> {
    if (this.stopped || this.askingQdevice) return;
    if (!this.config?.qdevice) {
      if (this.qdeviceNet !== null) {
        this.qdeviceNet = null;
        this.onChange(this, 'config');
      }
      return;
    }
    this.askingQdevice = true;
    try {
      const r = await this.spec.runner.run('corosync-qdevice-tool', ['-s'], { timeoutMs: this.timing.toolTimeoutMs, maxBytes: 64 * 1024 }).catch(() => null);
      const parsed = r && r.code === 0 ? parseQdeviceToolStatus(r.stdout) : null;
      const next = parsed?.ok ? (parsed.value.net?.state ?? null) : null;
      if (!this.stopped && next !== this.qdeviceNet) {
        this.qdeviceNet = next;
        this.onChange(this, 'config');
      }
    } finally {
      this.askingQdevice = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const m = this.monitor;
    this.monitor = null;
    if (m) {
      // a watcher that ignores SIGTERM (blocked in a Corosync call during a reload) must not hold stop() forever
      m.kill();
      if (!(await within(m.exited, STOP_GRACE_MS))) {
        m.kill('SIGKILL');
        await within(m.exited, STOP_GRACE_MS);
      }
    }
    await this.refreshing?.catch(() => undefined);
  }

  /** One knet sample; also the liveness probe. The caller schedules it (one in flight per node). */
  async pollKnet(): Promise<void> {
    if (this.stopped) return;
    const r = await this.run('corosync-cmapctl', ['-m', 'stats', KNET_PREFIX]);
    if (this.stopped || r === null) return;
    const parsed = parseCmap(r.stdout);
    if (!parsed.ok) return this.markUnreachable(unexpectedOutputReason(parsed.error.message, parsed.error.line));
    const stats = knetLinkStats(parsed.value);
    const at = this.now();
    this.knet = stats;
    if (!this.pending) this.pending = { at, stats };
    else if (at - this.pending.at >= LOSS_WINDOW_MS) {
      this.baseline = this.pending;
      this.pending = { at, stats };
    }
    this.contactOk();
    this.onChange(this, 'links');
  }

  /**
   * Asks again now (quorum view and config) after something changed it, e.g. expected votes. A refresh
   * already in flight may have asked before the change, so it is waited for and then one more is made.
   * Never rejects.
   */
  async reprobe(): Promise<void> {
    if (this.stopped) return;
    await this.refreshing?.catch(() => undefined);
    if (this.stopped) return;
    await this.refresh();
  }

  /**
   * Ends the -m watcher and starts a fresh one, whose first block is the current state. Needed after an
   * expected-votes change: `corosync-quorumtool -m` prints a block per quorum notification paired with the
   * next votequorum notification, and a setexpected sends a votequorum notification alone, so the running
   * watcher's blocks would lag one votequorum notification behind from then on (seen on corosync 3.1.7).
   */
  restartMonitor(): void {
    if (this.stopped || !this.watch) return;
    const m = this.monitor;
    this.monitor = null;
    m?.kill();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.backoffMs = this.timing.monitorBackoffMs;
    this.startMonitor();
  }

  /** Whether the last contact failed: the source then shows the view as unreachable. */
  get reachable(): boolean {
    return this.reachableFlag && this.quorum !== null;
  }

  // ------------------------------------------------------------------ internals

  /** A run() with the tool timeout; null (and the node marked unreachable) when it gave no usable output. */
  private async run(cmd: string, args: string[], okCodes: readonly number[] = [0]): Promise<CommandResult | null> {
    let r: CommandResult;
    try {
      r = await this.spec.runner.run(cmd, args, { timeoutMs: this.timing.toolTimeoutMs });
    } catch (err) {
      this.markUnreachable(runnerErrorReason(err));
      return null;
    }
    const why = resultReason(r, this.timing.toolTimeoutMs, okCodes);
    if (why !== null) {
      this.markUnreachable(why);
      return null;
    }
    return r;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const askedAt = this.now();
        const [cfg, st] = await Promise.all([
          this.run('corosync-cmapctl', CONFIG_PREFIXES),
          // -s exits 2 when not quorate: still a full report
          this.run('corosync-quorumtool', ['-s'], [0, 2]),
        ]);
        if (this.stopped) return;
        if (cfg) {
          const map = parseCmap(cfg.stdout);
          const config = map.ok ? configFromCmap(map.value) : null;
          if (!config) {
            return this.markUnreachable(unexpectedOutputReason(map.ok ? 'no nodelist in cmap' : map.error.message, map.ok ? undefined : map.error.line));
          }
          this.config = config;
          this.configAt = this.now();
          if (this.nodeIdKnown === null) this.nodeIdKnown = config.nodelist.find((n) => n.name === this.spec.name)?.nodeId ?? null;
          this.onChange(this, 'config');
        }
        if (st) this.acceptStatus(parseQuorumtoolStatus(st.stdout), { kind: 'probe', askedAt });
        void this.askQdevice();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private acceptStatus(result: ParseResult<QuorumtoolStatus>, origin: Origin): void {
    if (!result.ok) return this.markUnreachable(unexpectedOutputReason(result.error.message, result.error.line));
    const quorum = toQuorumState(result.value);
    if (!quorum) return this.markUnreachable(unexpectedOutputReason('no votequorum section (quorum provider is not votequorum?)'));
    if (this.isOlder(quorum, origin)) return;
    if (origin.kind === 'monitor') this.lastMonitorAt = this.now();
    if (this.nodeIdKnown === null && result.value.quorum) this.nodeIdKnown = result.value.quorum.nodeId;
    if (this.quorum === null) {
      this.viewSince = this.now();
      this.sawOthers = false;
    }
    if (quorum.members.length > 1) this.sawOthers = true;
    this.quorum = quorum;
    this.status = result.value;
    this.contactOk();
    this.onChange(this, 'membership');
    this.recheckUnknownMembers(quorum.members);
  }

  /**
   * A member the nodelist does not hold: a node joined (pvecm add, corosync-cfgtool -R) after the nodelist
   * was read — read it again (at most every UNKNOWN_MEMBER_RECHECK_MS, in case a view keeps one for good).
   */
  private recheckUnknownMembers(members: readonly number[]): void {
    const config = this.config;
    if (this.stopped || config === null || members.every((id) => config.nodelist.some((n) => n.nodeId === id))) return;
    if (this.now() - this.unknownMemberAt < UNKNOWN_MEMBER_RECHECK_MS) return;
    this.unknownMemberAt = this.now();
    void this.refresh();
  }

  /**
   * Answers can cross: a -s asked before a membership change may come back after the -m block that
   * reported it. A view of an older ring never replaces a newer one, and on the same ring a -s asked
   * before the latest -m block arrived is not newer than that block.
   */
  private isOlder(next: QuorumState, origin: Origin): boolean {
    if (this.quorum === null) return false;
    const had = ringSeq(this.quorum.ringId);
    const got = ringSeq(next.ringId);
    if (had !== null && got !== null && got !== had) return got < had;
    return origin.kind === 'probe' && origin.askedAt < this.lastMonitorAt;
  }

  private contactOk(): void {
    this.lastOkAt = this.now();
    if (this.reachableFlag) return;
    this.reachableFlag = true;
    this.reason = null;
    // coming back: what we had may be old (frozen, restarted), so ask again before trusting it
    if (!this.stopped && this.quorum === null) void this.refresh();
    this.onChange(this, 'reachability');
  }

  private markUnreachable(reason: string): void {
    const changed = this.reachableFlag || this.reason !== reason || this.quorum !== null;
    this.reachableFlag = false;
    this.reason = reason;
    // never show the last good view as live
    this.quorum = null;
    this.viewSince = null;
    this.lastMonitorAt = -Infinity;
    this.status = null;
    this.knet = null;
    this.baseline = null;
    this.pending = null;
    if (changed) this.onChange(this, 'reachability');
  }

  private startMonitor(): void {
    if (this.stopped || this.monitor || !this.watch) return;
    const runner = this.spec.runner;
    if (!runner.spawnStream) return; // a runner without streams: the polls still tell changes, slower
    const parser = new QuorumtoolMonitorParser();
    const stderr: string[] = [];
    this.monitorStarts++;
    const handle = runner.spawnStream('stdbuf', ['-oL', 'corosync-quorumtool', '-m'], {
      onLine: (line) => {
        if (this.stopped || this.monitor !== handle) return;
        for (const block of parser.push(`${line}\n`)) {
          this.backoffMs = this.timing.monitorBackoffMs;
          this.acceptStatus(block.result, { kind: 'monitor' });
        }
      },
      onStderrLine: (line) => {
        if (stderr.length < 20) stderr.push(line);
      },
      holdStdin: false,
    });
    this.monitor = handle;
    void handle.exited.then((exit) => {
      if (this.monitor !== handle) return;
      this.monitor = null;
      if (this.stopped) return;
      for (const block of parser.end()) if (block.result.ok) this.acceptStatus(block.result, { kind: 'monitor' });
      const text = stderr.join('\n');
      const reason = exit.error ? runnerErrorReason(exit.error) : (noCorosyncReason(text) ?? `corosync-quorumtool -m ended (exit ${exit.code ?? exit.signal})`);
      this.markUnreachable(reason);
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.timing.monitorBackoffMaxMs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      void this.refresh();
      this.startMonitor();
    }, delay);
  }
}
