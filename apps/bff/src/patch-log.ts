// The last patches of one cluster, so a reconnecting client can catch up without a full snapshot. Bounded by
// count and by the items they hold (nodes, links, views, storages upserted or removed): a patch keeps what it
// upserts alive, and latency moves every link every second, so each patch holds most of a snapshot — at 100
// clusters the log held most of the BFF's heap (bench:clusters). Patches worth more than twice the snapshot
// are not worth keeping: past that a client gets the snapshot, which is cheaper to send.
import type { SnapshotPatch } from '@quorate/model';

/** items a log holds at most, whatever the snapshot (a 32-node, 8-link cluster has 7,936 links) */
export const PATCH_LOG_MAX_ITEMS = 16_000;
/** items a log may always hold, however small the snapshot */
const MIN_ITEMS = 256;

/** the items of a snapshot, to bound its patches by */
export const snapshotItems = (s: { nodes: unknown[]; links: unknown[]; views: unknown[]; storage?: unknown[] | null }): number =>
  s.nodes.length + s.links.length + s.views.length + (s.storage?.length ?? 0);

const itemsOf = (p: SnapshotPatch): number =>
  (p.nodes ? p.nodes.upsert.length + p.nodes.remove.length : 0) +
  (p.links ? p.links.upsert.length + p.links.remove.length : 0) +
  (p.views ? p.views.upsert.length + p.views.remove.length : 0) +
  (p.storageItems ? p.storageItems.upsert.length + p.storageItems.remove.length : 0) +
  // telemetry columns: a link's or a view's worth each (smaller than an item; counted as one, to be safe)
  (p.linkStats ? p.linkStats.length / 4 : 0) +
  (p.viewStamps ? p.viewStamps.length / 2 : 0) +
  1;

export class PatchLog {
  private patches: SnapshotPatch[] = [];
  private items = 0;

  constructor(
    private readonly capacity = 500,
    private readonly maxItems = PATCH_LOG_MAX_ITEMS,
  ) {}

  /** snapshotSize: the items of the snapshot after the patch (snapshotItems); the log keeps at most twice that */
  push(patch: SnapshotPatch, snapshotSize = Infinity): void {
    const last = this.patches[this.patches.length - 1];
    // a break in the chain makes older patches useless for resuming
    if (last && patch.baseRev !== last.rev) this.clear();
    this.patches.push(patch);
    this.items += itemsOf(patch);
    const budget = Math.min(this.maxItems, Math.max(MIN_ITEMS, 2 * snapshotSize));
    // the newest always stays: a client one patch behind resumes
    while (this.patches.length > 1 && (this.patches.length > this.capacity || this.items > budget)) this.items -= itemsOf(this.patches.shift()!);
  }

  clear(): void {
    this.patches = [];
    this.items = 0;
  }

  /** the patches that lead from rev to the newest, or null when rev is outside the kept window */
  since(rev: number): SnapshotPatch[] | null {
    const first = this.patches[0];
    const last = this.patches[this.patches.length - 1];
    if (!first || !last) return null;
    if (rev === last.rev) return [];
    if (rev < first.baseRev || rev > last.rev) return null;
    // the patch that starts at rev (revs rise, but a chain continued by another collector jumps: see
    // Collector.continueFrom); a rev between two patches was never the newest here
    let lo = 0;
    let hi = this.patches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.patches[mid]!.baseRev < rev) lo = mid + 1;
      else hi = mid;
    }
    return this.patches[lo]!.baseRev === rev ? this.patches.slice(lo) : null;
  }
}
