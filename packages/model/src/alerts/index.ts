export * from './channels';
export * from './rules';
export * from './notification';
