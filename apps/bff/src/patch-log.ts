// The last N patches of one cluster, so a reconnecting client can catch up without a full snapshot.
import type { SnapshotPatch } from '@quorate/model';

export class PatchLog {
  private patches: SnapshotPatch[] = [];

  constructor(private readonly capacity = 500) {}

  push(patch: SnapshotPatch): void {
    const last = this.patches[this.patches.length - 1];
    // a break in the chain makes older patches useless for resuming
    if (last && patch.baseRev !== last.rev) this.patches = [];
    this.patches.push(patch);
    if (this.patches.length > this.capacity) this.patches.shift();
  }

  clear(): void {
    this.patches = [];
  }

  /** the patches that lead from rev to the newest, or null when rev is outside the kept window */
  since(rev: number): SnapshotPatch[] | null {
    const first = this.patches[0];
    const last = this.patches[this.patches.length - 1];
    if (!first || !last) return null;
    if (rev === last.rev) return [];
    if (rev < first.baseRev || rev > last.rev) return null;
    return this.patches.slice(rev - first.baseRev);
  }
}
