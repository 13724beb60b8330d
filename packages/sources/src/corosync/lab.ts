// The namespace lab as a source: reads tools/lab's state file and asks each node through its namespace.
import { NetnsRunner } from '../runners';
import { DEFAULT_PREFIX, readState, stateFile, type LabState } from './lab-state';
import { createCorosyncSource, type CorosyncSource, type CorosyncSourceOptions } from './source';

export type LabSourceOptions = Omit<CorosyncSourceOptions, 'kind' | 'nodes' | 'clusterId'> & { clusterId?: string };

/** A state (e.g. from `Lab.up()`) or a lab prefix (DEFAULT_PREFIX, 'qlab', when none is given), whose state file is read. */
export async function createLabSource(lab: LabState | string = DEFAULT_PREFIX, options: LabSourceOptions = {}): Promise<CorosyncSource> {
  let state: LabState;
  if (typeof lab === 'string') {
    const read = await readState(lab);
    if (!read) {
      throw new Error(`no lab '${lab}' is running (no state file ${stateFile(lab)}); start one with: sudo npm run lab -- up --nodes 3${lab === DEFAULT_PREFIX ? '' : ` --prefix ${lab}`}`);
    }
    state = read;
  } else {
    state = lab;
  }
  return createCorosyncSource({
    ...options,
    clusterId: options.clusterId ?? (state.prefix === DEFAULT_PREFIX ? 'lab' : `lab-${state.prefix}`),
    kind: 'lab',
    nodes: state.nodes.map((n) => ({ name: n.name, nodeId: n.nodeid, runner: new NetnsRunner(n.namespace) })),
  });
}
