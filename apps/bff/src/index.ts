export { createServer, type QuorateServer, type ServerDeps } from './app';
export { loadConfig, ConfigError, type Config, type ClusterConfig } from './config';
export type { EventStore, EventStoreFactory } from './event-store';
