// The store's asynchronous face (issue 17): one BFF runs on SQLite (the embedded default) or PostgreSQL
// (replicas). Every part is built once on Kysely for both engines (sql/<part>.ts, its type that of its
// factory) from a SqlContext; the composition (store.ts) puts them together as a SqlStore.
import type { Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { User } from '../users';
import type { StoreHealth } from '../integrity';
import type { BackupOptions, BackupResult } from '../backup';
import type { CorruptReporter } from '../corrupt';
import type { AlertStore } from './alerts';
import type { AuditStore } from './audit';
import type { ClusterStore } from './clusters';
import type { EventStore } from './events';
import type { KvStore } from './kv';
import type { LeaseStore } from './leases';
import type { LinkRollupStore } from './link-rollups';
import type { SecretStore } from './secrets';
import type { SessionStore } from './sessions';
import type { Settings } from './settings';
import type { TaskStore } from './tasks';
import type { TimelineStore } from './timeline';
import type { TokenStore } from './tokens';
import type { UserStore } from './users';
import type { Dialect, Schema } from './schema';

export type { AlertStore, AuditStore, ClusterStore, EventStore, KvStore, LinkRollupStore, SecretStore, SessionStore, Settings, TaskStore, TimelineStore, TokenStore, UserStore };

/** What every part is built from: a database or a transaction on it (cheap to build: no state, no statements). */
export interface SqlContext {
  db: Kysely<Schema>;
  dialect: Dialect;
  now: () => number;
  reportCorrupt: CorruptReporter;
}

/**
 * users.update's hooks run inside the update's transaction, with the parts bound to it (a hook's writes
 * commit with the change or not at all); check may refuse by throwing.
 */
export type AsyncUpdateHooks = {
  check?: (current: User, tx: StoreParts) => void | Promise<void>;
  then?: (updated: User, before: User, tx: StoreParts) => void | Promise<void>;
};

/** The sub-stores, on the database or bound to one transaction. */
export interface StoreParts {
  /** with a fence, an append throws FencedError and writes nothing unless that lease is still current (fence.ts) */
  events: EventStore;
  audit: AuditStore;
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  secrets: SecretStore;
  /** clusters added through the API (their secrets in secrets) */
  clusters: ClusterStore;
  tasks: TaskStore;
  /** alert channels (secrets encrypted), silences, acknowledgements, the delivery log */
  alerts: AlertStore;
  kv: KvStore;
  settings: Settings;
  /** 1-minute link latency/loss per node pair and link; prune() them hourly (a week is kept) */
  linkRollups: LinkRollupStore;
  /** time travel: keyframes and patches per cluster */
  timeline: TimelineStore;
  /** which replica runs each cluster's collector */
  leases: LeaseStore;
}

export type PruneCounts = { events: number; audit: number; sessions: number; tasks: number; alerts: number };

/** Where the sign-in limiter keeps its counters: the engine's own client (rate-limiter-flexible). */
export type LimiterBackend = { kind: 'sqlite'; db: Database.Database } | { kind: 'postgres'; pool: pg.Pool };

export interface SqlStore extends StoreParts {
  dialect: Dialect;
  /** for messages: the SQLite file, or the PostgreSQL URL without its password */
  where: string;
  /** ok, or corrupt (SQLite: with what was found and what to do), or unreachable (PostgreSQL did not answer) */
  health(): StoreHealth;
  /** health() brought up to date: PostgreSQL asked (a round trip, at most one per 2 s); SQLite as health() */
  checkHealth(): Promise<StoreHealth>;
  /**
   * Pass any error a request failed with: a SQLite corruption error marks the store corrupt, a PostgreSQL that
   * cannot be reached unreachable (returns true for either).
   */
  noteError(err: unknown): boolean;
  /** SQLite: PRAGMA quick_check now (hourly at most); never throws. PostgreSQL: a round trip. */
  checkIntegrity(): Promise<StoreHealth>;
  /** SQLite: an online copy into file (0600). PostgreSQL: refused (StoreError 'invalid'): use pg_dump. */
  backup(file: string, options?: BackupOptions): Promise<BackupResult>;
  /** Applies the retention settings to events, audit, tasks and alerts and drops expired sessions. */
  prune(): Promise<PruneCounts>;
  /**
   * Runs fn in one write transaction with the parts bound to it: all of its writes commit together or
   * none do. Nested calls run in the outer transaction.
   */
  transaction<T>(fn: (tx: StoreParts) => Promise<T>): Promise<T>;
  limiter: LimiterBackend;
  /** Kysely on the database: for the parts' own tests and diagnostics, not for the BFF */
  db: Kysely<Schema>;
  /** Ends the pool or closes the file. */
  close(): Promise<void>;
}
