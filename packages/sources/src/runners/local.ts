// Runs commands on this machine: spawn with an argument array, never a shell string.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_TIMEOUT_MS,
  RunnerError,
  type CommandResult,
  type CommandRunner,
  type RunOptions,
  type StreamExit,
  type StreamHandle,
  type StreamOptions,
} from './types';
import { CappedBuffer, LineSplitter, commandResult } from './output';

/** After a kill on timeout, how long to wait for the pipes to close (a grandchild may hold them open). */
const PIPE_GRACE_MS = 1_000;

export function spawnError(err: NodeJS.ErrnoException, cmd: string, label: string): RunnerError {
  if (err.code === 'ENOENT') return new RunnerError('not-found', `${label}: command not found: ${cmd}`, label, { cause: err });
  if (err.code === 'EACCES') return new RunnerError('permission-denied', `${label}: permission denied: ${cmd}`, label, { cause: err });
  return new RunnerError('failed', `${label}: could not run ${cmd}: ${err.message}`, label, { cause: err });
}

/** Kills the child's whole process group (it was spawned detached), so `sh -c` grandchildren die too. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export class LocalRunner implements CommandRunner {
  readonly label: string;

  constructor(options: { label?: string } = {}) {
    this.label = options.label ?? 'local';
  }

  /** NetnsRunner overrides this to wrap the command; everything else is shared. */
  protected argv(cmd: string, args: string[]): [string, string[]] {
    return [cmd, args];
  }

  run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    const [file, argv] = this.argv(cmd, args);
    const started = performance.now();

    return new Promise<CommandResult>((resolve, reject) => {
      // detached: its own process group, so a timeout kills everything it started
      const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const stdout = new CappedBuffer(maxBytes);
      const stderr = new CappedBuffer(maxBytes);
      let timedOut = false;
      let settled = false;
      let exit: { code: number | null; signal: string | null } | null = null;
      let grace: NodeJS.Timeout | undefined;

      const finish = () => {
        if (settled || exit === null) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(grace);
        resolve(commandResult(exit, stdout, stderr, timedOut, started));
      };

      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child, 'SIGKILL');
        // if something else still holds the pipes, do not wait for them forever
        grace = setTimeout(() => {
          exit ??= { code: null, signal: 'SIGKILL' };
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        }, PIPE_GRACE_MS);
      }, timeoutMs);

      child.stdout.on('data', (c: Buffer) => stdout.push(c));
      child.stderr.on('data', (c: Buffer) => stderr.push(c));
      child.stdin.on('error', () => {
        // EPIPE when the command does not read its stdin: not our concern
      });
      child.stdin.end(opts.stdin ?? undefined);

      child.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(grace);
        reject(spawnError(err, file, this.label));
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
      });
      child.on('close', (code, signal) => {
        exit ??= { code, signal };
        finish();
      });
    });
  }

  spawnStream(cmd: string, args: string[], opts: StreamOptions): StreamHandle {
    const [file, argv] = this.argv(cmd, args);
    const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out = new LineSplitter(opts.onLine, maxLine);
    const err = new LineSplitter(opts.onStderrLine ?? (() => {}), maxLine);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {});
    if (opts.holdStdin === false) child.stdin.end();

    const exited = new Promise<StreamExit>((resolve) => {
      let done = false;
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (done) return;
        done = true;
        resolve({ code: null, signal: null, error: spawnError(e, file, this.label) });
      });
      child.on('close', (code, signal) => {
        if (done) return;
        done = true;
        out.end();
        err.end();
        resolve({ code, signal, error: null });
      });
    });

    let ended = false;
    void exited.then(() => {
      ended = true;
    });
    return {
      pid: child.pid,
      exited,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        if (ended) return;
        child.stdin.end();
        killGroup(child, signal);
      },
    };
  }
}
