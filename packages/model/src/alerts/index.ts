export * from './channels';
export * from './rules';
export * from './notification';
export * from './alert';
export * from './wording';
export * from './engine';
export * from './delivery';
