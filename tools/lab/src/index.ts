export { Lab, LabError, down, labAvailable, requireRoot, isRoot, resolveNode, indexOf, MAX_SPARES, MAX_NODES, JOIN_TIMEOUT_MS, REMOVE_TIMEOUT_MS } from './lab';
export type { DownResult, FaultAction, NodeStatus, QuorumView, UpOptions, Log, NodeFacts, ProbeResult } from './lab';
export { COROSYNC_PORT, BLOCK_TABLE, parsePing, blockRules, renderHosts, confFacts, parseCorosyncVersion, isLabAddress } from './probe';
export { CLUSTER_NAME_RE, MAX_CLOCK_OFFSET_MS, type CreateClusterOptions, type JoinOptions } from './membership';
export {
  parseQuorumOptions,
  parseVotes,
  validateQuorum,
  quorumConfLines,
  describeQuorum,
  QuorumOptionError,
  LabQuorumOptionsSchema,
  type LabQuorumOptions,
} from './quorum';
export { parsePartition, partitionRules, describePartition, PartitionError, PARTITION_TABLE } from './partition';
export { renderSshdConfig, parseKeygenFingerprint, knownHostsLine, hostLinkAddress, hostLinkIface } from './sshd';
export { removeQbLeftovers } from './procs';
export { labOperations, labJoinFacts } from './operations';
export { applyLinks, labLinkFacts, linkEditOf, linkPort, waitConfigVersion, LINK_CONFIG_WAIT_MS, LINK_RESTART_QUORUM_MS, type LinkApplyOptions } from './links';
export {
  DEFAULT_PREFIX,
  STATE_DIR,
  LabStateSchema,
  LabNodeSchema,
  labDir,
  readState,
  readStateEx,
  LabStateExSchema,
  stateFile,
  networkLinks,
  type LabNode,
  type LabState,
  type LabNodeEx,
  type LabStateEx,
  type LabSshd,
  type LabSshdNode,
  type LabRole,
} from './state';
export { parseLinkStatus, parseQuorumStatus, type LinkView, type QuorumSummary } from './parse';

import { Lab, type FaultAction, type NodeStatus, type UpOptions } from './lab';

/** Function-style API over the Lab class (the CLI and tests may use either). */
export const up = (opts: UpOptions): Promise<Lab> => Lab.up(opts);
export const fault = async (prefix: string, node: string | number, action: FaultAction): Promise<string> => (await Lab.open(prefix)).fault(node, action);
export const status = async (prefix: string): Promise<NodeStatus[]> => (await Lab.open(prefix)).status();
