export * from './source';
export * from './runners';
