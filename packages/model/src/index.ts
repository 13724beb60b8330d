export * from './snapshot';
export * from './events';
export * from './faults';
export * from './patch';
export * from './protocol';
