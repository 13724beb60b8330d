// The store is asynchronous (issue 17): the same parts on SQLite (a data directory) or PostgreSQL (a URL).
export { openSqlStore as openStore } from './sql/store';
export type { SqlStoreOptions as StoreOptions } from './sql/store';
export type { SqlStore as Store, StoreParts, AsyncUpdateHooks, PruneCounts, LimiterBackend } from './sql/contract';
// the parts, each its factory's type
export type {
  AlertStore,
  AuditStore,
  ClusterStore,
  EventStore,
  KvStore,
  LinkRollupStore,
  SecretStore,
  SessionStore,
  Settings,
  TaskStore,
  TimelineStore,
  TokenStore,
  UserStore,
} from './sql/contract';
export { Fence, FencedError } from './sql/fence';
export { isUnreachable } from './sql/errors';
export { createLeaseKeeper } from './sql/lease-keeper';
export type { LeaseKeeper, LeaseKeeperOptions } from './sql/lease-keeper';
export type { LeaseStore, Lease } from './sql/leases';
export type { StoreHealth } from './integrity';
export type { BackupOptions, BackupResult } from './backup';
export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export type { CorruptRow, CorruptReporter } from './corrupt';
export { Role, roleAtLeast } from './roles';
export { EventListQuery, EventPruneOptions } from './events';
export type { EventPage, EventList } from './events';
export { Actor, ActorKind, AuditInput, AuditRecord, AuditResult, AuditListQuery } from './audit';
export type { AuditList } from './audit';
export { User, Username, Password, NewUser } from './users';
export type { UserUpdate } from './users';
export type { Session, NewSession } from './sessions';
export { ApiTokenInfo, NewToken, TokenName, TOKEN_PREFIX, tokenCreator } from './tokens';
export type { TokenIdentity, RevokedToken } from './tokens';
export { checkPrivateFile } from './private-file';
export { Retention, RetentionPatch, defaultRetention } from './settings';
export { StoredCluster } from './clusters';
export type { ClusterWrite } from './clusters';
export type { TaskListQuery } from './sql/tasks';
export { LinkRollup, LINK_ROLLUP_KEEP_MS } from './link-rollups';
export type { NewDelivery } from './sql/alerts';
export type { TimelineChange, TimelineState, TimelinePruneOptions } from './timeline';
