// Periodic work of many clusters spread over its period: each cluster's own offset, a hash of its id (the same
// at every start and on every replica). Clusters started together would otherwise do it in the same second
// (bench:scale: 33 clusters' link rollups, or checkpoints, at once stalled a replica).
import { createHash } from 'node:crypto';

/** the key's offset in [0, rangeMs) */
export function spreadOf(key: string, rangeMs: number): number {
  return rangeMs <= 0 ? 0 : createHash('sha1').update(key).digest().readUInt32BE(0) % rangeMs;
}
