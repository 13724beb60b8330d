// Resuming the simulated cluster after a BFF restart: the saved state is used when it was made with the
// same settings; its absolute times move forward by the time the BFF was down (the cluster was paused),
// so it resumes with the same faults and pending steps on the wall clock. Anything else starts fresh.
import { untilPhase } from '../phase';
import { SimConfig } from './options';
import { createSimSource, type SimSource } from './source';

/**
 * Moves every absolute time in a saved sim state (numbers that are epoch milliseconds) forward by
 * deltaMs, outside its config.
 */
export function shiftSimTimes(state: unknown, deltaMs: number): unknown {
  const EPOCH_MS = 1e12; // 2001-09-09: smaller numbers are durations, counters, ids
  const shift = (v: unknown, key: string | null): unknown => {
    if (key === 'config') return v;
    if (typeof v === 'number') return v >= EPOCH_MS ? v + deltaMs : v;
    if (Array.isArray(v)) return v.map((x) => shift(x, null));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shift(x, k)]));
    return v;
  };
  return shift(state, null);
}

/** the saved state when it was made with the same settings; null (start fresh, said in the log) otherwise */
function resumable(saved: unknown, options: SimConfig, log?: (message: string) => void): { config: unknown; clock: number } | null {
  const st = saved as { version?: unknown; config?: unknown; clock?: unknown } | null;
  if (!st || typeof st !== 'object' || st.version !== 1 || typeof st.clock !== 'number') {
    log?.(`cluster '${options.clusterId}': saved simulator state has an unknown format; starting a fresh simulation`);
    return null;
  }
  const before = SimConfig.safeParse(st.config);
  if (!before.success || JSON.stringify(before.data) !== JSON.stringify(options)) {
    log?.(`cluster '${options.clusterId}': simulator settings changed since the last run; starting a fresh simulation`);
    return null;
  }
  return st as { config: unknown; clock: number };
}

/**
 * The simulator for these settings, resumed from `saved` (what exportState gave a previous process) when it fits.
 * tickAt: the wall-clock phase of its ticks (they fall at times ≡ tickAt mod tickMs), fresh or resumed, whenever and
 * wherever it starts. Without it a resumed sim ticks where its shifted clock lands: sims moved together (a replica's
 * leases taken over at once) then tick in the same few ms and every replica gets their patches in one burst.
 */
export function resumeSimSource(options: SimConfig, saved: unknown, log?: (message: string) => void, now: () => number = Date.now, tickAt?: number): SimSource {
  const state = saved === undefined || saved === null ? null : resumable(saved, options, log);
  if (state) {
    try {
      const shifted = shiftSimTimes(state, Math.max(0, now() - state.clock)) as { clock: number; nextTickAt?: unknown };
      if (tickAt !== undefined) {
        // the next tick (a durable state has none: a tick after its clock) moved later, by under a tick, onto the phase
        const next = typeof shifted.nextTickAt === 'number' ? shifted.nextTickAt : shifted.clock + options.tickMs;
        shifted.nextTickAt = next + untilPhase(next, tickAt, options.tickMs);
      }
      return createSimSource({ state: shifted, now });
    } catch (err) {
      log?.(`cluster '${options.clusterId}': cannot resume the saved simulator state (${(err as Error).message}); starting a fresh simulation`);
    }
  }
  // the first tick a tick after the start, moved later onto the phase
  const tickPhaseMs = tickAt === undefined ? 0 : untilPhase(now() + options.tickMs, tickAt, options.tickMs);
  return createSimSource({ ...options, tickPhaseMs, now });
}
