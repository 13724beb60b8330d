// Lookups that can only fail through a bug in the simulator, never through bad input. The compiler types
// every index as possibly missing (noUncheckedIndexedAccess); these say so once, and fail loudly and by
// name instead of letting an undefined travel on into a snapshot.

/** a broken internal invariant of the simulator (a bug, not a refused fault: that is SimFaultError) */
export class SimInvariantError extends Error {
  constructor(message: string) {
    super(`simulator invariant broken: ${message}`);
    this.name = 'SimInvariantError';
  }
}

/** list[index], which must exist. For cold paths: called from everywhere with every element type, it
 * is slow in a hot loop (links.ts and union-find.ts check their own lookups in place). */
export function at<T>(list: ArrayLike<T>, index: number, what: string): T {
  const v = list[index];
  if (v === undefined) throw new SimInvariantError(`no ${what} at index ${index} (of ${list.length})`);
  return v;
}
