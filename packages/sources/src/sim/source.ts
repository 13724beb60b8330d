// The simulated cluster as a ClusterSource: the engine on its own clock, driven by real timers after
// start() or by advance() in tests, emitting a snapshot on every change and every tick.
import type { ClusterSnapshot, SimFault } from '@quorate/model';
import type { ClusterSource, SnapshotListener, SourceHealth } from '../source';
import { SimEngine, type SimState } from './engine';
import { SimFaultError } from './errors';
import { SimConfig, type SimOptions } from './options';

export interface SimSource extends ClusterSource {
  readonly kind: 'sim';
  /** inject a fault; validated first: an invalid fault throws SimFaultError and changes nothing */
  applyFault(fault: SimFault): void;
  /** like `pvecm expected n` on the observer; throws SimFaultError with corosync's refusal */
  setExpectedVotes(n: number): void;
  /** move the simulated clock (deterministic; for tests and benchmarks) */
  advance(ms: number): void;
  /** the simulated clock (ms since epoch) */
  now(): number;
  /** everything needed to resume with createSimSource({ state }) */
  exportState(): SimState;
}

function restoreState(raw: unknown): SimState {
  const st = raw as Partial<SimState> | null;
  if (!st || typeof st !== 'object' || st.version !== 1 || !st.config) throw new SimFaultError('cannot resume the simulation: unknown state format');
  return { ...(st as SimState), config: SimConfig.parse(st.config) };
}

export function createSimSource(options: SimOptions = {}): SimSource {
  const wall = options.now ?? Date.now;
  const state = options.state !== undefined ? restoreState(options.state) : undefined;
  const config = state?.config ?? SimConfig.parse(options);
  const engine = new SimEngine(config, wall(), state);
  const listeners = new Set<SnapshotListener>();
  let latest: ClusterSnapshot = engine.snapshot();
  let timer: ReturnType<typeof setInterval> | null = null;
  let lastWall = 0;
  let running = false;

  const emit = () => {
    latest = engine.snapshot();
    for (const l of [...listeners]) l(latest);
  };
  const advance = (ms: number) => engine.advance(ms, emit);

  return {
    kind: 'sim',
    clusterId: config.clusterId,
    async start() {
      if (timer) return;
      running = true;
      lastWall = wall();
      // the sim's clock is wall time: snapshots carry when they were observed, and their age is real
      engine.jumpTo(lastWall, () => undefined);
      timer = setInterval(() => {
        const t = wall();
        const elapsed = Math.max(0, t - lastWall);
        lastWall = t;
        advance(elapsed);
      }, config.tickMs);
      emit();
    },
    async stop() {
      running = false;
      if (timer) clearInterval(timer);
      timer = null;
    },
    current: () => latest,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    health(): SourceHealth {
      return { state: running ? 'ok' : 'starting', message: running ? null : 'simulation not started', lastObservedAt: latest.observedAt };
    },
    applyFault(fault) {
      engine.applyFault(fault);
      emit();
    },
    setExpectedVotes(n) {
      engine.setExpectedVotes(n);
      emit();
    },
    advance,
    now: () => engine.clock,
    exportState: () => engine.exportState(),
  };
}
