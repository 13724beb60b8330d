// The one way every source runs a command: locally, inside a lab network namespace, or over SSH.

export interface RunOptions {
  /** kill the command after this long (default 5000 ms). A SIGSTOPped corosync makes its tools block forever. */
  timeoutMs?: number;
  /** keep at most this many bytes of stdout and of stderr each (default 1 MiB); the rest is drained and dropped */
  maxBytes?: number;
  /** written to the command's stdin, which is then closed (stdin is closed at once without it) */
  stdin?: string;
}

export interface CommandResult {
  /** exit code; null when the command ended by a signal or was killed on timeout */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** stdout or stderr went over maxBytes and was cut */
  truncated: boolean;
  durationMs: number;
}

export interface StreamOptions {
  /** one call per complete stdout line, without the line terminator */
  onLine: (line: string) => void;
  /** one call per complete stderr line */
  onStderrLine?: (line: string) => void;
  /**
   * keep stdin open (default true): `corosync-cmapctl -T` ends when its stdin closes,
   * so watchers hold it open until killed
   */
  holdStdin?: boolean;
  /** a longer line is cut to this many bytes (default 64 KiB) so a runaway writer cannot grow memory */
  maxLineBytes?: number;
}

export interface StreamExit {
  code: number | null;
  signal: string | null;
  /** set when the command could not be started or the transport failed */
  error: RunnerError | null;
}

export interface StreamHandle {
  /** local pid of the spawned process (the ssh channel has none) */
  readonly pid: number | undefined;
  /** resolves once the process has ended and its last line was delivered; never rejects */
  readonly exited: Promise<StreamExit>;
  /** ends the watcher (SIGTERM by default); safe to call more than once and after exit */
  kill(signal?: NodeJS.Signals): void;
}

export interface CommandRunner {
  /** for messages and logs: "local", "netns qlab-n1", "ssh root@10.0.0.1:22" */
  readonly label: string;
  /** resolves with the result whatever the exit code; rejects only with RunnerError when it could not run at all */
  run(cmd: string, args: string[], opts?: RunOptions): Promise<CommandResult>;
  /** a long-lived, line-buffered watcher (e.g. `stdbuf -oL corosync-quorumtool -m`) */
  spawnStream?(cmd: string, args: string[], opts: StreamOptions): StreamHandle;
  /** releases connections; the runner may reconnect on the next run */
  close?(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export type RunnerErrorReason =
  | 'timeout' // could not even connect in time
  | 'host-key-mismatch' // the server presented another key than the pinned one
  | 'unknown-host' // no fingerprint pinned: refused, the message names the presented one
  | 'auth-failed' // the server refused our key
  | 'unreachable' // connection refused, no route, DNS failure
  | 'connection-lost' // the transport dropped while a command ran
  | 'not-found' // the command does not exist (ENOENT)
  | 'permission-denied' // EACCES
  | 'failed'; // anything else

/** The command could not be run at all (as opposed to: it ran and failed, which is a CommandResult). */
export class RunnerError extends Error {
  override readonly name = 'RunnerError';
  /** unknown-host / host-key-mismatch: the host key the server presented ("SHA256:…"), to compare and pin */
  readonly presented: string | undefined;
  constructor(
    readonly reason: RunnerErrorReason,
    message: string,
    readonly runner: string,
    options?: { cause?: unknown; presented?: string },
  ) {
    super(message, options);
    this.presented = options?.presented;
  }
}
