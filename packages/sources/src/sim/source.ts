// The simulated cluster as a ClusterSource: the engine on its own clock, driven by real timers after
// start() or by advance() in tests, emitting a snapshot on every change and every tick.
import type { ClusterSnapshot, SimFault } from '@quorate/model';
import type { ClusterSource, SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { SimEngine } from './engine';
import type { DurableSimState, SimState } from './state';
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

/** exportState() or durableSimState() of it */
function restoreState(raw: unknown): SimState | DurableSimState {
  const st = raw as Partial<SimState> | null;
  if (!st || typeof st !== 'object' || st.version !== 1 || !st.config || typeof st.clock !== 'number')
    throw new SimFaultError('cannot resume the simulation: unknown state format');
  return { ...(st as DurableSimState), config: SimConfig.parse(st.config) };
}

export function createSimSource(options: SimOptions = {}): SimSource {
  const wall = options.now ?? Date.now;
  const state = options.state !== undefined ? restoreState(options.state) : undefined;
  const config = state?.config ?? SimConfig.parse(options);
  const engine = new SimEngine(config, wall(), state);
  const listeners = new Subscribable<ClusterSnapshot>();
  let latest: ClusterSnapshot = engine.snapshot();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;

  const emit = () => {
    latest = engine.snapshot();
    listeners.emit(latest);
  };
  const advance = (ms: number) => engine.advance(ms, emit);

  // Real time: sleep until the next thing falls due (a tick, a detection, a scheduled step), then catch the
  // clock up to the wall. Changes are computed when they are due — not up to a tick late — so a snapshot's
  // observedAt is when it changed, and delivery latency measured from it is honest.
  const schedule = () => {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(loop, Math.max(0, engine.nextDueAt() - wall()));
  };
  const loop = () => {
    timer = null;
    advance(Math.max(0, wall() - engine.clock));
    schedule();
  };

  const source: Omit<SimSource, 'capabilities'> = {
    kind: 'sim',
    clusterId: config.clusterId,
    async start() {
      if (running) return;
      running = true;
      // the sim's clock is wall time: snapshots carry when they were observed, and their age is real
      engine.jumpTo(wall(), () => undefined);
      schedule();
      emit();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    current: () => latest,
    subscribe(listener) {
      return listeners.subscribe(listener);
    },
    health(): SourceHealth {
      return { state: running ? 'ok' : 'starting', message: running ? null : 'simulation not started', lastObservedAt: latest.observedAt };
    },
    applyFault(fault) {
      engine.applyFault(fault);
      emit();
      schedule(); // the fault may make something fall due sooner (a knet link-down, a clean leave)
    },
    setExpectedVotes(n) {
      engine.setExpectedVotes(n);
      emit();
      schedule();
    },
    advance,
    now: () => engine.clock,
    exportState: () => engine.exportState(),
  };
  const capabilities = {
    faults: { applyFault: (f: SimFault) => source.applyFault(f) },
    expectedVotes: { setExpectedVotes: (n: number) => source.setExpectedVotes(n) },
    stateExport: { exportState: () => source.exportState() },
  };
  return Object.assign(source, { capabilities });
}
