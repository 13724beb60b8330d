// PostgreSQL's side of the store's health (/healthz): reachable or not. A store call that fails for want of the
// database says so at once (noteError); check() asks the server (select 1), at most once per
// REACHABILITY_CHECK_MS however often probes come, and is what clears it. Page damage is the server's own
// business (checksums, WAL): there is no "corrupt" here.
import type { StoreHealth } from '../integrity';
import { isUnreachable } from './errors';

/** /healthz asks the server at most this often (probes every second cost one round trip per 2 s) */
export const REACHABILITY_CHECK_MS = 2_000;

export function createReachability(ping: () => Promise<void>, now: () => number) {
  let health: StoreHealth = { state: 'ok', message: `PostgreSQL answered at ${new Date(now()).toISOString()}` };
  let checkedAt = -Infinity;
  let checking: Promise<StoreHealth> | null = null;
  const down = (err: unknown) => {
    // since the first failure: the message keeps when it began
    if (health.state === 'unreachable') return;
    const why = err instanceof Error ? err.message : String(err);
    health = { state: 'unreachable', message: `the database cannot be reached since ${new Date(now()).toISOString()} (${why}); Quorate reconnects by itself` };
  };
  return {
    health: (): StoreHealth => ({ ...health }),
    /** true (and the state is unreachable) when err says the database could not be reached */
    noteError(err: unknown): boolean {
      if (!isUnreachable(err)) return false;
      down(err);
      return true;
    },
    /** the state after a round trip (one at a time, at most one per REACHABILITY_CHECK_MS); never throws */
    check(): Promise<StoreHealth> {
      if (now() - checkedAt < REACHABILITY_CHECK_MS) return Promise.resolve({ ...health });
      checking ??= ping()
        .then(
          () => void (health = { state: 'ok', message: `PostgreSQL answered at ${new Date(now()).toISOString()}` }),
          (err: unknown) => down(err),
        )
        .then(() => {
          checkedAt = now();
          checking = null;
          return { ...health };
        });
      return checking;
    },
  };
}
