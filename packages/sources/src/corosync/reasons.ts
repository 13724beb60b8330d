// Why a node could not be asked, in words for the dashboard. Tool output is never quoted beyond the
// tool's own one-line error, so nothing from a remote host's environment ends up in a reason.
import { RunnerError, type CommandResult } from '../runners';

export function timeoutReason(timeoutMs: number): string {
  const s = timeoutMs % 1000 === 0 ? String(timeoutMs / 1000) : (timeoutMs / 1000).toFixed(1);
  return `timeout after ${s} s (Corosync frozen or overloaded?)`;
}

/** The tools' words when no Corosync answers (libqb IPC fails). */
const NO_COROSYNC = /Cannot initialize (CMAP|QUORUM|CFG) service|Failed to initialize the cmap API|CS_ERR_LIBRARY|CS_ERR_TRY_AGAIN/;

export function noCorosyncReason(stderr: string): string | null {
  const m = NO_COROSYNC.exec(stderr);
  if (!m) return null;
  const word = m[1] ?? 'CMAP';
  return `no Corosync running (Cannot initialize ${word} service)`;
}

/** A finished command that did not give usable output: why, or null when it did. */
export function resultReason(r: CommandResult, timeoutMs: number, okCodes: readonly number[] = [0]): string | null {
  if (r.timedOut) return timeoutReason(timeoutMs);
  const noCorosync = noCorosyncReason(r.stderr);
  if (noCorosync !== null && (r.code === null || !okCodes.includes(r.code) || r.stdout.trim() === '')) return noCorosync;
  if (r.code === null) return `killed by ${r.signal ?? 'a signal'}`;
  if (!okCodes.includes(r.code)) {
    const first = r.stderr.trim().split('\n')[0]?.slice(0, 160) ?? '';
    return `exit ${r.code}${first ? `: ${first}` : ''}`;
  }
  return null;
}

export function runnerErrorReason(err: unknown): string {
  if (!(err instanceof RunnerError)) return `failed: ${err instanceof Error ? err.message : String(err)}`;
  switch (err.reason) {
    case 'host-key-mismatch': {
      // the runner's message names both fingerprints: the admin needs them to tell a reinstall from an attack
      const m = /expected (\S+), the server presented (\S+)/.exec(err.message);
      return m ? `host key mismatch: pinned ${m[1]}, the node presented ${m[2]}` : 'host key mismatch';
    }
    case 'unknown-host':
      return 'unknown host key (none pinned)';
    case 'auth-failed':
      return 'auth failed';
    case 'unreachable':
    case 'connection-lost':
    case 'timeout':
      return 'unreachable';
    case 'not-found':
      return 'Corosync tools not installed';
    case 'permission-denied':
      return 'permission denied';
    case 'failed':
      return `failed: ${err.message.slice(0, 160)}`;
  }
}

export function unexpectedOutputReason(message: string, line?: number): string {
  return `unexpected output: ${line ? `line ${line}: ` : ''}${message}`;
}
