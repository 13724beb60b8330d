// Connected components over node indices: the nodes that can reach each other over some working link
// end up with one root, and a partition is one root's nodes.
import { SimInvariantError } from './invariant';

export class UnionFind {
  private readonly parent: number[];

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }

  /** the root of x's component (halving the path on the way) */
  find(x: number): number {
    let p = this.parentOf(x);
    while (p !== x) {
      const grandparent = this.parentOf(p);
      this.parent[x] = grandparent;
      x = grandparent;
      p = this.parentOf(x);
    }
    return x;
  }

  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }

  private parentOf(x: number): number {
    const p = this.parent[x];
    if (p === undefined) throw new SimInvariantError(`node index ${x} is outside the ${this.parent.length} nodes`);
    return p;
  }
}
