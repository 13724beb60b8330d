export { createSimSource, type SimSource } from './source';
export { resumeSimSource, shiftSimTimes } from './resume';
export { SimFaultError } from './errors';
export { SimConfig, SimQdeviceOptions, type SimOptions } from './options';
export type { SimState, SimRing, NodeStatus, DurableSimState } from './state';
export { durableSimState, VOLATILE_SIM_KEYS } from './state';
export { scenarioSteps, type ScenarioName, type ScheduledStep } from './scenarios';
export { STORAGE_DEFS } from './storage';
// prefixed: the package root re-exports every source kind's names
export { SimSpare, SpareFault, MAX_CLOCK_OFFSET_MS as SIM_MAX_CLOCK_OFFSET_MS, SIM_COROSYNC_VERSION, SIM_PVE_VERSION } from './spares';
export { MAX_SPARES as SIM_MAX_SPARES } from './options';
export { simJoinFacts, SimJoinRequest, SIM_COROSYNC_PORT } from './join-facts';
export { TASK_STEP_MS as SIM_TASK_STEP_MS, SETTLE_POLL_MS as SIM_SETTLE_POLL_MS, SETTLE_MAX_MS as SIM_SETTLE_MAX_MS, type OperationOptions as SimOperationOptions } from './operation';
export { CLUSTER_NAME_MAX as SIM_CLUSTER_NAME_MAX, type CreateNode as SimCreateNode } from './create';
