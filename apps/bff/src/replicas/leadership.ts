// Which clusters this replica leads (runs the collector of) and which it mirrors: the lease keeper's share of
// the per-cluster leases (packages/store sql/lease-keeper.ts). A replica's lease holder name starts with the
// URL the others reach it at, so the holder of a cluster's lease is also where its operations are forwarded
// (forward.ts) — one row says both, with no table of replicas to keep in step.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createLeaseKeeper, type Fence, type LeaseStore } from '@quorate/store';
import { HttpError } from '../http-errors';

/** a round renews every lease three times per ttl: a live holder never lapses, even with one slow round */
const ROUNDS_PER_TTL = 3;

/** unique per process start (a restarted process must not renew what its paused predecessor holds) */
export function holderName(replicaUrl: string): string {
  return `${replicaUrl}#${hostname().slice(0, 60)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** the replica URL a holder name starts with; null for a name that has none (not a replica's) */
export function urlOfHolder(holder: string): string | null {
  const url = holder.slice(0, holder.indexOf('#'));
  return /^https?:\/\/[^\s/#]+$/.test(url) ? url : null;
}

export interface LeadershipOptions {
  leases: Pick<LeaseStore, 'acquire' | 'renew' | 'release' | 'list' | 'live'>;
  /** how the other replicas reach this one */
  replicaUrl: string;
  ttlMs: number;
  /** the clusters to share out (asked every round) */
  clusters: () => readonly string[];
  /** this replica now runs the cluster's collector; its writes carry the fence */
  onLead: (clusterId: string, fence: Fence) => void;
  /** stop collecting at once: another replica may lead it already */
  onFollow: (clusterId: string, why: string) => void;
  onError: (err: unknown) => void;
  now?: () => number;
}

export type Leadership = ReturnType<typeof createLeadership>;

export function createLeadership(o: LeadershipOptions) {
  const holder = holderName(o.replicaUrl);
  const keeper = createLeaseKeeper({
    leases: o.leases,
    holder,
    ttlMs: o.ttlMs,
    roundMs: Math.floor(o.ttlMs / ROUNDS_PER_TTL),
    clusters: o.clusters,
    onGain: (clusterId, token) => o.onLead(clusterId, { holder, token }),
    onLose: (clusterId, why) => o.onFollow(clusterId, why),
    onError: o.onError,
    ...(o.now ? { now: o.now } : {}),
  });
  // what is led here is what the keeper holds (it updates that before it calls onGain/onLose)
  const tokenOf = (clusterId: string): number | undefined => keeper.held().get(clusterId);
  return {
    holder,
    leads: (clusterId: string): boolean => tokenOf(clusterId) !== undefined,
    fenceOf: (clusterId: string): Fence | null => {
      const token = tokenOf(clusterId);
      return token === undefined ? null : { holder, token };
    },
    /** the clusters led here */
    led: (): string[] => [...keeper.held().keys()],
    /**
     * The URL of the replica leading the cluster, or null when it is this one. 503 (retry) while no replica
     * holds it — between a holder's death and the takeover, about the lease ttl.
     */
    async holderUrl(clusterId: string): Promise<string | null> {
      if (tokenOf(clusterId) !== undefined) return null;
      const lease = await o.leases.live(clusterId);
      const url = lease ? urlOfHolder(lease.holder) : null;
      if (lease?.holder === holder) return null; // ours, not yet confirmed by a round
      if (!url) {
        const waitS = Math.ceil(o.ttlMs / 1000);
        throw new HttpError(503, `no replica runs cluster ${clusterId} at the moment (one takes over within ${waitS} s): try again`, undefined, { retryAfterS: waitS }, { 'Retry-After': String(waitS) });
      }
      return url;
    },
    start: () => keeper.start(),
    round: () => keeper.round(),
    /** release: give the leases back so the others take them at once (a clean shutdown) */
    stop: (release = true) => keeper.stop(release),
  };
}
