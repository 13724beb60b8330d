// A polling source's cadence on the wall clock: each cluster polls at its own phase within the interval (a hash
// of its id), whenever it started. Clusters started together (a BFF's start, a replica's takeover) then do not
// all poll in the same few milliseconds of every interval — the sim's ticks did, and that burst was most of
// bench:scale's p99 (issue 17).
import { seedOf } from './sim/rng';

/** the cluster's phase within a period: the same at every start and on every replica (the sim's ticks, the pve polls) */
export const phaseOf = (clusterId: string, periodMs: number): number => seedOf(clusterId) % periodMs;

/** ms from t to the next moment at `phase` within `period` (0 when t is one) */
export const untilPhase = (t: number, phase: number, periodMs: number): number => (((phase - t) % periodMs) + periodMs) % periodMs;

/**
 * ms from now to the next moment at `phase` within `period` that is at least half a period away: after a quick
 * answer the next poll comes a period after the last one; after a slow one (over half a period) a slot is skipped
 * rather than polled right after the answer.
 */
export function untilSlot(now: number, phase: number, periodMs: number): number {
  const d = untilPhase(now, phase, periodMs);
  return d < periodMs / 2 ? d + periodMs : d;
}
