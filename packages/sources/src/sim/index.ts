export { createSimSource, type SimSource } from './source';
export { resumeSimSource, shiftSimTimes } from './resume';
export { SimFaultError } from './errors';
export { SimConfig, SimQdeviceOptions, type SimOptions } from './options';
export type { SimState, SimRing, NodeStatus, DurableSimState } from './state';
export { durableSimState, VOLATILE_SIM_KEYS } from './state';
export { scenarioSteps, type ScenarioName, type ScheduledStep } from './scenarios';
export { STORAGE_DEFS } from './storage';
