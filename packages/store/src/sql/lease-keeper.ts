// Holds this replica's share of the per-cluster leases (lease-plan.ts): every round it renews what it holds,
// takes free leases up to its share (a dead replica's expire after ttlMs and are taken here) and hands one
// over when it holds more than its part. It says which clusters it gained (with the fencing token, for the
// collector's writes) and lost (stop collecting at once: another replica may hold it already).
// A round that cannot reach the database keeps a lease only until the lease would have expired anyway.
import type { LeaseStore } from './leases';
import { PRESENCE_PREFIX, planLeases } from './lease-plan';

export interface LeaseKeeperOptions {
  leases: LeaseStore;
  /** unique per process start (host, pid and a random part): see leases.ts */
  holder: string;
  /** a lease lives this long unless renewed; a dead holder's clusters move after it */
  ttlMs: number;
  /** a round this often: well under ttlMs, so a live holder never lapses (ttlMs / 3) */
  roundMs: number;
  /** the clusters to share out, asked every round */
  clusters: () => readonly string[];
  onGain: (clusterId: string, token: number) => void;
  onLose: (clusterId: string, why: 'expired' | 'handed over' | 'removed' | 'stopped') => void;
  onError?: (err: unknown) => void;
  now?: () => number;
}

export type LeaseKeeper = ReturnType<typeof createLeaseKeeper>;

export function createLeaseKeeper(o: LeaseKeeperOptions) {
  const now = o.now ?? Date.now;
  /** clusterId → our token and when the lease was last confirmed ours */
  const held = new Map<string, { token: number; confirmedAt: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  /** our presence lease: counts this replica in every share, also while it holds no cluster */
  const presence = `${PRESENCE_PREFIX}${o.holder}`;
  let presenceToken: number | null = null;

  const lose = (clusterId: string, why: Parameters<LeaseKeeperOptions['onLose']>[1]) => {
    if (held.delete(clusterId)) o.onLose(clusterId, why);
  };

  async function roundOnce(): Promise<void> {
    // a database that does not answer must not skip the expiry check below
    presenceToken = await o.leases.acquire(presence, o.holder, o.ttlMs).then(
      (got) => got?.token ?? null,
      (err: unknown) => {
        o.onError?.(err);
        return presenceToken;
      },
    );
    const clusters = o.clusters();
    const configured = new Set(clusters);
    for (const [clusterId, h] of [...held]) {
      if (!configured.has(clusterId)) {
        lose(clusterId, 'removed');
        await o.leases.release(clusterId, o.holder, h.token).catch((err: unknown) => o.onError?.(err));
        continue;
      }
      const t = now();
      try {
        if (await o.leases.renew(clusterId, o.holder, h.token, o.ttlMs)) h.confirmedAt = t;
        else lose(clusterId, 'expired');
      } catch (err) {
        o.onError?.(err);
        // not confirmed: past its expiry another replica may hold it, so stop writing as if it were lost
        if (now() >= h.confirmedAt + o.ttlMs) lose(clusterId, 'expired');
      }
    }
    const plan = planLeases({ self: o.holder, now: now(), clusters, leases: await o.leases.list(), held: new Set(held.keys()) });
    for (const clusterId of plan.release) {
      const h = held.get(clusterId);
      if (!h) continue;
      lose(clusterId, 'handed over');
      await o.leases.release(clusterId, o.holder, h.token);
    }
    for (const clusterId of plan.acquire) {
      if (stopped) return;
      const t = now();
      const got = await o.leases.acquire(clusterId, o.holder, o.ttlMs);
      if (!got) continue; // another replica was quicker
      held.set(clusterId, { token: got.token, confirmedAt: t });
      o.onGain(clusterId, got.token);
    }
  }

  /** one round; rounds never overlap (a slow database makes the next one wait) */
  function round(): Promise<void> {
    running ??= roundOnce()
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => {
        running = null;
      });
    return running;
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void round().finally(schedule), o.roundMs);
    timer.unref?.();
  };

  return {
    round,
    /** the clusters held and their fencing tokens */
    held: (): Map<string, number> => new Map([...held].map(([c, h]) => [c, h.token])),
    /** a first round at once, then one every roundMs */
    async start(): Promise<void> {
      stopped = false;
      await round();
      schedule();
    },
    /** stops the rounds; release: give the leases back so other replicas take them at once (a clean shutdown) */
    async stop(release = true): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      for (const [clusterId, h] of [...held]) {
        lose(clusterId, 'stopped');
        if (release) await o.leases.release(clusterId, o.holder, h.token).catch((err: unknown) => o.onError?.(err));
      }
      if (release && presenceToken !== null) await o.leases.release(presence, o.holder, presenceToken).catch((err: unknown) => o.onError?.(err));
    },
  };
}
