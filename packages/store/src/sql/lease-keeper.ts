// Holds this replica's share of the per-cluster leases (lease-plan.ts): every round it renews what it holds,
// takes free leases up to its share (a dead replica's expire after ttlMs and are taken here) and hands one
// over when it holds more than its part. It says which clusters it gained (with the fencing token, for the
// collector's writes) and lost (stop collecting at once: another replica may hold it already).
// A database that fails or does not answer keeps a lease only while the lease is sure to be live until the
// next round: a lease is dropped (onLose 'expired') one round before it could lapse unrenewed.
import type { Lease, LeaseStore } from './leases';
import { PRESENCE_PREFIX, planLeases } from './lease-plan';

export interface LeaseKeeperOptions {
  leases: Pick<LeaseStore, 'acquire' | 'renew' | 'release' | 'list'>;
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

/** a round this long after another holder's lease lapses (clocks' granularity; a lapse not yet seen is the next round's) */
export const LAPSE_MARGIN_MS = 20;

/** when the soonest live lease of another holder lapses (unless renewed), or null when none is live */
export function nextLapse(leases: readonly Pick<Lease, 'holder' | 'expiresAt'>[], self: string, now: number): number | null {
  let soonest: number | null = null;
  for (const l of leases) if (l.holder !== self && l.expiresAt > now && (soonest === null || l.expiresAt < soonest)) soonest = l.expiresAt;
  return soonest;
}

export function createLeaseKeeper(o: LeaseKeeperOptions) {
  if (!(o.roundMs > 0 && o.roundMs < o.ttlMs)) throw new Error(`lease keeper: roundMs (${o.roundMs}) must be above 0 and under ttlMs (${o.ttlMs})`);
  const now = o.now ?? Date.now;
  /** clusterId → our token and when (before the call that confirmed it) the lease was last confirmed ours */
  const held = new Map<string, { token: number; confirmedAt: number }>();
  let timer: ReturnType<typeof setInterval> | null = null;
  /** a round due right after another holder's lease lapses (atLapse) */
  let early: ReturnType<typeof setTimeout> | null = null;
  /** on its own timers (start() until stop()); rounds driven by hand schedule nothing */
  let timed = false;
  let running: Promise<void> | null = null;
  let stopped = false;
  /** our presence lease: counts this replica in every share, also while it holds no cluster */
  const presence = `${PRESENCE_PREFIX}${o.holder}`;
  let presenceToken: number | null = null;
  const report = (err: unknown) => o.onError?.(err);

  const lose = (clusterId: string, why: Parameters<LeaseKeeperOptions['onLose']>[1]) => {
    if (held.delete(clusterId)) o.onLose(clusterId, why);
  };

  /** the lease was confirmed at confirmedAt for ttlMs: unconfirmed, it may lapse before the next round */
  const lapsing = (h: { confirmedAt: number }) => now() + o.roundMs >= h.confirmedAt + o.ttlMs;
  const dropLapsing = () => {
    for (const [clusterId, h] of [...held]) if (lapsing(h)) lose(clusterId, 'expired');
  };

  async function roundOnce(): Promise<void> {
    // errors are reported and the round goes on: the expiry check below must run whatever fails
    presenceToken = await o.leases.acquire(presence, o.holder, o.ttlMs).then(
      (got) => got?.token ?? null,
      (err: unknown) => (report(err), presenceToken),
    );
    let clusters: readonly string[] | null;
    try {
      clusters = o.clusters();
    } catch (err) {
      report(err);
      clusters = null; // unknown: keep what is held, take nothing
    }
    const configured = new Set(clusters ?? held.keys());
    for (const [clusterId, h] of [...held]) {
      if (!configured.has(clusterId)) {
        lose(clusterId, 'removed');
        await o.leases.release(clusterId, o.holder, h.token).catch(report);
        continue;
      }
      const t = now();
      try {
        const ok = await o.leases.renew(clusterId, o.holder, h.token, o.ttlMs);
        // (dropped meanwhile by a tick while this round hung: stays dropped, the lease lapses unused)
        if (ok) h.confirmedAt = t;
        else lose(clusterId, 'expired');
      } catch (err) {
        report(err);
        // not confirmed: past its expiry another replica may hold it, so stop writing before that
        if (lapsing(h)) lose(clusterId, 'expired');
      }
    }
    if (clusters === null || stopped) return;
    const leases = await o.leases.list();
    const listedAt = now();
    atLapse(nextLapse(leases, o.holder, listedAt), listedAt);
    const plan = planLeases({ self: o.holder, now: listedAt, clusters, leases, held: new Set(held.keys()) });
    for (const clusterId of plan.release) {
      const h = held.get(clusterId);
      if (!h) continue;
      // lost before released: the next holder cannot gain it while we still collect
      lose(clusterId, 'handed over');
      await o.leases.release(clusterId, o.holder, h.token).catch(report);
    }
    for (const clusterId of plan.acquire) {
      if (stopped) return;
      const t = now();
      const got = await o.leases.acquire(clusterId, o.holder, o.ttlMs);
      if (!got) continue; // another replica was quicker
      if (stopped) {
        // stop() came during the call: never gain after 'stopped'
        await o.leases.release(clusterId, o.holder, got.token).catch(report);
        return;
      }
      held.set(clusterId, { token: got.token, confirmedAt: t });
      o.onGain(clusterId, got.token);
    }
  }

  /**
   * A round right after a lease of another holder lapses, when that comes before the next round: a live holder
   * renews every round, so only a dead (or stalled) one's lease gets that close. Its clusters then move a ttl
   * after its last renewal, not up to a round later.
   */
  function atLapse(lapse: number | null, t: number): void {
    if (!timed || lapse === null || lapse - t >= o.roundMs) return;
    if (early) clearTimeout(early);
    early = setTimeout(() => {
      early = null;
      void round();
    }, lapse - t + LAPSE_MARGIN_MS);
    early.unref?.();
  }

  /**
   * One round (none after stop()); rounds never overlap. While one still runs (a slow or hung database) this only drops the
   * leases that may lapse before the next round, and returns the running round.
   */
  function round(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      dropLapsing();
      return running;
    }
    running = roundOnce()
      .catch(report)
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    round,
    /** the clusters held and their fencing tokens */
    held: (): Map<string, number> => new Map([...held].map(([c, h]) => [c, h.token])),
    /** a first round at once, then one every roundMs (a timer independent of the rounds, so a hung round still expires leases) */
    async start(): Promise<void> {
      stopped = false;
      timed = true;
      await round();
      if (stopped || timer) return;
      timer = setInterval(() => void round(), o.roundMs);
      timer.unref?.();
    },
    /** stops the rounds; release: give the leases back so other replicas take them at once (a clean shutdown) */
    async stop(release = true): Promise<void> {
      stopped = true;
      timed = false;
      if (timer) clearInterval(timer);
      if (early) clearTimeout(early);
      timer = null;
      early = null;
      // stop collecting at once, even while a round waits on a database that does not answer
      const had = [...held];
      for (const [clusterId] of had) lose(clusterId, 'stopped');
      await running;
      if (!release) return;
      for (const [clusterId, h] of had) await o.leases.release(clusterId, o.holder, h.token).catch(report);
      if (presenceToken !== null) await o.leases.release(presence, o.holder, presenceToken).catch(report);
      presenceToken = null;
    },
  };
}
