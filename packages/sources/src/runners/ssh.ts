// Runs commands on a remote host over SSH (the ssh2 library): key authentication, a pinned host key,
// one persistent connection reused by every call and re-established after a drop.
import { readFile } from 'node:fs/promises';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { normalizeFingerprint, sshFingerprint } from './fingerprint';
import { CappedBuffer, LineSplitter, commandResult } from './output';
import { quoteShellArg, shellCommand } from './shell-quote';
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

export interface SshRunnerOptions {
  host: string;
  port?: number;
  username: string;
  /** the private key itself (OpenSSH or PEM) ... */
  privateKey?: Buffer | string;
  /** ... or where to read it */
  privateKeyPath?: string;
  passphrase?: string;
  /**
   * the pinned host key, "SHA256:base64" as `ssh-keygen -lf` prints it. null refuses every host
   * ('unknown-host') and the error names the presented fingerprint, so it can be checked and pinned.
   */
  hostKeyFingerprint: string | null;
  /** handshake + authentication deadline (default 5000 ms); the per-call timeoutMs starts after it */
  connectTimeoutMs?: number;
  /** SSH keepalive, so a dead peer is noticed and the next call reconnects (default 5000 ms) */
  keepaliveIntervalMs?: number;
  label?: string;
}

/** After a timeout, how long to wait for the channel to close before giving up on it. */
const CLOSE_GRACE_MS = 1_000;

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

interface ExitRecord {
  got: boolean;
  code: number | null;
  signal: string | null;
}

interface ExecChannel {
  channel: ClientChannel;
  exit: ExitRecord;
}

export class SshRunner implements CommandRunner {
  readonly label: string;
  private conn: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private readonly pinned: string | null;

  constructor(private readonly options: SshRunnerOptions) {
    this.label = options.label ?? `ssh ${options.username}@${options.host}:${options.port ?? 22}`;
    if (options.hostKeyFingerprint !== null) {
      this.pinned = normalizeFingerprint(options.hostKeyFingerprint);
      if (this.pinned === null) {
        throw new Error(`${this.label}: malformed host key fingerprint ${JSON.stringify(options.hostKeyFingerprint)} (expected SHA256:<43 base64 characters>)`);
      }
    } else {
      this.pinned = null;
    }
    if (options.privateKey === undefined && options.privateKeyPath === undefined) {
      throw new Error(`${this.label}: either privateKey or privateKeyPath is required`);
    }
  }

  async run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    const { channel, exit } = await this.openExec(shellCommand(cmd, args));
    const started = performance.now();

