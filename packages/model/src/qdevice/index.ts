export * from './facts';
export * from './plan';
