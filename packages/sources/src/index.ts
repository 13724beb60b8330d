export * from './source';
export { Subscribable } from './subscribable';
export * from './runners';
export * from './corosync';
export * from './sim';
export * from './deferred';
export * from './ssh-cluster';
