// The namespace lab as a source: reads tools/lab's state file and asks each node through its namespace.
// Given a prefix, it follows the lab: when the lab is rebuilt (another state file: other nodes, a new
// start), it re-attaches with the new node list instead of watching the old one forever.
import { NetnsRunner } from '../runners';
import { plural, type ClusterSnapshot } from '@quorate/model';
import { Subscribable } from '../subscribable';
import { DEFAULT_PREFIX, readState, stateFile, type LabState } from './state';
import { createCorosyncSource, type CorosyncSource, type CorosyncSourceOptions } from '../corosync/source';
import type { SourceCapabilities } from '../source';
import type { LabOperations } from './operations';

export type LabSourceOptions = Omit<CorosyncSourceOptions, 'kind' | 'nodes' | 'clusterId'> & {
  clusterId?: string;
  /** a prefix's state file is read again this often, ms (default 2000) */
  reloadMs?: number;
  /** join, create and delnode (tools/lab's): added to the capabilities of whichever lab is attached */
  operations?: LabOperations;
};

const noLab = (prefix: string) =>
  `no lab '${prefix}' is running (no state file ${stateFile(prefix)}); start one with: sudo npm run lab -- up --nodes 3${prefix === DEFAULT_PREFIX ? '' : ` --prefix ${prefix}`}`;

/** what makes a lab another lab: when it was built and which nodes it has */
const identity = (s: LabState) => JSON.stringify([s.createdAt, s.nodes.map((n) => [n.name, n.nodeid, n.namespace])]);
const describe = (s: LabState) => `lab '${s.prefix}' (built ${s.createdAt}): ${s.nodes.length} nodes ${s.nodes.map((n) => n.name).join(', ')}, ${plural(s.links, 'link')}, token ${s.token} ms`;

function sourceFor(state: LabState, options: LabSourceOptions): CorosyncSource {
  const { reloadMs: _reloadMs, operations: _operations, ...rest } = options;
  return createCorosyncSource({
    ...rest,
    clusterId: options.clusterId ?? (state.prefix === DEFAULT_PREFIX ? 'lab' : `lab-${state.prefix}`),
    kind: 'lab',
    nodes: state.nodes.map((n) => ({ name: n.name, nodeId: n.nodeid, runner: new NetnsRunner(n.namespace) })),
  });
}

/** A state (e.g. from `Lab.up()`: a fixed lab) or a lab prefix (DEFAULT_PREFIX when none is given), whose state file is followed. */
export async function createLabSource(lab: LabState | string = DEFAULT_PREFIX, options: LabSourceOptions = {}): Promise<CorosyncSource> {
  // a fixed lab (tests) only watches: the operations follow a prefix's state file
  if (typeof lab !== 'string') return sourceFor(lab, options);
  const prefix = lab;
  const first = await readState(prefix);
  if (!first) throw new Error(noLab(prefix));
  return followLab(prefix, first, options);
}

function followLab(prefix: string, first: LabState, options: LabSourceOptions): CorosyncSource {
  const log = options.log ?? (() => {});
  const listeners = new Subscribable<ClusterSnapshot>();
  let state = first;
  let inner = sourceFor(first, options);
  let unsubscribe = inner.subscribe((s) => listeners.emit(s));
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let gone = false;

  const check = async (): Promise<void> => {
    timer = null;
    if (!running) return;
    try {
      const now = await readState(prefix);
      if (!running) return;
      if (!now) {
        if (!gone) log(`${noLab(prefix)}: its nodes show as unreachable until it is back`);
        gone = true;
      } else if (identity(now) !== identity(state)) {
        log(`${describe(now)} replaces ${describe(state)}: re-attaching`);
        gone = false;
        const old = inner;
        unsubscribe();
        // the old watchers are stopped in the background: a slow stop must not keep the new lab unwatched
        void old.stop().catch((err: unknown) => log(`lab '${prefix}': stopping the old watchers failed (${err instanceof Error ? err.message : String(err)})`));
        state = now;
        inner = sourceFor(now, options);
        unsubscribe = inner.subscribe((s) => listeners.emit(s));
        await inner.start();
      } else if (gone) {
        log(`${describe(now)} is back`);
        gone = false;
      }
    } catch (err) {
      log(`lab '${prefix}': cannot read its state file (${err instanceof Error ? err.message : String(err)})`);
    } finally {
      if (running) {
        timer = setTimeout(() => void check(), options.reloadMs ?? 2000);
        timer.unref?.();
      }
    }
  };

  return {
    kind: 'lab',
    get capabilities(): SourceCapabilities {
      return options.operations ? { ...inner.capabilities, ...options.operations } : inner.capabilities;
    },
    get mode() {
      return inner.mode;
    },
    get clusterId() {
      return inner.clusterId;
    },
    async start() {
      if (running) return;
      running = true;
      log(`attached to ${describe(state)}`);
      await inner.start();
      timer = setTimeout(() => void check(), options.reloadMs ?? 2000);
      timer.unref?.();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await inner.stop();
    },
    current: () => inner.current(),
    subscribe(listener) {
      return listeners.subscribe(listener);
    },
    health: () => inner.health(),
    nodeStates: () => inner.nodeStates(),
    setExpectedVotes: (n) => inner.setExpectedVotes(n),
  };
}