    return new Promise<CommandResult>((resolve, reject) => {
      const stdout = new CappedBuffer(maxBytes);
      const stderr = new CappedBuffer(maxBytes);
      let timedOut = false;
      let settled = false;
      let grace: NodeJS.Timeout | undefined;

      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(grace);
        if (!exit.got && !timedOut && this.conn === null) {
          reject(new RunnerError('connection-lost', `${this.label}: connection lost while running ${cmd}`, this.label));
          return;
        }
        resolve(commandResult(exit, stdout, stderr, timedOut, started));
      };

      const timer = setTimeout(() => {
        timedOut = true;
        stopChannel(channel, 'KILL');
        grace = setTimeout(finish, CLOSE_GRACE_MS);
      }, timeoutMs);

      channel.on('data', (c: Buffer) => stdout.push(c));
      channel.stderr.on('data', (c: Buffer) => stderr.push(c));
      channel.on('close', finish);
      channel.end(opts.stdin ?? undefined);
    });
  }

  spawnStream(cmd: string, args: string[], opts: StreamOptions): StreamHandle {
    const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    let channel: ClientChannel | null = null;
    let killed = false;

    const exited = (async (): Promise<StreamExit> => {
      let exit: ExitRecord;
      try {
        ({ channel, exit } = await this.openExec(streamCommand(cmd, args)));
      } catch (err) {
        return { code: null, signal: null, error: err instanceof RunnerError ? err : new RunnerError('failed', String(err), this.label) };
      }
      const ch = channel;
      if (killed) stopChannel(ch, 'TERM');
      return new Promise<StreamExit>((resolve) => {
        const out = new LineSplitter(opts.onLine, maxLine);
        const err = new LineSplitter(opts.onStderrLine ?? (() => {}), maxLine);
        ch.on('data', (c: Buffer) => out.push(c));
        ch.stderr.on('data', (c: Buffer) => err.push(c));
        ch.on('close', () => {
          out.end();
          err.end();
          const lost = !exit.got && !killed && this.conn === null;
          resolve({ code: exit.code, signal: exit.signal, error: lost ? new RunnerError('connection-lost', `${this.label}: connection lost while running ${cmd}`, this.label) : null });
        });
        // stdin stays open whatever opts.holdStdin says: its end is what stops the remote command
      });
    })();

    return {
      pid: undefined,
      exited,
      kill: (sig: NodeJS.Signals = 'SIGTERM') => {
        killed = true;
        if (!channel) return;
        // EOF on stdin ends the remote command (streamCommand); a signal alone does not reach it: OpenSSH
        // refuses signal requests for root sessions without privilege separation
        try {
          channel.end();
        } catch {
          // already closed
        }
        stopChannel(channel, sig.replace(/^SIG/, ''));
      },
    };
  }

  async close(): Promise<void> {
    const pending = this.connecting;
    if (pending) await pending.catch(() => undefined);
    const conn = this.conn;
    this.conn = null;
    if (!conn) return;
    await new Promise<void>((resolve) => {
      conn.once('close', () => resolve());
      conn.end();
    });
  }

  /** An exec channel on the shared connection; reconnects once if the connection turns out to be gone. */
  private async openExec(command: string): Promise<ExecChannel> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      try {
        return await new Promise<ExecChannel>((resolve, reject) => {
          client.exec(command, (err, channel) => {
            if (err) return reject(err);
            // Listen for the exit status at once: a fast command's data, exit-status and close can arrive in
            // the same packet as the exec reply, before the awaiting caller runs; data is buffered by the
            // stream, but a plain 'exit' event emitted then would be lost.
            const exit: ExitRecord = { got: false, code: null, signal: null };
            channel.on('exit', (c: number | null, sig?: string) => {
              exit.got = true;
              if (typeof c === 'number') exit.code = c;
              else exit.signal = sig ? `SIG${sig}` : null;
            });
            resolve({ channel, exit });
          });
        });
      } catch (err) {
        const dropped = this.conn !== client || /not connected|no response|closed/i.test(String(err));
        if (dropped && attempt === 0) {
          if (this.conn === client) this.conn = null;
          client.end();
          continue;
        }
        throw new RunnerError('failed', `${this.label}: could not open a channel: ${(err as Error).message}`, this.label, { cause: err });
      }
    }
  }

  private connect(): Promise<Client> {
    if (this.conn) return Promise.resolve(this.conn);
    this.connecting ??= this.handshake().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async handshake(): Promise<Client> {
    const o = this.options;
    let privateKey: Buffer | string;
    if (o.privateKey !== undefined) {
      privateKey = o.privateKey;
    } else {
      try {
        privateKey = await readFile(o.privateKeyPath as string);
      } catch (err) {
        throw new RunnerError('auth-failed', `${this.label}: cannot read private key ${o.privateKeyPath}: ${(err as Error).message}`, this.label, { cause: err });
      }
    }

    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let hostKeyError: RunnerError | null = null;
      let ready = false;

      const verify = (key: Buffer): boolean => {
        const presented = sshFingerprint(key);
        if (this.pinned === null) {
          hostKeyError = new RunnerError(
            'unknown-host',
            `${this.label}: refusing unknown host: no host key fingerprint is pinned; the server presented ${presented} (check it out of band, e.g. \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the host, then pin it)`,
            this.label,
            { presented },
          );
          return false;
        }
        if (presented !== this.pinned) {
          hostKeyError = new RunnerError(
            'host-key-mismatch',
            `${this.label}: HOST KEY MISMATCH, refusing to connect: expected ${this.pinned}, the server presented ${presented}`,
            this.label,
            { presented },
          );
          return false;
        }
        return true;
      };

      client.on('ready', () => {
        ready = true;
        this.conn = client;
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (ready) return; // a drop after the handshake: 'close' follows and the next call reconnects
        reject(hostKeyError ?? this.classify(err));
        client.end();
      });
      client.on('close', () => {
        if (this.conn === client) this.conn = null;
        if (!ready) reject(hostKeyError ?? new RunnerError('unreachable', `${this.label}: connection closed during the handshake`, this.label));
      });

      const config: ConnectConfig = {
        host: o.host,
        port: o.port ?? 22,
        username: o.username,
        privateKey,
        readyTimeout: o.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        keepaliveInterval: o.keepaliveIntervalMs ?? 5_000,
        keepaliveCountMax: 3,
        hostVerifier: verify,
      };
      if (o.passphrase !== undefined) config.passphrase = o.passphrase;
      try {
        client.connect(config);
      } catch (err) {
        // e.g. a malformed private key is thrown synchronously
        reject(new RunnerError('auth-failed', `${this.label}: ${(err as Error).message}`, this.label, { cause: err }));
      }
    });
  }

  private classify(err: Error & { level?: string; code?: string }): RunnerError {
    if (err.level === 'client-authentication') {
      return new RunnerError('auth-failed', `${this.label}: authentication failed for ${this.options.username} (the server refused the key)`, this.label, { cause: err });
    }
    if (err.level === 'client-timeout') {
      return new RunnerError('timeout', `${this.label}: no SSH handshake within ${this.options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, this.label, { cause: err });
    }
    if (err.code !== undefined && UNREACHABLE_CODES.has(err.code)) {
      return new RunnerError('unreachable', `${this.label}: unreachable (${err.code}): ${err.message}`, this.label, { cause: err });
    }
    return new RunnerError('failed', `${this.label}: ${err.message}`, this.label, { cause: err });
  }
}

/**
 * A long-lived remote command that ends when our side ends its stdin: the command runs in the
 * background, a watcher waits for EOF on stdin and then kills it; the shell exits with the command's
 * status, also when the command ends by itself. Without it, closing the channel leaves the command
 * running on the node (sshd keeps a session with a live child, and refuses signals for root sessions
 * without privilege separation). Every word is quoted (shellCommand); the script around it is constant.
 */
export function streamCommand(cmd: string, args: readonly string[]): string {
  // a background job's stdin is /dev/null in a non-interactive shell: the watcher reads a copy (fd 3)
  const script = `exec 3<&0; ${shellCommand(cmd, args)} 3<&- & p=$!; { cat <&3 >/dev/null 2>&1; kill $p 2>/dev/null; } & w=$!; exec 3<&-; wait $p; s=$?; kill $w 2>/dev/null; exit $s`;
  return `sh -c ${quoteShellArg(script)}`;
}

/** Asks the remote side to signal the process (OpenSSH honours it since 7.9), then closes the channel. */
function stopChannel(channel: ClientChannel, signal: string): void {
  try {
    channel.signal(signal);
  } catch {
    // the channel may already be gone
  }
  try {
    channel.close();
  } catch {
    // ditto
  }
}
