export { createLabSource, type LabSourceOptions } from './source';
export * from './state';
export { labKind, LabSettings } from './kind';
export type { LabOperations, LabOperationsContext, LabOperationsFactory } from './operations';
