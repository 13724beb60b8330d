export { Lab, LabError, down, labAvailable, requireRoot, isRoot, resolveNode } from './lab';
export type { FaultAction, NodeStatus, QuorumView, UpOptions, Log } from './lab';
export {
  DEFAULT_PREFIX,
  STATE_DIR,
  LabStateSchema,
  LabNodeSchema,
  labDir,
  readState,
  stateFile,
  type LabNode,
  type LabState,
} from './state';
export { parseLinkStatus, parseQuorumStatus, type LinkView, type QuorumSummary } from './parse';

import { Lab, type FaultAction, type NodeStatus, type UpOptions } from './lab';

/** Function-style API over the Lab class (the CLI and tests may use either). */
export const up = (opts: UpOptions): Promise<Lab> => Lab.up(opts);
export const fault = async (prefix: string, node: string | number, action: FaultAction): Promise<string> => (await Lab.open(prefix)).fault(node, action);
export const status = async (prefix: string): Promise<NodeStatus[]> => (await Lab.open(prefix)).status();
