export * from './join-info';
export * from './facts';
export * from './checks';
export * from './plan';
export * from './requests';
