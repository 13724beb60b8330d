// Test-only: a CommandRunner that plays one node's Corosync from the captured fixtures of
// packages/corosync/fixtures. Modes: ok, hang (a frozen Corosync: run() ends only by its timeout),
// dead (no Corosync: "Cannot initialize CMAP service"), or a RunnerError (SSH failures).
import { readFileSync } from 'node:fs';
import { RunnerError, type CommandResult, type CommandRunner, type RunOptions, type StreamExit, type StreamHandle, type StreamOptions } from '../runners';

const FIXTURES = new URL('../../../corosync/fixtures/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The tracking captures prefix every line with `<rep> <±ms> | `; this returns what the tool printed, by rep. */
export function trackingLines(name: string): { rep: string; line: string }[] {
  return fixture(name)
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+[-+]?\d+(?:\.\d+)?\s\|\s(.*)$/.exec(l);
      if (!m || m[1] === undefined || m[2] === undefined) throw new Error(`not a tracking line: ${l}`);
      return { rep: m[1], line: m[2] };
    });
}

export interface KnetPeer {
  nodeId: number;
  connected: boolean;
  downCount?: number;
  latencyAveUs?: number;
}

/** A `corosync-cmapctl -m stats stats.knet.node` answer: the local loopback entry plus one link per peer. */
export function knetStats(localId: number, peers: readonly KnetPeer[]): string {
  const lines: string[] = [];
  const entry = (id: number, connected: boolean, down: number, ave: number, samples: number) => {
    const p = `stats.knet.node${id}.link0`;
    lines.push(
      `${p}.connected (u8) = ${connected ? 1 : 0}`,
      `${p}.down_count (u32) = ${down}`,
      `${p}.enabled (u8) = 1`,
      `${p}.latency_ave (u32) = ${ave}`,
      `${p}.latency_max (u32) = ${ave * 3}`,
      `${p}.latency_min (u32) = ${samples === 0 ? 4294967295 : Math.floor(ave / 2)}`,
      `${p}.latency_samples (u32) = ${samples}`,
      `${p}.rx_pong_packets (u64) = 100`,
      `${p}.tx_ping_packets (u64) = 100`,
    );
  };
  entry(localId, true, 0, 0, 0);
  for (const peer of peers) entry(peer.nodeId, peer.connected, peer.downCount ?? 0, peer.latencyAveUs ?? 1500, 2048);
  return `${lines.join('\n')}\n`;
}

export type FakeMode = { kind: 'ok' } | { kind: 'hang' } | { kind: 'dead' } | { kind: 'error'; error: RunnerError };

export class FakeStream implements StreamHandle {
  readonly pid = undefined;
  readonly exited: Promise<StreamExit>;
  private resolveExit!: (e: StreamExit) => void;
  ended = false;
  /** the signals it was sent, in order */
  readonly signals: NodeJS.Signals[] = [];

  constructor(
    readonly args: string[],
    private readonly opts: StreamOptions,
    /** like a tool blocked in a Corosync call: SIGTERM does nothing, only SIGKILL ends it */
    private readonly ignoresTerm = false,
  ) {
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  /** Delivers lines as the tool would, each as its own onLine call. */
  lines(text: string): void {
    if (this.ended) return;
    for (const l of text.replace(/\n$/, '').split('\n')) this.opts.onLine(l);
  }

  /** One full -m block: the report, then the closing empty line. */
  block(report: string): void {
    this.lines(`${report.replace(/\n+$/, '')}\n\n`);
  }

  exit(code: number | null, stderr = ''): void {
    if (this.ended) return;
    for (const l of stderr.split('\n').filter((x) => x !== '')) this.opts.onStderrLine?.(l);
    this.ended = true;
    this.resolveExit({ code, signal: null, error: null });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.ended) return;
    this.signals.push(signal);
    if (signal === 'SIGTERM' && this.ignoresTerm) return;
    this.ended = true;
    this.resolveExit({ code: null, signal, error: null });
  }
}

export class FakeCorosync implements CommandRunner {
  readonly label: string;
  mode: FakeMode = { kind: 'ok' };
  /** its -m watchers ignore SIGTERM */
  ignoresTerm = false;
  /** what `corosync-quorumtool -s` (and the first -m block) prints */
  status: string;
  config = fixture('cmapctl-full-icmap__3of3__node1.txt');
  knet: string;
  readonly streams: FakeStream[] = [];
  readonly calls: string[] = [];
  /** what `corosync-quorumtool -e N` does: change `status` and answer (exit code and output) */
  onSetExpected: ((n: number) => { code: number; stdout?: string; stderr?: string }) | null = null;

  constructor(
    readonly nodeId: number,
    status: string,
  ) {
    this.label = `fake pve${nodeId}`;
    this.status = status;
    this.knet = knetStats(nodeId, [1, 2, 3].filter((id) => id !== nodeId).map((id) => ({ nodeId: id, connected: true })));
  }

  get liveStream(): FakeStream | undefined {
    return this.streams.filter((s) => !s.ended).at(-1);
  }

  /** A membership change: the new report, pushed to the running -m watcher. */
  change(status: string): void {
    this.status = status;
    this.liveStream?.block(status);
  }

  run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    this.calls.push([cmd, ...args].join(' '));
    const timeoutMs = opts.timeoutMs ?? 5000;
    const result = (stdout: string, code: number | null, stderr = '', timedOut = false): CommandResult => ({
      code,
      signal: timedOut ? 'SIGKILL' : null,
      stdout,
      stderr,
      timedOut,
      truncated: false,
      durationMs: 1,
    });
    switch (this.mode.kind) {
      case 'error':
        return Promise.reject(this.mode.error);
      case 'hang':
        return new Promise((resolve) => setTimeout(() => resolve(result('', null, '', true)), timeoutMs));
      case 'dead':
        return Promise.resolve(
          result('', 1, cmd === 'corosync-cmapctl' ? 'Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n' : 'Cannot initialize CMAP service\n'),
        );
      case 'ok':
        break;
    }
    if (cmd === 'corosync-quorumtool' && args[0] === '-s') return Promise.resolve(result(this.status, /Quorate:\s+Yes/.test(this.status) ? 0 : 2));
    if (cmd === 'corosync-quorumtool' && args[0] === '-e' && this.onSetExpected) {
      const r = this.onSetExpected(Number(args[1]));
      return Promise.resolve(result(r.stdout ?? '', r.code, r.stderr ?? ''));
    }
    if (cmd === 'corosync-cmapctl' && args[0] === '-m') return Promise.resolve(result(this.knet, 0));
    if (cmd === 'corosync-cmapctl') return Promise.resolve(result(this.config, 0));
    return Promise.resolve(result('', 127, `unexpected command ${cmd}`));
  }

  spawnStream(cmd: string, args: string[], opts: StreamOptions): StreamHandle {
    this.calls.push(`stream ${[cmd, ...args].join(' ')}`);
    const s = new FakeStream(args, opts, this.ignoresTerm);
    this.streams.push(s);
    const mode = this.mode.kind;
    queueMicrotask(() => {
      if (mode === 'dead') s.exit(1, 'Cannot initialize CMAP service\n');
      else if (mode === 'ok') s.block(this.status);
      // hang: nothing, like quorumtool against a frozen Corosync
    });
    return s;
  }
}
