export { createCorosyncSource, type CorosyncSource, type CorosyncSourceOptions } from './source';
export { ExpectedVotesError, type ExpectedVotesResult } from './expected-votes';

export type { NodeSpec, NodeSnapshot } from './node';
export { configFromCmap, quorumOptionsFromCmap, type CorosyncConfig } from './config';
export { expectedDropMs } from './warnings';

