// What the sim's cluster operations (join.ts, create.ts, delnode.ts) act on and how they run: on the
// simulated state through a small control surface, one at a time, with progress lines (task log lines)
// a step apart in sim time, and an AbortSignal honoured until the point of no return.
import type { ClusterSnapshot, SimFault } from '@quorate/model';
import { SimFaultError } from './errors';
import type { SimState } from './state';

/** between two task log lines (Proxmox's join prints a line every few hundred ms) */
export const TASK_STEP_MS = 300;
/** how often an operation looks whether the cluster has settled (the new node online, quorum) */
export const SETTLE_POLL_MS = 250;
/** longest wait for a settled cluster: several Corosync join delays at the largest token */
export const SETTLE_MAX_MS = 120_000;

/** the simulation as the operations see it (createSimSource implements it) */
export interface SimControl {
  /** a copy of the whole state */
  state(): SimState;
  snapshot(): ClusterSnapshot;
  /** continue from this state (a new nodelist, spares): emits a snapshot */
  replace(state: SimState): void;
  applyFault(fault: SimFault): void;
}

export interface OperationOptions {
  /** one task log line */
  log?: (line: string) => void;
  /** cancels the operation before its point of no return; nothing has changed then */
  signal?: AbortSignal;
  /** waits ms of sim time; default: real timers (the sim runs on the wall clock); tests advance the sim */
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** a running operation's helpers */
export function runner(o: OperationOptions) {
  const sleep = o.sleep ?? realSleep;
  return {
    async line(text: string): Promise<void> {
      o.log?.(text);
      await sleep(TASK_STEP_MS);
    },
    /** throws when cancelled (before the point of no return only: callers stop asking after it) */
    checkAbort(what: string): void {
      if (o.signal?.aborted) throw new SimFaultError(`${what} cancelled; nothing was changed`);
    },
    /** waits until ok() holds; throws after SETTLE_MAX_MS */
    async until(ok: () => boolean, what: string): Promise<void> {
      for (let waited = 0; !ok(); waited += SETTLE_POLL_MS) {
        if (waited >= SETTLE_MAX_MS) throw new SimFaultError(`timed out after ${SETTLE_MAX_MS / 1000} s waiting for ${what}`);
        await sleep(SETTLE_POLL_MS);
      }
    },
  };
}
