export * from './source';
export * from './runners';
export * from './corosync';
