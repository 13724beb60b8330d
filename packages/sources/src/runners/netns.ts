// Runs commands inside a Linux network namespace (the lab's nodes): `ip netns exec <ns> <cmd> <args...>`.
// libqb IPC uses abstract unix sockets, which are per network namespace, so corosync tools run this way
// reach the corosync of that namespace. `ip` execs the command, so timeouts kill the tool itself.
import { LocalRunner } from './local';
import { RunnerError, type CommandResult, type RunOptions } from './types';

const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export class NetnsRunner extends LocalRunner {
  constructor(
    readonly namespace: string,
    options: { ipPath?: string } = {},
  ) {
    if (!NETNS_NAME.test(namespace)) throw new Error(`invalid network namespace name: ${JSON.stringify(namespace)}`);
    super({ label: `netns ${namespace}` });
    this.ipPath = options.ipPath ?? 'ip';
  }

  private readonly ipPath: string;

  /**
   * `ip netns exec` reports "could not run at all" as a message plus exit 255 (no namespace) or 1
   * (exec failed, iproute2 6.1); turn those into RunnerErrors. Matched on ip's exact wording only.
   */
  override async run(cmd: string, args: string[], opts?: RunOptions): Promise<CommandResult> {
    const result = await super.run(cmd, args, opts);
    if (result.code === 255 && result.stderr.startsWith(`Cannot open network namespace "${this.namespace}"`)) {
      throw new RunnerError('unreachable', `${this.label}: no such network namespace: ${result.stderr.trim()}`, this.label);
    }
    if ((result.code === 1 || result.code === 255) && result.stderr.startsWith(`exec of "${cmd}" failed: No such file or directory`)) {
      throw new RunnerError('not-found', `${this.label}: command not found: ${cmd}`, this.label);
    }
    return result;
  }

  protected override argv(cmd: string, args: string[]): [string, string[]] {
    return [this.ipPath, ['netns', 'exec', this.namespace, cmd, ...args]];
  }
}
