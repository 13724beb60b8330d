// The simulated cluster as a ClusterSource: the engine on its own clock, driven by real timers after
// start() or by advance() in tests, emitting a snapshot on every change and every tick.
import { simAdvisorFacts } from './advisor-facts';
import { simQdeviceFacts, simQdeviceRemove, simQdeviceSetup } from './qdevice';
import { simApplyConf, simInterfaces, simLinkFacts } from './link-change';
import type { ClusterSnapshot, JoinFacts, LinkChange, LinkFacts, QdeviceFacts, QdeviceSetupInput, SimFault } from '@quorate/model';
import type { JoinCandidate, JoinInput, TaskIo } from '../source';
import type { ClusterSource, SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { simCreate, type CreateNode } from './create';
import { simDelnode } from './delnode';
import { SimEngine } from './engine';
import { simJoin } from './join';
import { simJoinFacts } from './join-facts';
import { simFingerprint, simJoinInformation } from './join-info';
import type { OperationOptions, SimControl } from './operation';
import { applySpareFault, type SimSpare } from './spares';
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
  /** the standalone nodes beside the cluster */
  spares(): SimSpare[];
  /** a spare set-up (spares.ts SpareFault): add, rename, set, remove, or the QDevice on/off; validated first */
  applySpareFault(fault: unknown): void;
  /** the join pre-flight's facts for a spare (request: {addresses?, nodeid?, votes?}); nothing unmeasured */
  joinFacts(spare: string, request?: unknown): JoinFacts;
  /** `pvecm add` of a spare; refuses (SimFaultError) a join a check fails; one operation at a time */
  join(spare: string, request?: unknown, options?: OperationOptions): Promise<void>;
  /** a cluster from spares when the simulation has none */
  create(clusterName: string, nodes: CreateNode[], options?: OperationOptions): Promise<void>;
  /** `pvecm delnode` of a powered-off member; it becomes a spare with the old configuration */
  delnode(name: string, options?: OperationOptions): Promise<void>;
  /** the QDevice pre-flight's facts (qdevice.ts) */
  qdeviceFacts(host: string): QdeviceFacts;
  /** `pvecm qdevice setup <host>`; refuses (SimFaultError) when qnetd cannot be reached, before anything changes */
  qdeviceSetup(input: unknown, options?: OperationOptions): Promise<void>;
  /** `pvecm qdevice remove` */
  qdeviceRemove(options?: OperationOptions): Promise<void>;
  /** a link change's pre-flight facts (link-change.ts) */
  linkFacts(change: LinkChange): LinkFacts;
  /** a new corosync.conf (links only) on every node, reloaded; refuses what the sim cannot represent */
  applyConf(text: string, options?: OperationOptions): Promise<void>;
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
  let engine = new SimEngine(config, wall(), state, options.tickPhaseMs ?? 0);
  /** the cluster operation running, if any (one at a time, as pmxcfs' config lock) */
  let busy: string | null = null;
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
  // a fault comes now, not when the clock last moved (up to a tick ago): once it is found valid the clock
  // catches up, so its snapshot says when it happened (its observedAt was up to a second old: bench:scale's p99)
  const catchUp = () => {
    if (running) advance(Math.max(0, wall() - engine.clock));
  };

  const ctl: SimControl = {
    state: () => engine.exportState(),
    snapshot: () => engine.snapshot(),
    replace(next) {
      engine = new SimEngine(config, engine.clock, next);
      emit();
      schedule();
    },
    applyFault: (f) => source.applyFault(f),
  };
  const exclusive = async (what: string, run: () => Promise<void>): Promise<void> => {
    if (busy !== null) throw new SimFaultError(`cannot ${what}: ${busy} is running`);
    busy = what;
    try {
      await run();
    } finally {
      busy = null;
    }
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
      engine.applyFault(fault, catchUp);
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
    spares: () => structuredClone(engine.exportState().spares ?? []),
    applySpareFault(fault) {
      if (busy !== null) throw new SimFaultError(`cannot change spares: ${busy} is running`);
      ctl.replace(applySpareFault(engine.exportState(), fault));
    },
    joinFacts: (spare, request) => simJoinFacts(engine.exportState(), engine.snapshot(), spare, request),
    join: (spare, request, o) => exclusive(`the join of ${spare}`, () => simJoin(ctl, spare, request, o)),
    create: (name, nodes, o) => exclusive(`the creation of ${name}`, () => simCreate(ctl, name, nodes, o)),
    delnode: (name, o) => exclusive(`the removal of ${name}`, () => simDelnode(ctl, name, o)),
    qdeviceFacts: (host) => simQdeviceFacts(ctl, host),
    qdeviceSetup: (input, o) => exclusive('the QDevice setup', () => simQdeviceSetup(ctl, input, o)),
    qdeviceRemove: (o) => exclusive('the QDevice removal', () => simQdeviceRemove(ctl, o)),
    linkFacts: (change) => simLinkFacts(ctl, change),
    applyConf: (text, o) => exclusive('the link change', () => simApplyConf(ctl, text, o)),
  };
  const candidates = async (): Promise<JoinCandidate[]> => source.spares().map((x) => ({ name: x.name, addresses: x.addresses.map((address, link) => ({ link, address })) }));
  // the sim needs no credentials: a join request is addresses, node id and votes
  const request = (i: JoinInput) => ({
    ...(i.addresses !== undefined ? { addresses: i.addresses } : {}),
    ...(i.nodeid !== undefined ? { nodeid: i.nodeid } : {}),
    ...(i.votes !== undefined ? { votes: i.votes } : {}),
  });
  const task = (io: TaskIo): OperationOptions => ({ log: (l) => io.log(l), signal: io.signal });
  const capabilities = {
    join: {
      candidates,
      // the sim's members "present" a certificate of their own (simFingerprint): a pasted blob is checked against it
      joinFacts: async (i: JoinInput) => {
        const facts = await source.joinFacts(i.name, request(i));
        return { ...facts, fingerprint: i.fingerprint ?? null, cluster: { ...facts.cluster, memberFingerprint: simFingerprint(source.clusterId) } };
      },
      join: (i: JoinInput, io: TaskIo) => source.join(i.name, request(i), task(io)),
      joinInformation: async () => simJoinInformation(source.clusterId, source.current()),
    },
    create: { candidates, create: (i: { clusterName: string; nodes: CreateNode[] }, io: TaskIo) => source.create(i.clusterName, i.nodes, task(io)) },
    delnode: { delnode: (name: string, io: TaskIo) => source.delnode(name, task(io)) },
    links: {
      interfaces: async () => simInterfaces(ctl.state()),
      linkFacts: async (change: LinkChange) => source.linkFacts(change),
      apply: (text: string, io: TaskIo) => source.applyConf(text, task(io)),
    },
    qdevice: {
      qdeviceFacts: async (host: string) => source.qdeviceFacts(host),
      setup: (input: QdeviceSetupInput, io: TaskIo) => source.qdeviceSetup(input, task(io)),
      remove: (io: TaskIo) => source.qdeviceRemove(task(io)),
    },
    faults: { applyFault: (f: SimFault) => source.applyFault(f) },
    expectedVotes: { setExpectedVotes: (n: number) => source.setExpectedVotes(n) },
    stateExport: { exportState: () => source.exportState() },
    advisorFacts: { advisorFacts: async () => simAdvisorFacts(source.current()) },
  };
  return Object.assign(source, { capabilities });
}
