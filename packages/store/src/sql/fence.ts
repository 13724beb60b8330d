// The fencing check a collector's writes carry: the write goes through only while the lease row still
// names that holder and token and has not expired. Run inside the write's own transaction, so a former
// holder (paused, then resumed after someone else took over) cannot write.
import { z } from 'zod';
import type { Dialect } from './schema';
import type { Tx } from './tx';

export const Fence = z.object({ holder: z.string().min(1).max(200), token: z.number().int().min(1) });
export type Fence = z.infer<typeof Fence>;

export class FencedError extends Error {
  constructor(
    readonly clusterId: string,
    readonly fence: Fence,
    readonly why: 'no-lease' | 'other-holder' | 'expired',
  ) {
    super(`fenced: ${fence.holder} (token ${fence.token}) no longer holds the lease of ${clusterId} (${why})`);
    this.name = 'FencedError';
  }
}

/**
 * Throws FencedError unless the fence is current. On PostgreSQL the lease row stays locked (FOR UPDATE)
 * until the transaction ends, so an acquire by someone else waits for this write to commit or roll back:
 * the write lands entirely before the new holder's token exists, or not at all. On SQLite the caller's
 * BEGIN IMMEDIATE already excludes every other writer.
 */
export async function checkFence(tx: Tx, dialect: Dialect, clusterId: string, fence: Fence, now: number): Promise<void> {
  let q = tx.selectFrom('leases').select(['holder', 'token', 'expires_at']).where('cluster_id', '=', clusterId);
  if (dialect === 'postgres') q = q.forUpdate();
  const lease = await q.executeTakeFirst();
  if (!lease) throw new FencedError(clusterId, fence, 'no-lease');
  if (lease.holder !== fence.holder || lease.token !== fence.token) throw new FencedError(clusterId, fence, 'other-holder');
  if (lease.expires_at <= now) throw new FencedError(clusterId, fence, 'expired');
}
